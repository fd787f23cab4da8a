"""The issue's first flow, end to end: ``listener run`` (a real process) polls a local feed
and serves the web app; a complaint posted to the feed appears in the inbox a browser has
open, without a reload, and is delivered to the local webhook receiver too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer

from tests.helpers import FeedHandler
from tests.test_alerts_end_to_end import Receiver, feed
from tests.web_fixtures import free_port

QUIET = [("q1", "Acme's new catalogue is out today.")]
COMPLAINT = ("c1", "My Acme order never arrived and nobody answers. Really frustrated.")


@pytest.fixture
def daemon(tmp_path: Path, httpserver: HTTPServer) -> Iterator[tuple[str, FeedHandler, Receiver]]:
    """``listener run`` on a free web port, polling /feed.xml and delivering to /hook."""
    handler = FeedHandler(feed(QUIET, now=datetime.now(UTC)))
    httpserver.expect_request("/feed.xml").respond_with_handler(handler)
    receiver = Receiver()
    httpserver.expect_request("/hook", method="POST").respond_with_handler(receiver)
    port = free_port()
    config = tmp_path / "settings.yaml"
    config.write_text(
        f"""
brands: [{{name: Acme, query: acme}}]
sources:
  - {{name: forum, type: rss, interval: 10m, url: "{httpserver.url_for("/feed.xml")}"}}
storage: {{sqlite: listener.db}}
web: {{host: 127.0.0.1, port: {port}}}
alerts:
  channels: [{{name: hook, type: webhook, url: "{httpserver.url_for("/hook")}"}}]
""",
        encoding="utf-8",
    )
    listener = Path(sys.executable).with_name("listener")
    process = subprocess.Popen(
        [str(listener), "run", "--config", str(config)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError(f"the daemon's web app never answered: {process.poll()}")
            time.sleep(0.2)
        yield url, handler, receiver
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def poll_now(url: str, source: str) -> None:
    """The sources page's "poll now", as a browser would send it (CSRF cookie and token)."""
    with httpx.Client(base_url=url) as client:
        client.get("/inbox")
        token = client.cookies["listener_csrf"]
        answer = client.post(f"/api/v1/sources/{source}/poll", headers={"X-CSRF-Token": token})
        assert answer.status_code < 300, answer.text


def test_a_complaint_posted_to_the_feed_appears_in_the_open_inbox(
    daemon: tuple[str, FeedHandler, Receiver], page: Any
) -> None:
    url, handler, receiver = daemon
    page.goto(f"{url}/inbox")
    page.get_by_text("Nothing open — new complaints land here").wait_for()
    page.evaluate("window.sameDocument = true")

    handler.body = feed([*QUIET, COMPLAINT], now=datetime.now(UTC))
    poll_now(url, "forum")

    row = page.locator("tr[data-row]", has_text="My Acme order never arrived")
    row.wait_for(timeout=30_000)
    assert "forum" in row.inner_text()
    assert page.evaluate("window.sameDocument") is True
    deadline = time.monotonic() + 30
    while not receiver.bodies and time.monotonic() < deadline:
        time.sleep(0.2)
    assert receiver.bodies, "the webhook receiver got nothing"
