"""The outbox sender against a real SQLite store and real local webhook receivers.

Time moves only when a test moves the clock: a row waiting for its retry is held until
then, and the rows behind it with it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer

from alerts.flush_report import FlushReport
from alerts.outbox import OutboxSender, build_templates
from listener.config.settings import Settings
from listener.metrics import Metrics
from listener.models import DeliveryStatus
from listener.store import Store, open_store
from tests.alert_helpers import Receiver, raise_alert
from tests.helpers import SettableClock
from tests.store_helpers import make_mention

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
    - {{name: backup, type: webhook, url: "{backup}"}}
    - {{name: paused, type: webhook, url: "{backup}", enabled: false}}
  retry: {{backoff_base: 30s, backoff_max: 15m}}
"""


@pytest.fixture
def settings(write_settings: Callable[[str], Settings], httpserver: HTTPServer) -> Settings:
    return write_settings(
        SETTINGS.format(hooks=httpserver.url_for("/hooks"), backup=httpserver.url_for("/backup"))
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "l.db") as opened:
        yield opened


@pytest.fixture
def hooks(httpserver: HTTPServer) -> Receiver:
    receiver = Receiver()
    httpserver.expect_request("/hooks", method="POST").respond_with_handler(receiver)
    return receiver


@pytest.fixture
def backup(httpserver: HTTPServer) -> Receiver:
    receiver = Receiver()
    httpserver.expect_request("/backup", method="POST").respond_with_handler(receiver)
    return receiver


Scenario = Callable[[OutboxSender], Awaitable[None]]


def run(store: Store, settings: Settings, clock: SettableClock, scenario: Scenario) -> Metrics:
    """Run ``scenario`` with one sender (one daemon's worth of memory) on one event loop."""
    metrics = Metrics()

    async def main() -> None:
        async with httpx.AsyncClient(timeout=5) as http:
            sender = OutboxSender(
                store,
                settings,
                http=http,
                templates=build_templates(settings),
                clock=clock,
                metrics=metrics,
            )
            await scenario(sender)

    asyncio.run(main())
    return metrics


def statuses(store: Store) -> dict[int, tuple[DeliveryStatus, int]]:
    return {d.id: (d.status, d.attempts) for d in store.list_deliveries(limit=1000)}


def test_a_channel_that_fails_twice_then_recovers_gets_every_row_once_in_order(
    store: Store,
    settings: Settings,
    clock: SettableClock,
    hooks: Receiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for n in (1, 2, 3):
        raise_alert(store, n, at=clock())
    hooks.failures = [(500, {}), (500, {})]
    reports: list[FlushReport] = []

    async def scenario(sender: OutboxSender) -> None:
        reports.append(await sender.flush())  # 1 fails: retry in 30 s
        reports.append(await sender.flush())  # too early: nothing is tried
        clock.advance(seconds=30)
        reports.append(await sender.flush())  # 1 fails again: retry in 60 s
        clock.advance(seconds=59)
        reports.append(await sender.flush())  # still too early
        clock.advance(seconds=1)
        reports.append(await sender.flush())  # 1, 2, 3 go out
        reports.append(await sender.flush())  # nothing left

    with caplog.at_level(logging.DEBUG, logger="alerts"):
        metrics = run(store, settings, clock, scenario)

    assert hooks.alerts_seen() == [1, 1, 1, 2, 3]
    assert hooks.alerts_seen(ok_only=True) == [1, 2, 3]
    assert [(r.sent, r.failed, r.held) for r in reports] == [
        (0, 1, 2), (0, 0, 3), (0, 1, 2), (0, 0, 3), (3, 0, 0), (0, 0, 0),
    ]  # fmt: skip
    rows = store.list_deliveries()
    assert {d.status for d in rows} == {DeliveryStatus.SENT}
    assert sorted(d.attempts for d in rows) == [1, 1, 3]  # every attempt counts, the send too
    assert metrics.value("listener_deliveries_total", channel="hooks", outcome="sent") == 3
    assert metrics.value("listener_deliveries_total", channel="hooks", outcome="failed") == 2
    # Transitions only: one warning for the outage, one line for the recovery.
    ours = [r for r in caplog.records if r.name.startswith("alerts")]
    warnings = [r for r in ours if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].fields == {  # type: ignore[attr-defined]
        "channel": "hooks", "delivery_id": 1, "attempts": 1, "retry_in_s": 30,
        "error": warnings[0].fields["error"],  # type: ignore[attr-defined]
    }  # fmt: skip
    assert "HTTP 500" in warnings[0].fields["error"]  # type: ignore[attr-defined]
    recoveries = [r for r in ours if r.levelno == logging.INFO]
    assert len(recoveries) == 1 and "recovered" in recoveries[0].getMessage()
    assert recoveries[0].fields["attempts"] == 2  # type: ignore[attr-defined]
    # The webhook URL is its secret: neither in a message nor in a field.
    said = " ".join(f"{r.getMessage()} {getattr(r, 'fields', '')}" for r in ours)
    assert "/hooks" not in said and "127.0.0.1" not in said


def test_a_429_with_retry_after_waits_at_least_that_long(
    store: Store, settings: Settings, clock: SettableClock, hooks: Receiver
) -> None:
    raise_alert(store, 1, at=clock())
    hooks.failures = [(429, {"Retry-After": "600"})]
    start = clock()

    async def scenario(sender: OutboxSender) -> None:
        await sender.flush()
        clock.advance(seconds=599)
        await sender.flush()  # backoff (30 s) is over, but the receiver asked for 600
        clock.advance(seconds=1)
        await sender.flush()

    run(store, settings, clock, scenario)
    assert hooks.statuses == [429, 200]
    (sent,) = store.list_deliveries()
    assert sent.status == DeliveryStatus.SENT and sent.attempts == 2
    assert sent.sent_at == start + timedelta(seconds=600)


def test_a_later_row_never_overtakes_a_waiting_head_row(
    store: Store, settings: Settings, clock: SettableClock, hooks: Receiver
) -> None:
    raise_alert(store, 1, at=clock())
    hooks.failures = [(503, {})]
    seen_while_waiting: list[list[int]] = []

    async def scenario(sender: OutboxSender) -> None:
        await sender.flush()
        clock.advance(seconds=10)
        raise_alert(store, 2, at=clock())  # queued behind the failed row, due at once
        report = await sender.flush()
        assert (report.sent, report.held) == (0, 2)
        seen_while_waiting.append(hooks.alerts_seen())
        clock.advance(seconds=20)
        await sender.flush()

    run(store, settings, clock, scenario)
    assert seen_while_waiting == [[1]]
    assert hooks.alerts_seen(ok_only=True) == [1, 2]


def test_a_second_channel_keeps_flowing_while_the_first_is_down(
    store: Store, settings: Settings, clock: SettableClock, hooks: Receiver, backup: Receiver
) -> None:
    for n in (1, 2, 3):
        raise_alert(store, n, at=clock(), channels=("hooks", "backup"))
    hooks.always = 500
    reports: list[FlushReport] = []

    async def scenario(sender: OutboxSender) -> None:
        reports.append(await sender.flush())

    run(store, settings, clock, scenario)
    assert backup.alerts_seen() == [1, 2, 3]
    assert hooks.alerts_seen() == [1]  # the head failed: the rest wait behind it
    (report,) = reports
    assert (report.channels["backup"].sent, report.channels["hooks"].failed) == (3, 1)
    assert report.channels["hooks"].held == 2


def test_rows_for_an_unconfigured_or_disabled_channel_stay_pending_and_are_logged_once(
    store: Store,
    settings: Settings,
    clock: SettableClock,
    hooks: Receiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    raise_alert(store, 1, at=clock(), channels=("gone", "paused", "hooks"))

    async def scenario(sender: OutboxSender) -> None:
        for _ in range(3):
            await sender.flush()
            clock.advance(hours=1)

    with caplog.at_level(logging.WARNING, logger="alerts"):
        run(store, settings, clock, scenario)
    by_channel = {d.channel: d for d in store.list_deliveries()}
    assert by_channel["gone"].status == DeliveryStatus.PENDING
    assert by_channel["gone"].attempts == 0
    assert by_channel["paused"].status == DeliveryStatus.PENDING
    assert by_channel["hooks"].status == DeliveryStatus.SENT
    ours = [r for r in caplog.records if r.name.startswith("alerts")]
    logged = [(r.getMessage(), r.fields["channel"]) for r in ours]  # type: ignore[attr-defined]
    assert sorted(channel for _, channel in logged) == ["gone", "paused"]  # once each
    assert all("outbox drop" in message for message, _ in logged)
    assert any("not configured" in m for m, c in logged if c == "gone")
    assert any("disabled" in m for m, c in logged if c == "paused")


def test_a_dropped_head_row_lets_the_rest_through_and_retry_makes_a_row_due_now(
    store: Store, settings: Settings, clock: SettableClock, hooks: Receiver
) -> None:
    _, (first,) = raise_alert(store, 1, at=clock())
    _, (second,) = raise_alert(store, 2, at=clock())
    hooks.failures = [(500, {}), (500, {})]

    async def scenario(sender: OutboxSender) -> None:
        await sender.flush()  # 1 fails
        store.drop_delivery(first.id, at=clock(), reason="test")
        await sender.flush()  # 2 fails (the second scripted 500): waits 30 s
        store.retry_delivery(second.id, at=clock())
        await sender.flush()  # due now: no waiting for the backoff

    run(store, settings, clock, scenario)
    assert hooks.alerts_seen() == [1, 2, 2]
    rows = {d.id: d for d in store.list_deliveries()}
    assert rows[first.id].status == DeliveryStatus.DROPPED
    assert rows[second.id].status == DeliveryStatus.SENT


def test_flush_until_idle_sends_everything_due_but_never_waits_for_a_retry(
    store: Store, settings: Settings, clock: SettableClock, hooks: Receiver, backup: Receiver
) -> None:
    for n in range(1, 8):
        raise_alert(store, n, at=clock(), channels=("backup",))
    raise_alert(store, 8, at=clock(), channels=("hooks",))
    hooks.always = 500
    metrics = Metrics()
    reports: list[FlushReport] = []

    async def main() -> None:
        async with httpx.AsyncClient(timeout=5) as http:
            sender = OutboxSender(
                store, settings, http=http, templates=build_templates(settings),
                clock=clock, metrics=metrics, batch=3,
            )  # fmt: skip
            reports.append(await sender.flush_until_idle())

    asyncio.run(main())
    assert backup.alerts_seen() == [1, 2, 3, 4, 5, 6, 7]
    assert hooks.alerts_seen() == [8]  # tried once, then left for a later run
    (report,) = reports
    assert (report.sent, report.failed) == (7, 1)
    assert metrics.value("listener_outbox_pending", channel="hooks") == 1


def test_an_alert_whose_mention_is_gone_is_still_delivered(
    store: Store, settings: Settings, clock: SettableClock, hooks: Receiver
) -> None:
    store.insert_mentions([make_mention(1, text="acme lost my parcel")])
    raise_alert(store, 1, at=clock(), mention_ids=("news:1",))
    raise_alert(store, 2, at=clock(), mention_ids=("news:404",))

    async def scenario(sender: OutboxSender) -> None:
        await sender.flush()

    run(store, settings, clock, scenario)
    assert hooks.alerts_seen(ok_only=True) == [1, 2]
    assert "acme lost my parcel" in hooks.bodies[0]


def test_a_bug_in_an_edited_template_fails_its_channel_not_the_sender(
    store: Store,
    write_settings: Callable[[str], Settings],
    httpserver: HTTPServer,
    tmp_path: Path,
    clock: SettableClock,
    hooks: Receiver,
) -> None:
    slack = f'    - {{name: team, type: slack, webhook_url: "{httpserver.url_for("/slack")}"}}\n'
    text = SETTINGS.format(hooks=httpserver.url_for("/hooks"), backup=httpserver.url_for("/b"))
    settings = write_settings(text.replace("  retry:", slack + "  retry:"))
    edited = tmp_path / "my-templates" / "alerts"
    edited.mkdir(parents=True)
    (edited / "slack.json.j2").write_text("{{ no_such_name }}", encoding="utf-8")
    raise_alert(store, 1, at=clock(), channels=("team", "hooks"))
    raise_alert(store, 2, at=clock(), channels=("team", "hooks"))

    async def main() -> None:
        async with httpx.AsyncClient(timeout=5) as http:
            templates = build_templates(settings, override_dir=tmp_path / "my-templates")
            sender = OutboxSender(store, settings, http=http, templates=templates, clock=clock)
            await sender.flush()
            clock.advance(minutes=1)
            await sender.flush()  # the retry meets the same bug: still no crash

    asyncio.run(main())
    assert hooks.alerts_seen() == [1, 2]
    team = [d for d in store.list_deliveries() if d.channel == "team"]
    assert all(d.status == DeliveryStatus.PENDING for d in team)
    head = min(team, key=lambda d: d.id)
    assert head.attempts == 2 and "no_such_name" in (head.last_error or "")
    assert max(team, key=lambda d: d.id).attempts == 0  # never overtook the broken head


def test_a_refused_message_is_logged_as_an_error_once_and_kept_for_a_person(
    store: Store,
    settings: Settings,
    clock: SettableClock,
    hooks: Receiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, (row,) = raise_alert(store, 1, at=clock())
    hooks.always = 404

    async def scenario(sender: OutboxSender) -> None:
        await sender.flush()
        clock.advance(hours=1)
        await sender.flush()

    with caplog.at_level(logging.INFO, logger="alerts"):
        run(store, settings, clock, scenario)
    errors = [r for r in caplog.records if r.name.startswith("alerts")]
    assert [r.levelno for r in errors] == [logging.ERROR]
    assert f"outbox drop {row.id}" in errors[0].getMessage()
    (kept,) = store.list_deliveries()
    assert kept.status == DeliveryStatus.PENDING and kept.attempts == 2
    assert "404" in (kept.last_error or "")


def test_a_channel_with_a_full_batch_waiting_does_not_starve_the_next_channel(
    store: Store, settings: Settings, clock: SettableClock, hooks: Receiver, backup: Receiver
) -> None:
    for n in range(1, 5):
        raise_alert(store, n, at=clock(), channels=("backup",))
    raise_alert(store, 5, at=clock(), channels=("hooks",))
    backup.always = 500

    async def main() -> None:
        async with httpx.AsyncClient(timeout=5) as http:
            sender = OutboxSender(
                store, settings, http=http, templates=build_templates(settings),
                clock=clock, batch=3,
            )  # fmt: skip
            await sender.flush()

    asyncio.run(main())
    assert hooks.alerts_seen() == [5]
