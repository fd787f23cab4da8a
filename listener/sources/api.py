"""What every JSON API source shares: one request that returns parsed JSON and the budget the
server announced, the options every such source accepts, and a cursor kept as JSON.

A source module stays a mapping from one API's shapes to ``RawItem``; paging limits, the
first-run look-back, rate-limit pacing and cursor persistence are the same everywhere and
live here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

import httpx
from pydantic import AfterValidator, Field, SecretStr

from listener.models import SourceState
from listener.sources.base import PollContext, SourceOptions
from listener.sources.errors import TransientError
from listener.sources.http import Explain, fetch, redact_url
from listener.sources.ratelimit import RateBudget, read_budget
from listener.units import Duration, at_least

MAX_PAGES_LIMIT = 50  # a poll that needs more pages than this should run more often instead


class ApiOptions(SourceOptions):
    """Options every API source accepts besides its own.

    ``lookback``: how far back the first poll reaches (later polls continue from the
    cursor); ``max_pages``: pages one poll may fetch, so a busy query cannot spend the whole
    rate budget in one go — what is left is fetched by the next poll.
    """

    lookback: Annotated[Duration, at_least(timedelta(minutes=1))] = timedelta(days=1)
    max_pages: int = Field(default=3, ge=1, le=MAX_PAGES_LIMIT)


def _http_base_url(value: str) -> str:
    value = value.strip().rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// URL")
    return value


# An API's base address ("https://mastodon.social"): settable so tests and self-hosted
# instances (Mastodon, Lemmy, Discourse, GitHub Enterprise) work without code changes.
BaseUrl = Annotated[str, AfterValidator(_http_base_url)]
# A credential: never empty, and shown as "**********" in reprs, logs and error messages.
# Write it as ${ENV_VAR} in settings.yaml so the secret stays out of the file.
Secret = Annotated[SecretStr, Field(min_length=1)]


@dataclass(frozen=True)
class JsonResponse:
    """A 2xx (or 304) JSON response: the parsed body, headers, and the announced budget."""

    data: Any  # None on a 304
    headers: httpx.Headers
    url: str
    budget: RateBudget | None
    not_modified: bool = False
    etag: str | None = None


async def get_json(
    ctx: PollContext[Any],
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    etag: str | None = None,
    method: str = "GET",
    json_body: Any = None,
    form: Mapping[str, str] | None = None,
    explain: Explain | None = None,
) -> JsonResponse:
    """Request ``url`` and parse its JSON body; errors are ``SourceError`` subclasses.

    A body that is not JSON (an HTML error page from a proxy, a truncated reply) is a
    ``TransientError`` that names the content type, not a crash in the source's mapping.
    ``explain`` sees a failed response's status, headers and JSON body first (see
    ``http.Explain``), for APIs that say in the body what went wrong.
    """
    response = await fetch(
        ctx,
        url,
        etag=etag,
        headers={"Accept": "application/json", **(headers or {})},
        params={k: v for k, v in (params or {}).items() if v is not None},
        method=method,
        json_body=json_body,
        form=form,
        explain=explain,
    )
    budget = read_budget(response.headers, ctx.clock())
    if response.not_modified:
        return JsonResponse(None, response.headers, response.url, budget, True, response.etag)
    try:
        data = json.loads(response.content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        kind = response.headers.get("Content-Type", "no Content-Type")
        raise TransientError(
            f"{redact_url(response.url)} did not return JSON ({kind}): {exc}"
        ) from exc
    return JsonResponse(data, response.headers, response.url, budget, False, response.etag)


def require(data: Any, key: str, kind: type, where: str) -> Any:
    """``data[key]`` when it is a ``kind``; otherwise a clear error about the API's answer.

    A changed or unexpected response shape is worth retrying (a transient upstream bug),
    and the message says which field was missing so a changed API is easy to spot.
    """
    value = data.get(key) if isinstance(data, Mapping) else None
    if not isinstance(value, kind):
        got = type(value).__name__ if value is not None else "nothing"
        raise TransientError(f"{where}: expected {kind.__name__} at {key!r}, got {got}")
    return value


def load_cursor(state: SourceState) -> dict[str, Any]:
    """The source's cursor as a dict; empty on the first poll or when it cannot be read
    (written by an older version, or by another source type under the same name)."""
    if not state.cursor:
        return {}
    try:
        cursor = json.loads(state.cursor)
    except json.JSONDecodeError:
        return {}
    return cursor if isinstance(cursor, dict) else {}


def dump_cursor(cursor: Mapping[str, Any]) -> str:
    """A cursor for ``PollResult.cursor``: compact, stable JSON."""
    return json.dumps(dict(cursor), sort_keys=True, separators=(",", ":"), default=str)


def first_poll_since(ctx: PollContext[Any], lookback: timedelta) -> datetime:
    """Where a first poll starts: ``lookback`` before now."""
    return ctx.clock() - lookback
