"""A local Mastodon streaming server on real sockets: WebSocket and SSE on one port.

An ASGI app (Starlette, served by uvicorn on its own thread and event loop) answers what
``listener.sources.mastodon_stream`` asks of an instance:

- ``GET /api/v2/instance`` — announces ``configuration.urls.streaming`` (this server's
  ``ws://`` address) unless ``announce_streaming`` is off;
- WebSocket ``/api/v1/streaming`` — the token checked at the upgrade (401 with
  ``X-Error-Message``), ``subscribe`` messages recorded, an unknown stream answered with
  the docs' in-socket error frame;
- SSE ``/api/v1/streaming/{public,public/local,public/remote,hashtag,hashtag/local,list}``
  — ``:)`` first, then the events, ``:thump`` while idle; an unknown channel is the docs'
  400; a bad token a JSON 401;
- the REST timelines the backfill reads (``/api/v1/timelines/tag/:tag``, ``/public``,
  ``/list/:id``) from ``timeline``: statuses after ``min_id``, newest first.

Each streaming connection (a socket, or one SSE response) plays the next ``Session`` of
``sessions``: its events, then its end — ``"open"`` (keep-alives until the client leaves),
``"close"`` (a clean close), ``"drop"`` (an abnormal end: close 1011 / a chunked body cut
short) or ``"stall"`` (nothing more, not even a pong: every byte between the two sides is
held, as on a dead connection). ``refuse`` answers every streaming connect with a status
(401, 429, 503…); ``websocket = False`` answers the upgrade with 404, as a proxy that does
not pass WebSockets. Everything the client did is recorded for assertions.

The client talks to a small TCP relay in front of uvicorn, so ``stall`` can freeze a
connection below HTTP, where a WebSocket library would otherwise answer pings itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.mastodon_stream_events import HERE, End, Event, Item, Session, numbered, ws_capture

TOKEN = "stream-test-token"
SSE_CHANNELS = {"public", "public/local", "public/remote", "hashtag", "hashtag/local", "list"}
WS_STREAMS = {"public", "public:local", "public:remote", "hashtag", "hashtag:local", "list"}


@dataclass
class Recorded:
    connections: list[str] = field(default_factory=list)  # "ws", or the SSE path and query
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    authorizations: list[str | None] = field(default_factory=list)
    user_agents: list[str | None] = field(default_factory=list)
    rest: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # path, params


class MastodonStreamServer:
    """``with MastodonStreamServer() as server:`` — ``server.url`` is the instance URL."""

    def __init__(self) -> None:
        self.sessions: deque[Session] = deque()
        self._timeline: list[dict[str, Any]] = []
        self.token: str | None = TOKEN
        self.refuse: tuple[int, dict[str, str], bytes] | None = None
        self.websocket = True
        self.announce_streaming = True
        self.announced: Any = None  # what urls.streaming says instead of this server's ws://
        self.thump_s = 15.0
        self.sse_channels = set(SSE_CHANNELS)  # fewer: an older server (400 for the rest)
        self.recorded = Recorded()
        self._loop = asyncio.new_event_loop()
        self._relays: list[_Relay] = []
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._ready = threading.Event()
        self._uvicorn: uvicorn.Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def timeline(self) -> list[dict[str, Any]]:
        """The statuses the REST timelines answer from (posted live, missed, or set)."""
        return self._timeline

    @timeline.setter
    def timeline(self, statuses: list[dict[str, Any]]) -> None:
        self._timeline = list(statuses)  # a copy: live posts are added to it

    def play(self, *sessions: Session) -> None:
        self.sessions.extend(sessions)

    def __enter__(self) -> MastodonStreamServer:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the stream server did not start")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._thread.join(10)

    # --- the thread ---------------------------------------------------------------------

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        finally:
            # Handlers still streaming or stalled, and the relays' pipes, end here.
            pending = asyncio.all_tasks(self._loop)
            for task in pending:
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.close()

    async def _serve(self) -> None:
        backend = socket.socket()
        backend.bind(("127.0.0.1", 0))
        config = uvicorn.Config(
            self._app(),
            log_level="warning",
            ws="websockets-sansio",
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self._uvicorn = uvicorn.Server(config)
        backend.listen()  # connects wait in the backlog until uvicorn accepts them
        serving = asyncio.ensure_future(self._uvicorn.serve(sockets=[backend]))
        relay = await asyncio.start_server(
            lambda r, w: self._relay(r, w, backend.getsockname()[1]), "127.0.0.1", 0
        )
        self.port = relay.sockets[0].getsockname()[1]
        self._ready.set()
        async with relay:
            await serving

    async def _stop(self) -> None:
        for relay in self._relays:
            relay.close()
        assert self._uvicorn is not None
        self._uvicorn.should_exit = True
        self._uvicorn.force_exit = True

    async def _relay(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int
    ) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
        relay = _Relay(writer, up_writer)
        self._relays.append(relay)
        # Cancelled when the server stops: asyncio's callback would log that as an error.
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(
                relay.pipe(reader, up_writer), relay.pipe(up_reader, writer), return_exceptions=True
            )
        relay.close()

    def _freeze(self) -> None:
        for relay in self._relays:
            relay.freeze()

    # --- the app ------------------------------------------------------------------------

    def _app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/v2/instance", self._instance),
                WebSocketRoute("/api/v1/streaming", self._websocket),
                Route("/api/v1/streaming/{channel:path}", self._sse),
                Route("/api/v1/timelines/{which:path}", self._rest_timeline),
            ]
        )

    async def _instance(self, request: Request) -> Response:
        self.recorded.rest.append((request.url.path, dict(request.query_params)))
        streaming = self.announced or self.url.replace("http://", "ws://")
        urls = {"streaming": streaming} if self.announce_streaming else {}
        return JSONResponse({"uri": "127.0.0.1", "configuration": {"urls": urls}})

    def _next_session(self) -> Session:
        session = self.sessions.popleft() if self.sessions else Session()
        self._timeline.extend(session.missed)
        return session

    def _posted(self, item: Item) -> None:
        """A live ``update`` is on the REST timelines too, as on a real instance."""
        if isinstance(item, Event) and item.name == "update":
            with contextlib.suppress(ValueError, TypeError):
                self._timeline.append(json.loads(item.payload or ""))

    def _refusal(self, authorization: str | None, *, websocket: bool) -> Response | None:
        self.recorded.authorizations.append(authorization)
        if self.refuse is not None:
            status, headers, body = self.refuse
            return Response(body, status, headers)
        if self.token is None or authorization == f"Bearer {self.token}":
            return None
        said = "Missing access token" if authorization is None else "Invalid access token"
        if websocket:  # Mastodon fails the upgrade with a bare 401 and says why in a header
            return Response(b"", 401, {"X-Error-Message": said})
        return JSONResponse({"error": said}, 401)

    async def _websocket(self, websocket: WebSocket) -> None:
        self.recorded.connections.append("ws")
        self.recorded.user_agents.append(websocket.headers.get("user-agent"))
        refusal = self._refusal(websocket.headers.get("authorization"), websocket=True)
        if refusal is None and not self.websocket:
            refusal = Response(b"Not Found", 404)
        if refusal is not None:
            await websocket.send_denial_response(refusal)
            return
        await websocket.accept()
        session = self._next_session()
        streams: list[list[str]] = []
        subscribed = asyncio.Event()

        async def listen() -> None:
            while True:
                message = json.loads(await websocket.receive_text())
                self.recorded.subscriptions.append(message)
                stream = message.get("stream")
                if stream not in WS_STREAMS:
                    await websocket.send_text(
                        ws_capture("ws_error_unknown_stream_type__docs.json").ws([])
                    )
                    continue
                streams.append([stream, *([message[k] for k in ("tag", "list") if k in message])])
                subscribed.set()

        listening = asyncio.ensure_future(listen())
        try:
            await asyncio.wait_for(subscribed.wait(), 5)
            # A client subscribes to all its timelines at once: let the rest arrive first.
            seen = 0
            while seen != len(self.recorded.subscriptions):
                seen = len(self.recorded.subscriptions)
                await asyncio.sleep(0.05)
            for item in session.items:
                self._posted(item)
                await websocket.send_text(item.ws(streams[0]))
            await self._end_websocket(websocket, session.end)
        except (WebSocketDisconnect, RuntimeError, TimeoutError):
            pass  # the client left
        finally:
            listening.cancel()

    async def _end_websocket(self, websocket: WebSocket, end: End) -> None:
        if end == "close":
            await websocket.close(1000)
        elif end == "drop":
            await websocket.close(1011)
        elif end == "stall":
            await asyncio.sleep(0.2)  # let the relay pass what was sent, then hold everything
            self._freeze()
            with contextlib.suppress(asyncio.CancelledError):  # the server is stopping
                await asyncio.sleep(3600)
        else:
            await websocket.receive_text()  # until the client leaves; pings are answered

    async def _sse(self, request: Request) -> Response:
        channel = request.path_params["channel"]
        self.recorded.connections.append(
            request.url.path + (f"?{request.url.query}" if request.url.query else "")
        )
        refusal = self._refusal(request.headers.get("authorization"), websocket=False)
        if refusal is not None:
            return refusal
        if channel not in self.sse_channels:
            body = json.dumps(
                json.loads((HERE / "http_error_unknown_channel__docs.json").read_bytes())
            )
            return Response(body, 400, media_type="application/json")
        session = self._next_session()
        headers = {"Cache-Control": "private, no-store"}
        return StreamingResponse(
            self._sse_body(session), media_type="text/event-stream", headers=headers
        )

    async def _sse_body(self, session: Session) -> AsyncIterator[bytes]:
        yield b":)\n"
        for item in session.items:
            self._posted(item)
            yield item.sse()
        if session.end == "drop":
            raise ConnectionAbortedError("a dropped stream (the body ends without its last chunk)")
        if session.end == "stall":
            await asyncio.sleep(3600)
        while session.end == "open":
            await asyncio.sleep(self.thump_s)
            yield b":thump\n"

    async def _rest_timeline(self, request: Request) -> Response:
        params = dict(request.query_params)
        self.recorded.rest.append((request.url.path, params))
        min_id = int(params.get("min_id", "0"))
        limit = int(params.get("limit", "20"))
        by_id = {int(s["id"]): s for s in self._timeline if numbered(s)}
        after = [by_id[i] for i in sorted(by_id) if i > min_id]
        # A status without a numeric id comes on every page, as a hostile server sends it.
        odd = [s for s in self._timeline if not numbered(s)]
        return JSONResponse(odd + list(reversed(after[:limit])))


class _Relay:
    """Bytes both ways between a client and uvicorn, until ``frozen`` holds them all."""

    def __init__(self, *writers: asyncio.StreamWriter) -> None:
        self.writers = writers
        self.flowing = asyncio.Event()
        self.flowing.set()

    def freeze(self) -> None:
        self.flowing.clear()

    async def pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            await self.flowing.wait()
            writer.write(data)
            await writer.drain()
        with contextlib.suppress(OSError):
            writer.write_eof()

    def close(self) -> None:
        for writer in self.writers:
            writer.close()
