"""RSS 0.9x/1.0/2.0 and Atom feeds, Google Alerts feeds included.

The source is its settings; reading the feed (conditional GET, feedparser, mapping entries,
what counts as an error) is ``listener.sources.feeds``, which Reddit's feed mode shares.

``max_entries`` caps the entries one poll takes, in all, the newest first. A longer feed is
walked over the next polls, and each of those polls reads the entries new at the top before
the walk's next stretch, so a new entry never waits for the walk to end. The walk is kept in
the cursor (``{"entries_read": N, "after": [...], "top": [...]}``: its position, and short
keys of the entries it read last and of the feed's first entries, which anchor it on
identity; ``listener.sources.feed_walk``) until it reaches the end.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

from listener.models import SourceState
from listener.sources.base import PollContext, PollResult, SourceInfo, SourceOptions
from listener.sources.feed_walk import Walk
from listener.sources.feeds import DEFAULT_MAX_ENTRIES, read_feed_window


def _http_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL")
    return value.strip()


class Options(SourceOptions):
    """``url`` is kept exactly as written (no normalisation), since it is also the base
    that relative links are resolved against."""

    url: Annotated[str, AfterValidator(_http_url)]
    headers: dict[str, str] = Field(default_factory=dict)
    # Entries per poll, in all: the newest first, then a walk's next ones; the rest are read
    # at the next polls. Bounds a poll's memory and the time a stopping daemon waits for it.
    max_entries: int = Field(default=DEFAULT_MAX_ENTRIES, ge=1, le=10_000)


INFO = SourceInfo(
    summary="RSS 0.9x/1.0/2.0 and Atom feeds: news searches, blogs, Google Alerts, subreddit feeds",
    credentials=("none (a Google Alerts feed address is itself the secret: use ${ENV})",),
    limits="HTTP 429/503 with Retry-After; the feed's <ttl> and Cache-Control are honoured",
    sample="""\
- name: google-alerts
  type: rss
  interval: 30m
  url: ${GOOGLE_ALERTS_FEED_URL}   # https://www.google.com/alerts/feeds/…
  # max_entries: 1000               # entries per poll, newest first; a longer feed is walked
                                    # over the next polls, each also reading what is new at the top
""",
    # Feeds are read with conditional GET: an unchanged feed answers 304 with no body,
    # and a feed's <ttl> or Cache-Control still stretches the next check.
    min_interval=timedelta(seconds=10),
    byline_handles=True,  # an entry's author is a byline: feed_handle(name, site)
)


async def poll(ctx: PollContext[Options], state: SourceState) -> PollResult:
    """Fetch the feed once (conditionally, unless a walk through a long feed is under way)
    and map up to ``max_entries`` of its entries: the newest, then the walk's next ones."""
    walk = _walk(state.cursor)
    if walk is not None:
        state = replace(state, etag=None, last_modified=None)  # the whole document again
    window = await read_feed_window(
        ctx,
        ctx.options.url,
        ctx.options.headers,
        state,
        walk=walk,
        max_entries=ctx.options.max_entries,
    )
    if window.walk is not None:
        return replace(window.result, cursor=json.dumps(window.walk.as_json()))
    # "" rather than None, which would keep the old cursor: the walk is over.
    return replace(window.result, cursor="") if state.cursor else window.result


def _walk(cursor: str | None) -> Walk | None:
    """The walk through a long feed under way; ``None`` for none (or a cursor from elsewhere)."""
    try:
        value = json.loads(cursor or "{}")
    except (ValueError, RecursionError):  # stored text, perhaps corrupt: nested past the limit
        return None
    return Walk.from_json(value)
