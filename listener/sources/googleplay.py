"""Google Play reviews of the operator's OWN app, through the official Google Play Developer API.

``GET {api_url}/androidpublisher/v3/applications/{package_name}/reviews`` with an OAuth2
access token from a service-account key (JWT bearer grant, RS256, scope
``androidpublisher``). Caps and traps:

- **Only your own apps**: the service account must be invited to the app in Play Console
  (Users and permissions, with "Reply to reviews" / view app information); other apps 403.
- **Only reviews created or modified in the last week** are returned; a source paused for
  longer loses what fell out of that window. Reviews without text are not returned at all.
- ``lastModified`` changes when the author edits the review (``edited_at`` when the id was
  seen before); a deleted review is simply gone.
- Quota: about 60 review list calls an hour (Google's per-app quota); 429 / 403
  ``RESOURCE_EXHAUSTED`` are honoured. The access token is kept in memory until shortly
  before it expires (an exchange per poll would double the calls); a 401 drops it.
- Paging: ``maxResults=100`` and ``tokenPagination.nextPageToken``, at most ``max_pages`` a
  poll; a poll cut short keeps the token in the cursor and the next resumes with it. A saved
  token Google no longer accepts (400) gives up that gap: the poll reads from the top and
  reports it, rather than parking the source.

The unofficial web RPC (``batchexecute``, any app) is deliberately not used: it breaks
Google Play's terms and changes without notice.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from pydantic import Field, model_validator

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
from listener.sources.http import Explain, FailedResponse
from listener.sources.page_walk import PageWalk
from listener.sources.ratelimit import pause_s
from listener.sources.timestamps import epoch, parse_timestamp
from listener.sources.values import MAPPING_ERRORS

SCOPE = "https://www.googleapis.com/auth/androidpublisher"
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
PER_PAGE = 100
TOKEN_LIFETIME_S = 3600
TOKEN_MARGIN = timedelta(seconds=60)  # renew an access token this long before it expires

INFO = SourceInfo(
    summary="Google Play reviews of your own app (official Play Developer API, last 7 days only)",
    credentials=(
        "service_account_file or service_account_json: a Google Cloud service-account JSON key "
        "whose account is invited to the app in Play Console",
    ),
    limits=(
        "own apps only; only reviews from the last week; about 60 review calls an hour; "
        "the unofficial web RPC is deliberately not used (terms of service, brittle)"
    ),
    sample="""\
- name: play-reviews
  type: googleplay
  interval: 2h
  package_name: com.example.app
  service_account_json: ${GOOGLE_PLAY_SERVICE_ACCOUNT_JSON}   # or service_account_file: /path
  lookback: 7d             # the API keeps one week
""",
    # Raised: about 60 review calls an hour: 12 polls of up to 3 pages are 36.
    min_interval=timedelta(minutes=5),
)


class Options(ApiOptions):
    package_name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$")
    service_account_file: Path | None = None
    service_account_json: Secret | None = None
    token_url: BaseUrl = "https://oauth2.googleapis.com/token"
    api_url: BaseUrl = "https://androidpublisher.googleapis.com"

    @model_validator(mode="after")
    def _one_key(self) -> Options:
        if (self.service_account_file is None) == (self.service_account_json is None):
            raise ValueError("give exactly one of service_account_file or service_account_json")
        return self


async def poll(ctx: PollContext[Options], state: SourceState) -> PollResult:
    options = ctx.options
    cursor = load_cursor(state)
    walk = PageWalk.from_cursor(
        cursor, default_since=epoch(first_poll_since(ctx, options.lookback))
    )
    gap = cursor.get("gap")
    page_token = gap.get("token") if isinstance(gap, dict) else None
    resumed = page_token
    access_token, fresh = await _access_token(ctx)
    url = f"{options.api_url}/androidpublisher/v3/applications/{options.package_name}/reviews"
    items: list[RawItem] = []
    problems: list[str] = []
    complete = False
    wait: float | None = None
    for _ in range(options.max_pages):
        try:
            response = await get_json(
                ctx,
                url,
                explain=_explain(ctx, fresh=fresh),
                params={"maxResults": PER_PAGE, "token": page_token},
                headers={"Authorization": f"Bearer {access_token}"},
            )
        except _BadRequest as exc:
            if page_token is None or page_token != resumed:
                raise
            # A saved page token can go stale between polls: give up the gap, not the source.
            problems.append(f"could not resume paging ({exc}); reading from the top instead")
            walk = PageWalk.from_cursor(
                walk.to_cursor(complete=True, next_page=0), default_since=walk.since or 0
            )
            page_token = resumed = None
            continue
        wait = pause_s(response.budget, options.max_pages)
        reviews = response.data.get("reviews", []) if isinstance(response.data, dict) else None
        if not isinstance(reviews, list):
            require(response.data, "reviews", list, "Play reviews")  # raises, naming the field
        for position, review in enumerate(reviews or []):
            review_id = str(review.get("reviewId") or "") if isinstance(review, dict) else ""
            comment = _user_comment(review) if review_id else {}
            modified = _modified(comment)
            key = epoch(modified) if modified else None
            # The API lists the most recently modified first: an old one ends the walk.
            if review_id and walk.reached(review_id, key):
                complete = True
                break
            try:
                item = _raw_item(review, options.package_name, edited=walk.edited(review_id))
            except MAPPING_ERRORS as exc:
                problems.append(f"review {position + 1} skipped: {exc}")
                continue
            items.append(item)
            walk.read(review_id, key)
        pagination = response.data.get("tokenPagination") or {}
        page_token = pagination.get("nextPageToken") if isinstance(pagination, dict) else None
        if complete or not page_token:
            complete = True
            break
    next_cursor = walk.to_cursor(complete=complete, next_page=0)
    if not complete:
        next_cursor["gap"]["token"] = page_token
    return PollResult(
        items=items, cursor=dump_cursor(next_cursor), min_next_check_s=wait, problems=problems
    )


def _service_account(options: Options) -> dict[str, Any]:
    if options.service_account_json is not None:
        text, where = options.service_account_json.get_secret_value(), "service_account_json"
    else:
        path = options.service_account_file
        assert path is not None  # the validator makes one of the two present
        where = f"service_account_file {path}"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise PermanentError(f"cannot read {where}: {exc.strerror or exc}") from exc
    try:
        key = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PermanentError(f"{where} is not a JSON service-account key: {exc.msg}") from exc
    if not isinstance(key, dict) or not key.get("client_email") or not key.get("private_key"):
        raise PermanentError(
            f"{where} has no client_email/private_key: download a service-account key "
            "(Google Cloud console → IAM → Service accounts → Keys → JSON)"
        )
    return key


# Access tokens by (source, token_url, client_email): a token lives an hour, a poll minutes.
_TOKENS: dict[tuple[str, str, str], tuple[str, datetime]] = {}


def _token_key(ctx: PollContext[Options]) -> tuple[str, str, str]:
    options = ctx.options
    email = str(_service_account(options)["client_email"])
    return (ctx.source, options.token_url, email)


async def _access_token(ctx: PollContext[Options]) -> tuple[str, bool]:
    """A valid access token, and whether it was fetched just now: the cached one until
    shortly before it expires, else a signed JWT exchanged for a new one (RFC 7523)."""
    cached = _TOKENS.get(_token_key(ctx))
    if cached is not None and ctx.clock() < cached[1]:
        return cached[0], False
    options = ctx.options
    key = _service_account(options)
    now = epoch(ctx.clock())
    claims = {
        "iss": key["client_email"],
        "scope": SCOPE,
        "aud": options.token_url,
        "iat": now,
        "exp": now + TOKEN_LIFETIME_S,
    }
    headers = {"kid": str(key["private_key_id"])} if key.get("private_key_id") else None
    try:
        assertion = jwt.encode(claims, key["private_key"], algorithm="RS256", headers=headers)
    except (ValueError, TypeError, jwt.PyJWTError) as exc:
        raise PermanentError(
            f"the private_key of service account {key['client_email']} cannot sign: {exc}"
        ) from exc
    try:
        response = await get_json(
            ctx,
            options.token_url,
            method="POST",
            form={"grant_type": GRANT, "assertion": assertion},
        )
    except PermanentError as exc:
        raise PermanentError(
            f"Google refused the service-account key of {key['client_email']} ({exc}) — "
            "the key may be deleted or disabled: create a new one"
        ) from exc
    token = str(require(response.data, "access_token", str, "OAuth token response"))
    expires_in = response.data.get("expires_in")
    lifetime = timedelta(
        seconds=expires_in
        if isinstance(expires_in, int) and not isinstance(expires_in, bool)
        else TOKEN_LIFETIME_S
    )
    _TOKENS[_token_key(ctx)] = (token, ctx.clock() + max(timedelta(0), lifetime - TOKEN_MARGIN))
    return token, True


class _BadRequest(PermanentError):
    """A 400: a bad option, or a saved page token gone stale."""


def _explain(ctx: PollContext[Options], *, fresh: bool) -> Explain:
    package = ctx.options.package_name

    def explain(failed: FailedResponse, default: SourceError) -> SourceError | None:
        if failed.status == 400:
            return _BadRequest(str(default))
        if failed.status == 401:
            _TOKENS.pop(_token_key(ctx), None)  # expired or revoked: the next poll gets a new one
            if not fresh:
                return TransientError(
                    "Google rejected the cached access token; a new one is requested on the "
                    "next poll"
                )
        error = failed.body.get("error") if isinstance(failed.body, dict) else None
        if not isinstance(error, dict) or failed.status not in (401, 403, 404):
            return None
        status = str(error.get("status") or "")
        if status == "RESOURCE_EXHAUSTED":
            # A quota, whether Google answers 429 or 403: wait, never park.
            return RateLimited(
                f"Play Developer API quota used up (HTTP {failed.status}): "
                f"{error.get('message') or ''} — about 60 review calls an hour; poll less often",
                retry_after_s=getattr(default, "retry_after_s", None),
            )
        return PermanentError(
            f"Play Developer API answered HTTP {failed.status} {status}: "
            f"{error.get('message') or ''} — the service account must be invited to "
            f"{package} in Play Console (Users and permissions), and the app must be yours"
        )

    return explain


def _user_comment(review: dict[str, Any]) -> dict[str, Any]:
    for comment in review.get("comments") or []:
        if isinstance(comment, dict) and isinstance(comment.get("userComment"), dict):
            user_comment: dict[str, Any] = comment["userComment"]
            return user_comment
    return {}


def _modified(comment: dict[str, Any]) -> Any:
    last = comment.get("lastModified")
    return parse_timestamp(last.get("seconds")) if isinstance(last, dict) else None


def _raw_item(review: dict[str, Any], package: str, *, edited: bool) -> RawItem:
    review_id = str(review.get("reviewId") or "")
    if not review_id:
        raise ValueError("no reviewId")
    comment = _user_comment(review)
    if not comment:
        raise ValueError("no userComment")
    stars = comment.get("starRating")
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        raise ValueError(f"starRating {stars!r} is not 1-5")
    modified = _modified(comment)
    extra: dict[str, Any] = {}
    for field, name in (
        ("appVersionName", "app_version"),
        ("appVersionCode", "app_version_code"),
        ("device", "device"),
        ("androidOsVersion", "android_os_version"),
        ("thumbsDownCount", "thumbs_down"),
        ("originalText", "original_text"),
    ):
        if comment.get(field) not in (None, ""):
            extra[name] = comment[field]
    for reply in review.get("comments") or []:
        if isinstance(reply, dict) and isinstance(reply.get("developerComment"), dict):
            extra["developer_reply"] = reply["developerComment"].get("text")
    likes = comment.get("thumbsUpCount")
    author = str(review.get("authorName") or "").strip()
    return RawItem(
        native_id=review_id,
        url=f"https://play.google.com/store/apps/details?id={package}&reviewId={review_id}",
        # The text is plain (it often starts with a tab); RawItem holds HTML.
        html=html.escape(str(comment.get("text") or "").strip(), quote=False),
        author=Author(name=author or None),
        published_at=modified,
        edited_at=modified if edited else None,
        language=str(comment.get("reviewerLanguage") or "") or None,
        rating=float(stars),
        engagement=Engagement(likes=likes if isinstance(likes, int) else None),
        extra=extra,
    )
