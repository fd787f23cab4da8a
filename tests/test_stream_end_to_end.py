"""A complaint on a stream, from the server's socket to the team's webhook, through the real
daemon (``listener run`` in a subprocess, its settings file, its SQLite file on disk).

- A matching complaint sent by a local Jetstream reaches a local webhook once, in under 2 s
  (measured from just before the server sends it to the receiver's arrival, so the server's
  own queueing counts against the daemon, not for it).
- A stream that drops 20 times in under a minute (Jetstream's reconnect backoff grows by a
  tenth of a second a drop) loses no complaint and stores none twice: the server aborts
  each connection after a few dozen frames, without a close frame, while a complaint a
  second comes among real captured posts; each reconnect resumes from the saved cursor
  minus the source's ``replay``, so it reads posts it has stored already again.

The Jetstream server is ``tests/jetstream_server.py``; the AppView that names authors is a
pytest-httpserver route, so nothing leaves the machine.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.jetstream_server import POST, JetstreamServer, capture_lines, post_line

COMPLAINT = "My Acme order {n} never arrived and nobody answers. Really frustrated."


class Hook:
    """The webhook: every delivery's body and the moment it arrived."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.deliveries: list[tuple[float, str]] = []

    def __call__(self, request: Request) -> Response:
        arrived = time.monotonic()
        with self.lock:
            self.deliveries.append((arrived, request.get_data(as_text=True)))
        return Response("ok")

    def arrivals(self, key: str) -> list[float]:
        with self.lock:
            return [at for at, body in self.deliveries if key in body]

    def wait(self, key: str, timeout_s: float) -> float | None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = self.arrivals(key)
            if found:
                return found[0]
            time.sleep(0.005)
        return None


@pytest.fixture
def hook(httpserver: HTTPServer) -> Hook:
    receiver = Hook()
    httpserver.expect_request("/hook", method="POST").respond_with_handler(receiver)
    # The AppView answers that it knows none of these authors: their DIDs stay their names.
    httpserver.expect_request("/xrpc/app.bsky.actor.getProfiles").respond_with_json(
        {"profiles": []}
    )
    return receiver


def write_settings(folder: Path, httpserver: HTTPServer, stream_url: str) -> Path:
    config = folder / "settings.yaml"
    config.write_text(
        f"""
brands: [{{name: Acme, query: acme}}]
sources:
  - name: sky
    type: jetstream
    url: "{stream_url}"
    appview_url: "{httpserver.url_for("/").rstrip("/")}"
storage: {{sqlite: data/listener.db}}
web: {{enabled: false}}
alerts:
  enabled: true
  channels: [{{name: hook, type: webhook, url: "{httpserver.url_for("/hook")}"}}]
  rules: [{{type: complaint}}]  # no spike rule: a wave of complaints would fold into one
""",
        encoding="utf-8",
    )
    return config


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[list[subprocess.Popen[str]]]:
    """Started by the test (``start``); stopped with SIGTERM after it, whatever happened."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        process.send_signal(signal.SIGTERM)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate(timeout=10)


def start(config: Path, started: list[subprocess.Popen[str]]) -> subprocess.Popen[str]:
    listener = Path(sys.executable).with_name("listener")
    process = subprocess.Popen(
        [str(listener), "run", "--config", str(config)],
        cwd=config.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    started.append(process)
    return process


def said(process: subprocess.Popen[str]) -> str:
    """What a daemon wrote, once it has stopped (for a failure's message)."""
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    return err[-4000:]


def stored(db: Path, native_id: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM mentions WHERE native_id = ?", (native_id,)
        ).fetchone()
    return int(count)


def at_uri(did: str, rkey: str) -> str:
    return f"at://{did}/{POST}/{rkey}"


class Background:
    """Real captured posts (not about the brand), each sent again with a fresh time_us and
    rkey so it is a new post, and the complaints sent among them."""

    def __init__(self, server: JetstreamServer) -> None:
        self.server = server
        posts = [
            json.loads(line) for line in capture_lines("capture_v1_contiguous_152_events.jsonl")
        ]
        self.templates = [e for e in posts if (e.get("commit") or {}).get("collection") == POST]
        self.sent = 0
        self.complaints: list[tuple[str, str]] = []  # (did, rkey)
        self._last_us = 0

    def time_us(self) -> int:
        self._last_us = max(self._last_us + 1, time.time_ns() // 1000)
        return self._last_us

    def send_posts(self, n: int) -> None:
        lines = []
        for _ in range(n):
            event = copy.deepcopy(self.templates[self.sent % len(self.templates)])
            event["time_us"] = self.time_us()
            event["commit"]["rkey"] = f"bg{self.sent:08d}"
            lines.append(json.dumps(event, separators=(",", ":")))
            self.sent += 1
        self.server.inject(*lines)

    def send_complaint(self) -> tuple[str, str]:
        """A complaint by an author of its own (one author's follow-ups fold into one
        alert); returns its DID and record key."""
        n = len(self.complaints)
        did, rkey = f"did:plc:streamendtoend{n:010d}", f"complaint{n:04d}"
        text = COMPLAINT.format(n=7000 + n)
        self.server.inject(post_line(text, time_us=self.time_us(), did=did, rkey=rkey))
        self.complaints.append((did, rkey))
        return did, rkey


def test_a_complaint_on_the_stream_reaches_the_webhook_once_in_under_2_s(
    tmp_path: Path, httpserver: HTTPServer, hook: Hook, daemon: list[subprocess.Popen[str]]
) -> None:
    with JetstreamServer(without_cursor="live") as server:
        process = start(write_settings(tmp_path, httpserver, server.url), daemon)
        server.wait_connections(1, timeout_s=60)
        background = Background(server)
        background.send_posts(50)  # the stream is busy before the complaint comes

        sent = time.monotonic()
        did, rkey = background.send_complaint()
        arrived = hook.wait(rkey, timeout_s=30)
        background.send_posts(50)

        assert arrived is not None, said(process)
        assert arrived - sent < 2.0, f"{arrived - sent:.2f} s from the stream to the webhook"
        time.sleep(1.0)  # a second delivery would have come by now
        assert len(hook.arrivals(rkey)) == 1
        assert stored(tmp_path / "data" / "listener.db", at_uri(did, rkey)) == 1


def test_twenty_drops_in_a_minute_lose_no_complaint_and_store_none_twice(
    tmp_path: Path, httpserver: HTTPServer, hook: Hook, daemon: list[subprocess.Popen[str]]
) -> None:
    # Each connection gets a few dozen frames (what it missed since its cursor, then live
    # ones) and is aborted without a close frame, as a flaky network does.
    with JetstreamServer(without_cursor="live", disconnect_after=DROP_AFTER_FRAMES) as server:
        start(write_settings(tmp_path, httpserver, server.url), daemon)
        server.wait_connections(1, timeout_s=60)
        background = Background(server)
        first_connect = time.monotonic()
        deadline = first_connect + 90
        while server.connections < 21 and time.monotonic() < deadline:
            background.send_posts(POSTS_PER_TICK)
            if background.sent % COMPLAINT_EVERY < POSTS_PER_TICK:
                background.send_complaint()
            time.sleep(TICK_S)
        drops, dropping_s = server.connections - 1, time.monotonic() - first_connect
        server.disconnect_after = None  # the network heals: the next connection stays
        background.send_posts(POSTS_PER_TICK)
        background.send_complaint()

        everything = time.monotonic() + 30
        for _, rkey in background.complaints:
            hook.wait(rkey, timeout_s=max(0.0, everything - time.monotonic()))
        time.sleep(1.0)

    db = tmp_path / "data" / "listener.db"
    assert drops >= 20, f"{drops} drops in {dropping_s:.0f} s"
    missing = [k for _, k in background.complaints if not hook.arrivals(k)]
    twice = [k for _, k in background.complaints if len(hook.arrivals(k)) > 1]
    assert (missing, twice) == ([], [])
    assert [stored(db, at_uri(*c)) for c in background.complaints] == [1] * len(
        background.complaints
    )
    assert len(background.complaints) >= 20


TICK_S = 0.1
POSTS_PER_TICK = 1  # 10 posts/s
COMPLAINT_EVERY = 10  # a complaint a second
# The source reconnects with its cursor minus `replay` (5 s by default: ~50 frames here),
# so each connection reads the last seconds again and then about a second of new frames.
DROP_AFTER_FRAMES = 65
