"""Hacker News stories and comments, through Algolia's HN search API (no credentials).

``search_by_date`` lists the newest hits first. The cursor is the newest ``created_at_i``
stored (the first poll starts ``lookback`` ago); each poll pages back through at most
``max_pages`` pages, and what it could not reach is fetched by the next (``window.Window``).

Algolia pages only through the first 1,000 hits of a query (a window holding more is left as
a gap below the oldest hit read, not closed), sends no rate-limit headers and blocks an IP
past 10,000 requests an hour: polls stay small and HTTP 429 is honoured.
"""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any, Literal

from pydantic import Field

from listener.models import Author, Engagement, RawItem, SourceState
from listener.sources.api import (
    ApiOptions,
    BaseUrl,
    dump_cursor,
    first_poll_since,
    get_json,
    load_cursor,
    require,
)
from listener.sources.base import PollContext, PollResult, SourceInfo
from listener.sources.timestamps import epoch, parse_timestamp
from listener.sources.values import MAPPING_ERRORS, as_count, skipped
from listener.sources.window import Window

ITEM_URL = "https://news.ycombinator.com/item?id={id}"
HITS_PER_PAGE = 100

INFO = SourceInfo(
    summary="Hacker News stories and comments (Algolia HN search API)",
    credentials=("none",),
    limits="10,000 requests/hour per IP, no rate-limit headers; at most 1,000 hits per query",
    sample="""\
- name: hn
  type: hackernews
  interval: 10m
  query: acme
  tags: [story, comment]   # or just [comment]
  lookback: 2d             # first poll only
""",
    # Algolia allows 10,000 requests an hour per IP: 360 polls of up to 3 pages is 1,080.
    min_interval=timedelta(seconds=10),
)


Tag = Literal["story", "comment", "poll", "show_hn", "ask_hn"]


class Options(ApiOptions):
    query: str = Field(min_length=1)
    tags: tuple[Tag, ...] = Field(default=("story", "comment"), min_length=1)
    api_url: BaseUrl = "https://hn.algolia.com/api/v1"


async def poll(ctx: PollContext[Options], state: SourceState) -> PollResult:
    options = ctx.options
    window = Window.from_cursor(
        load_cursor(state), default_since=epoch(first_poll_since(ctx, options.lookback))
    )
    numeric = f"created_at_i>={window.since}"
    if window.upper is not None:
        numeric += f",created_at_i<={window.upper}"
    items: list[RawItem] = []
    keys: list[int] = []
    problems: list[str] = []
    complete = False
    for page in range(options.max_pages):
        response = await get_json(
            ctx,
            f"{options.api_url}/search_by_date",
            params={
                "query": options.query,
                "tags": "(" + ",".join(options.tags) + ")",  # parentheses OR the tags
                "numericFilters": numeric,
                "hitsPerPage": HITS_PER_PAGE,
                "page": page,
            },
        )
        hits = require(response.data, "hits", list, "HN search")
        for hit in hits:
            if not isinstance(hit, dict) or not hit.get("objectID"):
                problems.append("HN search: skipped a hit without objectID")
                continue
            try:
                items.append(_raw_item(hit))
            except MAPPING_ERRORS as exc:
                problems.append(skipped("HN search", exc))
                continue
            created = hit.get("created_at_i")
            if isinstance(created, int):
                keys.append(created)
        pages = response.data.get("nbPages")
        if not hits or not isinstance(pages, int) or page + 1 >= pages:
            # The last page Algolia serves is not the end of the window when it holds more
            # than the 1,000 hits a query may page through: the rest is a gap for the next
            # poll, whose narrower window (below the oldest hit read) reaches it.
            total = response.data.get("nbHits")
            beyond = isinstance(total, int) and total > (page + 1) * HITS_PER_PAGE
            complete = not hits or not beyond
            break
    window = window.after(keys, complete=complete)
    return PollResult(items=items, cursor=dump_cursor(window.to_cursor()), problems=problems)


def _raw_item(hit: dict[str, Any]) -> RawItem:
    object_id = str(hit["objectID"])
    is_comment = hit.get("comment_text") is not None
    # A comment has no title of its own: its story's title would make every comment on a
    # story about the brand look like a mention of it.
    title = None if is_comment else hit.get("title")
    body = hit.get("comment_text") if is_comment else hit.get("story_text")
    author = hit.get("author")
    return RawItem(
        native_id=object_id,
        url=ITEM_URL.format(id=object_id),
        # The title is plain text; RawItem wants HTML.
        title=html.escape(str(title), quote=False) if title else None,
        html=str(body or ""),
        author=Author(
            handle=str(author) if author else None,
            url=f"https://news.ycombinator.com/user?id={author}" if author else None,
        ),
        published_at=parse_timestamp(hit.get("created_at_i") or hit.get("created_at")),
        engagement=Engagement(
            likes=as_count(hit.get("points")), replies=as_count(hit.get("num_comments"))
        ),
        parent_id=_id(hit.get("parent_id")),
        thread_id=_id(hit.get("story_id")) or object_id,
        extra={k: hit[k] for k in ("url", "story_title") if hit.get(k)},
    )


def _id(value: Any) -> str | None:
    return str(value) if isinstance(value, int | str) and str(value) else None
