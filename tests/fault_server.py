"""A local HTTP server that misbehaves on purpose, on real sockets.

pytest-httpserver answers each request whole, which cannot show a server that accepts and
never answers, drips a byte a second, or resets the connection. This one reads the request
itself and hands the socket to a behaviour per path, each on its own thread, so one hanging
answer never holds up another. Every response closes its connection (no keep-alive), and
closing the server releases the behaviours still waiting.

    with FaultServer({"/feed": Body(data), "/hang": Hang()}) as server:
        server.url("/feed"); server.times("/feed")  # when each request for it arrived
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import Protocol

CHUNK = 64 * 1024
# The client going away mid-answer is the expected end of a drip or an endless body.
_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


class Behaviour(Protocol):
    def __call__(self, out: socket.socket, released: threading.Event) -> None:
        """Answer on ``out`` (or not); give up when ``released`` is set."""


def _head(status: int, headers: Mapping[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@dataclass(frozen=True)
class Body:
    """A complete answer: ``content`` (bytes, or a file streamed from disk) with its length."""

    content: bytes | Path
    content_type: str = "application/xml"
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, out: socket.socket, released: threading.Event) -> None:
        size = self.content.stat().st_size if isinstance(self.content, Path) else len(self.content)
        headers = {"Content-Type": self.content_type, "Content-Length": str(size), **self.headers}
        out.sendall(_head(self.status, headers))
        for chunk in _chunks(self.content):
            out.sendall(chunk)


def _chunks(content: bytes | Path) -> Iterator[bytes]:
    if isinstance(content, bytes):
        yield from (content[at : at + CHUNK] for at in range(0, len(content), CHUNK))
        return
    with content.open("rb") as source:
        while chunk := source.read(CHUNK):
            yield chunk


@dataclass(frozen=True)
class Hang:
    """Accept the request and never answer."""

    def __call__(self, out: socket.socket, released: threading.Event) -> None:
        released.wait()


@dataclass(frozen=True)
class Drip:
    """Send the head, then one byte of ``content`` every ``every_s`` seconds, forever."""

    content: bytes = b'<?xml version="1.0"?><rss version="2.0"><channel><title>slow'
    every_s: float = 1.0

    def __call__(self, out: socket.socket, released: threading.Event) -> None:
        out.sendall(_head(200, {"Content-Type": "application/xml"}))  # no length: read to close
        sent = 0
        while not released.wait(self.every_s):
            out.sendall(self.content[sent % len(self.content) :][:1])
            sent += 1


@dataclass(frozen=True)
class Endless:
    """``total`` bytes of a feed-looking body without a Content-Length, streamed as the
    client reads (never held whole), until the client hangs up."""

    total: int
    filler: bytes = b"<item><title>acme filler</title></item>"

    def __call__(self, out: socket.socket, released: threading.Event) -> None:
        out.sendall(_head(200, {"Content-Type": "application/xml"}))
        chunk = self.filler * (CHUNK // len(self.filler))
        out.sendall(b'<?xml version="1.0"?><rss version="2.0"><channel>')
        sent = 0
        while sent < self.total and not released.is_set():
            out.sendall(chunk)
            sent += len(chunk)


@dataclass(frozen=True)
class Reset:
    """Read the request, then drop the connection with a TCP reset (RST, not FIN)."""

    def __call__(self, out: socket.socket, released: threading.Event) -> None:
        # SO_LINGER on with a zero timeout makes close() send RST; closed here, before the
        # server's own shutdown() would send a FIN first.
        out.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        out.close()


@dataclass(frozen=True)
class Redirect:
    """Send the client to ``to`` (itself, for a loop)."""

    to: str
    status: int = 302

    def __call__(self, out: socket.socket, released: threading.Event) -> None:
        out.sendall(_head(self.status, {"Location": self.to, "Content-Length": "0"}))


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        out: socket.socket = self.request
        out.settimeout(30)  # the test's own bound: a stuck client cannot hold a thread forever
        reader = out.makefile("rb")
        request_line = reader.readline(8192).decode("latin-1")
        while reader.readline(8192) not in (b"\r\n", b"\n", b""):
            pass  # headers: every behaviour answers the same whatever was asked
        reader.close()  # else the socket's descriptor outlives close() (Reset needs it gone)
        parts = request_line.split()
        path = parts[1].split("?")[0] if len(parts) > 1 else ""
        self.server.arrived(path)
        behaviour = self.server.routes.get(path, Body(b"not here", "text/plain", status=404))
        with contextlib.suppress(*_GONE):
            behaviour(out, self.server.released)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, routes: Mapping[str, Behaviour]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = dict(routes)
        self.released = threading.Event()
        self.requests: list[tuple[str, float]] = []
        self._lock = threading.Lock()

    def arrived(self, path: str) -> None:
        with self._lock:
            self.requests.append((path, time.monotonic()))


class FaultServer:
    """Serves ``routes`` (path → behaviour) on 127.0.0.1 from a background thread."""

    def __init__(self, routes: Mapping[str, Behaviour]) -> None:
        self._server = _Server(routes)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._server.released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def times(self, path: str) -> list[float]:
        """``time.monotonic()`` of each request for ``path`` so far, in order."""
        with self._server._lock:
            return [when for seen, when in self._server.requests if seen == path]
