"""A daemon killed (SIGKILL, no chance to clean up) in the middle of delivering a batch of
alerts, then started again: every alert is stored once and reaches the channel; only the
message that was on the wire at the kill can arrive twice, and it carries the same
idempotency key both times so the receiver can tell.

That a batch's mentions, alerts and outbox rows commit together (a kill before COMMIT
leaves none of them) is tested on the store itself, in test_store_alerts.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.store import open_store
from tests.test_alerts_end_to_end import feed

COMPLAINTS = [
    ("k1", "My Acme order never arrived and nobody answers. Really frustrated."),
    ("k2", "Acme charged my card twice for one anvil, still no refund. Awful."),
    ("k3", "The Acme app crashes every time I log in. Useless and broken."),
    ("k4", "Acme support hung up on me twice today. Terrible service."),
    ("k5", "My Acme rocket arrived damaged, the box was crushed. Very disappointed."),
]


class StallingReceiver:
    """Takes deliveries; the third one hangs until the test lets it go (the kill lands
    while the daemon waits for it)."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.third_arrived = threading.Event()
        self.release = threading.Event()

    def __call__(self, request: Request) -> Response:
        self.keys.append(request.headers["X-Listener-Delivery"])
        if len(self.keys) == 3:
            self.third_arrived.set()
            self.release.wait(30)
        return Response("ok")


def start(config: Path) -> subprocess.Popen[str]:
    listener = Path(sys.executable).with_name("listener")
    return subprocess.Popen(
        [str(listener), "run", "--config", str(config)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def write_config(folder: Path, httpserver: HTTPServer, alerts_extra: str = "") -> Path:
    """Settings polling the local feed and delivering to the local /hook webhook."""
    config = folder / "settings.yaml"
    config.write_text(
        f"""
brands: [{{name: Acme, query: acme}}]
sources:
  - {{name: forum, type: rss, interval: 10m, url: "{httpserver.url_for("/feed.xml")}"}}
storage: {{sqlite: data/listener.db}}
web: {{enabled: false}}
alerts:
  enabled: true
  channels: [{{name: hook, type: webhook, url: "{httpserver.url_for("/hook")}"}}]
{alerts_extra}""",
        encoding="utf-8",
    )
    return config


def restart_until_delivered(config: Path, keys: list[str]) -> str:
    """Start the daemon again, wait (up to 30 s) until every complaint's key has arrived,
    stop it with SIGTERM, and return what it wrote to stderr."""
    restarted = start(config)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(set(keys)) < len(COMPLAINTS):
            time.sleep(0.2)
    finally:
        restarted.send_signal(signal.SIGTERM)
        _, err = restarted.communicate(timeout=30)
    return err


def test_a_kill_mid_delivery_loses_nothing_and_duplicates_no_alert(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        feed(COMPLAINTS, now=datetime.now(UTC)), content_type="application/xml"
    )
    receiver = StallingReceiver()
    httpserver.expect_request("/hook", method="POST").respond_with_handler(receiver)
    config = write_config(
        tmp_path, httpserver, "  retry: {backoff_base: 1s, backoff_max: 2s}\n"
    )

    daemon = start(config)
    try:
        assert receiver.third_arrived.wait(30), "the daemon never got to the third alert"
        daemon.send_signal(signal.SIGKILL)
        daemon.wait(10)
    finally:
        daemon.kill()
        receiver.release.set()
    in_flight = receiver.keys[2]

    err = restart_until_delivered(config, receiver.keys)

    with open_store(tmp_path / "data" / "listener.db") as store:
        alerts = store.list_alerts()
        deliveries = store.list_deliveries()
    assert sorted(a.key for a in alerts) == sorted(f"complaint:forum:{g}" for g, _ in COMPLAINTS)
    assert {d.key for d in deliveries} == set(receiver.keys), err
    assert all(d.status == "sent" for d in deliveries)
    repeated = {key for key, n in Counter(receiver.keys).items() if n > 1}
    assert repeated <= {in_flight}, json.dumps(receiver.keys)
