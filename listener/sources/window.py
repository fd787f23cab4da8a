"""Incremental polling of APIs that list newest first, with a bounded number of pages per poll.

Most search APIs (HN, X, Reddit, Stack Exchange, Bluesky, YouTube…) answer newest first and
page backwards. With a page limit per poll, a busy query can have more new posts than one
poll reaches; naively moving the cursor to the newest post would skip the rest forever.
``Window`` keeps that gap in the cursor instead:

    poll 1: asks for key ≥ since, reads 3 pages newest-first, does not reach the end
            → stored: since, newest seen, gap_until = oldest seen
    poll 2: asks for since ≤ key ≤ gap_until: the part poll 1 missed (more pages if needed)
            → when it reaches the end: since = newest seen by any poll; the gap is closed
    poll 3: asks for key ≥ since again

A key is any number that grows with time: epoch seconds (HN ``created_at_i``), a numeric
post id (X snowflakes, Mastodon ids), a base-36 fullname read as a number (Reddit). Posts at
exactly ``since`` are asked for again (two posts can share a second); the store drops the
one it already has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Window:
    """What is covered so far; kept in the source's cursor (``to_cursor``/``from_cursor``)."""

    since: int  # every post with a smaller key has been fetched
    newest: int | None = None  # the newest key seen while a gap is open
    gap_until: int | None = None  # posts in since..gap_until are still to fetch

    @property
    def upper(self) -> int | None:
        """The largest key this poll asks for (``None``: no upper bound)."""
        return self.gap_until

    def after(self, keys: list[int], *, complete: bool) -> Window:
        """The window after a poll that saw ``keys``; ``complete`` when it reached the end
        of the listing (an empty or last page) rather than its page limit."""
        newest = max([*keys, *(k for k in (self.newest,) if k is not None)], default=None)
        if complete:
            return Window(since=max(self.since, newest) if newest is not None else self.since)
        if not keys:  # nothing read yet the listing goes on: keep asking the same range
            return self
        return Window(since=self.since, newest=newest, gap_until=min(keys))

    def to_cursor(self) -> dict[str, Any]:
        cursor: dict[str, Any] = {"since": self.since}
        if self.gap_until is not None:
            cursor.update(newest=self.newest, gap_until=self.gap_until)
        return cursor

    @classmethod
    def from_cursor(cls, cursor: dict[str, Any], default_since: int) -> Window:
        """The window a cursor holds, or a new one from ``default_since`` (the first poll)."""
        since = cursor.get("since")
        if not isinstance(since, int) or isinstance(since, bool):
            return cls(since=default_since)
        gap_until, newest = cursor.get("gap_until"), cursor.get("newest")
        if isinstance(gap_until, int) and isinstance(newest, int) and gap_until >= since:
            return cls(since=since, newest=newest, gap_until=gap_until)
        return cls(since=since)
