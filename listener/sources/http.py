"""HTTP helpers every source shares: one client, one conditional GET, one error mapping.

Sources never retry or sleep: ``fetch`` turns every way a request can go wrong into the
``listener.sources.errors`` hierarchy, carrying the server's own ``Retry-After`` hint, and
the scheduler decides when to ask again.

    outcome                                   raised / returned
    timeout, connection error, 5xx, 408       TransientError(retry_after_s=Retry-After or None)
    429, or 503 with Retry-After              RateLimited(retry_after_s)
    401, 403, 404, 410, other 4xx, bad url    PermanentError (the source is parked)
    body over ctx.max_response_bytes          TransientError
    304 Not Modified                          FetchResponse(not_modified=True)
"""

from __future__ import annotations

import asyncio
import io
import json
import socket
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from typing import Any

import httpx

from listener import __version__
from listener.sources.base import PollContext
from listener.sources.errors import PermanentError, RateLimited, SourceError, TransientError
from listener.sources.http_body import body_chunks
from listener.sources.http_times import parse_retry_after
from listener.sources.ratelimit import read_budget

# Re-exported: sources and tests have long imported them from here.
from listener.sources.urls import is_google_host as is_google_host
from listener.sources.urls import redact_url as redact_url

DEFAULT_USER_AGENT = f"listener/{__version__} (self-hosted social listening)"

# httpx timeouts apply per operation (connect, each read), so a server that drips one byte
# at a time never trips them; this caps the whole request, body included.
DEFAULT_DEADLINE_S = 120.0

# What a status means for the next poll is data, as scrapy keeps RETRY_HTTP_CODES.
# 408 Request Timeout and 425 Too Early are 4xx but say "try again" (RFC 9110 §15.5.9, RFC 8470).
TRANSIENT_4XX = frozenset({408, 425})
PERMANENT_ADVICE: dict[int, str] = {
    401: "the server wants credentials — check the url and headers in settings.yaml",
    403: "access denied — check the credentials in settings.yaml, or the site blocks this client",
    404: "check the url in settings.yaml",
    410: "the server says it is gone for good — remove or replace it in settings.yaml",
}

# Error bodies are a few hundred bytes; a proxy's HTML page is not worth reading in full.
MAX_ERROR_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class FailedResponse:
    """A 4xx/5xx answer: its status, headers and body (parsed JSON, or ``None``)."""

    status: int
    headers: httpx.Headers
    body: Any
    url: str = ""  # redacted: fit for an error message


# Some APIs put the deciding fact in the error body, not the status: YouTube answers both
# "quota used up" and "comments are off" with 403 and a ``reason``; Stack Exchange says
# ``throttle_violation`` in a 502; Bluesky names ``ExpiredToken`` in a 400. A source passes
# an ``explain`` that sees the failed response and the default error, and returns a more
# precise error, or None to keep the default.
Explain = Callable[[FailedResponse, SourceError], SourceError | None]


@dataclass(frozen=True)
class FetchResponse:
    """A successful (2xx) or not-modified (304) response, body fully read and size-checked.

    ``etag``/``last_modified`` are the validators to persist: the server's new ones, or on a
    304 that omits them, the ones that were sent.
    """

    status: int
    url: str  # final URL, after redirects
    headers: httpx.Headers
    content: bytes
    not_modified: bool
    etag: str | None
    last_modified: str | None


def build_client(
    *, timeout_s: float = 20.0, user_agent: str = DEFAULT_USER_AGENT
) -> httpx.AsyncClient:
    """The one client a daemon shares across sources (connection pooling, same identity)."""
    return httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=10,
        # A slow handshake is a dead host; don't let it eat the whole read budget.
        timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
        # What ``http_body`` inflates, in bounded pieces; pinned so that installing brotli
        # or zstandard (which httpx would then ask for) changes nothing.
        headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
    )


async def fetch(
    ctx: PollContext[Any],
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    headers: Mapping[str, str] | None = None,
    params: httpx.QueryParams | Mapping[str, Any] | None = None,
    deadline_s: float | None = DEFAULT_DEADLINE_S,
    method: str = "GET",
    json_body: Any = None,
    form: Mapping[str, str] | None = None,
    explain: Explain | None = None,
) -> FetchResponse:
    """Conditional GET of ``url`` (or another ``method``, with a JSON or form body: a login,
    a token request); raises a ``SourceError`` subclass for anything but 2xx/304, after
    showing a failed response to ``explain`` when given."""
    request_headers = httpx.Headers(headers or {})
    if etag:
        request_headers["If-None-Match"] = etag
    if last_modified:
        request_headers["If-Modified-Since"] = last_modified
    shown = redact_url(url)
    try:
        async with asyncio.timeout(deadline_s):
            request = ctx.http.build_request(
                method,
                _with_params(url, params),
                headers=request_headers,
                json=json_body,
                data=form,
            )
            return await _send(ctx, request, etag, last_modified, explain)
    except TimeoutError as exc:  # only our deadline: httpx raises its own TimeoutException
        raise TransientError(f"no complete response from {shown} within {deadline_s:g} s") from exc
    except httpx.TimeoutException as exc:
        raise TransientError(f"timed out fetching {shown} ({type(exc).__name__})") from exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise PermanentError(
            f"cannot fetch {shown}: {exc} — check the url in settings.yaml"
        ) from exc
    except httpx.TooManyRedirects as exc:
        raise TransientError(f"too many redirects fetching {shown}") from exc
    except (httpx.TransportError, httpx.DecodingError) as exc:
        # Connection refused/reset, DNS failure, a broken chunked or gzip stream.
        raise TransientError(describe_transport_error(exc, url)) from exc


def _with_params(url: str, params: httpx.QueryParams | Mapping[str, Any] | None) -> httpx.URL:
    """``url`` with ``params`` added to the query it already has. (httpx 0.29 replaces a
    URL's query with ``params=`` instead of merging: a configured URL's own query — a feed
    address, an API key in it — would silently vanish.)"""
    merged = httpx.URL(url)
    return merged.copy_merge_params(params) if params else merged


# Substrings of the resolver's messages on Linux, macOS and musl: the host name did not resolve.
_DNS_FAILURES = (
    "name or service not known",
    "temporary failure in name resolution",
    "nodename nor servname",
    "no address associated",
    "name does not resolve",
)


def describe_transport_error(exc: BaseException, url: str) -> str:
    """What went wrong below HTTP, in words an operator can act on."""
    parts = httpx.URL(url)
    where = parts.host + (f":{parts.port}" if parts.port else "")
    causes = _cause_chain(exc)
    if any(isinstance(c, socket.gaierror) for c in causes) or any(
        marker in str(c).lower() for c in causes for marker in _DNS_FAILURES
    ):
        return (
            f"cannot reach {where}: the name does not resolve (no network, or a typo in the url?)"
        )
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return f"cannot reach {where}: connection refused (is the server up?)"
    return f"could not fetch {redact_url(url)}: {type(exc).__name__}: {exc}"


def _cause_chain(exc: BaseException) -> list[BaseException]:
    # httpx wraps httpcore wraps anyio's "All connection attempts failed" wraps the OSError.
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


async def _send(
    ctx: PollContext[Any],
    request: httpx.Request,
    sent_etag: str | None,
    sent_last_modified: str | None,
    explain: Explain | None = None,
) -> FetchResponse:
    url = str(request.url)
    async with _streamed(ctx.http, request) as response:
        final_url = str(response.url)
        if response.status_code == 304:
            # miniflux refreshes Last-Modified even on a 304; a 304 may omit validators
            # it did not change (RFC 9110 §15.4.5), so keep the ones we sent.
            return FetchResponse(
                status=304,
                url=final_url,
                headers=response.headers,
                content=b"",
                not_modified=True,
                etag=response.headers.get("ETag") or sent_etag,
                last_modified=response.headers.get("Last-Modified") or sent_last_modified,
            )
        if explain is not None and response.status_code >= 400:
            await _raise_explained(response, url, ctx.clock(), explain)
        _raise_for_status(response, url, ctx.clock())
        content = await _read_capped(response, ctx.max_response_bytes)
        return FetchResponse(
            status=response.status_code,
            url=final_url,
            headers=response.headers,
            content=content,
            not_modified=False,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
        )


@asynccontextmanager
async def _streamed(
    client: httpx.AsyncClient, request: httpx.Request
) -> AsyncIterator[httpx.Response]:
    response = await client.send(request, stream=True, follow_redirects=True)
    try:
        yield response
    finally:
        await response.aclose()


async def _raise_explained(
    response: httpx.Response, url: str, now: datetime, explain: Explain
) -> None:
    """Raise what ``explain`` makes of a failed response, or the default error."""
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in body_chunks(response):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_ERROR_BODY_BYTES:
                break
    except (httpx.DecodingError, httpx.TransportError):
        # The status decides: a 404 whose body is a broken gzip stream is still a 404 (it
        # was a "DecodingError", transient, and the source never parked).
        chunks = []
    failed = FailedResponse(
        response.status_code, response.headers, _json_or_none(chunks), redact_url(url)
    )
    try:
        _raise_for_status(response, url, now)
    except SourceError as default:
        better = explain(failed, default)
        if better is None:
            raise
        raise better from default


def _json_or_none(chunks: list[bytes]) -> Any:
    try:
        return json.loads(b"".join(chunks))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def _raise_for_status(response: httpx.Response, requested_url: str, now: datetime) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    shown = redact_url(str(response.url))
    if str(response.url) != requested_url:
        shown += f" (redirected from {redact_url(requested_url)})"
    # The standard phrase, not the server's: they vary ("NOT FOUND"), HTTP/2 sends none.
    reason = _phrase(status) or response.reason_phrase
    what = f"HTTP {status} {reason}".rstrip() + f" from {shown}"
    retry_after_s = parse_retry_after(response.headers.get("Retry-After"), now)
    budget = read_budget(response.headers, now)
    if retry_after_s is None and budget is not None and budget.exhausted:
        retry_after_s = budget.reset_s  # GitHub, X: "0 left, resets at T" instead of Retry-After
    if status == 429 or (status == 503 and retry_after_s is not None):
        raise RateLimited(_with_wait(what, retry_after_s), retry_after_s=retry_after_s)
    if status == 403 and budget is not None and budget.exhausted:
        # GitHub answers an exhausted primary limit with 403, not 429.
        raise RateLimited(_with_wait(what, retry_after_s), retry_after_s=retry_after_s)
    if status >= 500 or status in TRANSIENT_4XX:
        raise TransientError(_with_wait(what, retry_after_s), retry_after_s=retry_after_s)
    if status in PERMANENT_ADVICE:
        raise PermanentError(f"{what} — {PERMANENT_ADVICE[status]}")
    if status >= 400:
        raise PermanentError(what)
    # 1xx leftovers and 3xx that could not be followed (no Location, 300 Multiple Choices).
    raise TransientError(f"unexpected {what}")


def _with_wait(message: str, retry_after_s: float | None) -> str:
    return message if retry_after_s is None else f"{message}; retry after {retry_after_s:g} s"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


async def _read_capped(response: httpx.Response, limit: int) -> bytes:
    """Read the body, giving up as soon as it passes ``limit`` bytes.

    Content-Length is checked first so an honest server costs nothing; counting while
    streaming catches an absent or lying one, and a gzip body that inflates past the cap
    (inflated a piece at a time: a bomb stops one piece past the cap).
    """
    shown = redact_url(str(response.url))
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TransientError(
            f"response from {shown} declares {int(declared)} bytes, over the {limit} byte limit"
        )
    # BytesIO hands over the buffer it filled (CPython's getvalue() shares it), where joining
    # a list of chunks holds the body twice at the end: 7 MB more for a 7 MB feed.
    body = io.BytesIO()
    async for chunk in body_chunks(response):
        if body.tell() + len(chunk) > limit:
            raise TransientError(f"response from {shown} exceeded the {limit} byte limit")
        body.write(chunk)
    return body.getvalue()
