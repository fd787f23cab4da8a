"""A delivery the channel took, whose "sent" the database would not record at that moment
(locked past the busy timeout by another process's long write, a full disk for a while).

The row stayed pending, so the next flush sent it again: a second Slack message for one
alert from a daemon that never crashed. The sender now keeps what it sent but could not
record, records it first at the next flush, and never sends it again.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from alerts.flush_report import FlushReport
from alerts.outbox import OutboxSender, build_templates
from listener.config.settings import Settings
from listener.models import DeliveryStatus
from listener.store import SQLiteStore, open_store
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

# The database refusing to mark a row sent: a real SQLite failure at that UPDATE.
REFUSE = """CREATE TRIGGER refuse_sent BEFORE UPDATE OF status ON deliveries
WHEN NEW.status = 'sent' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"""


@pytest.fixture
def settings(write_settings: Callable[[str], Settings], httpserver: HTTPServer) -> Settings:
    return write_settings(SETTINGS.format(hooks=httpserver.url_for("/hooks")))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with open_store(tmp_path / "l.db") as opened:
        yield opened


def sql(store: SQLiteStore, statement: str) -> None:
    with sqlite3.connect(store.path) as conn:  # another process's connection
        conn.execute(statement)


def test_a_sent_row_the_store_could_not_record_is_recorded_later_not_sent_again(
    store: SQLiteStore, settings: Settings, httpserver: HTTPServer, clock: SettableClock
) -> None:
    bodies: list[str] = []

    def receive(request: Request) -> Response:
        bodies.append(request.get_data(as_text=True))
        if len(bodies) == 1:
            sql(store, REFUSE)  # the channel has it; the database will not say so
        return Response("ok")

    httpserver.expect_request("/hooks", method="POST").respond_with_handler(receive)
    raise_alert(store, 1, at=clock())
    raise_alert(store, 2, at=clock())
    sent_at = clock()
    reports: list[FlushReport] = []
    between: list[list[tuple[DeliveryStatus, int]]] = []

    async def main() -> None:
        async with httpx.AsyncClient(timeout=5) as http:
            sender = OutboxSender(
                store, settings, http=http, templates=build_templates(settings), clock=clock
            )
            reports.append(await sender.flush())
            between.append([(d.status, d.attempts) for d in store.list_deliveries()])
            clock.advance(seconds=10)
            reports.append(await sender.flush())  # still refused: nothing goes out twice
            sql(store, "DROP TRIGGER refuse_sent")
            clock.advance(seconds=10)
            reports.append(await sender.flush())

    asyncio.run(main())
    numbers = [[n for n in (1, 2) if f'Alert number {n}"' in body] for body in bodies]
    assert numbers == [[1], [2]]
    assert between == [[(DeliveryStatus.PENDING, 0), (DeliveryStatus.PENDING, 0)]]
    assert [(r.sent, r.held) for r in reports] == [(1, 1), (0, 1), (1, 0)]
    first, second = sorted(store.list_deliveries(), key=lambda d: d.id)
    assert (first.status, first.attempts, first.sent_at) == (DeliveryStatus.SENT, 1, sent_at)
    assert second.status == DeliveryStatus.SENT
