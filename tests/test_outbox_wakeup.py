"""Outbox rows queued by another connection or process are sent at once, not at the next 2 s
tick: the running daemon (``Daemon.run``, for real) watches the store's ``PRAGMA
data_version`` (``alerts.outbox_watch``). The rows are real: complaints from a local feed,
alerted to a local webhook that first refuses them, then made due by a connection of their
own (as ``listener alerts outbox retry`` does) or by that very command in a subprocess.

Whether a row went out between ticks is judged by order of events, not by wall time (which a
loaded machine stretches): the webhook notes the daemon's current tick as each row arrives,
and a row sent during the tick in which it was made due was not waiting for a tick.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
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
from listener.store import SQLiteStore, open_store
from tests.helpers import rss_feed
from tests.wait_helpers import until

LISTENER = Path(sys.executable).with_name("listener")
COMPLAINTS = (
    "My Acme order never arrived and nobody answers. Really frustrated.",
    "Acme charged me twice and support keeps ignoring my emails. Terrible.",
    "The Acme app deleted all my data after the update, I am furious.",
)


class Hook:
    """The webhook: refuses rows while ``status`` is 500; for each row it accepts, notes the
    daemon's tick at that moment (``tick_of``, set once the daemon exists)."""

    def __init__(self) -> None:
        self.status = 500
        self.tick_of: Callable[[], datetime | None] = lambda: None
        self.ticks: list[datetime | None] = []

    def __call__(self, request: Request) -> Response:
        if self.status == 200:
            self.ticks.append(self.tick_of())
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


# Generous: a row that waits for a tick arrives within one (2 s), so the tests reach their
# assertions, which tell the two apart by order, not by how long this took.
WAIT_S = 5 * TICK_SECONDS


async def refused_rows(daemon: Daemon, hook: Hook, count: int) -> list[Delivery]:
    """Poll once: the complaints are stored and alerted, and the webhook refuses the first,
    so every row is still pending; then drop them all (a person gave up on them)."""
    hook.tick_of = daemon.last_tick_at
    await daemon.poll_once()
    rows = await asyncio.to_thread(daemon.store.list_deliveries, statuses=[DeliveryStatus.PENDING])
    assert len(rows) == count and not hook.ticks
    for row in rows:
        await asyncio.to_thread(daemon.store.drop_delivery, row.id, at=utcnow(), reason="test")
    hook.status = 200
    return sorted(rows, key=lambda row: row.id)


def received(hook: Hook, count: int) -> bool:
    return len(hook.ticks) >= count


def test_a_row_made_due_by_another_connection_is_sent_before_the_next_tick(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings]
) -> None:
    settings, hook = setup(httpserver, write_settings, complaints=3)

    async def make_due(row: Delivery) -> None:
        other = open_store(settings.storage.sqlite)  # a connection of its own
        try:
            await asyncio.to_thread(other.retry_delivery, row.id, at=utcnow())
        finally:
            other.close()

    async def scenario() -> datetime | None:
        daemon = Daemon(settings)
        first, second, row = await refused_rows(daemon, hook, 3)
        # Two rows before the one that counts. The first is due as the daemon starts and
        # goes out at its first tick. The second is made due once the first has arrived:
        # the watch sends it if it has had its first look, else the second tick does. Once
        # it has arrived, the watch is looking, and the flush that sent it has read the due
        # rows and cannot send the third.
        await asyncio.to_thread(daemon.store.retry_delivery, first.id, at=utcnow())
        stop = asyncio.Event()
        running = asyncio.create_task(daemon.run(stop))
        try:
            assert await until(partial(received, hook, 1), WAIT_S), "the first row never came"
            await make_due(second)
            assert await until(partial(received, hook, 2), WAIT_S), "the second never came"
            committed_during = daemon.last_tick_at()  # the next tick is most of 2 s away
            await make_due(row)
            assert await until(partial(received, hook, 3), WAIT_S), "the row was never sent"
        finally:
            stop.set()
            await running
        return committed_during

    committed_during = asyncio.run(scenario())
    assert committed_during is not None and len(hook.ticks) == 3
    assert hook.ticks[2] == committed_during, (
        f"made due during the tick of {committed_during}, sent during the tick of"
        f" {hook.ticks[2]}: it waited for the next tick"
    )


def test_listener_alerts_outbox_retry_in_another_process_is_sent_between_ticks(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], tmp_path: Path
) -> None:
    settings, hook = setup(httpserver, write_settings, complaints=3)
    config = tmp_path / "settings.yaml"
    retried_at: list[datetime] = []

    def retry(row: Delivery, store: SQLiteStore) -> None:
        done = subprocess.run(
            [str(LISTENER), "alerts", "outbox", "retry", str(row.id), "--config", str(config)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        # The command's own clock just before its commit: the row was due from then on.
        events = store.alert_events(row.alert_id)
        retried_at.append(max(e.at for e in events if e.what == "delivery retried"))

    async def scenario() -> None:
        daemon = Daemon(settings)
        rows = await refused_rows(daemon, hook, 3)
        stop = asyncio.Event()
        running = asyncio.create_task(daemon.run(stop))
        try:
            for sent, row in enumerate(rows, start=1):
                await asyncio.to_thread(retry, row, daemon.store)
                assert await until(partial(received, hook, sent), WAIT_S), f"row {sent} lost"
        finally:
            stop.set()
            await running

    asyncio.run(scenario())
    # The command commits at a moment of its own: the watch sends the row within a fifth of
    # a second, unless a tick starts in that fifth and its flush sends it first (about one
    # time in ten). Without the watch every row waits for a tick that starts after its
    # commit, so none of the three is sent during the tick it was made due in.
    assert len(hook.ticks) == len(retried_at) == 3
    between_ticks = [
        tick is not None and tick < due for tick, due in zip(hook.ticks, retried_at, strict=True)
    ]
    assert any(between_ticks), f"every row waited for a tick: {hook.ticks} vs {retried_at}"


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
