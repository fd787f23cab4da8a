"""Reddit without credentials: its public Atom feeds (``search.rss``, ``/r/{subs}/new/.rss``,
``/r/{subs}/comments/.rss``), read as the rss source reads feeds (``listener.sources.feeds``),
then given Reddit's shape.

The feeds carry the newest 25 entries (up to ``limit=100``), no scores and no deletion or edit
markers; there is no cursor to page with, so each poll reads the newest entries and the store
drops those it already has. Anonymous clients get about 10 requests a minute and are answered
with 429 beyond: every poll waits at least ``MIN_WAIT_S`` before the next.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

from listener.models import Author, RawItem, SourceState
from listener.sources.api import dump_cursor, first_poll_since, load_cursor
from listener.sources.base import PollContext, PollResult
from listener.sources.feeds import read_feed
from listener.sources.ratelimit import longest

MIN_WAIT_S = 300.0  # anonymous feed readers are throttled hard; be a polite one
# Reddit appends "submitted by /u/x to r/y [link] [comments]" to every entry's content.
_FOOTER = re.compile(r"\s*&#32;\s*submitted by\s*&#32;.*\Z", re.S)
_LINK = re.compile(r'<a href="([^"]+)">\[link\]</a>')
_THREAD = re.compile(r"/r/([^/]+)/comments/([a-z0-9]+)/")
_USER = re.compile(r"/?u/(\S+)")


async def poll_feeds(
    ctx: PollContext[Any],
    state: SourceState,
    urls: list[str],
    user_agent: str,
    lookback: timedelta,
) -> PollResult:
    """Read each feed in ``urls`` once; see the module docstring."""
    # No cursor yet (or one from OAuth mode): the first poll keeps only ``lookback``'s worth.
    since = first_poll_since(ctx, lookback) if load_cursor(state).get("mode") != "rss" else None
    single = len(urls) == 1  # ETag/Last-Modified only fit in the state for one feed
    items: list[RawItem] = []
    problems: list[str] = []
    waits: list[float | None] = [MIN_WAIT_S]
    result = None
    for url in urls:
        feed_state = state if single else SourceState(source=state.source)
        result = await read_feed(ctx, url, {"User-Agent": user_agent}, feed_state)
        problems.extend(result.problems)
        waits.append(result.min_next_check_s)
        for item in result.items:
            mapped = reddit_item(item)
            if since is None or mapped.published_at is None or mapped.published_at >= since:
                items.append(mapped)
    kept = result if single and result is not None else None
    return PollResult(
        items=items,
        etag=kept.etag if kept else None,
        last_modified=kept.last_modified if kept else None,
        not_modified=bool(kept and kept.not_modified),
        cursor=dump_cursor({"mode": "rss"}),
        min_next_check_s=longest(*waits),
        problems=problems,
    )


def reddit_item(item: RawItem) -> RawItem:
    """An rss entry as Reddit's: ``t3_``/``t1_`` id kept, the "submitted by" footer dropped,
    ``/u/name`` as the handle, the thread and subreddit read from the permalink."""
    body = _FOOTER.sub("", item.html)
    extra = dict(item.extra)
    link = _LINK.search(item.html)
    if link and link[1] != item.url:
        extra["link_url"] = link[1]  # a link post: the feed names its target only here
    thread = _THREAD.search(item.url or "")
    if thread:
        extra["subreddit"] = thread[1]
    user = _USER.fullmatch((item.author.name or "").strip())
    author = item.author
    if user:
        author = Author(
            handle=user[1], url=item.author.url or f"https://www.reddit.com/user/{user[1]}"
        )
    return replace(
        item,
        html=body.strip(),
        author=author,
        thread_id=f"t3_{thread[2]}" if thread else None,
        extra=extra,
    )
