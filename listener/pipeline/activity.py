"""Pipeline stage 3c: each new mention's account activity for the bot judge, read from the
store in one batch (issue 18).

An account is a handle on one network (a polled type and its stream are one account), its
timeline the posts the store holds of it from the last ``WINDOW`` (at most ``PER_ACCOUNT``,
newest first) plus this batch's. From it, once per account: its densest minute, its
link-only posts by domain, its posts by words, whether its gaps are clockwork; and per
mention its posts in the hour up to it and its earlier posts of the same words (the batch's
earlier ones counted, never its later ones). The words are compared with numbers, links and
@handles taken out, so a template's filled-in coupon codes and tracking links read as one.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from statistics import fmean
from typing import Protocol
from urllib.parse import urlsplit

from listener.judging.bots import (
    BURST_SECONDS,
    SCHEDULE_JITTER,
    SCHEDULE_MIN_POSTS,
    AccountActivity,
)
from listener.models import Mention
from listener.pipeline.copies import CopyOf
from listener.sources.registry import network_of, same_network_types
from listener.store.activity_reads import RECENT_POST_CHARS, RecentPost

__all__ = [
    "PER_ACCOUNT",
    "WINDOW",
    "ActivityLookups",
    "TimelinePost",
    "account_activity",
    "timeline_activity",
    "timeline_post",
]

WINDOW = timedelta(days=1)  # how far back an account's posts are read
PER_ACCOUNT = 50  # at most this many of its stored posts: enough to see a pattern
_HOUR = 3_600.0
_SCHEDULE_POSTS = 12  # the newest posts a schedule is looked for in
_MIN_GAP_S = 60.0  # a clockwork schedule posts at most once a minute (faster is a burst)
_MIN_WORDS = 12  # characters of words under which "the same words" means nothing ("lol")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_NOISE = re.compile(r"(?:https?://|www\.)\S+|@\w+|[^a-z\s]+")
_LINK_ONLY_WORDS = 3  # a link with at most this many other words is "only a link"


class ActivityLookups(Protocol):
    """The store reads this stage needs (a subset of ``listener.store.Store``)."""

    def recent_posts_of(
        self,
        accounts: Sequence[tuple[str, str]],
        *,
        since: datetime,
        per_account: int,
    ) -> dict[tuple[str, str], list[RecentPost]]: ...


@dataclass(frozen=True, slots=True)
class TimelinePost:
    """One post of an account's timeline, as the activity is computed from it."""

    at: float  # POSIX seconds
    shape: str  # its words without numbers, links and handles
    domain: str | None  # where it links, when it is only a link


def account_activity(
    mentions: Sequence[Mention],
    lookups: ActivityLookups,
    *,
    copies: Mapping[str, CopyOf],
    now: datetime,
    templates: Mapping[str, int] | None = None,
) -> dict[str, AccountActivity]:
    """The activity of each mention's account (by mention id); for a mention without an
    author handle, only what the near-copy stage knows. ``templates``: other accounts
    posting each mention's template, its figures aside (``NearCopies.find_with_templates``).
    """
    by_account: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for mention in mentions:
        handle = mention.author.handle
        if handle:
            by_account[(network_of(mention.source_type), _key(handle))].append(mention)
    stored: dict[tuple[str, str], list[RecentPost]] = {}
    if by_account:
        earliest = min(min(m.published_at for m in group) for group in by_account.values())
        wanted = [
            (one_type, group[0].author.handle or "")
            for group in by_account.values()
            for one_type in same_network_types(group[0].source_type)
        ]
        stored = lookups.recent_posts_of(
            wanted, since=min(earliest, now) - WINDOW, per_account=PER_ACCOUNT
        )
    found: dict[str, AccountActivity] = {}
    for (_network, handle), group in by_account.items():
        posts = [
            timeline_post(p.published_at, p.words)
            for one_type in same_network_types(group[0].source_type)
            for p in stored.get((one_type.lower(), handle), ())
        ]
        batch = {m.id: timeline_post(m.published_at, _words(m)) for m in group}
        for mention_id, activity in timeline_activity([*posts, *batch.values()], batch).items():
            found[mention_id] = activity
    for mention in mentions:
        copy = copies.get(mention.id)
        near = copy.authors - 1 if copy else 0
        shared = (templates or {}).get(mention.id, 0)
        if near <= 0 and shared <= 0:
            continue
        seen = found.get(mention.id, AccountActivity())
        found[mention.id] = AccountActivity(
            near_copy_authors=near,
            template_authors=shared,
            posts_last_hour=seen.posts_last_hour,
            burst=seen.burst,
            scheduled_every_s=seen.scheduled_every_s,
            same_words=seen.same_words,
            link_only_domain=seen.link_only_domain,
            link_only_posts=seen.link_only_posts,
            recent_posts=seen.recent_posts,
        )
    return found


def timeline_activity(
    posts: Sequence[TimelinePost], judged: Mapping[str, TimelinePost]
) -> dict[str, AccountActivity]:
    """The activity of each of ``judged`` (mention id → its post) from its account's
    ``posts`` (the judged ones among them)."""
    ordered = sorted(posts, key=lambda p: p.at)
    times = [p.at for p in ordered]
    burst = _densest(times, BURST_SECONDS)
    every = _clockwork(times[-_SCHEDULE_POSTS:])
    # Each shape's post times, sorted: a post's "earlier posts" are those before it, so the
    # first of a batch of four counts none of the three after it.
    shapes: dict[str, list[float]] = defaultdict(list)
    for p in ordered:
        if len(p.shape) >= _MIN_WORDS:
            shapes[p.shape].append(p.at)
    domains = Counter(p.domain for p in ordered if p.domain)
    domain, link_only = domains.most_common(1)[0] if domains else (None, 0)
    found: dict[str, AccountActivity] = {}
    for mention_id, post in judged.items():
        hour = bisect_right(times, post.at) - bisect_left(times, post.at - _HOUR)
        shape = post.shape
        found[mention_id] = AccountActivity(
            posts_last_hour=hour,
            burst=burst,
            scheduled_every_s=every,
            same_words=bisect_left(shapes.get(shape, []), post.at),
            link_only_domain=domain,
            link_only_posts=link_only,
            recent_posts=len(ordered),
        )
    return found


def timeline_post(at: datetime, words: str) -> TimelinePost:
    """A post as the timeline reads it: its time, its words' shape, its link-only domain."""
    shape, domain = _shape_and_domain(words[:RECENT_POST_CHARS])
    return TimelinePost(at.timestamp(), shape, domain)


@lru_cache(maxsize=16_384)
def _shape_and_domain(text: str) -> tuple[str, str | None]:
    # Remembered: an account's stored posts are read again with every batch it posts in.
    lowered = text.lower()
    shape = " ".join(_NOISE.sub(" ", lowered).split())
    domain = None
    if "http" in lowered or "www." in lowered:
        urls = _URL.findall(text)
        if urls and len(shape.split()) <= _LINK_ONLY_WORDS:
            host = urlsplit(urls[0] if "://" in urls[0] else f"//{urls[0]}").hostname or ""
            domain = host.removeprefix("www.") or None
    return shape, domain


def _words(mention: Mention) -> str:
    return mention.text[:RECENT_POST_CHARS]


def _key(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


def _densest(times: Sequence[float], seconds: float) -> int:
    """The most of ``times`` (sorted) within ``seconds`` of each other."""
    best, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] > seconds:
            start += 1
        best = max(best, end - start + 1)
    return best


def _clockwork(times: Sequence[float]) -> float | None:
    """The gap between ``times`` (sorted) when they are evenly spaced, as a timer posts."""
    if len(times) < SCHEDULE_MIN_POSTS:
        return None
    gaps = [b - a for a, b in pairwise(times)]
    mean = fmean(gaps)
    if mean < _MIN_GAP_S:
        return None
    if max(abs(gap - mean) for gap in gaps) > SCHEDULE_JITTER * mean:
        return None
    return mean
