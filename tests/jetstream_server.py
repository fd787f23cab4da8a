"""A local Bluesky Jetstream (v1 ``/subscribe``) replay server, on a real websocket.

It runs its own event loop on a thread, so a plain test, an ``asyncio.run`` test and a
daemon in a subprocess can all connect to it:

    with JetstreamServer(capture_lines("capture_v1_golden_10_events.jsonl")) as server:
        server.url                      # ws://127.0.0.1:<port>/subscribe
        server.inject(line, ...)        # live events, sent to every open connection
        server.queries                  # the query strings it was asked, in order
        server.wait_connections(2)      # block until the second connection was accepted

What it serves, as the real server does (../shared/fixtures/streams/README.md):

- ``lines`` are the stream's history, one JSON object per text frame, sent as given (so a
  test can put a malformed line among them). A connection with ``cursor=N`` gets the lines
  whose ``time_us`` ≥ N, then the live ones; a cursor later than the wall clock is dropped
  (live tail: only injected lines). Without a cursor it gets the whole history (as a cursor
  older than the retention window would), or nothing with ``without_cursor="live"``.
- ``wantedCollections`` (NSIDs or ``prefix.*``) and ``wantedDids`` filter commits; identity
  and account events reach every subscriber regardless of collections, as Jetstream says;
  an event longer than ``maxMessageSizeBytes`` is skipped.
- ``compress=true``: each frame is one zstd frame made with Jetstream's dictionary, sent as
  a binary message.
- a non-integer cursor is refused before the upgrade with 400 "invalid cursor".

Faults, settable before or between connections (they apply to the connections accepted
after the change):

- ``reject=(status, body)``: refuse the upgrade (401, 400, 429, 503…) ``reject_times``
  times (``None``: always), with ``reject_headers`` (e.g. ``Retry-After``);
  ``reject_with_cursor_only`` refuses only connections that carry a cursor.
- ``disconnect_after=N``: drop the TCP connection (no close frame) after N frames.
- ``stall_after=N``: after N frames send nothing more but keep the socket open (and keep
  answering pings, which the websocket library does by itself).
- ``malformed_every=N``: a broken JSON frame before every Nth frame.
- ``honour_size_cap=False``: ignore ``maxMessageSizeBytes`` (an older or foreign server).
- ``rate_per_s``: pace the frames (the latency bench), instead of as fast as possible.

``burst_lines(n)`` makes n distinct post creates (the 10,000-event burst); it, ``post_line``
and ``capture_lines`` live in ``tests/jetstream_lines.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal
from urllib.parse import parse_qs, urlsplit

import zstandard
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

# The lines it serves are made in jetstream_lines; tests import them from here too.
from tests.jetstream_lines import POST as POST
from tests.jetstream_lines import burst_lines as burst_lines
from tests.jetstream_lines import capture_lines as capture_lines
from tests.jetstream_lines import post_line as post_line

DICTIONARY = (
    Path(__file__).parent.parent / "listener" / "sources" / "jetstream_zstd_dictionary.zdict"
)
MALFORMED = '{"did":"did:plc:broken","time_us":17,"kind":"commit","commit":{'


@dataclass(frozen=True)
class _Line:
    text: str
    time_us: int | None
    did: str | None
    collection: str | None  # None: not a commit (identity, account) or unreadable


def _read(text: str) -> _Line:
    try:
        event = json.loads(text)
    except json.JSONDecodeError:
        return _Line(text, None, None, None)
    if not isinstance(event, dict):
        return _Line(text, None, None, None)
    commit = event.get("commit")
    collection = commit.get("collection") if isinstance(commit, dict) else None
    time_us = event.get("time_us")
    return _Line(text, time_us if isinstance(time_us, int) else None, event.get("did"), collection)


def _wanted(line: _Line, collections: list[str], dids: list[str]) -> bool:
    if dids and line.did is not None and line.did not in dids:
        return False
    if not collections or line.collection is None:
        return True
    return any(
        line.collection == want or (want.endswith(".*") and line.collection.startswith(want[:-1]))
        for want in collections
    )


class JetstreamServer:
    """See the module docstring. Use as a context manager; every knob is a plain attribute."""

    def __init__(
        self,
        lines: Iterable[str] = (),
        *,
        without_cursor: Literal["all", "live"] = "all",
        reject: tuple[int, str] | None = None,
        reject_times: int | None = None,
        reject_headers: Mapping[str, str] | None = None,
        reject_with_cursor_only: bool = False,
        disconnect_after: int | None = None,
        stall_after: int | None = None,
        malformed_every: int | None = None,
        rate_per_s: float | None = None,
        honour_size_cap: bool = True,
    ) -> None:
        self.history: list[_Line] = [_read(line) for line in lines]
        self.without_cursor = without_cursor
        self.reject = reject
        self.reject_times = reject_times
        self.reject_headers = dict(reject_headers or {})
        self.reject_with_cursor_only = reject_with_cursor_only
        self.disconnect_after = disconnect_after
        self.stall_after = stall_after
        self.malformed_every = malformed_every
        self.rate_per_s = rate_per_s
        self.honour_size_cap = honour_size_cap
        self.queries: list[str] = []  # every upgrade request's query string, refused ones too
        self.frames_sent = 0
        self.rejected = 0
        self._accepted = 0
        self._changed = threading.Condition()
        self._queues: set[asyncio.Queue[_Line]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._compressor = zstandard.ZstdCompressor(
            dict_data=zstandard.ZstdCompressionDict(DICTIONARY.read_bytes())
        )
        self.port = 0

    # -- the test's side -------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/subscribe"

    @property
    def connections(self) -> int:
        """Upgrades accepted so far."""
        return self._accepted

    def params(self, index: int = -1) -> dict[str, list[str]]:
        """The query of one request (the last by default), parsed."""
        return parse_qs(self.queries[index], keep_blank_values=True)

    def inject(self, *lines: str) -> None:
        """Append live events to the history and send them to every open connection."""
        read = [_read(line) for line in lines]
        loop = self._loop
        assert loop is not None, "start the server first"
        done = threading.Event()

        def push() -> None:
            self.history.extend(read)
            for queue in self._queues:
                for line in read:
                    queue.put_nowait(line)
            done.set()

        loop.call_soon_threadsafe(push)
        done.wait(5)

    def wait_connections(self, n: int, timeout_s: float = 10.0) -> None:
        """Block until ``n`` upgrades were accepted in all (AssertionError after the timeout)."""
        with self._changed:
            ok = self._changed.wait_for(lambda: self._accepted >= n, timeout_s)
        assert ok, f"{self._accepted} connections after {timeout_s} s, wanted {n}"

    def wait_sent(self, n: int, timeout_s: float = 10.0) -> None:
        """Block until ``n`` frames were sent in all."""
        with self._changed:
            ok = self._changed.wait_for(lambda: self.frames_sent >= n, timeout_s)
        assert ok, f"{self.frames_sent} frames sent after {timeout_s} s, wanted {n}"

    def __enter__(self) -> JetstreamServer:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            self._server = loop.run_until_complete(self._start())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._stop())
            loop.close()

        self._thread = threading.Thread(target=run, name="jetstream-server", daemon=True)
        self._thread.start()
        assert ready.wait(10), "the jetstream server did not start"
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    # -- the server's side -----------------------------------------------------------

    async def _start(self) -> Server:
        server = await serve(
            self._handle,
            "127.0.0.1",
            0,
            process_request=self._process_request,
            compression=None,
            max_size=None,
            close_timeout=1,
        )
        self.port = next(iter(server.sockets)).getsockname()[1]
        return server

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close(close_connections=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 3)
        # A client that vanished without closing leaves its handler waiting: end it here,
        # so the loop closes with nothing pending.
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        query = urlsplit(request.path).query
        self.queries.append(query)
        params = parse_qs(query)
        if urlsplit(request.path).path != "/subscribe":
            return connection.respond(404, "404 page not found\n")
        cursor = params.get("cursor", [None])[0]
        if cursor is not None and not cursor.lstrip("-").isdigit():
            return connection.respond(400, "invalid cursor\n")
        applies = cursor is not None or not self.reject_with_cursor_only
        left = self.reject_times is None or self.rejected < self.reject_times
        if self.reject is not None and applies and left:
            self.rejected += 1
            status, body = self.reject
            response = connection.respond(status, body)
            response.headers.update(Headers(self.reject_headers))
            return response
        return None

    async def _handle(self, connection: ServerConnection) -> None:
        params = parse_qs(urlsplit(connection.request.path if connection.request else "").query)
        collections = params.get("wantedCollections", [])
        dids = params.get("wantedDids", [])
        compress = params.get("compress", ["false"])[0] == "true"
        # 0, negative or absent: no limit (the real server's reading)
        size_cap = int(params.get("maxMessageSizeBytes", ["0"])[0] or 0)
        if not self.honour_size_cap:
            size_cap = 0
        raw_cursor = params.get("cursor", [None])[0]
        cursor = int(raw_cursor) if raw_cursor is not None else None
        if cursor is not None and cursor > time.time() * 1_000_000:
            cursor = None  # a future cursor: live tail, as the real server does
            backlog: Sequence[_Line] = []
        elif cursor is None and self.without_cursor == "live":
            backlog = []
        else:
            since = cursor
            backlog = [
                line
                for line in self.history
                if since is None or line.time_us is None or line.time_us >= since
            ]
        queue: asyncio.Queue[_Line] = asyncio.Queue()
        self._queues.add(queue)
        with self._changed:
            self._accepted += 1
            self._changed.notify_all()
        try:
            await self._send_all(connection, backlog, queue, collections, dids, compress, size_cap)
        except ConnectionClosed:
            pass  # the client went away: the normal end of a subscription
        finally:
            self._queues.discard(queue)

    async def _send_all(
        self,
        connection: ServerConnection,
        backlog: Sequence[_Line],
        queue: asyncio.Queue[_Line],
        collections: list[str],
        dids: list[str],
        compress: bool,
        size_cap: int = 0,
    ) -> None:
        sent = 0
        backlog_left = iter(backlog)
        while True:
            line = next(backlog_left, None) or await self._next_live(connection, queue)
            if line is None:
                return  # closed while waiting for a live event
            if not _wanted(line, collections, dids):
                continue
            if size_cap > 0 and len(line.text.encode("utf-8")) > size_cap:
                continue  # skipped, as Jetstream skips an event over maxMessageSizeBytes
            if self.stall_after is not None and sent >= self.stall_after:
                await connection.wait_closed()
                return
            if self.disconnect_after is not None and sent >= self.disconnect_after:
                if connection.transport is not None:
                    connection.transport.abort()
                return
            if self.malformed_every and sent and sent % self.malformed_every == 0:
                await self._send(connection, MALFORMED, compress)
            await self._send(connection, line.text, compress)
            sent += 1
            with self._changed:
                self.frames_sent += 1
                self._changed.notify_all()
            if self.rate_per_s:
                await asyncio.sleep(1 / self.rate_per_s)
            elif sent % 500 == 0:
                await asyncio.sleep(0)  # let the injector and other connections in

    @staticmethod
    async def _next_live(connection: ServerConnection, queue: asyncio.Queue[_Line]) -> _Line | None:
        getting = asyncio.ensure_future(queue.get())
        closing = asyncio.ensure_future(connection.wait_closed())
        await asyncio.wait({getting, closing}, return_when=asyncio.FIRST_COMPLETED)
        if getting.done():
            closing.cancel()
            return getting.result()
        getting.cancel()
        return None

    async def _send(self, connection: ServerConnection, text: str, compress: bool) -> None:
        if compress:
            await connection.send(self._compressor.compress(text.encode("utf-8")))
        else:
            await connection.send(text)
