"""Waiting in tests for a condition rather than for a fixed time, and a webhook that notes
what it received: shared by the daemon's and the stream runner's tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from werkzeug import Request, Response


async def until(condition: Callable[[], bool], timeout_s: float = 5.0) -> bool:
    """Whether ``condition`` became true within ``timeout_s`` (looked at every 10 ms)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


class Hook:
    """A webhook endpoint for pytest-httpserver: when each request came, and its body."""

    def __init__(self) -> None:
        self.received_at: list[float] = []  # time.monotonic()
        self.bodies: list[str] = []

    def __call__(self, request: Request) -> Response:
        self.received_at.append(time.monotonic())
        self.bodies.append(request.get_data(as_text=True))
        return Response("ok")
