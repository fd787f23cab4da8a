"""Incremental polling of listings paged by number, newest first, that cannot be asked for
"older than X" (App Store review pages, Trustpilot's ``page=N``).

``window.Window`` needs an API that filters on the key (``created_at_i<=``); these only
number their pages. ``PageWalk`` keeps in the cursor what an earlier poll read — the newest
key (``since``) and the ids at the top (``seen``) — and a poll pages until it meets them.

A poll that runs out of ``max_pages`` first leaves a ``gap``: the next poll resumes at the
page it stopped at rather than at page 1. That skips nothing: new posts push the listing
down, so whatever was unread sits at that page or later; the newest posts that arrived
meanwhile are read by the poll after the gap is closed (it moves ``since`` on only then).

    poll 1: pages 1..3, not done   → since, seen kept; gap {page: 4, newest read}
    poll 2: pages 4..6, meets since → since = newest read by poll 1; gap closed
    poll 3: pages 1.., meets since

Keys are epoch seconds; items without one are recognised by id alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from listener.sources.values import as_count

SEEN_IDS_KEPT = 20  # ids at the top of the listing kept to recognise what was read


@dataclass
class PageWalk:
    """One poll's walk through the pages; ``to_cursor`` gives the cursor to store."""

    since: int | None  # items older than this were read by earlier polls
    seen: frozenset[str]  # ids read at the top of the listing by an earlier poll
    first_page: int = 1
    _newest: dict[str, Any] = field(default_factory=dict)  # the boundary once a gap closes
    _gap: dict[str, Any] | None = None
    _read: list[tuple[int | None, str]] = field(default_factory=list)

    @classmethod
    def from_cursor(cls, cursor: dict[str, Any], default_since: int) -> PageWalk:
        """The walk a stored cursor continues (a first poll starts at ``default_since``)."""
        gap = cursor.get("gap") if isinstance(cursor.get("gap"), dict) else None
        boundary = gap or cursor
        since = as_count(boundary.get("since"))
        if since is None and not cursor:
            since = default_since
        seen = frozenset(str(i) for i in boundary.get("seen") or ())
        if gap is None:
            return cls(since, seen, _newest={"since": since, "seen": sorted(seen)})
        newest = {"since": gap.get("newest_since"), "seen": gap.get("newest_seen") or []}
        return cls(since, seen, as_count(gap.get("page")) or 1, _newest=newest, _gap=gap)

    def reached(self, item_id: str, key: int | None) -> bool:
        """Whether paging has met what an earlier poll read: an item older than ``since``,
        or a known id not changed since (a known id with a newer key is an edit)."""
        if key is not None and self.since is not None and key < self.since:
            return True
        return item_id in self.seen and (key is None or self.since is None or key <= self.since)

    def edited(self, item_id: str) -> bool:
        """A known id met before ``reached``: it came back to the top with a newer key."""
        return item_id in self.seen

    def read(self, item_id: str, key: int | None) -> None:
        """Note an item this poll returns, in listing order."""
        self._read.append((key, item_id))

    @property
    def oldest(self) -> int | None:
        return min((k for k, _ in self._read if k is not None), default=None)

    def to_cursor(self, *, complete: bool, next_page: int) -> dict[str, Any]:
        """The cursor after this poll; ``complete`` when it met the boundary or the end of the
        listing, else ``next_page`` is where the next poll resumes."""
        newest = dict(self._newest)
        if self._gap is None and self._read:  # inside a gap, the gap's opener read the top
            keys = [k for k, _ in self._read if k is not None]
            since = max(keys, default=self.since)
            seen = [i for _, i in self._read[:SEEN_IDS_KEPT]]
            if since == self.since:  # the same second as before: the old ids still count
                seen += sorted(self.seen - set(seen))[: SEEN_IDS_KEPT - len(seen)]
            newest = {"since": since, "seen": seen}
        newest = {k: v for k, v in newest.items() if v is not None}
        if complete:
            return newest
        return {
            **newest,
            "gap": {
                "page": next_page,
                "since": self.since,
                "seen": sorted(self.seen),
                "newest_since": newest.get("since"),
                "newest_seen": newest.get("seen") or [],
            },
        }
