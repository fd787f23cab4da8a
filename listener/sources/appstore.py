"""Apple App Store customer reviews, from the public customer-reviews JSON feed (no credentials).

``{feed_url}/{country}/rss/customerreviews/page={n}/id={app_id}/sortby=mostrecent/json`` lists
one country's reviews newest first, about 50 a page. Caps and traps:

- **Apple serves at most 10 pages (about 500 reviews) per app and country.** A poll that
  reads page 10 and still finds only new reviews cannot reach older ones: it says so in
  ``PollResult.problems`` and the operator should poll more often.
- Every value is a string under ``"label"``; ``im:rating`` is ``"1"``…``"5"``.
- Older feeds put the app itself first on page 1 (``im:name``, no ``im:rating``): skipped.
- One entry comes as an object, not a list; no reviews means no ``entry`` key at all.
- ``updated`` carries Apple's Pacific offset (``-07:00``); there is no separate creation
  date, so an edited review comes back with a new ``updated`` and is stored again as an edit.
- No language field: the country is the only locale signal (kept in ``extra``).
- Deleted reviews simply vanish from the feed; there is no marker to read.
- No rate-limit headers are documented; HTTP 429/503 are honoured like everywhere else.

Incremental (``page_walk.PageWalk``): the cursor keeps the newest ``updated`` seen and the ids
at the top of the feed; a poll pages until it meets them. A poll that runs out of
``max_pages`` first resumes, next time, at the page it stopped at.
"""

from __future__ import annotations

import html
from typing import Any

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
from listener.sources.page_walk import PageWalk
from listener.sources.timestamps import epoch, from_epoch, iso_z, parse_timestamp
from listener.sources.values import MAPPING_ERRORS, as_int

APPLE_MAX_PAGES = 10  # Apple's own cap: page=11 and later are never served

INFO = SourceInfo(
    summary="Apple App Store customer reviews of one app in one country (public JSON feed)",
    credentials=("none",),
    limits=(
        "at most 10 pages (about 500 reviews) per app and country, newest first; "
        "no documented rate limit or headers"
    ),
    sample="""\
- name: app-reviews-us
  type: appstore
  interval: 1h
  app_id: "284882215"      # the number in the app's apps.apple.com URL
  country: us
  max_pages: 3             # ≤ 10: Apple serves no more
  lookback: 7d             # first poll only
""",
)


class Options(ApiOptions):
    app_id: str = Field(pattern=r"^\d+$")
    country: str = Field(default="us", pattern=r"^[a-z]{2}$")
    feed_url: BaseUrl = "https://itunes.apple.com"


async def poll(ctx: PollContext[Options], state: SourceState) -> PollResult:
    options = ctx.options
    walk = PageWalk.from_cursor(
        load_cursor(state), default_since=epoch(first_poll_since(ctx, options.lookback))
    )
    items: list[RawItem] = []
    problems: list[str] = []
    complete = False
    page = walk.first_page
    last_page = min(APPLE_MAX_PAGES, walk.first_page + options.max_pages - 1)
    while page <= last_page:
        response = await get_json(ctx, _page_url(options, page))
        feed = require(response.data, "feed", dict, f"App Store feed page {page}")
        entries = feed.get("entry") or []
        entries = [entries] if isinstance(entries, dict) else entries
        # Older feeds put the app itself first (im:name, no im:rating).
        reviews = [e for e in entries if isinstance(e, dict) and "im:rating" in e]
        for position, entry in enumerate(reviews):
            review_id = _label(entry.get("id"))
            updated = parse_timestamp(_label(entry.get("updated")))
            key = epoch(updated) if updated else None
            if walk.reached(review_id, key):
                complete = True
                break
            try:
                item = _raw_item(entry, options.country, edited=walk.edited(review_id))
            except MAPPING_ERRORS as exc:
                problems.append(f"page {page} review {position + 1} skipped: {exc}")
                continue
            items.append(item)
            walk.read(review_id, key)
        if complete or not reviews:
            complete = True
            break
        page += 1

    if not complete and page > APPLE_MAX_PAGES:
        problems.append(
            f"page {APPLE_MAX_PAGES} of the App Store feed still held new reviews: Apple serves "
            f"no more than {APPLE_MAX_PAGES} pages, so reviews older than "
            f"{_when(walk.oldest)} were not fetched — poll more often"
        )
        complete = True  # nothing more can be read: close the gap
    return PollResult(
        items=items,
        cursor=dump_cursor(walk.to_cursor(complete=complete, next_page=page)),
        problems=problems,
    )


def _raw_item(entry: dict[str, Any], country: str, *, edited: bool = False) -> RawItem:
    review_id = _label(entry.get("id"))
    if not review_id:
        raise ValueError("no id")
    rating = as_int(_label(entry.get("im:rating")))
    if rating is None or not 1 <= rating <= 5:
        raise ValueError(f"im:rating {_label(entry.get('im:rating'))!r} is not 1-5")
    content = _dict(entry.get("content"))
    text = _label(content)
    kind = _dict(content.get("attributes")).get("type", "text")
    author = _dict(entry.get("author"))
    link = _dict(entry.get("link"))
    title = _label(entry.get("title"))
    updated = parse_timestamp(_label(entry.get("updated")))
    votes = as_int(_label(entry.get("im:voteCount")))
    helpful = as_int(_label(entry.get("im:voteSum")))
    extra: dict[str, Any] = {"country": country}
    if version := _label(entry.get("im:version")):
        extra["app_version"] = version
    if votes is not None:
        extra["vote_count"] = votes
    return RawItem(
        native_id=review_id,
        # Apple has no page per review: the link is the app's review listing.
        url=_dict(link.get("attributes")).get("href") or None,
        title=html.escape(title, quote=False) if title else None,
        # type "html" is passed through; plain text is escaped (RawItem holds HTML).
        html=text if kind == "html" else html.escape(text, quote=False),
        author=Author(
            name=_label(author.get("name")) or None, url=_label(author.get("uri")) or None
        ),
        published_at=updated,
        edited_at=updated if edited else None,
        rating=float(rating),
        # voteSum counts "helpful" votes out of voteCount votes cast.
        engagement=Engagement(likes=helpful),
        extra=extra,
    )


def _page_url(options: Options, page: int) -> str:
    return (
        f"{options.feed_url}/{options.country}/rss/customerreviews/page={page}"
        f"/id={options.app_id}/sortby=mostrecent/json"
    )


def _label(value: Any) -> str:
    """The string under ``"label"`` (every App Store value is wrapped so)."""
    if isinstance(value, dict):
        label = value.get("label")
        return label.strip() if isinstance(label, str) else ""
    return ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _when(key: int | None) -> str:
    moment = from_epoch(key) if key is not None else None
    return "the last one read" if moment is None else iso_z(moment)
