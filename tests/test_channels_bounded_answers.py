"""A webhook receiver's answer costs a delivery no more than an error message: a gzip bomb or
an endless body, after a 2xx or a refusal, is read only as far as ``ANSWER_BYTES``, on real
sockets (tests/fault_server.py), with the memory the delivery allocated traced."""

from __future__ import annotations

import socket
import threading
import tracemalloc
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from alerts.channels.base import DeliveryError
from tests.channel_messages import message
from tests.fault_server import CHUNK, Behaviour, Body, Endless, FaultServer
from tests.test_channels_http import _send, _url_settings

MB = 2**20
# Read whole, any of these answers takes 100 MiB or more; read as far as the cap, a few
# MiB at most. The bound leaves room for what the fault server's threads (traced too)
# allocate meanwhile, which varies from run to run.
PEAK_BOUND = 24 * MB


@dataclass(frozen=True)
class EndlessRefusal:
    """A status line, then body without end (no Content-Length) until the client hangs up."""

    status: int

    def __call__(self, out: socket.socket, released: threading.Event) -> None:
        head = f"HTTP/1.1 {self.status} Refused\r\nConnection: close\r\n\r\n"
        out.sendall(head.encode("latin-1"))
        words = b"the receiver says no " * (CHUNK // 21)
        while not released.is_set():
            out.sendall(words)


def zeros_gzipped(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(MB)
    return b"".join(packer.compress(zeros) for _ in range(size // MB)) + packer.flush()


@pytest.fixture(scope="module")
def receiver() -> Iterator[FaultServer]:
    bomb = zeros_gzipped(256 * MB)  # ≈260 KB on the wire
    routes: dict[str, Behaviour] = {
        "/ok": Body(b"ok", "text/plain"),
        "/bomb-ok": Body(bomb, "text/plain", headers={"Content-Encoding": "gzip"}),
        "/bomb-500": Body(bomb, "text/plain", 500, {"Content-Encoding": "gzip"}),
        "/endless-ok": Endless(total=200 * MB),
        "/endless-400": EndlessRefusal(400),
    }
    with FaultServer(routes) as server:
        yield server


def send_traced(url: str) -> tuple[DeliveryError | None, int]:
    """Deliver one message to ``url``; what it raised, and the peak of traced memory."""
    tracemalloc.start()
    try:
        try:
            _send("webhook", _url_settings("webhook", url), message())
            failure = None
        except DeliveryError as error:
            failure = error
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return failure, peak


@pytest.fixture(autouse=True)
def _warm(receiver: FaultServer) -> None:
    # Imports and first-use caches happen before anything is measured.
    _send("webhook", _url_settings("webhook", receiver.url("/ok")), message())


@pytest.mark.parametrize("path", ["/bomb-ok", "/endless-ok"])
def test_a_2xx_with_a_bomb_or_an_endless_body_is_delivered_in_bounded_memory(
    receiver: FaultServer, path: str
) -> None:
    failure, peak = send_traced(receiver.url(path))
    assert failure is None
    assert peak < PEAK_BOUND, f"{peak / MB:.0f} MiB allocated at the peak"


def test_a_500_with_a_gzip_bomb_is_a_transient_failure_in_bounded_memory(
    receiver: FaultServer,
) -> None:
    failure, peak = send_traced(receiver.url("/bomb-500"))
    assert failure is not None and not failure.permanent
    assert "webhook failed with HTTP 500" in str(failure)
    assert peak < PEAK_BOUND, f"{peak / MB:.0f} MiB allocated at the peak"


def test_a_400_with_an_endless_body_quotes_its_first_words_in_bounded_memory(
    receiver: FaultServer,
) -> None:
    failure, peak = send_traced(receiver.url("/endless-400"))
    assert failure is not None and failure.permanent
    text = str(failure)
    assert "refused the message with HTTP 400: the receiver says no" in text
    assert len(text) < 600
    assert peak < PEAK_BOUND, f"{peak / MB:.0f} MiB allocated at the peak"

