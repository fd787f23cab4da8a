"""``listener run`` in a process of its own, for the tests that need the daemon as deployed:
its signals, its web app on a real port, `listener sources` asked from beside it.

``listener_run(config)`` runs it for the length of a ``with`` block; ``daemon_web_client(port)``
waits until its web app answers and yields a client that holds the CSRF token, as a browser
that has loaded a page does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

LISTENER = Path(sys.executable).with_name("listener")
# A clean stop drains polls and alerts in a few seconds; past this the test fails and the
# daemon is killed rather than left running.
STOP_TIMEOUT_S = 20.0


@contextmanager
def listener_run(config: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``listener run --config config`` for the block, then SIGTERM, and SIGKILL if it has not
    stopped within ``STOP_TIMEOUT_S``. Its log goes to ``listener-run.log`` beside the
    config: a pipe nobody reads would stall a chatty daemon once the pipe filled."""
    with config.with_name("listener-run.log").open("wb") as log:
        daemon = subprocess.Popen(
            [str(LISTENER), "run", "--config", str(config)],
            stderr=log,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            yield daemon
        finally:
            daemon.terminate()
            try:
                daemon.wait(timeout=STOP_TIMEOUT_S)
            finally:
                daemon.kill()  # a no-op once it has exited
                daemon.wait()


def wait_for(condition: Callable[[], bool], timeout_s: float) -> bool:
    """True as soon as ``condition()`` is; False if it still is not after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def answers(url: str) -> bool:
    """Whether the web app at ``url`` is up (its /healthz says 200)."""
    try:
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def daemon_web_client(port: int, timeout_s: float = 20) -> Iterator[httpx.Client]:
    """A client of the daemon's web app on ``port`` once it answers, sending the CSRF token
    the app set on its first page (the header the API's writes require)."""
    url = f"http://127.0.0.1:{port}"
    assert wait_for(lambda: answers(url), timeout_s), "the daemon's web app never answered"
    with httpx.Client(base_url=url) as client:
        client.get("/sources")
        client.headers["X-CSRF-Token"] = client.cookies["listener_csrf"]
        yield client
