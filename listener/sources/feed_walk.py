"""Which of a feed's entries one poll takes: the newest first, then the next stretch of a walk
through a feed longer than one poll's budget.

Entries are taken in *reading order*, newest first: document order, or the reverse for a
feed its dates show to be oldest-first. A poll takes at most ``budget`` entries in all:

1. the top: with no walk under way, the first ``budget`` entries; during a walk, the entries
   above the top the previous poll saw (``Walk.top``) — new since then, read at once;
2. then, with what the budget leaves, the walk's next stretch, from just after the entries
   it read last (``Walk.after``).

The walk is anchored on identity, not position: entries inserted at the top, or removed,
move positions but not identities, so the walk neither skips nor repeats. A few anchors are
kept, not one, so that the removal of the very entry a walk stopped at does not lose it; when
every anchor is gone the position is the fallback. When more new entries arrived than the
budget holds, the top ``budget`` are read and the walk starts again below them: entries may
then be read twice (the pipeline drops repeats), never skipped.
"""

from __future__ import annotations

import email.utils
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any, TypeVar

# Anchors a cursor keeps of each kind: the removal of a few entries between two polls is
# common (a feed trimmed, a post deleted); of eight in a row, rare. 16 hex digits each.
ANCHORS = 8
# Dated entries sampled to tell a feed's order: enough for a majority, cheap at 100,000.
_ORDER_SAMPLE = 33
_EPOCH = re.compile(rb"\d{9,11}")

T = TypeVar("T")


@dataclass(frozen=True)
class Walk:
    """Where a walk through a long feed stands (kept in the source's cursor)."""

    position: int  # entries before the walk's next one, in reading order (the fallback)
    after: tuple[str, ...] = ()  # keys of the entries just before the next one, nearest first
    top: tuple[str, ...] = ()  # keys of the first entries at the last poll, the top first
    oldest_first: bool = False  # the reading order: the document's, or its reverse

    def as_json(self) -> dict[str, Any]:
        value: dict[str, Any] = {"entries_read": self.position}
        if self.after:
            value["after"] = list(self.after)
        if self.top:
            value["top"] = list(self.top)
        if self.oldest_first:
            value["oldest_first"] = True
        return value

    @classmethod
    def from_json(cls, value: Any) -> Walk | None:
        """The walk a cursor holds; ``None`` for none (or a cursor from elsewhere). A cursor
        of an older version, ``{"entries_read": N}`` alone, is a walk by position."""
        if not isinstance(value, dict):
            return None
        position = value.get("entries_read")
        if not isinstance(position, int) or isinstance(position, bool) or position <= 0:
            return None
        return cls(
            position=position,
            after=_keys(value.get("after")),
            top=_keys(value.get("top")),
            oldest_first=value.get("oldest_first") is True,
        )


def _keys(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(key for key in value[:ANCHORS] if isinstance(key, str))


@dataclass(frozen=True)
class Choice:
    """The entries one poll takes (document positions, ascending) and the walk after it
    (``None``: the feed was read to its end)."""

    chosen: list[int]
    walk: Walk | None


def choose_entries(
    total: int,
    identities: Callable[[], Sequence[bytes]],
    budget: int,
    walk: Walk | None,
    oldest_first: Callable[[], bool],
) -> Choice:
    """The entries to take of a feed of ``total`` entries; see the module docstring.
    ``identities`` (what identifies each entry, in document order) is asked for only when
    the feed does not fit the budget, or a walk is under way; ``oldest_first`` only when a
    walk starts (a walk keeps the order it started with)."""
    if total <= budget and walk is None:
        return Choice(list(range(total)), None)  # the whole feed, as it comes
    reverse = walk.oldest_first if walk is not None else oldest_first()
    found = identities()
    keys = _entry_keys(found[::-1] if reverse else found)
    del found  # a feed of 100,000 entries: only the keys are kept
    taken, walk = _take(keys, budget, walk, reverse)
    return Choice(sorted(total - 1 - i if reverse else i for i in taken), walk)


def _take(
    keys: list[str], budget: int, walk: Walk | None, reverse: bool
) -> tuple[list[int], Walk | None]:
    """Reading-order indices to take, and the walk after them."""
    total = len(keys)
    if walk is None:
        return _from_the_top(keys, budget, reverse)
    if not walk.top:  # a walk by position alone: where the top stood is not known
        after = _first_found(walk.after, keys)
        new = 0
        resume = after + 1 if after is not None else walk.position
    else:
        # Above the top the last poll saw, everything is new; with the top gone, everything
        # above the walk is taken for new (read again, never skipped).
        top = _first_found(walk.top, keys)
        # An anchor above the old top was moved there (an entry updated, re-sorted to the
        # top): it no longer marks where the walk stood, the next anchor does.
        after = _first_found(walk.after, keys, start=top or 0)
        if top is not None:
            new = top
        elif after is not None:
            new = after + 1
        else:
            return _from_the_top(keys, budget, reverse)  # a different feed now
        # The position moved down by the new entries, and up by the anchors that are gone
        # (each removed from just above the walk).
        missing = len(walk.after)
        resume = after + 1 if after is not None else walk.position + new - missing
    if resume >= total and not walk.top:
        return _from_the_top(keys, budget, reverse)  # the feed shrank below the walk
    if new > budget:
        # More new than a poll takes: the rest of them lie between this poll's top and the
        # old walk, which starts again below the top (one stretch is all a cursor keeps).
        return _from_the_top(keys, budget, reverse)
    resume = min(max(resume, new), total)
    end = min(resume + budget - new, total)
    taken = [*range(new), *range(resume, end)]
    return taken, _walk_at(keys, end, reverse)


def _from_the_top(keys: list[str], budget: int, reverse: bool) -> tuple[list[int], Walk | None]:
    end = min(budget, len(keys))
    return list(range(end)), _walk_at(keys, end, reverse)


def _walk_at(keys: list[str], end: int, reverse: bool) -> Walk | None:
    """The walk that goes on at reading-order index ``end`` (``None`` at the feed's end)."""
    if end >= len(keys):
        return None
    after = tuple(reversed(keys[max(end - ANCHORS, 0) : end]))
    return Walk(position=end, after=after, top=tuple(keys[:ANCHORS]), oldest_first=reverse)


def _first_found(anchors: Sequence[str], keys: list[str], start: int = 0) -> int | None:
    """Where the first of ``anchors`` still in the feed (from ``start`` on) is (a search in
    C per anchor costs less than a dict of every key)."""
    for anchor in anchors:
        try:
            return keys.index(anchor, start)
        except ValueError:
            continue
    return None


def _entry_keys(identities: Sequence[bytes]) -> list[str]:
    """A short key per entry (reading order), unique within the feed: an identity that
    several entries share is told apart by its occurrence, counted from the oldest end,
    where nothing is inserted, so an older copy keeps its key when a newer one arrives."""
    seen: Counter[bytes] = Counter()
    keys = [""] * len(identities)
    for i in range(len(identities) - 1, -1, -1):
        identity = identities[i]
        occurrence = seen[identity]
        seen[identity] += 1
        data = identity if not occurrence else identity + b"\x1f%d" % occurrence
        keys[i] = hashlib.blake2b(data, digest_size=8).hexdigest()
    return keys


def is_oldest_first(dates: Sequence[T], timestamp: Callable[[T], float | None]) -> bool:
    """Whether the entries' dates mostly rise in document order: compares neighbours among
    a sample of the dated entries (parsing every date of a 100,000-entry feed would cost
    seconds). Undated or unordered: newest first, as nearly every feed is."""
    step = max(len(dates) // (_ORDER_SAMPLE * 4), 1)
    stamps = [s for s in (timestamp(d) for d in dates[::step]) if s is not None]
    stamps = stamps[:: max(len(stamps) // _ORDER_SAMPLE, 1)]
    rising = sum(1 for a, b in pairwise(stamps) if b > a)
    falling = sum(1 for a, b in pairwise(stamps) if b < a)
    return rising > falling


def date_timestamp(raw: bytes) -> float | None:
    """A date as a feed writes it (RFC 822, ISO 8601, epoch seconds) in seconds; ``None``
    when it is none of these."""
    text = raw.decode("utf-8", "replace").strip()
    if not text:
        return None
    try:
        if _EPOCH.fullmatch(raw.strip()):
            return float(text)
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    except (ValueError, OverflowError, OSError):
        return None
