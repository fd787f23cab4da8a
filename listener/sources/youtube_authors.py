"""Subscriber counts for the authors of a YouTube poll's comments: ``channels.list``.

A comment names its author's channel (``authorChannelId.value``) but not its audience. After
the comment threads are read, the new comments' author channels (newest comment first) are
looked up 50 ids a call (``channels.list?part=snippet,statistics&id=a,b…``, 1 quota unit a call)
and ``statistics.subscriberCount`` — a numeric string — becomes ``Author.followers`` (the
snippet's description and ``publishedAt`` and ``videoCount`` fill the rest, issue 18). A
channel that hides its count (``hiddenSubscriberCount: true``) or is gone (missing from the
answer) is cached as unknown.

Bounds: at most ``MAX_CALLS`` calls (100 channels, 2 quota units) a poll; counts are kept per
source for ``CACHE_TTL`` (bounded). YouTube announces no rate budget, so the bound and the
cache are the only brakes.

A failed lookup never fails the poll: the comments keep no count and a problem is reported.
That includes an exhausted quota: it is not raised from here, and the next poll's
``commentThreads`` request meets the same ``quotaExceeded`` and waits for midnight Pacific.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from listener.models import RawItem
from listener.sources.api import get_json
from listener.sources.base import PollContext
from listener.sources.cached_authors import AuthorCache, lookup_failed, wanted, with_followers
from listener.sources.errors import SourceError
from listener.sources.http import Explain
from listener.sources.profiles import ProfileFacts, as_object, looked_up_profile
from listener.sources.timestamps import parse_timestamp
from listener.sources.values import as_int

IDS_PER_CALL = 50  # channels.list: at most 50 ids
MAX_CALLS = 2  # per poll: 100 channels, 2 quota units
CACHE_TTL = timedelta(hours=6)
CACHE = AuthorCache(CACHE_TTL, max_entries=20_000)


def forget_channels() -> None:
    """Drop every cached subscriber count (tests)."""
    CACHE.clear()


def _channel(item: RawItem) -> str | None:
    channel = item.extra.get("author_channel_id")
    return channel if isinstance(channel, str) and channel else None


def _subscribers(channel: Any) -> int | None:
    statistics = channel.get("statistics") if isinstance(channel, dict) else None
    if not isinstance(statistics, dict) or statistics.get("hiddenSubscriberCount") is True:
        return None
    count = as_int(statistics.get("subscriberCount"))
    return count if count is not None and count >= 0 else None


def _facts(channel: Any) -> ProfileFacts | None:
    """A channel's description (plain text; the links in it written out), when it was made
    (``snippet.publishedAt``) and its ``statistics.videoCount``. YouTube shows no count of
    the channels it follows."""
    if not isinstance(channel, dict):
        return None
    snippet = as_object(channel.get("snippet"))
    statistics = as_object(channel.get("statistics"))
    videos = as_int(statistics.get("videoCount"))
    return looked_up_profile(
        snippet.get("description"),
        created_at=parse_timestamp(snippet.get("publishedAt")),
        posts=videos if videos is not None and videos >= 0 else None,
    )


async def add_subscribers(
    ctx: PollContext[Any],
    items: list[RawItem],
    *,
    api_url: str,
    api_key: str,
    explain: Explain,
) -> tuple[list[RawItem], list[str]]:
    """``items`` with ``author.followers`` from cache or ``channels.list``, and problems."""
    now = ctx.clock()
    counts: dict[str, int | None] = {}
    facts: dict[str, ProfileFacts | None] = {}
    missing: list[str] = []
    for channel in wanted(items, _channel):
        known = CACHE.get(ctx.source, channel, now)
        if known is None:
            missing.append(channel)
        else:
            counts[channel], facts[channel] = known.followers, known.facts
    batches = [missing[i : i + IDS_PER_CALL] for i in range(0, len(missing), IDS_PER_CALL)]
    problems: list[str] = []
    for done, batch in enumerate(batches[:MAX_CALLS]):
        try:
            response = await get_json(
                ctx,
                f"{api_url}/channels",
                params={
                    # snippet: the channel's description and age (issue 18); the
                    # call costs one quota unit whatever the parts.
                    "part": "snippet,statistics",
                    "id": ",".join(batch),
                    "maxResults": IDS_PER_CALL,
                    "key": api_key,
                },
                explain=explain,
            )
        except SourceError as exc:
            left = sum(len(b) for b in batches[done:MAX_CALLS])
            problems.append(lookup_failed("YouTube channels.list", exc, left))
            break
        channels = response.data.get("items", []) if isinstance(response.data, dict) else None
        if not isinstance(channels, list):
            problems.append("YouTube channels.list: no items list in the answer")
            break
        shown = [c for c in channels if isinstance(c, dict) and isinstance(c.get("id"), str)]
        found = {c["id"]: _subscribers(c) for c in shown}
        found_facts = {c["id"]: _facts(c) for c in shown}
        for channel in batch:
            counts[channel], facts[channel] = found.get(channel), found_facts.get(channel)
            CACHE.put(ctx.source, channel, found.get(channel), now, found_facts.get(channel))
    return with_followers(items, _channel, counts, facts), problems
