"""Reading one RSS/Atom feed: a conditional GET, a bounded parse, each entry a ``RawItem``.

Shared by the ``rss`` source and Reddit's credential-free feed mode. One conditional GET per
read (``listener.sources.http.fetch``), parsed from bytes in a worker process that is killed
when it runs over (``listener.sources.feed_worker``; the document's handling, poison and
nesting included, is ``listener.sources.feed_document``). Ill-formed feeds are common in the
wild, so a feed that still yields entries is a success with ``problems``; only a document that
gives no entries *and* could not be parsed (truncated, an HTML error page) is an error.
Likewise an entry that cannot be mapped is skipped and reported in ``problems``, the others
kept.

A poll takes at most ``max_entries`` entries in all, the newest first, so that its memory
follows that budget, not the feed (issue 13, item 6). A feed with more (an archive of
100,000) is walked over the next polls, as the API sources page, and every poll of the walk
first reads the entries that arrived at the top since the poll before, then the walk's next
stretch with what the budget leaves (``listener.sources.feed_walk``: the reading order, the
budget, the walk anchored on entry identity so that entries inserted at the top or removed
make it skip none). A walk needs the document, so while one is under way each poll fetches
it whole; once the walk reaches the end, the validators are kept and an unchanged feed is a
304 again. A changed feed longer than the budget is then walked afresh from the top (its
entries read again, which the pipeline drops as repeats): without a walk, the cursor keeps
nothing of what was read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from listener.models import SourceState
from listener.sources.base import PollContext, PollResult
from listener.sources.errors import TransientError
from listener.sources.feed_document import FeedRefused, NotAFeed
from listener.sources.feed_walk import Walk
from listener.sources.feed_worker import ParseFailed, parse_in_worker
from listener.sources.http import fetch
from listener.sources.http_times import cache_hint_s

# Entries one poll takes: ten times what a busy feed carries, and what the pipeline judges
# and stores in well under a second.
DEFAULT_MAX_ENTRIES = 1000

FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)


@dataclass(frozen=True)
class FeedWindow:
    """One poll's read: its result, and the walk the next poll goes on with (``None``: from
    the top, conditionally — this poll read the feed to its end)."""

    result: PollResult
    walk: Walk | None = None


async def read_feed(
    ctx: PollContext[Any],
    url: str,
    headers: Mapping[str, str],
    state: SourceState,
    *,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> PollResult:
    """Fetch the feed at ``url`` once (conditionally) and map its newest ``max_entries``
    entries; see the module docstring. ``headers`` are sent besides ``Accept``."""
    window = await read_feed_window(ctx, url, headers, state, max_entries=max_entries)
    return window.result


async def read_feed_window(
    ctx: PollContext[Any],
    url: str,
    headers: Mapping[str, str],
    state: SourceState,
    *,
    walk: Walk | None = None,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> FeedWindow:
    """Fetch the feed at ``url`` (conditionally, with ``state``'s validators) and map at most
    ``max_entries`` entries: the newest, then the next of ``walk``; see the module docstring.
    The caller drops the validators while a walk is under way (a 304 would end it)."""
    response = await fetch(
        ctx,
        url,
        etag=state.etag,
        last_modified=state.last_modified,
        headers={"Accept": FEED_ACCEPT, **headers},
    )
    hint = cache_hint_s(response.headers, ctx.clock())
    if response.not_modified:
        return FeedWindow(
            PollResult(
                items=[],
                etag=response.etag,
                last_modified=response.last_modified,
                not_modified=True,
                min_next_check_s=hint,
            )
        )
    content_type = response.headers.get("Content-Type")
    try:
        document = await parse_in_worker(
            response.content, response.url, content_type, limit=max_entries, walk=walk
        )
    except (FeedRefused, NotAFeed, ParseFailed) as error:
        raise TransientError(str(error)) from None
    hints = [h for h in (hint, document.ttl_s) if h is not None]
    more = document.walk is not None
    return FeedWindow(
        PollResult(
            items=document.items,
            # Kept only once the feed was read to its end: a 304 now would skip the rest.
            etag=None if more else response.etag,
            last_modified=None if more else response.last_modified,
            min_next_check_s=max(hints) if hints else None,
            problems=document.problems,
        ),
        walk=document.walk,
    )
