"""Mastodon's streaming API on the wire: one WebSocket, or one SSE response per timeline.

Both transports come out as the same ``Frame`` values (an event name and its payload text),
so ``listener.sources.mastodon_stream`` maps one shape. The facts relied on (streaming.md
of the Mastodon docs, ``streaming/index.js``):

- WebSocket ``<streaming>/api/v1/streaming``, the token in ``Authorization``; one socket
  carries every timeline after a ``{"type":"subscribe","stream":…}`` message each. Frames are
  text JSON ``{"stream":[…],"event":…,"payload":"<JSON text, or a bare id>"}``; a bad
  subscription answers ``{"error":"Unknown stream type","status":400}`` inside the socket.
  The server pings every 30 s (answered by the library, invisible here), so a quiet socket
  is proved alive by our own ping: its pong is the keep-alive the daemon sees.
- SSE ``/api/v1/streaming/public`` (``/public/local``, ``/hashtag?tag=``, ``/list?list=``):
  one HTTP response per timeline, ``:)`` on connect, ``:thump`` every 15 s, events as
  ``event:``/``data:`` lines ended by a blank line. No ``id:`` lines: nothing resumes.
- A refused connect: 401 with ``X-Error-Message`` (upgrade) or a JSON ``{"error":…}`` (SSE),
  400 ``Unknown channel requested``; 429 and 5xx as anywhere.

Lines and frames are capped at ``max_bytes`` before anything parses them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedOK, InvalidHandshake
from websockets.exceptions import InvalidStatus as WebsocketStatus

from listener.sources.errors import (
    PermanentError,
    SourceError,
    TransientError,
)
from listener.sources.http_body import body_chunks
from listener.sources.http_times import parse_retry_after
from listener.sources.stream_wire import LineReader, read_error_body, refusal_error
from listener.sources.urls import redact_url

# Error bodies are a line of JSON; a proxy's page is not worth reading in full.
MAX_ERROR_BODY_BYTES = 16 * 1024
OPEN_TIMEOUT_S = 10.0
CLOSE_TIMEOUT_S = 2.0
TOKEN_ADVICE = (
    "check access_token in settings.yaml: a user token with the read scope; since "
    "Mastodon 4.2 public and hashtag streams need one"
)


@dataclass(frozen=True)
class Frame:
    """One event as the server sent it: ``payload`` is the JSON text of an entity, a bare
    id (``delete``), an already parsed object (a server that sends one), or ``None``."""

    event: str
    payload: Any = None


# Not events: SSE event names cannot start with ":" (such a line is a comment).
OPENED = Frame(":opened")
ALIVE = Frame(":alive")
MALFORMED = ":malformed"  # payload: what could not be read, cut short for a log line


class AuthRefused(PermanentError):
    """The server refused the token (401/403): no other transport can help."""


def refusal(
    status: int, headers: Mapping[str, str], body: bytes, url: str, now: datetime
) -> SourceError:
    """The error for a connect answered with ``status``; the server's own words included."""
    said = headers.get("X-Error-Message") or _json_error(body) or ""
    what = f"HTTP {status} from {redact_url(url)}" + (f": {said}" if said else "")
    return refusal_error(
        status,
        what,
        retry_after_s=parse_retry_after(headers.get("Retry-After"), now),
        auth_advice=TOKEN_ADVICE,
        client_advice={
            400: "check timelines in settings.yaml",
            404: "no streaming API there: check streaming_url",
            410: "no streaming API there: check streaming_url",
        },
        auth_error=AuthRefused,
    )


def _json_error(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    error = data.get("error") if isinstance(data, dict) else None
    return str(error)[:200] if error else None


# --- WebSocket ---------------------------------------------------------------------------


async def websocket_frames(
    url: str,
    headers: Mapping[str, str],
    subscriptions: list[dict[str, str]],
    *,
    max_bytes: int,
    quiet_s: float,
    now: datetime,
    user_agent: str | None = None,
) -> AsyncGenerator[Frame, None]:
    """``OPENED`` once subscribed, then each frame; ``ALIVE`` for a pong after ``quiet_s``
    of silence. A clean close returns; anything else raises a ``SourceError``."""
    connection = await _open_websocket(url, headers, max_bytes, now, user_agent)
    async with connection:
        try:
            for subscription in subscriptions:
                await connection.send(json.dumps(subscription))
            yield OPENED
            while True:
                try:
                    async with asyncio.timeout(quiet_s):
                        message = await connection.recv()
                except TimeoutError:
                    await _ping(connection, quiet_s)
                    yield ALIVE
                    continue
                yield websocket_frame(message)
        except ConnectionClosedOK:
            return
        except ConnectionClosed as exc:
            raise TransientError(f"the stream at {redact_url(url)} dropped: {exc}") from exc
        except OSError as exc:
            raise TransientError(f"the stream at {redact_url(url)} failed: {exc!r}") from exc


async def _open_websocket(
    url: str, headers: Mapping[str, str], max_bytes: int, now: datetime, user_agent: str | None
) -> ClientConnection:
    shown = redact_url(url)
    try:
        return await connect(
            url,
            additional_headers=dict(headers),
            max_size=max_bytes,
            user_agent_header=user_agent,  # the daemon's, as on its HTTP requests
            # Our own pings, so a quiet socket yields a keep-alive (see _ping).
            ping_interval=None,
            open_timeout=OPEN_TIMEOUT_S,
            # A dead peer never answers the close: stopping must not wait long on it.
            close_timeout=CLOSE_TIMEOUT_S,
        )
    except WebsocketStatus as exc:
        response = exc.response
        raise refusal(
            response.status_code,
            response.headers,  # case-insensitive, as the server's names may be
            bytes(response.body or b"")[:MAX_ERROR_BODY_BYTES],
            url,
            now,
        ) from exc
    except (InvalidHandshake, OSError, TimeoutError) as exc:
        raise TransientError(f"cannot open a websocket to {shown}: {exc!r}") from exc


async def _ping(connection: ClientConnection, quiet_s: float) -> None:
    pong = await connection.ping()
    try:
        async with asyncio.timeout(quiet_s):
            await pong
    except TimeoutError:
        # A dead peer answers no close either: drop the connection instead of waiting.
        connection.transport.abort()
        raise TransientError(f"no answer to a ping for {quiet_s:g} s: the stream is dead") from None


def websocket_frame(message: str | bytes) -> Frame:
    """One socket message as a ``Frame``; an in-socket error raises."""
    try:
        data = json.loads(message)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Frame(MALFORMED, _shown(message))
    if not isinstance(data, dict):
        return Frame(MALFORMED, _shown(message))
    if "error" in data:
        raise _socket_error(data)
    event = data.get("event")
    if not isinstance(event, str) or not event or event.startswith(":"):
        return Frame(MALFORMED, _shown(message))
    return Frame(event, data.get("payload"))


def _socket_error(data: dict[str, Any]) -> SourceError:
    said = str(data.get("error"))[:200]
    status = data.get("status")
    if status in (401, 403):
        return AuthRefused(f"the streaming server said {said!r} — {TOKEN_ADVICE}")
    if status == 400 or "unknown stream" in said.lower():
        return PermanentError(
            f"the streaming server said {said!r} — check timelines in settings.yaml"
        )
    return TransientError(f"the streaming server said {said!r}")


def _shown(message: str | bytes) -> str:
    text = message if isinstance(message, str) else message[:200].decode("utf-8", "replace")
    return text[:200]


# --- SSE ---------------------------------------------------------------------------------


async def sse_frames(
    http: httpx.AsyncClient,
    urls: list[str],
    headers: Mapping[str, str],
    *,
    max_bytes: int,
    idle_s: float,
    now: datetime,
) -> AsyncGenerator[Frame, None]:
    """``OPENED`` once every response is accepted, then their events merged; ``ALIVE`` per
    comment. The first response to end ends them all (the daemon connects again)."""
    async with AsyncExitStack() as stack:
        responses = [
            await stack.enter_async_context(_open_sse(http, url, headers, idle_s, now))
            for url in urls
        ]
        yield OPENED
        if len(responses) == 1:
            async for frame in _sse_events(responses[0], max_bytes, idle_s):
                yield frame
            return
        queue: asyncio.Queue[Frame | BaseException | None] = asyncio.Queue(maxsize=1000)
        pumps = [asyncio.create_task(_pump(r, queue, max_bytes, idle_s)) for r in responses]
        try:
            while (got := await queue.get()) is not None:
                if isinstance(got, BaseException):
                    raise got
                yield got
        finally:
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)


async def _pump(
    response: httpx.Response,
    queue: asyncio.Queue[Frame | BaseException | None],
    max_bytes: int,
    idle_s: float,
) -> None:
    try:
        async for frame in _sse_events(response, max_bytes, idle_s):
            await queue.put(frame)
    except Exception as exc:  # handed on, not handled: any of them ends every timeline
        # Not only a SourceError: a pump that died silently would stop its timeline while
        # the others kept the idle timer fed.
        await queue.put(exc)
        return
    await queue.put(None)


@asynccontextmanager
async def _open_sse(
    http: httpx.AsyncClient, url: str, headers: Mapping[str, str], idle_s: float, now: datetime
) -> AsyncIterator[httpx.Response]:
    shown = redact_url(url)
    # The read timeout is the idle timeout: a live stream writes ":thump" every 15 s.
    timeout = httpx.Timeout(OPEN_TIMEOUT_S, read=idle_s)
    request = http.build_request(
        "GET", url, headers={"Accept": "text/event-stream", **headers}, timeout=timeout
    )
    try:
        response = await http.send(request, stream=True)
    except httpx.TransportError as exc:
        raise TransientError(f"cannot open {shown}: {exc!r}") from exc
    try:
        if response.status_code != 200:
            body = await read_error_body(response, MAX_ERROR_BODY_BYTES)
            raise refusal(response.status_code, response.headers, body, url, now)
        kind = response.headers.get("Content-Type", "")
        if not kind.startswith("text/event-stream"):
            raise TransientError(
                f"{shown} answered {kind or 'no Content-Type'}, not an event stream"
            )
        yield response
    finally:
        await response.aclose()


async def _sse_events(
    response: httpx.Response, max_bytes: int, idle_s: float
) -> AsyncGenerator[Frame, None]:
    """The events of one SSE body (WHATWG "event stream interpretation", the fields Mastodon
    writes); a clean end returns, a cut or silent one raises ``TransientError``."""
    shown = redact_url(str(response.url))
    reader = _SseReader(max_bytes, shown)
    try:
        async for chunk in body_chunks(response):
            for frame in reader.feed(chunk):
                yield frame
    except httpx.ReadTimeout as exc:
        raise TransientError(
            f"nothing from {shown} for {idle_s:g} s (a live stream sends :thump every 15 s)"
        ) from exc
    except (httpx.TransportError, httpx.DecodingError) as exc:
        raise TransientError(f"the stream at {shown} dropped: {exc!r}") from exc


class _SseReader:
    """Lines to events, with every line and every event's data capped at ``max_bytes``."""

    def __init__(self, max_bytes: int, shown: str) -> None:
        self.max_bytes = max_bytes
        self.shown = shown
        self.lines = LineReader(max_bytes, shown)
        self.event = ""
        self.data: list[str] = []
        self.data_bytes = 0

    def feed(self, chunk: bytes) -> list[Frame]:
        frames: list[Frame] = []
        for line in self.lines.feed(chunk):
            frame = self._line(line)
            if frame is not None:
                frames.append(frame)
        return frames

    def _line(self, raw: bytes) -> Frame | None:
        line = raw.decode("utf-8", "replace")
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return ALIVE  # ":)" on connect, ":thump" every 15 s
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            self.event = value
        elif name == "data":
            self.data_bytes += len(raw)
            if self.data_bytes > self.max_bytes:
                raise TransientError(f"an event from {self.shown} passed {self.max_bytes} bytes")
            self.data.append(value)
        return None  # "id" and "retry" mean nothing here: Mastodon cannot resume

    def _dispatch(self) -> Frame | None:
        event, data = self.event or "message", self.data
        self.event, self.data, self.data_bytes = "", [], 0
        if not data:
            return None
        if event.startswith(":"):
            return Frame(MALFORMED, event[:200])
        return Frame(event, "\n".join(data))
