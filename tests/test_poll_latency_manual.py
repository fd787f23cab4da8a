"""`listener poll --once` beside a running daemon does not push the daemon's next check: the
two are separate processes on one SQLite file, and the manual poll keeps the earlier of the
check the daemon stored and the one it computes itself (``listener.service.scheduler``,
``keep_before``). Real processes, a real feed served on this machine, the real store file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.models import SourceState
from listener.store import open_store
from tests.helpers import rss_feed

LISTENER = Path(sys.executable).with_name("listener")


class Feed:
    def __init__(self, body: bytes, status: int = 200) -> None:
        self.body, self.status = body, status
        self.requests = 0

    def __call__(self, request: Request) -> Response:
        self.requests += 1
        return Response(self.body, status=self.status, content_type="application/xml")


def write_config(folder: Path, httpserver: HTTPServer, interval: str = "10m") -> Path:
    config = folder / "settings.yaml"
    config.write_text(
        "brands: [{name: Acme, query: acme}]\n"
        "sources:\n"
        f"  - {{name: news, type: rss, interval: {interval},"
        f" url: '{httpserver.url_for('/feed')}'}}\n"
        "storage: {sqlite: data/listener.db}\n"
        "web: {enabled: false}\n"
        # No jitter: the manual poll's own next check is then surely later than the
        # daemon's (with jitter it may come earlier, and the earlier one is kept).
        "scheduler: {jitter: 0}\n",
        encoding="utf-8",
    )
    return config


def poll_once(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LISTENER), "poll", "--once", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def stored(config: Path) -> SourceState:
    store = open_store(config.parent / "data" / "listener.db")
    try:
        state = store.load_source_state("news")
    finally:
        store.close()
    assert state is not None
    return state


def test_a_manual_poll_beside_a_running_daemon_leaves_its_next_check_alone(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    feed = Feed(rss_feed([("a1", "Acme", "an acme note")]))
    httpserver.expect_request("/feed").respond_with_handler(feed)
    config = write_config(tmp_path, httpserver)
    daemon = subprocess.Popen(
        [str(LISTENER), "run", "--config", str(config)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (feed.requests and _saved(config)):
            time.sleep(0.1)
        assert feed.requests == 1, "the daemon never polled"
        by_daemon = stored(config)
        assert by_daemon.next_check_at is not None
        time.sleep(1.0)  # the manual poll's own interval would end a second later

        feed.body = rss_feed([("a1", "Acme", "an acme note"), ("a2", "Acme", "more acme")])
        done = poll_once(config)
        assert done.returncode == 0, done.stderr
        assert feed.requests == 2  # the manual poll did read the feed

        after = stored(config)
        assert after.items_total == 2 and after.last_new_items == 1
        assert after.last_success_at is not None
        assert by_daemon.last_success_at is not None
        assert after.last_success_at > by_daemon.last_success_at
        # Without keep_before it would be the manual poll's start + up to 10 min: later.
        assert after.next_check_at == by_daemon.next_check_at
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.communicate(timeout=30)
    assert daemon.returncode == 0


def _saved(config: Path) -> bool:
    try:
        return stored(config).last_success_at is not None
    except (AssertionError, OSError):
        return False


def test_a_manual_poll_brings_a_far_backoff_forward(tmp_path: Path, httpserver: HTTPServer) -> None:
    feed = Feed(rss_feed([("a1", "Acme", "an acme note")]))
    httpserver.expect_request("/feed").respond_with_handler(feed)
    config = write_config(tmp_path, httpserver)
    # The daemon stored a long backoff after many failures; the server is back.
    far = datetime.now(UTC) + timedelta(hours=2)
    store = open_store(config.parent / "data" / "listener.db")
    try:
        store.save_source_state(
            SourceState(source="news", next_check_at=far, error_count=9, last_error="HTTP 503")
        )
        started = datetime.now(UTC)
        done = poll_once(config)
        assert done.returncode == 0, done.stderr
        after = store.load_source_state("news")
    finally:
        store.close()
    assert after is not None and after.next_check_at is not None
    assert after.error_count == 0 and after.last_error is None
    assert started + timedelta(minutes=9) <= after.next_check_at <= started + timedelta(minutes=11)


def test_a_failing_manual_poll_does_not_push_the_daemons_check_either(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    feed = Feed(b"", status=503)
    httpserver.expect_request("/feed").respond_with_handler(feed)
    config = write_config(tmp_path, httpserver, interval="1m")
    soon = datetime.now(UTC) + timedelta(seconds=40)
    store = open_store(config.parent / "data" / "listener.db")
    try:
        # Failing before: a third failure backs off 4 min; the daemon's retry is in 40 s.
        store.save_source_state(SourceState(source="news", next_check_at=soon, error_count=2))
        done = poll_once(config)
        after = store.load_source_state("news")
    finally:
        store.close()
    assert done.returncode == 1 and "503" in done.stdout + done.stderr
    assert feed.requests == 1
    assert after is not None and after.error_count == 3
    assert after.next_check_at == soon
