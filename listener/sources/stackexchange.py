"""Stack Exchange questions (Stack Overflow, Super User, …), through API 2.3 ``/search/advanced``.

Questions matching ``query`` (full text: title and body) and/or ``tagged`` on one ``site``,
newest first (``sort=creation&order=desc``), bodies included (``filter=withbody``). The
cursor is the newest ``creation_date`` stored, sent as ``fromdate``; a poll reads at most
``max_pages`` pages of 100 and the gap it could not reach is fetched next (``window.Window``,
with ``todate`` as the upper bound).

Caps and traps:

- The budget is a daily quota per IP (300 requests without ``key``, 10,000 with one), told
  in every body as ``quota_remaining``/``quota_max``; it resets when the UTC day rolls over.
  When it runs low the polls are spread out; at 0 paging stops and the next poll waits for
  00:00 UTC (``min_next_check_s``), so the refusal is never provoked.
  A ``backoff`` field means "do not call this method again for N seconds": it ends the poll
  and becomes the wait before the next one. Too many requests is a 502 ``throttle_violation``.
- Errors come as ``{"error_id", "error_name", "error_message"}``; ``bad_parameter`` names
  the parameter it rejects.
- Titles, bodies and display names arrive entity-escaped (``can&#39;t``): titles and bodies
  are passed on as HTML, names are unescaped.
- Deleted questions vanish from search: there is no tombstone to report. An edit shows as
  ``last_edit_date``, but an old question edited later is not fetched again (the cursor is
  on creation). Answers and comments are not searched.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from typing import Any

from pydantic import Field, field_validator, model_validator

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
from listener.sources.errors import PermanentError, RateLimited, SourceError, TransientError
from listener.sources.http import FailedResponse
from listener.sources.ratelimit import RateBudget, longest, pause_s
from listener.sources.timestamps import epoch, parse_timestamp, seconds_until_midnight
from listener.sources.values import MAPPING_ERRORS, as_count, skipped
from listener.sources.window import Window

PAGE_SIZE = 100  # the API's maximum
# Sites that are one language by definition ("pt.stackoverflow"): the API does not say.
SITE_LANGUAGES = {"pt.stackoverflow": "pt", "ru.stackoverflow": "ru", "es.stackoverflow": "es"}
SITE_LANGUAGES |= {"ja.stackoverflow": "ja", "rus.stackexchange": "ru"}
# "too many requests from this IP, more requests available in 82626 seconds"
_SECONDS = re.compile(r"(\d+)\s*seconds?")
_PERMANENT_ERRORS = frozenset(
    {"bad_parameter", "access_token_required", "invalid_access_token", "access_denied"}
    | {"access_token_compromised", "no_method", "key_required", "write_failed"}
)

INFO = SourceInfo(
    summary="Stack Exchange questions (Stack Overflow and the other sites), API 2.3 search",
    credentials=("key: optional Stack Apps key, raises the daily quota from 300 to 10,000",),
    limits="300 requests/day per IP without a key, 10,000 with one (reset at 00:00 UTC); "
    "a 'backoff' in an answer must be honoured",
    sample="""\
- name: stackoverflow-acme
  type: stackexchange
  interval: 30m
  site: stackoverflow
  query: acme              # full-text search; and/or
  tagged: [acme-sdk]       # questions carrying all of these tags
  key: ${STACKEXCHANGE_KEY}   # optional
  lookback: 2d             # first poll only
""",
    # Raised: 300 requests a day per IP without a key; 288 polls a day fit it.
    min_interval=timedelta(minutes=5),
)


KEYLESS_MAX_PAGE = 25


class Options(ApiOptions):
    site: str = Field(min_length=1, pattern=r"^[a-z0-9.-]+$")
    query: str | None = Field(default=None, min_length=1)
    tagged: tuple[str, ...] = ()
    key: Secret | None = None
    api_url: BaseUrl = "https://api.stackexchange.com/2.3"

    @field_validator("tagged", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> Any:
        # "a;b" is how the API spells several tags; a YAML list is friendlier. Both work.
        return tuple(t for t in value.split(";") if t.strip()) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _something_to_search(self) -> Options:
        if not self.query and not self.tagged:
            raise ValueError("give query, tagged or both: there is nothing to search for")
        if any(not t.strip() or ";" in t for t in self.tagged):
            raise ValueError("tagged: each tag must be a non-empty name without ';'")
        if self.key is None and self.max_pages > KEYLESS_MAX_PAGE:
            # The API answers page 26+ without a key with bad_parameter, which would park
            # the source at its first busy poll: say so now instead.
            raise ValueError(
                f"max_pages above {KEYLESS_MAX_PAGE} needs a key (the API serves pages past "
                f"{KEYLESS_MAX_PAGE} only to registered apps)"
            )
        return self


async def poll(ctx: PollContext[Options], state: SourceState) -> PollResult:
    options = ctx.options
    window = Window.from_cursor(
        load_cursor(state), default_since=epoch(first_poll_since(ctx, options.lookback))
    )
    where = f"Stack Exchange search on {options.site}"
    params: dict[str, Any] = {
        "site": options.site,
        "q": options.query,
        "tagged": ";".join(options.tagged) or None,
        "sort": "creation",
        "order": "desc",
        "fromdate": window.since,
        "todate": window.upper,
        "pagesize": PAGE_SIZE,
        "filter": "withbody",
        "key": options.key.get_secret_value() if options.key else None,
    }
    items: list[RawItem] = []
    problems: list[str] = []
    keys: list[int] = []
    complete = False
    wait: float | None = None
    for page in range(1, options.max_pages + 1):
        response = await get_json(
            ctx,
            f"{options.api_url}/search/advanced",
            explain=lambda failed, default: _explain(failed, default, where, ctx.clock()),
            params={**params, "page": page},
        )
        data = response.data
        questions = require(data, "items", list, where)
        for question in questions:
            try:
                item = _raw_item(question, options.site)
            except MAPPING_ERRORS as exc:
                problems.append(skipped(where, exc))
                continue
            if item is None:
                problems.append(f"{where}: skipped an item that is not a question with an id")
                continue
            items.append(item)
            if item.published_at is not None:
                keys.append(epoch(item.published_at))
        # The API's own rule: no call to this method for `backoff` seconds.
        backoff = _number(data.get("backoff"))
        wait = longest(wait, backoff, _quota_wait(data, ctx.clock(), options.max_pages))
        if not data.get("has_more") or not questions:
            complete = True
            break
        if backoff or _number(data.get("quota_remaining")) == 0:
            break  # the next page would be refused: the gap is fetched by a later poll
    window = window.after(keys, complete=complete)
    return PollResult(
        items=items,
        cursor=dump_cursor(window.to_cursor()),
        min_next_check_s=wait,
        problems=problems,
    )


def _raw_item(question: Any, site: str) -> RawItem | None:
    if not isinstance(question, dict):
        return None
    question_id = question.get("question_id")
    if not isinstance(question_id, int) or isinstance(question_id, bool):
        return None
    found = question.get("owner")
    owner: dict[str, Any] = found if isinstance(found, dict) else {}
    name = owner.get("display_name")
    score = as_count(question.get("score"))
    tags = question.get("tags")
    extra: dict[str, Any] = {"site": site}
    if score is not None:
        extra["score"] = score
    if isinstance(tags, list):
        extra["tags"] = [str(t) for t in tags]
    for key in ("is_answered", "accepted_answer_id", "closed_reason"):
        if question.get(key) is not None:
            extra[key] = question[key]
    if owner.get("user_type") == "does_not_exist":
        extra["owner_deleted"] = True  # the account is gone; the question stays
    return RawItem(
        native_id=str(question_id),
        url=question.get("link") or None,
        title=question.get("title") or None,  # already entity-escaped: HTML as it is
        html=str(question.get("body") or ""),
        author=Author(
            name=html.unescape(str(name)) if name else None,
            url=owner.get("link") or None,
            # Stack Exchange has no followers; reputation is the standing it shows.
            followers=as_count(owner.get("reputation")),
        ),
        published_at=parse_timestamp(question.get("creation_date")),
        language=SITE_LANGUAGES.get(site),
        engagement=Engagement(
            # A negative score is not negative likes: the raw score is in extra.
            likes=max(score, 0) if score is not None else None,
            replies=as_count(question.get("answer_count")),
            views=as_count(question.get("view_count")),
        ),
        thread_id=str(question_id),
        edited_at=parse_timestamp(question.get("last_edit_date")),
        extra=extra,
    )


def _quota_wait(data: Any, now: datetime, requests_per_poll: int) -> float | None:
    """The wait the daily quota asks for: none while plenty is left, spread out when low,
    the rest of the UTC day when it is gone."""
    remaining = _number(data.get("quota_remaining"))
    if remaining is None:
        return None
    budget = RateBudget(
        remaining=remaining,
        limit=_number(data.get("quota_max")),
        reset_s=seconds_until_midnight(now),
    )
    return pause_s(budget, requests_per_poll)


def _explain(
    failed: FailedResponse, default: SourceError, where: str, now: datetime
) -> SourceError | None:
    body = failed.body if isinstance(failed.body, dict) else {}
    name, message = body.get("error_name"), body.get("error_message")
    if not isinstance(name, str):
        return None
    said = f"{name} (error {body.get('error_id', failed.status)}): {message or 'no message'}"
    if name == "throttle_violation":
        # Either a burst (over 30 requests/s) or the day's quota; the message says how long.
        found = _SECONDS.search(str(message or ""))
        wait = float(found.group(1)) if found else None
        return RateLimited(
            f"{where}: Stack Exchange throttles this client: {said}", retry_after_s=wait
        )
    if name == "bad_parameter":
        return PermanentError(
            f"{where}: Stack Exchange rejected a parameter: {message} — check site, query "
            "and tagged in settings.yaml"
        )
    if name in _PERMANENT_ERRORS or failed.status in (400, 401, 403, 404):
        return PermanentError(f"{where}: {said} — check site and key in settings.yaml")
    if isinstance(default, TransientError):
        return TransientError(f"{where}: {said}", retry_after_s=default.retry_after_s)
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if value >= 0 else None
