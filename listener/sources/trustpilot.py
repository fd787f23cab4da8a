"""Trustpilot reviews of one business unit, through the public Business Units API.

``GET {api_url}/v1/business-units/{id}/reviews?orderBy=createdat.desc&perPage=100&page=N``
with the API key in an ``apikey`` header. Find the business-unit id once with
``/v1/business-units/find?name=<domain>``.

Caps and traps:

- Pages are numbered only: a page past the end is an empty ``reviews`` list, not an error.
- ``createdAt`` orders the listing and never changes; an edit shows as a later
  ``updatedAt`` (``edited_at``) on a review the listing does not move, so an edit to a
  review older than the cursor is not seen again.
- A removed review is simply gone from the listing; there is no marker to read.
- Private fields (customer email, order id) need OAuth and are not read here.
- HTTP 429 when the key's rate is exceeded (honoured with ``Retry-After`` when sent);
  401/403: the key is wrong or not allowed for this business unit.

Incremental (``page_walk.PageWalk``): the cursor keeps the newest ``createdAt`` seen and the
ids at the top; a poll pages until it meets them, at most ``max_pages`` pages, and the next
poll resumes at the page where one ran out.
"""

from __future__ import annotations

import html
from typing import Any

from pydantic import Field

from listener.models import Author, Engagement, RawItem, SourceState
from listener.sources.api import (
    ApiOptions,
    BaseUrl,
    Secret,
    dump_cursor,
    first_poll_since,
    get_json,
    load_cursor,
    require,
)
from listener.sources.base import PollContext, PollResult, SourceInfo
from listener.sources.page_walk import PageWalk
from listener.sources.ratelimit import pause_s
from listener.sources.timestamps import epoch, parse_timestamp
from listener.sources.values import MAPPING_ERRORS, as_count

PER_PAGE = 100
REVIEW_URL = "https://www.trustpilot.com/reviews/{id}"

INFO = SourceInfo(
    summary="Trustpilot reviews of one business unit (Business Units API)",
    credentials=("api_key: a Trustpilot API key (developers.trustpilot.com → your application)",),
    limits="HTTP 429 when the key's rate is exceeded; 100 reviews a page, pages numbered only",
    sample="""\
- name: trustpilot
  type: trustpilot
  interval: 1h
  business_unit_id: 46d6a890000064000500e0c3   # /v1/business-units/find?name=example.com
  api_key: ${TRUSTPILOT_API_KEY}
  lookback: 7d             # first poll only
""",
)


class Options(ApiOptions):
    business_unit_id: str = Field(pattern=r"^[A-Za-z0-9]+$")
    api_key: Secret
    api_url: BaseUrl = "https://api.trustpilot.com"


async def poll(ctx: PollContext[Options], state: SourceState) -> PollResult:
    options = ctx.options
    walk = PageWalk.from_cursor(
        load_cursor(state), default_since=epoch(first_poll_since(ctx, options.lookback))
    )
    url = f"{options.api_url}/v1/business-units/{options.business_unit_id}/reviews"
    items: list[RawItem] = []
    problems: list[str] = []
    complete = False
    page = walk.first_page
    wait: float | None = None
    for page in range(walk.first_page, walk.first_page + options.max_pages):
        response = await get_json(
            ctx,
            url,
            params={"orderBy": "createdat.desc", "perPage": PER_PAGE, "page": page},
            headers={"apikey": options.api_key.get_secret_value()},
        )
        wait = pause_s(response.budget, options.max_pages)
        reviews = require(response.data, "reviews", list, f"Trustpilot reviews page {page}")
        for position, review in enumerate(reviews):
            review_id = str(review.get("id") or "") if isinstance(review, dict) else ""
            created = parse_timestamp(review.get("createdAt")) if review_id else None
            key = epoch(created) if created else None
            if review_id and walk.reached(review_id, key):
                complete = True
                break
            try:
                item = _raw_item(review)
            except MAPPING_ERRORS as exc:
                problems.append(f"page {page} review {position + 1} skipped: {exc}")
                continue
            items.append(item)
            walk.read(review_id, key)
        if complete or len(reviews) < PER_PAGE:  # a short or empty page is the last
            complete = True
            break
    else:
        page += 1  # every page allowed was full: the next poll resumes after the last
    return PollResult(
        items=items,
        cursor=dump_cursor(walk.to_cursor(complete=complete, next_page=page)),
        min_next_check_s=wait,
        problems=problems,
    )


def _raw_item(review: dict[str, Any]) -> RawItem:
    review_id = str(review.get("id") or "")
    if not review_id:
        raise ValueError("no id")
    stars = review.get("stars")
    if not isinstance(stars, int | float) or isinstance(stars, bool) or not 1 <= stars <= 5:
        raise ValueError(f"stars {stars!r} is not 1-5")
    consumer = review.get("consumer")
    consumer = consumer if isinstance(consumer, dict) else {}
    consumer_id = consumer.get("id")
    title = str(review.get("title") or "")
    text = str(review.get("text") or "")
    created = parse_timestamp(review.get("createdAt"))
    updated = parse_timestamp(review.get("updatedAt"))
    extra: dict[str, Any] = {}
    links = [link for link in review.get("links") or [] if isinstance(link, dict)]
    if links:
        extra["links"] = {str(link.get("rel")): link.get("href") for link in links}
    reply = review.get("companyReply")
    if isinstance(reply, dict) and reply.get("text"):
        extra["company_reply"] = {"text": reply["text"], "created_at": reply.get("createdAt")}
    for key in ("isVerified", "status"):
        if review.get(key) is not None:
            extra[key] = review[key]
    if isinstance(consumer.get("numberOfReviews"), int):
        extra["consumer_reviews"] = consumer["numberOfReviews"]
    likes = review.get("numberOfLikes")
    return RawItem(
        native_id=review_id,
        url=REVIEW_URL.format(id=review_id),
        # Title and text are plain text: escaped, since RawItem holds HTML.
        title=html.escape(title, quote=False) if title else None,
        html=html.escape(text, quote=False),
        author=Author(
            handle=str(consumer_id) if consumer_id else None,
            name=str(consumer.get("displayName") or "") or None,
            url=f"https://www.trustpilot.com/users/{consumer_id}" if consumer_id else None,
            posts=as_count(consumer.get("numberOfReviews")),  # the reviews it has written
        ),
        published_at=created,
        # updatedAt equal to createdAt (or absent) is no edit.
        edited_at=updated if updated and created and updated > created else None,
        language=str(review.get("language") or "") or None,
        rating=float(stars),
        engagement=Engagement(
            likes=likes if isinstance(likes, int) and not isinstance(likes, bool) else None
        ),
        extra=extra,
    )
