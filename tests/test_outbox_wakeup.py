"""Outbox rows queued by another connection or process are sent at once, not at the next 2 s
tick: the running daemon (``Daemon.run``, for real) watches the store's ``PRAGMA
data_version`` (``alerts.outbox_watch``). The rows are real: complaints from a local feed,
alerted to a local webhook that first refuses them, then made due by a connection of their
own (as ``listener alerts outbox retry`` does) or by that very command in a subprocess.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import partial
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from alerts.outbox_watch import StoreChanges
from listener.clock import utcnow
from listener.config.settings import Settings
from listener.models import Delivery, DeliveryStatus, SourceState
from listener.service.daemon import TICK_SECONDS, Daemon
from listener.store import open_store
from tests.helpers import rss_feed

LISTENER = Path(sys.executable).with_name("listener")
COMPLAINTS = (
    "My Acme order never arrived and nobody answers. Really frustrated.",
    "Acme charged me twice and support keeps ignoring my emails. Terrible.",
    "The Acme app deleted all my data after the update, I am furious.",
)


class Hook:
    def __init__(self) -> None:
        self.status = 500
        self.received_at: list[float] = []

    def __call__(self, request: Request) -> Response:
        if self.status == 200:
            self.received_at.append(time.monotonic())
        return Response("ok" if self.status == 200 else "down", status=self.status)


def setup(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], complaints: int
) -> tuple[Settings, Hook]:
    published = format_datetime(datetime.now(UTC) - timedelta(minutes=1), usegmt=True)
    body = rss_feed(
        [(f"c{n}", "Acme", text) for n, text in enumerate(COMPLAINTS[:complaints])]
    ).replace(b"Sun, 22 Nov 2026 09:00:00 GMT", published.encode())
    hook = Hook()
    httpserver.expect_request("/feed").respond_with_data(body, content_type="application/xml")
    httpserver.expect_request("/hook", method="POST").respond_with_handler(hook)
    settings = write_settings(
        "brands:\n  - name: Acme\n    query: acme\n"
        "sources:\n"
        f"  - {{name: news, type: rss, interval: 10m, url: '{httpserver.url_for('/feed')}'}}\n"
        "storage:\n  sqlite: data/listener.db\n"
        "alerts:\n  enabled: true\n"
        f"  channels: [{{name: hook, type: webhook, url: '{httpserver.url_for('/hook')}'}}]\n"
    )
    return settings, hook


async def refused_rows(daemon: Daemon, hook: Hook, count: int) -> list[Delivery]:
    """Poll once: the complaints are stored and alerted, and the webhook refuses the first,
    so every row is still pending; then drop them all (a person gave up on them)."""
    await daemon.poll_once()
    rows = await asyncio.to_thread(daemon.store.list_deliveries, statuses=[DeliveryStatus.PENDING])
    assert len(rows) == count and not hook.received_at
    for row in rows:
        await asyncio.to_thread(daemon.store.drop_delivery, row.id, at=utcnow(), reason="test")
    hook.status = 200
    return sorted(rows, key=lambda row: row.id)


async def until(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.005)
    return True


def test_a_row_made_due_by_another_connection_is_sent_well_before_the_next_tick(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings]
) -> None:
    settings, hook = setup(httpserver, write_settings, complaints=1)

    async def scenario() -> tuple[float, float]:
        daemon = Daemon(settings)
        [row] = await refused_rows(daemon, hook, 1)
        stop = asyncio.Event()
        started = time.monotonic()  # the first tick comes at once, the second 2 s later
        running = asyncio.create_task(daemon.run(stop))
        try:
            await asyncio.sleep(0.5)  # the first tick's flush is over: the row was dropped
            other = open_store(settings.storage.sqlite)  # a connection of its own
            try:
                await asyncio.to_thread(other.retry_delivery, row.id, at=utcnow())
            finally:
                other.close()
            committed = time.monotonic()
            await until(lambda: bool(hook.received_at), 2 * TICK_SECONDS)
        finally:
            stop.set()
            await running
        return started, committed

    started, committed = asyncio.run(scenario())
    assert len(hook.received_at) == 1, "the row was never sent"
    after_commit_s = hook.received_at[0] - committed
    assert after_commit_s < 0.6, f"sent {after_commit_s:.2f} s after the commit"
    sent_s = hook.received_at[0] - started
    assert sent_s < TICK_SECONDS - 0.5, f"sent {sent_s:.2f} s in: at the next tick, not at once"


def test_listener_alerts_outbox_retry_in_another_process_is_sent_at_once(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], tmp_path: Path
) -> None:
    settings, hook = setup(httpserver, write_settings, complaints=3)
    config = tmp_path / "settings.yaml"
    lags: list[float] = []

    def retry(row_id: int) -> float:
        done = subprocess.run(
            [str(LISTENER), "alerts", "outbox", "retry", str(row_id), "--config", str(config)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return time.monotonic()

    async def scenario() -> None:
        daemon = Daemon(settings)
        rows = await refused_rows(daemon, hook, 3)
        stop = asyncio.Event()
        running = asyncio.create_task(daemon.run(stop))
        try:
            for sent, row in enumerate(rows, start=1):
                exited = await asyncio.to_thread(retry, row.id)
                assert await until(partial(received, hook, sent), 2 * TICK_SECONDS)
                lags.append(hook.received_at[-1] - exited)
        finally:
            stop.set()
            await running

    asyncio.run(scenario())
    # Waiting for the tick, each would lag 0-2 s at random: three under 0.6 s is the watch.
    assert len(lags) == 3 and max(lags) < 0.6, lags


def received(hook: Hook, count: int) -> bool:
    return len(hook.received_at) >= count


def test_store_changes_sees_other_connections_commits_only(tmp_path: Path) -> None:
    store = open_store(tmp_path / "listener.db")
    try:
        changes = StoreChanges(tmp_path / "listener.db")
        try:
            assert changes.changed() is False  # the first look only takes the reading
            assert changes.changed() is False
            store.save_source_state(SourceState(source="news", next_check_at=utcnow()))
            assert changes.changed() is True
            assert changes.changed() is False  # once per change
        finally:
            changes.close()
    finally:
        store.close()
