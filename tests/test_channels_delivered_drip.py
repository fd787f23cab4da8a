"""A receiver that says 2xx and then drips its body, on a real socket: the delivery is done
at once (its body decides nothing), not after the 15 s a refusal's words may take, so the
sent mark follows the 2xx closely and the channel's queue moves on."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from alerts.channels.http import BODY_DEADLINE_S
from tests.channel_messages import message
from tests.fault_server import FaultServer
from tests.test_channels_http import _send, _url_settings

EVERY_S = 0.1


class CountingDrip:
    """200, then a byte every ``EVERY_S`` until the client hangs up; counts the bytes."""

    def __init__(self) -> None:
        self.sent = 0
        self.gone = threading.Event()

    def __call__(self, out: socket.socket, released: threading.Event) -> None:
        out.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1000\r\n\r\n")
        try:
            while not released.wait(EVERY_S) and self.sent < 1000:
                out.sendall(b"k")
                self.sent += 1
        except OSError:
            pass
        self.gone.set()


@pytest.fixture
def drip() -> Iterator[tuple[FaultServer, CountingDrip]]:
    behaviour = CountingDrip()
    with FaultServer({"/hook": behaviour}) as server:
        yield server, behaviour


def test_a_2xx_whose_body_drips_is_delivered_without_waiting_for_the_body(
    drip: tuple[FaultServer, CountingDrip],
) -> None:
    server, behaviour = drip
    _send("webhook", _url_settings("webhook", server.url("/hook")), message())
    assert behaviour.gone.wait(5)
    # Read for the whole 15 s allowed to a refusal, about 150 bytes would have dripped.
    assert behaviour.sent < BODY_DEADLINE_S / EVERY_S / 3
