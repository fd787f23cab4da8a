"""Follower counts looked up after a poll, for sources whose search results leave them out.

Bluesky's post views, YouTube's comment threads and Reddit's listings name an author but not
the audience behind them, which the judges' ``reach`` reads from ``Author.followers``. Each of
those sources asks a second endpoint about the authors of a poll's new posts
(``bluesky_profiles``, ``youtube_authors``, ``reddit_authors``); what they share lives here:

- ``AuthorCache``: what was learnt, in memory per source for a while and bounded in size, so
  a busy author is not looked up on every poll. "Known to have no count" (a hidden count, a
  suspended account) is cached too, as ``None``.
- ``wanted``: the authors to ask about, newest post first, each once.
- ``with_followers``: the items with the counts filled in.
- ``budget_is_low``: whether the API's announced budget leaves room for the extra calls.

A lookup is an extra, never a condition: when it fails the posts are kept without followers
and the poll reports a problem.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from listener.models import RawItem
from listener.sources.profiles import ProfileFacts, with_facts
from listener.sources.ratelimit import LOW_BUDGET_SHARE, RateBudget


@dataclass(frozen=True)
class Known:
    """A cached answer: the count, or ``None`` when the network shows none for this author."""

    followers: int | None
    until: datetime
    # The rest of the profile where the lookup's answer carries it (issue 18).
    facts: ProfileFacts | None = None


class AuthorCache:
    """Follower counts by (source name, author key), each kept for ``ttl``; the least
    recently used entries go first once ``max_entries`` are held."""

    def __init__(self, ttl: timedelta, max_entries: int) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str], Known] = OrderedDict()

    def get(self, source: str, key: str, now: datetime) -> Known | None:
        found = self._entries.get((source, key))
        if found is None:
            return None
        if now >= found.until:
            del self._entries[(source, key)]
            return None
        self._entries.move_to_end((source, key))
        return found

    def put(
        self,
        source: str,
        key: str,
        followers: int | None,
        now: datetime,
        facts: ProfileFacts | None = None,
    ) -> None:
        self._entries[(source, key)] = Known(followers, now + self.ttl, facts)
        self._entries.move_to_end((source, key))
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def wanted(items: Iterable[RawItem], key: Callable[[RawItem], str | None]) -> list[str]:
    """Each author key once, the newest post's author first (undated posts last)."""
    dated = sorted(
        items,
        key=lambda i: i.published_at.timestamp() if i.published_at else float("-inf"),
        reverse=True,
    )
    seen: dict[str, None] = {}
    for item in dated:
        found = key(item)
        if found:
            seen.setdefault(found, None)
    return list(seen)


def with_followers(
    items: list[RawItem],
    key: Callable[[RawItem], str | None],
    counts: dict[str, int | None],
    facts: dict[str, ProfileFacts | None] | None = None,
) -> list[RawItem]:
    """``items`` with ``author.followers`` set where ``counts`` knows a number, and the
    profile's other fields where ``facts`` knows them (a field the item has is kept)."""
    out: list[RawItem] = []
    for item in items:
        found = key(item)
        followers = counts.get(found) if found else None
        author = item.author
        if followers is not None and author.followers is None:
            author = replace(author, followers=followers)
        if found and facts:
            author = with_facts(author, facts.get(found))
        out.append(item if author is item.author else replace(item, author=author))
    return out


def lookup_failed(what: str, exc: Exception, left: int) -> str:
    """The problem line for a failed lookup; the message is cut, it may quote a long URL."""
    said = str(exc)
    if len(said) > 240:
        said = said[:239] + "…"
    return f"{what} failed ({said}): {left} authors keep no follower count this poll"


def budget_is_low(budget: RateBudget | None, reserve: int) -> bool:
    """True when the announced budget is within ``reserve`` requests of running out, or in
    the low share where ``ratelimit.pause_s`` already spreads the polls out: spending it on
    follower counts would bring the next search's 429 closer."""
    if budget is None or budget.remaining is None:
        return False
    if budget.remaining < reserve:
        return True
    return budget.limit is not None and budget.remaining <= LOW_BUDGET_SHARE * budget.limit
