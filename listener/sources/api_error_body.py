"""``get_json`` for APIs that explain their errors in the response body.

``api.get_json`` maps a failed status to the error hierarchy from the status and headers
alone, which is right for most APIs. Some put the deciding fact in the body instead:
YouTube answers both "quota used up for today" and "comments are off on this video" with a
403 and a ``reason``; Stack Exchange says ``throttle_violation`` in a 502 body; GitHub's
secondary rate limit is a 403 whose message says so. ``get_json_explained`` keeps every
behaviour of ``get_json`` (redaction, deadline, size cap, the default mapping) and hands a
failed response's status, headers and parsed body to the source's ``explain`` first, so it
can raise something more precise; when ``explain`` returns nothing, the default error stands.

(Smallest addition that needs no change to ``api``/``http``: a candidate for folding into
``get_json`` as an ``explain=`` parameter.)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, cast

import httpx

from listener.sources.api import JsonResponse, get_json
from listener.sources.base import PollContext
from listener.sources.errors import SourceError

# Error bodies are a few hundred bytes; a proxy's HTML page is not worth reading in full.
MAX_ERROR_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class FailedResponse:
    """A 4xx/5xx answer: its status, headers and body (parsed JSON, or ``None``)."""

    status: int
    headers: httpx.Headers
    body: Any


Explain = Callable[[FailedResponse, SourceError], SourceError | None]


async def get_json_explained(
    ctx: PollContext[Any],
    url: str,
    explain: Explain,
    *,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    etag: str | None = None,
) -> JsonResponse:
    """``get_json``, but a failed response is first shown to ``explain``."""
    client = _ErrorBodyClient(ctx.http)
    # fetch only calls build_request and send on the client; the wrapper forwards both.
    keeping = replace(ctx, http=cast(httpx.AsyncClient, client))
    try:
        return await get_json(keeping, url, params=params, headers=headers, etag=etag)
    except SourceError as default:
        if client.failed is None:
            raise
        better = explain(client.failed, default)
        if better is None:
            raise
        raise better from default


class _ErrorBodyClient:
    """Forwards to the real client and keeps the body of a failed response."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client
        self.failed: FailedResponse | None = None

    def build_request(self, *args: Any, **kwargs: Any) -> httpx.Request:
        return self._client.build_request(*args, **kwargs)

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        response = await self._client.send(request, **kwargs)
        if response.status_code >= 400:
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_ERROR_BODY_BYTES:
                    break
            self.failed = FailedResponse(
                response.status_code, response.headers, _json_or_none(b"".join(chunks))
            )
        return response


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
