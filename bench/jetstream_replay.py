"""A local Jetstream (v1 ``/subscribe``) that replays the real captured events at a set rate.

The background is the real posts of ``../shared/fixtures/streams/jetstream/`` (the capture
lines, looped), each sent with a fresh ``time_us``, ``rev`` and ``rkey`` so that every one is
a new event to the client; they are not about any brand. ``inject(text)`` queues a post of
our own between them and the moment it actually leaves on the socket is recorded, which is
where the bench's stream latency starts.

Like the real server it honours ``wantedCollections`` (identity and account events go to
every subscriber regardless) and ``cursor`` (microseconds: events from that time are sent
again before the live tail, so a client that reconnects with its cursor misses nothing),
and answers a non-integer cursor with HTTP 400. ``drop_every_s`` aborts each connection
after that long, as a flaky network would, to test that nothing is lost or stored twice.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import copy
import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request, Response

POST = "app.bsky.feed.post"
TID_LETTERS = "234567abcdefghijklmnopqrstuvwxyz"  # the atproto record-key alphabet
AUTHOR_DID = "did:plc:latencybenchauthor0000"  # not a real account


def load_capture(folder: Path) -> list[dict[str, Any]]:
    """Every event line of the capture files in ``folder``, in file order."""
    events: list[dict[str, Any]] = []
    for path in sorted(folder.glob("capture_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                events.append(json.loads(line))
    return events


def tid(counter: int) -> str:
    """A 13-letter record key from a counter, sortable like atproto's TIDs."""
    letters = []
    for _ in range(13):
        counter, digit = divmod(counter, 32)
        letters.append(TID_LETTERS[digit])
    return "3" + "".join(reversed(letters))[1:]


def collection_of(event: dict[str, Any]) -> str | None:
    commit = event.get("commit")
    return commit.get("collection") if isinstance(commit, dict) else None


@dataclass
class Sent:
    """An event in the replay log: its time_us (the cursor) and its wire text."""

    time_us: int
    text: str
    collection: str | None
    marker: str | None = None  # the rkey of an injected post, to time it


@dataclass
class ReplayStats:
    connections: int = 0
    drops: int = 0
    background_sent: int = 0
    first_background_at: float | None = None
    last_background_at: float | None = None
    sent_at: dict[str, float] = field(default_factory=dict)  # marker -> first send (monotonic)
    resent: int = 0  # injected posts sent again on a cursor replay


class JetstreamReplay:
    """The server, on its own event loop in a thread; ``url`` is its ``/subscribe``."""

    def __init__(
        self,
        capture: Iterable[dict[str, Any]],
        *,
        rate: float,
        drop_every_s: float | None = None,
    ) -> None:
        everything = list(capture)
        # Only posts: the daemon asks for nothing else, so nothing else would reach it.
        self.capture = [
            event
            for event in everything
            if event.get("kind") != "commit" or collection_of(event) == POST
        ] or everything
        self.rate = rate
        self.drop_every_s = drop_every_s
        self.stats = ReplayStats()
        self._log: list[Sent] = []
        self._counter = 1 << 40
        self._last_us = 0
        self._changed: asyncio.Condition | None = None
        self._loop = asyncio.new_event_loop()
        self._server: Server | None = None
        self._producer: asyncio.Task[None] | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.port = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/subscribe"

    def start(self) -> JetstreamReplay:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the replay server did not start")
        return self

    def stop(self) -> None:
        async def close() -> None:
            if self._producer is not None:
                self._producer.cancel()
            if self._server is not None:
                self._server.close()
                await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def inject(self, text: str, *, did: str = AUTHOR_DID) -> str:
        """Queue a post with ``text``; returns its rkey (the key ``stats.sent_at`` uses)."""
        holder: list[str] = []
        done = threading.Event()

        def add() -> None:
            holder.append(self._append_post(text, did))
            done.set()

        self._loop.call_soon_threadsafe(add)
        done.wait(5)
        return holder[0]

    def sent_at(self, marker: str) -> float | None:
        return self.stats.sent_at.get(marker)

    # -- inside the loop ---------------------------------------------------------------

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()

    async def _start(self) -> None:
        self._changed = asyncio.Condition()
        self._server = await serve(
            self._handle,
            "127.0.0.1",
            0,
            process_request=self._check_request,
            ping_interval=30,
            max_queue=None,
        )
        self.port = next(iter(self._server.sockets)).getsockname()[1]
        if self.rate > 0:
            self._producer = asyncio.get_running_loop().create_task(self._produce())

    def _next_time_us(self) -> int:
        self._last_us = max(self._last_us + 1, time.time_ns() // 1000)
        return self._last_us

    def _append(self, event: dict[str, Any], marker: str | None = None) -> None:
        event["time_us"] = self._next_time_us()
        sent = Sent(
            event["time_us"], json.dumps(event, ensure_ascii=False), collection_of(event), marker
        )
        self._log.append(sent)
        assert self._changed is not None
        changed = self._changed

        async def wake() -> None:
            async with changed:
                changed.notify_all()

        asyncio.get_running_loop().create_task(wake())

    def _fresh(self, template: dict[str, Any]) -> dict[str, Any]:
        event = copy.deepcopy(template)
        commit = event.get("commit")
        if isinstance(commit, dict):
            self._counter += 1
            commit["rkey"] = tid(self._counter)
            commit["rev"] = tid(self._counter)
        return event

    def _append_post(self, text: str, did: str) -> str:
        self._counter += 1
        rkey = tid(self._counter)
        now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        self._append(
            {
                "did": did,
                "kind": "commit",
                "commit": {
                    "rev": rkey,
                    "operation": "create",
                    "collection": POST,
                    "rkey": rkey,
                    "record": {
                        "$type": POST,
                        "createdAt": f"{now}.000Z",
                        "langs": ["en"],
                        "text": text,
                    },
                    "cid": "bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
                },
            },
            marker=rkey,
        )
        return rkey

    async def _produce(self) -> None:
        """Background events at ``rate`` per second, on a schedule so no drift accumulates."""
        started = time.monotonic()
        n = 0
        while True:
            due = started + n / self.rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self._append(self._fresh(self.capture[n % len(self.capture)]))
            n += 1

    def _check_request(self, connection: ServerConnection, request: Request) -> Response | None:
        url = urlsplit(request.path)
        if url.path != "/subscribe":
            return connection.respond(HTTPStatus.NOT_FOUND, "not found\n")
        cursor = parse_qs(url.query).get("cursor", [""])[0]
        if cursor and not cursor.lstrip("-").isdigit():
            return connection.respond(HTTPStatus.BAD_REQUEST, "invalid cursor\n")
        return None

    async def _handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None and self._changed is not None
        self.stats.connections += 1
        query = parse_qs(urlsplit(ws.request.path).query)
        wanted = set(query.get("wantedCollections", []))
        cursor = query.get("cursor", [""])[0]
        position = len(self._log)  # live tail
        if cursor and 0 < int(cursor) <= self._last_us:
            position = bisect.bisect_left(self._log, int(cursor), key=lambda s: s.time_us)
        opened = time.monotonic()
        try:
            while True:
                if self.drop_every_s is not None and time.monotonic() - opened > self.drop_every_s:
                    self.stats.drops += 1
                    ws.transport.abort()  # no close frame: a dropped network, not a goodbye
                    return
                while position < len(self._log):
                    sent = self._log[position]
                    position += 1
                    if wanted and sent.collection is not None and sent.collection not in wanted:
                        continue
                    # Timed from just before the send, so the send itself counts too.
                    self._count(sent, time.monotonic())
                    await ws.send(sent.text)
                async with self._changed:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._changed.wait(), 0.2)
        except Exception:  # the client went away; the next connection carries on
            return

    def _count(self, sent: Sent, now: float) -> None:
        if sent.marker is None:
            self.stats.background_sent += 1
            if self.stats.first_background_at is None:
                self.stats.first_background_at = now
            self.stats.last_background_at = now
        elif sent.marker in self.stats.sent_at:
            self.stats.resent += 1
        else:
            self.stats.sent_at[sent.marker] = now
