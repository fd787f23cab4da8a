"""A small real websocket stream for the stream runner's tests, and a stream type reading it.

``ReplayServer`` serves numbered posts over a real websocket on 127.0.0.1 (port 0): a
client asks ``?cursor=N`` and gets every post after N, then the live ones the test
``publish``es. The test sets how it misbehaves: close after a few frames, go silent (no
keep-alive), answer the handshake with an HTTP status (401, 503).

``stream_type(server)`` is a ``SourceType`` named ``test_stream`` whose ``stream`` reads it
the way a real stream source does (opened, events with positions, errors by the contract),
handed to a ``StreamRunner`` directly: no registry entry, nothing patched. It is for what the
real jetstream type and ``tests.jetstream_server`` cannot show: a clean close after N frames,
an enrich of the test's own, a reconnect policy in milliseconds, numbered positions a test
can read back, and the store's failures by a post's own id; the daemon's tests use the real
jetstream type. ``world`` gives a runner
what the daemon would: settings, a real SQLite store, a pipeline and metrics.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed, ConnectionClosedError, InvalidStatus
from websockets.http11 import Request, Response

from listener.config.settings import Settings, SourceSettings
from listener.metrics import Metrics
from listener.models import Author, RawItem, SourceState
from listener.pipeline.run import Pipeline
from listener.service.stream_setup import StreamSetup
from listener.service.streams import StreamRunner
from listener.sources.base import SourceType
from listener.sources.errors import PermanentError, ServerRefused, TransientError
from listener.sources.registry import get_source_type
from listener.sources.streaming import ReconnectPolicy, StreamContext, StreamEvent, StreamOptions
from listener.store import SQLiteStore, open_store

# Reconnects in tens of milliseconds, so twenty drops take well under a second.
FAST = ReconnectPolicy(
    network_step_s=0.01,
    network_max_s=0.05,
    http_base_s=0.2,
    http_max_s=0.8,
    rate_limited_base_s=0.2,
    rate_limited_max_s=0.8,
    jitter=0.0,
    healthy_after_s=30.0,
)
POSTED_AT = datetime(2026, 12, 6, 5, 0, tzinfo=UTC)


@dataclass
class ReplayServer:
    posts: list[str] = field(default_factory=list)
    close_after: int | None = None  # frames per connection, then a clean close
    drop_after: int | None = None  # frames per connection, then an abrupt close (1011)
    silent: bool = False  # sends nothing, not even a keep-alive
    refuse: int | None = None  # answer the handshake with this HTTP status
    cursors: list[str] = field(default_factory=list)  # the cursor each connection asked for
    sent_ids: list[str] = field(default_factory=list)
    posted_at: datetime = POSTED_AT  # the first post's time; each next one a second later
    handshakes: list[float] = field(default_factory=list)  # time.monotonic() of each
    _server: Server | None = None
    _new_post: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.sockets[0].getsockname()[:2]
        return f"ws://{host}:{port}/subscribe"  # read with jetstream's options

    async def __aenter__(self) -> ReplayServer:
        self._server = await serve(
            self._handle, "127.0.0.1", 0, process_request=self._handshake, ping_interval=None
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    def publish(self, text: str) -> None:
        self.posts.append(text)
        self._new_post.set()

    def _handshake(self, connection: ServerConnection, request: Request) -> Response | None:
        self.handshakes.append(time.monotonic())
        if self.refuse is not None:
            status = HTTPStatus(self.refuse)
            return connection.respond(status, f"{status.phrase}\n")
        return None

    async def _handle(self, ws: ServerConnection) -> None:
        with suppress(ConnectionClosed):  # the client went away (a test's runner stopped)
            await self._serve(ws)

    async def _serve(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        query = ws.request.path.partition("?cursor=")[2]
        self.cursors.append(query)
        after = int(query or 0)
        if self.silent:
            await ws.wait_closed()
            return
        sent = 0
        seq = after
        while True:
            while seq < len(self.posts):
                if self.close_after is not None and sent >= self.close_after:
                    await ws.close()
                    return
                if self.drop_after is not None and sent >= self.drop_after:
                    await ws.close(1011, "going away badly")
                    return
                seq += 1
                await ws.send(json.dumps(frame(seq, self.posts[seq - 1], self.posted_at)))
                self.sent_ids.append(f"p{seq}")
                sent += 1
            self._new_post.clear()
            posted = asyncio.ensure_future(self._new_post.wait())
            closed = asyncio.ensure_future(ws.wait_closed())
            await asyncio.wait([posted, closed], return_when=asyncio.FIRST_COMPLETED)
            posted.cancel()
            if closed.done():
                return
            closed.cancel()


def frame(seq: int, text: str, first_at: datetime = POSTED_AT) -> dict[str, Any]:
    at = first_at + timedelta(seconds=seq - 1)
    return {"seq": seq, "id": f"p{seq}", "text": text, "at": at.isoformat()}


def stream_for(url: str) -> Any:
    """A stream function reading ``ReplayServer`` by the contract in listener.sources.streaming."""

    async def stream(
        ctx: StreamContext[StreamOptions], state: SourceState
    ) -> AsyncIterator[StreamEvent]:
        try:
            async with connect(f"{url}?cursor={state.cursor or 0}", open_timeout=2) as ws:
                yield StreamEvent.opened_now()
                async for raw in ws:
                    data = json.loads(raw)
                    at = datetime.fromisoformat(data["at"])
                    item = RawItem(
                        native_id=data["id"],
                        url=f"https://example.test/{data['id']}",
                        html=data["text"],
                        author=Author(handle="someone"),
                        published_at=at,
                    )
                    yield StreamEvent(items=(item,), position=str(data["seq"]), at=at)
        except InvalidStatus as error:
            status = error.response.status_code
            if status in (401, 403):
                raise PermanentError(f"the server refused the token (HTTP {status})") from None
            raise ServerRefused(f"the server answered HTTP {status}") from None
        except (OSError, ConnectionClosedError) as error:
            raise TransientError(f"connection lost: {error}") from None

    return stream


def stream_type(server: ReplayServer, policy: ReconnectPolicy = FAST, **kw: Any) -> SourceType:
    """The test's stream type. Its sources are written as ``type: jetstream`` (a source's
    type must be registered) and read with jetstream's options model: url, batch window,
    idle timeout."""
    return SourceType(
        name="test_stream",
        options_model=get_source_type("jetstream").options_model,
        poll=None,
        stream=stream_for(server.url),
        reconnect=policy,
        **kw,
    )


# ---- a runner's world: settings, a real SQLite store, a pipeline, metrics --------------

SETTINGS = "brands:\n  - name: Acme\n    query: acme\nstorage:\n  sqlite: data/listener.db\n"


@dataclass
class World:
    settings: Settings
    store: SQLiteStore
    metrics: Metrics
    setup: StreamSetup
    config: Path

    def source(self, server: ReplayServer, **options: Any) -> SourceSettings:
        fields = {"name": "live", "type": "jetstream", "url": server.url, **options}
        fields.setdefault("batch_window", timedelta(milliseconds=20))
        return SourceSettings.model_validate(fields)

    def stored_ids(self) -> list[str]:
        with self.store._read() as conn:
            return [row[0] for row in conn.execute("SELECT native_id FROM mentions")]

    def metric(self, name: str, **labels: str) -> float:
        return self.metrics.value(name, source="live", **labels)


def quick_setup(
    store: SQLiteStore,
    http: httpx.AsyncClient,
    pipeline: Pipeline,
    metrics: Metrics | None = None,
    **setup_fields: Any,
) -> StreamSetup:
    """A runner's setup for tests: a fixed random seed, health and park checks every 0.1 s."""
    return StreamSetup(
        store=store,
        http=http,
        metrics=metrics or Metrics(),
        pipeline=lambda: pipeline,
        rng=random.Random(1),
        health_every_s=0.1,
        park_check_s=0.1,
        **setup_fields,
    )


@asynccontextmanager
async def world(
    write_settings: Callable[[str], Settings], text: str = SETTINGS, **setup_fields: Any
) -> AsyncIterator[World]:
    """``setup_fields``: StreamSetup fields the test sets (a clock)."""
    settings = write_settings(text)
    store = open_store(settings.storage.sqlite)
    pipeline = Pipeline(settings, store)
    metrics = Metrics()
    async with httpx.AsyncClient() as http:
        setup = quick_setup(store, http, pipeline, metrics, **setup_fields)
        try:
            yield World(settings, store, metrics, setup, settings.config_path)
        finally:
            store.close()


@asynccontextmanager
async def running(runner: StreamRunner, grace_s: float = 2.0) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(runner.run())
    try:
        yield task
    finally:
        runner.stop()
        _done, pending = await asyncio.wait([task], timeout=grace_s)
        for left in pending:
            left.cancel()
        await asyncio.wait([task])
