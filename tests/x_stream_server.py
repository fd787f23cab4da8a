"""A local X API on a real port: the filtered stream, its rules, and recent search.

pytest-httpserver answers each request whole and cannot hold a response open, so this is an
asyncio server on its own thread. It speaks HTTP/1.1 with one request per connection:

- ``GET /2/tweets/search/stream`` answers by the next ``Connection`` plan queued with
  ``plan(...)`` (then ``default``): its ``lines`` sent as a chunked body, each ended by
  ``\\r\\n`` like X's, a bare ``\\r\\n`` keep-alive every ``keepalive_s``, and an ending —
  ``hold`` (keep-alives until the client leaves), ``close`` (a clean end), ``drop`` (the
  socket cut mid-chunk), ``silent`` (nothing more, connection left open); or an HTTP error
  (``status``, ``headers``, ``body``) instead.
- ``GET``/``POST /2/tweets/search/stream/rules``: the rules kept in memory, answered in X's
  shapes (``data``/``meta``, ``errors`` for invalid or duplicate rules). A rule naming an
  operator outside ``KNOWN_OPERATORS`` is refused as X refuses it.
- ``GET /2/tweets/search/recent``: ``search_posts`` newer than ``since_id``, newest first.

Every request must carry ``Authorization: Bearer <token>``; others get X's 401.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "x_stream"
KNOWN_OPERATORS = frozenset({"lang", "is", "has", "from", "to", "url", "sample"})
_OPERATOR = re.compile(r"(?:^|[\s(])-?([A-Za-z_]+):(?=\S)")
UNAUTHORIZED = {
    "title": "Unauthorized",
    "type": "about:blank",
    "status": 401,
    "detail": "Unauthorized",
}


def capture_lines(name: str) -> list[bytes]:
    """A twarc capture's lines, without their ``\\n`` (the server ends each with ``\\r\\n``)."""
    lines = (FIXTURES / name).read_bytes().split(b"\n")
    return lines if lines[-1] else lines[:-1]  # a truncated last line has no "\n"


@dataclass(frozen=True)
class Connection:
    """How the server answers one stream connect."""

    lines: Sequence[bytes] = ()
    end: Literal["hold", "close", "drop", "silent"] = "hold"
    keepalive_s: float = 0.2
    every_s: float = 0.0  # between two lines
    chunk_bytes: int = 0  # > 0: each line written in chunks of this size (TCP splits lines)
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None  # JSON answer of an error status
    # Posts made while this connection was down: recent search has them once it ends.
    missed: Sequence[dict[str, Any]] = ()


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    body: Any


class XStreamServer:
    def __init__(self, token: str = "AAAA-stream-token") -> None:
        self.token = token
        self.default = Connection()
        self.rules: dict[str, dict[str, str]] = {}
        self.search_posts: list[dict[str, Any]] = []
        self.search_users: list[dict[str, Any]] = []
        self.search_status = 200  # another status: recent search answers it, with X's body
        self.requests: list[Request] = []
        self._plans: list[Connection] = []
        self._ids = itertools.count(1_500_000_000_000_000_000)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    # --- life -------------------------------------------------------------------------

    def __enter__(self) -> XStreamServer:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self._loop
        ).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            assert self._server is not None
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def plan(self, *connections: Connection) -> None:
        """The answers to the next stream connects, in order; then ``default``."""
        self._plans.extend(connections)

    def add_rule(self, value: str, tag: str | None = None) -> str:
        rule_id = str(next(self._ids))
        self.rules[rule_id] = {"id": rule_id, "value": value, **({"tag": tag} if tag else {})}
        return rule_id

    def seen(self, path: str, method: str = "GET") -> list[Request]:
        return [r for r in self.requests if r.path == path and r.method == method]

    # --- HTTP -------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            request = await self._read(reader)
            if request is not None:
                self.requests.append(request)
                await self._route(request, writer)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def _read(self, reader: asyncio.StreamReader) -> Request | None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {
            k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:] if h)
        }
        size = int(headers.get("content-length", "0"))
        raw = await reader.readexactly(size) if size else b""
        parts = urlsplit(target)
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return Request(method, parts.path, params, headers, json.loads(raw) if raw else None)

    async def _route(self, request: Request, writer: asyncio.StreamWriter) -> None:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            await _answer(writer, 401, UNAUTHORIZED)
        elif request.path == "/2/tweets/search/stream":
            await self._stream(writer)
        elif request.path == "/2/tweets/search/stream/rules" and request.method == "GET":
            rules = list(self.rules.values())
            meta = {"sent": _now(), "result_count": len(rules)}
            await _answer(writer, 200, {"data": rules, "meta": meta} if rules else {"meta": meta})
        elif request.path == "/2/tweets/search/stream/rules":
            status, body = self._change_rules(request.body or {})
            await _answer(writer, status, body)
        elif request.path == "/2/tweets/search/recent" and self.search_status != 200:
            problem = {"title": HTTPStatus(self.search_status).phrase, "status": self.search_status}
            await _answer(writer, self.search_status, problem)
        elif request.path == "/2/tweets/search/recent":
            await _answer(writer, 200, self._search(request.params))
        else:
            await _answer(writer, 404, {"title": "Not Found Error"})

    async def _stream(self, writer: asyncio.StreamWriter) -> None:
        plan = self._plans.pop(0) if self._plans else self.default
        try:
            await self._stream_plan(plan, writer)
        finally:
            self.search_posts.extend(plan.missed)

    async def _stream_plan(self, plan: Connection, writer: asyncio.StreamWriter) -> None:
        if plan.status != 200:
            await _answer(writer, plan.status, plan.body, plan.headers)
            return
        writer.write(
            _head(200, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
        )
        for line in plan.lines:
            data = line + b"\r\n"
            step = plan.chunk_bytes or len(data)
            for at in range(0, len(data), step):
                writer.write(_chunk(data[at : at + step]))
                await writer.drain()
            if plan.every_s:
                await asyncio.sleep(plan.every_s)
        if plan.end == "close":
            writer.write(b"0\r\n\r\n")
            await writer.drain()
        elif plan.end == "drop":
            writer.write(b'40\r\n{"data": {"id": "1')  # a chunk cut short
            await writer.drain()
            writer.transport.abort()
        elif plan.end == "silent":
            await asyncio.Event().wait()
        else:
            while True:
                writer.write(_chunk(b"\r\n"))
                await writer.drain()
                await asyncio.sleep(plan.keepalive_s)

    def _change_rules(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        meta: dict[str, Any] = {"sent": _now()}
        errors: list[dict[str, Any]] = []
        if "delete" in body:
            ids = body["delete"].get("ids", [])
            deleted = [i for i in ids if self.rules.pop(i, None) is not None]
            meta["summary"] = {"deleted": len(deleted), "not_deleted": len(ids) - len(deleted)}
            return 200, {"meta": meta}
        created: list[dict[str, str]] = []
        for rule in body.get("add", []):
            value = rule["value"]
            unknown = [op for op in _OPERATOR.findall(value) if op.lower() not in KNOWN_OPERATORS]
            if unknown:
                errors.append(
                    {
                        "value": value,
                        "details": [f"Reference to invalid operator '{unknown[0]}'."],
                        "title": "Invalid Rule",
                        "type": "https://api.twitter.com/2/problems/invalid-rules",
                    }
                )
            elif any(r["value"] == value for r in self.rules.values()):
                dup = next(r["id"] for r in self.rules.values() if r["value"] == value)
                errors.append(
                    {
                        "value": value,
                        "id": dup,
                        "title": "DuplicateRule",
                        "type": "https://api.twitter.com/2/problems/duplicate-rules",
                    }
                )
            else:
                created.append(self.rules[self.add_rule(value, rule.get("tag"))])
        meta["summary"] = {
            "created": len(created),
            "not_created": len(errors),
            "valid": len(created),
            "invalid": len(errors),
        }
        answer: dict[str, Any] = {"meta": meta}
        if created:
            answer["data"] = created
        if errors:
            answer["errors"] = errors
        return 201, answer

    def _search(self, params: dict[str, str]) -> dict[str, Any]:
        since = int(params.get("since_id", "0"))
        found = sorted(
            (p for p in self.search_posts if int(p["id"]) > since),
            key=lambda p: int(p["id"]),
            reverse=True,
        )[: int(params.get("max_results", "100"))]
        meta: dict[str, Any] = {"result_count": len(found)}
        if not found:
            return {"meta": meta}
        meta.update(newest_id=found[0]["id"], oldest_id=found[-1]["id"])
        return {"data": found, "includes": {"users": self.search_users}, "meta": meta}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


async def _answer(
    writer: asyncio.StreamWriter, status: int, body: Any, headers: dict[str, str] | None = None
) -> None:
    raw = json.dumps(body).encode() if body is not None else b""
    writer.write(
        _head(
            status,
            {
                "Content-Type": "application/json",
                "Content-Length": str(len(raw)),
                **(headers or {}),
            },
        )
        + raw
    )
    await writer.drain()


@contextlib.contextmanager
def x_stream_server(token: str = "AAAA-stream-token") -> Iterator[XStreamServer]:
    with XStreamServer(token) as server:
        yield server
