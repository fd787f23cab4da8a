"""Bluesky posts as they are written, from a Jetstream (v1 ``/subscribe``) websocket.

Jetstream re-serves the network's firehose as JSON, one event per message, filtered by
collection (``wantedCollections``, here ``app.bsky.feed.post``) and optionally by author
(``wantedDids``). No login: the four public instances are open to anyone. With no author
filter this is every post on Bluesky, hundreds a second; the daemon's brand screen
(``Pipeline.screen``) drops what names no brand before anything slow runs, and ``enrich``
resolves the authors of what is left (``jetstream_profiles``).

Resume: the cursor is ``time_us``, the server's clock in microseconds, and works on any
instance. We connect with the saved cursor minus ``replay`` (time_us is not monotonic in the
relay's order, and delivery is at-least-once: repeats are stored once by their at:// URI).
The position we report is the highest ``time_us`` seen, never below the saved cursor — unless
that cursor lies in the future (a clock gone wrong): the server then live-tails, and we take
the resume point from the events alone, so a bad cursor does not stick. An older cursor is
clamped by the server to its 36 h retention.

Failures: 401/403 on the upgrade park the source; 429 is a rate limit; a 5xx is a refused
connect; other 4xx (a bad parameter) park it with the server's words; 400 "invalid cursor"
reconnects at once without a cursor (live tail) and says so. A dropped connection is a
``TransientError``; a clean close (1000, 1001 "server shutting down") just ends the stream.
A malformed frame is counted, logged and skipped. Compression (``compress``) is zstd with
Jetstream's own dictionary (``jetstream_zstd_dictionary.zdict``, shipped beside this file),
binary frames; each is inflated with the frame size cap.

Liveness: the server pings every 30 s and the websocket library answers, but those pings
never reach the daemon. The full firehose is never quiet for a minute: silence past
``idle_timeout`` there means the instance stalled (it can lose its relay and still answer
pings), and the daemon reconnects. With ``dids`` the stream may rightly be quiet for long:
then we ping the server after half of ``idle_timeout`` with no frame and report its pong as
a keep-alive, so only a dead connection times out.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode, urlsplit

import zstandard
from pydantic import AfterValidator, Field, field_validator
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosedError,
    ConnectionClosedOK,
    InvalidHandshake,
    InvalidStatus,
    InvalidURI,
)

from listener.models import RawItem, SourceState
from listener.sources.api import BaseUrl
from listener.sources.base import SourceInfo
from listener.sources.errors import (
    PermanentError,
    TransientError,
)
from listener.sources.http_times import parse_retry_after
from listener.sources.jetstream_map import POST, MalformedFrame, at_time, read_frame
from listener.sources.jetstream_profiles import profiles, resolve_authors
from listener.sources.stream_wire import refusal_error, saved_position
from listener.sources.streaming import (
    ReconnectPolicy,
    StreamContext,
    StreamEvent,
    StreamOptions,
)
from listener.units import Duration, at_least

DEFAULT_URL = "wss://jetstream2.us-east.bsky.network/subscribe"
DICTIONARY = Path(__file__).with_name("jetstream_zstd_dictionary.zdict")
OPEN_TIMEOUT_S = 10.0
CLOSE_TIMEOUT_S = 5.0
# Jetstream documents no reconnect strategy, only "reconnect with the cursor". A reconnect is
# cheap (the cursor replays what was missed) and a quick one keeps that replay short, so a
# dropped connection is retried in steps of a tenth of a second up to 10 s (X's are a quarter
# second up to 16 s); HTTP refusals and rate limits keep the defaults, as the CDN's per-IP
# limits are not published.
RECONNECT = ReconnectPolicy(network_step_s=0.1, network_max_s=10.0)
QUIET_PING_TIMEOUT_S = 10.0
# A saved cursor this far past our clock is no skew but a broken clock or a bad copy.
FUTURE_SLACK_US = 5 * 60 * 1_000_000
# An NSID, or an NSID prefix ending in ".*" (Jetstream refuses partial segments).
_NSID = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*(\.[a-zA-Z0-9-]+)+(\.\*)?|[a-zA-Z][a-zA-Z0-9-]*\.\*")

INFO = SourceInfo(
    summary="Bluesky posts as they are written (Jetstream websocket, every post or chosen authors)",
    credentials=("none: Jetstream is public",),
    limits="no published rate limit (per-IP limits at the CDN and origin, numbers not given); "
    "36 h of replay by cursor; up to 100 collections and 10,000 DIDs per connection; "
    "the server pings every 30 s; a client far behind and reading slowly is dropped; "
    "authors resolved through public.api.bsky.app getProfiles (25 a call, cached 6 h)",
    sample="""\
- name: bluesky-live
  type: jetstream
  # every Bluesky post, screened for the brands before anything else runs
  url: wss://jetstream2.us-east.bsky.network/subscribe
  replay: 5s               # resume this far before the saved cursor
  compress: false          # true: zstd frames, under half the bytes
""",
    network="bluesky",  # the same people as the polled bluesky source
)


def _ws_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("ws", "wss") or not parts.netloc:
        raise ValueError("must be a ws:// or wss:// URL")
    if parts.query or parts.fragment:
        raise ValueError("must have no query: set collections, dids and compress as options")
    # Checked here, not left to the connect: the server answers 404 there, and the source
    # would load, start and park instead of `listener check` saying what to write.
    if not parts.path.endswith("/subscribe"):
        raise ValueError(
            "must end in /subscribe, Jetstream's endpoint: "
            f"{parts.scheme}://{parts.netloc}/subscribe"
        )
    return value.strip()


class Options(StreamOptions):
    url: Annotated[str, AfterValidator(_ws_url)] = DEFAULT_URL
    collections: tuple[str, ...] = Field(default=(POST,), min_length=1, max_length=100)
    dids: tuple[str, ...] = Field(default=(), max_length=10_000)
    compress: bool = False
    replay: Annotated[Duration, at_least(timedelta(0))] = timedelta(seconds=5)
    # The firehose is never quiet this long; an author-filtered stream is pinged after half
    # of it, and the pong counts as a keep-alive.
    idle_timeout: Annotated[Duration, at_least(timedelta(seconds=1))] = timedelta(seconds=60)
    appview_url: BaseUrl = "https://public.api.bsky.app"
    resolve_handles: bool = True

    @field_validator("collections")
    @classmethod
    def _posts_only(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for nsid in value:
            if not _NSID.fullmatch(nsid):
                raise ValueError(f"{nsid!r} is not a collection NSID (or a prefix ending .*)")
            if nsid != POST and not (nsid.endswith(".*") and POST.startswith(nsid[:-1])):
                raise ValueError(
                    f"{nsid!r}: only {POST} records are read; other collections would be "
                    "received and dropped"
                )
        return value

    @field_validator("dids")
    @classmethod
    def _dids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for did in value:
            if not did.startswith(("did:plc:", "did:web:")):
                raise ValueError(f"{did!r} is not a DID (did:plc:… or did:web:…)")
        return value


async def stream(ctx: StreamContext[Options], state: SourceState) -> AsyncIterator[StreamEvent]:
    options = ctx.options
    loaded = saved_position(ctx, state.cursor, ceiling=_ceiling(ctx), unit="a time in microseconds")
    saved = loaded.value or None  # 0 is no time: it would replay the whole retention
    # From the future, the server live-tails and the resume point comes from the events.
    floor = None if loaded.future else saved
    replay_us = int(options.replay.total_seconds() * 1_000_000)
    cursor = max(saved - replay_us, 0) if saved is not None else None
    try:
        connection = await _connect(ctx, cursor)
    except _InvalidCursor:
        ctx.log.warning(
            "jetstream: the server refused the cursor (invalid cursor); reading from now on, "
            "the gap since the last event is not replayed",
            extra={"source": ctx.source, "cursor": cursor},
        )
        floor = None
        connection = await _connect(ctx, None)
    async with connection:
        yield StreamEvent.opened_now()
        try:
            async for event in _events(ctx, connection, floor):
                yield event
        except ConnectionClosedError as exc:
            raise TransientError(f"the Jetstream connection dropped ({exc})") from exc


async def enrich(ctx: StreamContext[Options], items: list[RawItem]) -> list[RawItem]:
    """The screened posts with their authors' handles, names and follower counts."""
    if not ctx.options.resolve_handles or not items:
        return items
    try:
        return await resolve_authors(
            ctx.as_poll_context(), items, ctx.options.appview_url, profiles(ctx)
        )
    except Exception as exc:  # the contract: enrichment never costs the posts
        ctx.log.warning(
            "jetstream: author lookup failed unexpectedly (%s: %s); the posts keep their DIDs",
            type(exc).__name__,
            exc,
            extra={"source": ctx.source},
        )
        return items


async def _events(
    ctx: StreamContext[Options], connection: ClientConnection, floor: int | None
) -> AsyncIterator[StreamEvent]:
    """One event per frame until the server closes cleanly (a drop raises)."""
    compressed = ctx.options.compress
    cap = ctx.max_response_bytes
    highest = floor if floor is not None else 0
    ceiling = _ceiling(ctx)  # refreshed only when a frame's time passes it
    malformed = 0
    known = profiles(ctx)
    async for message in _messages(ctx, connection):
        if message is None:
            yield StreamEvent.heartbeat()
            continue
        try:
            if compressed and isinstance(message, bytes):
                message = _inflate(message, cap)
            frame = read_frame(message)
        except (MalformedFrame, zstandard.ZstdError) as exc:
            malformed += 1
            if malformed == 1 or malformed % 1000 == 0:
                ctx.log.warning(
                    "jetstream: skipped a malformed frame (%s); %d on this connection",
                    exc,
                    malformed,
                    extra={"source": ctx.source, "malformed_frames": malformed},
                )
            yield StreamEvent.heartbeat()  # it proves the connection alive, nothing more
            continue
        if frame.handle is not None and frame.did is not None:
            known.saw_handle(ctx.source, frame.did, frame.handle, ctx.clock())
        time_us = frame.time_us
        if time_us > ceiling:
            # A time from the future recorded as the position would make the next
            # connect's cursor skip what was written until then.
            ceiling = _ceiling(ctx)
            time_us = min(time_us, ceiling)
        if time_us > highest:
            highest = time_us
        yield StreamEvent(
            items=(frame.item,) if frame.item is not None else (),
            position=str(highest),
            at=at_time(time_us),
        )


async def _messages(
    ctx: StreamContext[Options], connection: ClientConnection
) -> AsyncIterator[str | bytes | None]:
    """The frames as they come; ``None`` for a quiet spell the server answered a ping in.

    The server's own pings (every 30 s) are answered inside the websocket library and never
    reach us. On the full firehose that is right: a silent firehose is a stalled instance
    (answering pings or not), and ``idle_timeout`` should end it. An author-filtered stream
    (``dids``) may be quiet for hours: after half the idle timeout with no frame we ping the
    server ourselves and report its pong as a keep-alive; only a connection that does not
    answer within ``QUIET_PING_TIMEOUT_S`` ends."""
    if not ctx.options.dids:
        async for message in connection:
            yield message
        return
    quiet_s = max(ctx.options.idle_timeout.total_seconds() / 2, 0.5)
    while True:
        try:
            # One timer per frame (no task, unlike wait_for): the firehose path stays cheap.
            # Cancelling recv() is safe in websockets' asyncio implementation.
            async with asyncio.timeout(quiet_s):
                message = await connection.recv()
        except ConnectionClosedOK:
            return
        except TimeoutError:
            try:
                pong = await connection.ping()
                await asyncio.wait_for(pong, QUIET_PING_TIMEOUT_S)
            except ConnectionClosedOK:
                return
            except TimeoutError as exc:
                raise TransientError("the Jetstream server stopped answering pings") from exc
            yield None
            continue
        yield message


class _InvalidCursor(Exception):
    """The server answered 400 "invalid cursor"."""


async def _connect(ctx: StreamContext[Options], cursor: int | None) -> ClientConnection:
    options = ctx.options
    params: list[tuple[str, str]] = [("wantedCollections", c) for c in options.collections]
    params += [("wantedDids", d) for d in options.dids]
    # The server skips a larger event instead of sending it: one oversized post must not
    # drop the connection, and then again after every replay.
    params.append(("maxMessageSizeBytes", str(ctx.max_response_bytes)))
    if options.compress:
        params.append(("compress", "true"))
    if cursor is not None:
        params.append(("cursor", str(cursor)))
    url = f"{options.url}?{urlencode(params)}"
    try:
        return await connect(
            url,
            max_size=ctx.max_response_bytes,
            open_timeout=OPEN_TIMEOUT_S,
            close_timeout=CLOSE_TIMEOUT_S,
            # permessage-deflate with compress=true is refused (400) by the new server.
            compression=None if options.compress else "deflate",
            user_agent_header=ctx.http.headers.get("User-Agent"),
            # The environment's proxy (HTTPS_PROXY, NO_PROXY), as the daemon's HTTP client
            # and Mastodon's websocket use it: a machine that reaches out only through one
            # must reach Jetstream through it too.
            proxy=True,
        )
    except InvalidStatus as exc:
        raise _refused(ctx, exc, cursor) from exc
    except InvalidURI as exc:
        raise PermanentError(f"{options.url} is not a websocket URL ({exc})") from exc
    except (InvalidHandshake, OSError, TimeoutError) as exc:
        said = str(exc) or type(exc).__name__
        raise TransientError(f"could not connect to {options.url} ({said})") from exc


def _refused(ctx: StreamContext[Options], exc: InvalidStatus, cursor: int | None) -> Exception:
    response = exc.response
    status = response.status_code
    body = bytes(response.body or b"")[:300].decode("utf-8", errors="replace").strip()
    said = f"{ctx.options.url} answered {status}" + (f": {body}" if body else "")
    retry_after_s = parse_retry_after(response.headers.get("Retry-After"), ctx.clock())
    if status == 400 and cursor is not None and "cursor" in body.lower():
        return _InvalidCursor(said)
    return refusal_error(
        status,
        said,
        retry_after_s=retry_after_s,
        auth_advice="Jetstream is public; check the url in settings.yaml",
        client_advice="check url, collections and dids in settings.yaml",
    )


def _ceiling(ctx: StreamContext[Options]) -> int:
    """The latest ``time_us`` a position may hold now: the clock plus a little skew."""
    return int(ctx.clock().timestamp() * 1_000_000) + FUTURE_SLACK_US


def _inflate(data: bytes, cap: int) -> bytes:
    """One zstd frame, inflated to at most ``cap`` bytes. A frame that states its size is
    inflated into a buffer of that size, so a stated size past the cap is refused first."""
    stated = zstandard.frame_content_size(data)
    if stated > cap:
        raise MalformedFrame(f"a compressed frame of {stated} bytes, over the {cap} cap")
    return _decompressor().decompress(data, max_output_size=cap)


@cache
def _decompressor() -> zstandard.ZstdDecompressor:
    return zstandard.ZstdDecompressor(
        dict_data=zstandard.ZstdCompressionDict(DICTIONARY.read_bytes())
    )
