"""A send is recorded the moment its 2xx is read: a daemon killed (SIGKILL) after the
receiver answered but before the store recorded it — here the store's write lock is held by
another connection, as a busy pipeline batch holds it — does not send that message again
after the restart. Only a kill during the call to the receiver itself can repeat one
(``tests/test_alerts_crash.py``). ``bench/kill_flush.py`` measures it over 30 random kills.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from alerts.outbox import OutboxSender, build_templates
from alerts.sent_journal import SentJournal, SentMark, sent_journal_path
from listener.config.settings import Settings
from listener.models import DeliveryStatus
from listener.store import open_store
from tests.alert_helpers import Receiver, raise_alert
from tests.helpers import SettableClock
from tests.test_alerts_crash import COMPLAINTS, restart_until_delivered, start, write_config
from tests.test_alerts_end_to_end import feed


class LockingReceiver:
    """Takes deliveries; before answering the second, takes the store's write lock from a
    connection of its own and keeps it, so the daemon cannot record that send."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.keys: list[str] = []
        self.answered_second = threading.Event()
        self.release = threading.Event()
        self._lock_taken = threading.Event()

    def __call__(self, request: Request) -> Response:
        self.keys.append(request.headers["X-Listener-Delivery"])
        if len(self.keys) == 2:
            threading.Thread(target=self._hold_write_lock, daemon=True).start()
            self._lock_taken.wait(10)
            threading.Timer(0.5, self.answered_second.set).start()
        return Response("ok")

    def _hold_write_lock(self) -> None:
        conn = sqlite3.connect(self.database, isolation_level=None, timeout=10)
        conn.execute("BEGIN IMMEDIATE")
        self._lock_taken.set()
        self.release.wait(30)
        conn.execute("ROLLBACK")
        conn.close()


def test_a_kill_after_the_2xx_but_before_the_store_records_it_repeats_nothing(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        feed(COMPLAINTS, now=datetime.now(UTC)), content_type="application/xml"
    )
    database = tmp_path / "data" / "listener.db"
    receiver = LockingReceiver(database)
    httpserver.expect_request("/hook", method="POST").respond_with_handler(receiver)
    config = write_config(tmp_path, httpserver)

    daemon = start(config)
    try:
        assert receiver.answered_second.wait(30), "the daemon never got to the second alert"
        # The second message was answered 200 half a second ago; the daemon is waiting for
        # the store's write lock to record it.
        daemon.send_signal(signal.SIGKILL)
        daemon.wait(10)
    finally:
        daemon.kill()
        receiver.release.set()
    answered = receiver.keys[1]
    assert sent_journal_path(database).read_text()  # the mark the store never got

    err = restart_until_delivered(config, receiver.keys)

    assert Counter(receiver.keys)[answered] == 1, json.dumps(receiver.keys)
    assert len(receiver.keys) == len(set(receiver.keys)) == len(COMPLAINTS), err
    with open_store(database) as store:
        assert all(d.status == "sent" for d in store.list_deliveries())
    assert sent_journal_path(database).read_text() == ""  # every mark is in the store


SETTINGS = """\
brands:
  - name: acme
    query: acme
storage:
  sqlite: data/listener.db
alerts:
  enabled: true
  channels:
    - {{name: hooks, type: webhook, url: "{hooks}"}}
"""


def test_a_journaled_send_is_recorded_once_and_never_sent_again(
    tmp_path: Path,
    write_settings: Callable[[str], Settings],
    httpserver: HTTPServer,
    clock: SettableClock,
) -> None:
    hooks = Receiver()
    httpserver.expect_request("/hooks", method="POST").respond_with_handler(hooks)
    settings = write_settings(SETTINGS.format(hooks=httpserver.url_for("/hooks")))
    database = tmp_path / "l.db"
    with open_store(database) as store:
        _, [first] = raise_alert(store, 1, at=clock())
        _, [second] = raise_alert(store, 2, at=clock())
        journal = SentJournal(sent_journal_path(database))
        # A process that died after the receiver's answer: journaled, not in the store; and
        # one whose store mark did land (replaying it must not count a second attempt).
        journal.record(SentMark(first.id, "hooks", clock()))
        store.mark_sent(second.id, at=clock())
        journal.record(SentMark(second.id, "hooks", clock()))

        async def flush() -> None:
            async with httpx.AsyncClient(timeout=5) as http:
                sender = OutboxSender(
                    store,
                    settings,
                    http=http,
                    templates=build_templates(settings),
                    clock=clock,
                    journal_path=sent_journal_path(database),
                )
                await sender.flush()

        asyncio.run(flush())
        rows = {d.id: d for d in store.list_deliveries()}
    assert hooks.bodies == []  # neither goes out again
    assert rows[first.id].status == DeliveryStatus.SENT and rows[first.id].attempts == 1
    assert rows[second.id].status == DeliveryStatus.SENT and rows[second.id].attempts == 1
    assert journal.marks() == []
