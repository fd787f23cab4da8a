"""RSS 0.9x/1.0/2.0 and Atom feeds, Google Alerts feeds included.

The source is its settings; reading the feed (conditional GET, feedparser, mapping entries,
what counts as an error) is ``listener.sources.feeds``, which Reddit's feed mode shares.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

from listener.models import SourceState
from listener.sources.base import PollContext, PollResult, SourceInfo, SourceOptions
from listener.sources.feeds import read_feed


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


INFO = SourceInfo(
    summary="RSS 0.9x/1.0/2.0 and Atom feeds: news searches, blogs, Google Alerts, subreddit feeds",
    credentials=("none (a Google Alerts feed address is itself the secret: use ${ENV})",),
    limits="HTTP 429/503 with Retry-After; the feed's <ttl> and Cache-Control are honoured",
    sample="""\
- name: google-alerts
  type: rss
  interval: 30m
  url: ${GOOGLE_ALERTS_FEED_URL}   # https://www.google.com/alerts/feeds/…
""",
)


async def poll(ctx: PollContext[Options], state: SourceState) -> PollResult:
    """Fetch the feed once (conditionally) and map its entries."""
    return await read_feed(ctx, ctx.options.url, ctx.options.headers, state)
