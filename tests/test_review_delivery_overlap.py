"""Two processes sending one outbox: the daemon's flush and a ``listener poll --once`` (or two
``poll --once`` from cron) running at the same moment both read the same due rows. Each
process here is its own ``Alerting`` on its own connection to the same database file, as
the daemon and the CLI are; the second flush starts while the first is on the wire.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from alerts.flush_report import FlushReport
from alerts.outbox_lock import OutboxLock, outbox_lock_path
from alerts.service import Alerting
from listener.config.settings import Settings
from listener.models import DeliveryStatus
from listener.store import open_store
from tests.alert_helpers import raise_alert
from tests.helpers import SettableClock

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


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    # Threaded: the second process's request arrives while the first one's is unanswered.
    running = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    running.start()
    yield running
    running.clear()
    if running.is_running():
        running.stop()


@pytest.fixture
def settings(write_settings: Callable[[str], Settings], server: HTTPServer) -> Settings:
    return write_settings(SETTINGS.format(hooks=server.url_for("/hooks")))


def flush_in_another_process(settings: Settings, clock: SettableClock) -> FlushReport:
    """One flush by a second Alerting on its own store, on its own event loop."""

    async def flush() -> FlushReport:
        async with httpx.AsyncClient(timeout=5) as http:
            with open_store(settings.storage.sqlite) as other:
                return await Alerting(settings, other, http=http, clock=clock).flush()

    return asyncio.run(flush())


def test_a_flush_in_a_second_process_while_the_first_is_sending_sends_nothing_twice(
    settings: Settings, server: HTTPServer, clock: SettableClock
) -> None:
    bodies: list[str] = []
    second: list[FlushReport] = []

    def receive(request: Request) -> Response:
        bodies.append(request.get_data(as_text=True))
        if len(bodies) == 1:
            # The first process waits for this answer; meanwhile the other one flushes.
            second.append(flush_in_another_process(settings, clock))
        return Response("ok")

    server.expect_request("/hooks", method="POST").respond_with_handler(receive)
    with open_store(settings.storage.sqlite) as store:
        raise_alert(store, 1, at=clock())
        raise_alert(store, 2, at=clock())

        async def first() -> FlushReport:
            async with httpx.AsyncClient(timeout=10) as http:
                return await Alerting(settings, store, http=http, clock=clock).flush()

        report = asyncio.run(first())
        rows = store.list_deliveries()

    numbers = [[n for n in (1, 2) if f'Alert number {n}"' in body] for body in bodies]
    assert numbers == [[1], [2]]  # each alert once, in order
    assert report.sent == 2
    assert [r.sent for r in second] == [0]
    assert {(d.status, d.attempts) for d in rows} == {(DeliveryStatus.SENT, 1)}


def test_the_next_flush_after_the_other_process_finished_sends_what_is_left(
    settings: Settings, server: HTTPServer, clock: SettableClock
) -> None:
    bodies: list[str] = []
    server.expect_request("/hooks", method="POST").respond_with_handler(
        lambda request: (bodies.append(request.get_data(as_text=True)), Response("ok"))[1]
    )
    with open_store(settings.storage.sqlite) as store:
        raise_alert(store, 1, at=clock())
        assert flush_in_another_process(settings, clock).sent == 1
        raise_alert(store, 2, at=clock())
        assert flush_in_another_process(settings, clock).sent == 1
    assert len(bodies) == 2  # the lock of a finished flush is free again


class ReleaseWhenBusy(logging.Handler):
    """Lets the test's lock go the moment the sender reports the outbox busy."""

    def __init__(self, lock: OutboxLock) -> None:
        super().__init__(logging.DEBUG)
        self.lock = lock
        self.busy_seen = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("outbox busy"):
            self.busy_seen += 1
            self.lock.release()


def test_a_one_shot_flush_waits_for_the_other_process_then_sends_its_rows(
    settings: Settings, server: HTTPServer, clock: SettableClock
) -> None:
    bodies: list[str] = []
    server.expect_request("/hooks", method="POST").respond_with_handler(
        lambda request: (bodies.append(request.get_data(as_text=True)), Response("ok"))[1]
    )
    logger = logging.getLogger("alerts.outbox")
    previous = logger.level
    with open_store(settings.storage.sqlite) as store:
        other = OutboxLock(outbox_lock_path(settings.storage.sqlite))
        assert other.acquire()  # the daemon is in the middle of a flush
        handler = ReleaseWhenBusy(other)
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        try:
            raise_alert(store, 1, at=clock())  # queued after the daemon read its due rows

            async def once() -> FlushReport:
                async with httpx.AsyncClient(timeout=5) as http:
                    alerting = Alerting(settings, store, http=http, clock=clock)
                    return await alerting.flush_until_idle()

            report = asyncio.run(once())
            (row,) = store.list_deliveries()
        finally:
            logger.removeHandler(handler)
            logger.setLevel(previous)
            other.release()
    assert handler.busy_seen == 1
    assert (report.sent, report.busy) == (1, False)
    assert row.status == DeliveryStatus.SENT and len(bodies) == 1
