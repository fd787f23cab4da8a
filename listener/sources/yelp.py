"""Yelp reviews of one business, through the Yelp Fusion API (``/v3/businesses/{id}/reviews``).

Caps and traps — read these before relying on this source:

- **Yelp returns only 3 review excerpts per business**, in its own order (``sort_by=newest``
  asks for the newest, where the plan allows it), and each ``text`` is cut at about 160
  characters ending in ``...``. This is "the latest three" sampled at every poll, not a
  stream: a business that gets more than three reviews between polls loses the rest. The
  first poll reports this as a problem, and the log says it once per source.
- ``time_created`` (``2016-08-29 00:41:13``) has **no zone**: it is the business's local time.
  It is taken as UTC here, so published dates are off by the business's UTC offset (up to a
  few hours, a day's edge at worst); the cursor compares reviews of one business with each
  other, which share that offset, so nothing is skipped because of it.
- Deleted reviews simply stop being returned; there is no marker.
- Errors come as ``{"error": {"code", "description"}}``: ``TOO_MANY_REQUESTS_PER_SECOND``
  (429, a short wait), ``ACCESS_LIMIT_REACHED`` (429, the daily quota: retried after midnight
  UTC), ``BUSINESS_UNAVAILABLE``/``BUSINESS_NOT_FOUND`` and ``TOKEN_INVALID`` (parked until the
  settings are fixed).

Incremental: the cursor keeps the newest ``time_created`` seen and the ids seen at it; a poll
returns only reviews newer than that (a known id with a newer date is an edit).
"""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any, Literal
from urllib.parse import quote

from pydantic import Field

from listener.models import Author, RawItem, SourceState
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
from listener.sources.errors import PermanentError, RateLimited, SourceError
from listener.sources.http import Explain, FailedResponse
from listener.sources.page_walk import PageWalk
from listener.sources.ratelimit import pause_s
from listener.sources.timestamps import epoch, parse_timestamp, seconds_until_midnight
from listener.sources.values import MAPPING_ERRORS

EXCERPTS = 3  # what the reviews endpoint returns per business
SHORT_WAIT_S = 10.0  # TOO_MANY_REQUESTS_PER_SECOND without a Retry-After
THREE_EXCERPTS = (
    "Yelp's API returns only {n} review excerpts per business (text cut at about 160 "
    "characters), so this source samples the latest few at each poll; {more}"
)

INFO = SourceInfo(
    summary="Yelp reviews of one business (Yelp Fusion API; only 3 excerpts per business)",
    credentials=("api_key: a Yelp Fusion API key (yelp.com/developers → Create App)",),
    limits=(
        "only 3 review excerpts per business, text cut at ~160 characters; "
        "daily request quota (ACCESS_LIMIT_REACHED) and a per-second limit "
        "(TOO_MANY_REQUESTS_PER_SECOND); time_created has no zone (business local time)"
    ),
    sample="""\
- name: yelp
  type: yelp
  interval: 6h
  business_id: yelp-san-francisco   # the id or the alias from the business's yelp.com URL
  api_key: ${YELP_API_KEY}
  locale: en_US
  lookback: 30d            # first poll only
""",
    # Raised: the Starter plan allows 300 calls a day, one a poll: 288 polls a day fit it.
    min_interval=timedelta(minutes=5),
)

_logged_once: set[str] = set()


class Options(ApiOptions):
    business_id: str = Field(min_length=1, pattern=r"^[^/?#\s]+$")
    api_key: Secret
    api_url: BaseUrl = "https://api.yelp.com/v3"
    locale: str | None = Field(default=None, pattern=r"^[a-z]{2}_[A-Z]{2}$")
    sort_by: Literal["newest", "yelp_sort"] = "newest"


async def poll(ctx: PollContext[Options], state: SourceState) -> PollResult:
    options = ctx.options
    cursor = load_cursor(state)
    walk = PageWalk.from_cursor(
        cursor, default_since=epoch(first_poll_since(ctx, options.lookback))
    )
    response = await get_json(
        ctx,
        f"{options.api_url}/businesses/{quote(options.business_id, safe='')}/reviews",
        explain=_explain(ctx),
        params={"locale": options.locale, "sort_by": options.sort_by},
        headers={"Authorization": f"Bearer {options.api_key.get_secret_value()}"},
    )
    reviews = require(response.data, "reviews", list, "Yelp reviews")
    items: list[RawItem] = []
    problems: list[str] = []
    language = options.locale.split("_")[0] if options.locale else None
    # Yelp's order is its own, not by date: every review is checked, none ends the list.
    for position, review in enumerate(reviews):
        review_id = str(review.get("id") or "") if isinstance(review, dict) else ""
        created = parse_timestamp(review.get("time_created")) if review_id else None
        key = epoch(created) if created else None
        if review_id and walk.reached(review_id, key):
            continue
        try:
            item = _raw_item(review, language, edited=walk.edited(review_id))
        except MAPPING_ERRORS as exc:
            problems.append(f"review {position + 1} skipped: {exc}")
            continue
        items.append(item)
        walk.read(review_id, key)
    if not cursor:
        total = response.data.get("total")
        more = (
            f"the business has {total} in all"
            if isinstance(total, int) and total > len(reviews)
            else "older ones are not reachable"
        )
        problems.append(THREE_EXCERPTS.format(n=EXCERPTS, more=more))
    if ctx.source not in _logged_once:
        _logged_once.add(ctx.source)
        ctx.log.info(
            THREE_EXCERPTS.format(n=EXCERPTS, more="expect a sample, not every review"),
            extra={"source": ctx.source},
        )
    return PollResult(
        items=items,
        cursor=dump_cursor(walk.to_cursor(complete=True, next_page=1)),
        min_next_check_s=pause_s(response.budget),
        problems=problems,
    )


def _explain(ctx: PollContext[Options]) -> Explain:
    def explain(failed: FailedResponse, default: SourceError) -> SourceError | None:
        error = failed.body.get("error") if isinstance(failed.body, dict) else None
        if not isinstance(error, dict):
            return None
        code = str(error.get("code") or "")
        said = f"Yelp answered HTTP {failed.status} {code}: {error.get('description') or ''}"
        retry_after = getattr(default, "retry_after_s", None)
        if code == "TOO_MANY_REQUESTS_PER_SECOND":
            wait = retry_after or SHORT_WAIT_S
            return RateLimited(f"{said} — retrying in {wait:g} s", retry_after_s=wait)
        if code == "ACCESS_LIMIT_REACHED":
            wait = retry_after or max(60.0, seconds_until_midnight(ctx.clock()))
            return RateLimited(
                f"{said} — the API key's daily quota is used up; retrying after midnight UTC "
                "(poll less often, or ask Yelp for a higher limit)",
                retry_after_s=wait,
            )
        if code in ("BUSINESS_UNAVAILABLE", "BUSINESS_NOT_FOUND", "NOT_FOUND"):
            return PermanentError(
                f"{said} — check business_id {ctx.options.business_id!r} (the id or alias "
                "in the business's yelp.com URL); Yelp serves no reviews for some businesses"
            )
        if code in ("TOKEN_INVALID", "UNAUTHORIZED_ACCESS_TOKEN", "TOKEN_MISSING"):
            return PermanentError(f"{said} — check api_key (a Yelp Fusion API key)")
        if code in ("VALIDATION_ERROR", "INVALID_LOCALE"):
            return PermanentError(f"{said} — check locale and business_id in settings.yaml")
        return None  # INTERNAL_ERROR and the unknown: the status decides

    return explain


def _raw_item(review: dict[str, Any], language: str | None, *, edited: bool) -> RawItem:
    review_id = str(review.get("id") or "")
    if not review_id:
        raise ValueError("no id")
    rating = review.get("rating")
    if not isinstance(rating, int | float) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ValueError(f"rating {rating!r} is not 1-5")
    user = review.get("user")
    user = user if isinstance(user, dict) else {}
    text = str(review.get("text") or "")
    created = parse_timestamp(review.get("time_created"))  # local time, read as UTC
    extra: dict[str, Any] = {"excerpt": True}  # Yelp cuts the text at ~160 characters
    if user.get("image_url"):
        extra["user_image_url"] = user["image_url"]
    if review.get("time_created"):
        extra["time_created_local"] = review["time_created"]
    return RawItem(
        native_id=review_id,
        url=str(review.get("url") or "") or None,
        html=html.escape(text, quote=False),
        author=Author(
            handle=str(user.get("id") or "") or None,
            name=str(user.get("name") or "") or None,
            url=str(user.get("profile_url") or "") or None,
        ),
        published_at=created,
        edited_at=created if edited else None,
        language=language,
        rating=float(rating),
        extra=extra,
    )
