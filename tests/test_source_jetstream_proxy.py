"""The jetstream websocket goes through the environment's proxy (``http_proxy``, as the
daemon's HTTP client and Mastodon's websocket do): a real local HTTP CONNECT proxy, in
front of the local Jetstream replay server, records the tunnel it was asked for."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator

import httpx
import pytest

from listener.models import SourceState
from listener.sources import jetstream
from listener.sources.streaming import StreamContext, StreamEvent
from tests.jetstream_server import JetstreamServer, capture_lines

GOLDEN = "capture_v1_golden_10_events.jsonl"


class ConnectProxy:
    """An HTTP proxy that only tunnels (``CONNECT host:port``), on its own thread."""

    def __init__(self) -> None:
        self.tunnels: list[str] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ConnectProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._tunnel, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        server.close()

    async def _tunnel(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
        if method != "CONNECT":
            writer.write(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
            writer.close()
            return
        self.tunnels.append(target)
        host, port = target.rsplit(":", 1)
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ConnectProxy]:
    with ConnectProxy() as running:
        for name in ("no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{running.port}")
        yield running


def test_the_websocket_goes_through_the_environment_s_proxy(proxy: ConnectProxy) -> None:
    async def one_connection(url: str) -> list[StreamEvent]:
        got: list[StreamEvent] = []
        async with httpx.AsyncClient() as http:
            ctx = StreamContext(source="live", options=jetstream.Options(url=url), http=http)
            events = jetstream.stream(ctx, SourceState(source="live"))
            with contextlib.suppress(TimeoutError, StopAsyncIteration):
                while True:
                    got.append(await asyncio.wait_for(anext(events), 1.0))
            await events.aclose()  # type: ignore[attr-defined]
        return got

    with JetstreamServer(capture_lines(GOLDEN)) as server:
        got = asyncio.run(one_connection(server.url))
        port = server.url.split(":")[2].split("/")[0]
    assert proxy.tunnels == [f"127.0.0.1:{port}"]
    assert got[0].opened and [item for e in got for item in e.items]
