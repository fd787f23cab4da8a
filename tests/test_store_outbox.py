"""The outbox in the SQLite store, on real database files: enqueueing once, the send order,
retries, drops, and what rate limits and digests count."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from listener.models import AlertKind, DeliveryEvent, DeliveryStatus, Severity
from listener.store import SQLiteStore, StoreError, open_store
from listener.store.alert_contract import NewAlert
from listener.store.base import UnknownAlert, UnknownDelivery
from listener.store.deliveries import MAX_ERROR_CHARS
from tests.store_helpers import T0

MINUTE = timedelta(minutes=1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with open_store(tmp_path / "listener.db") as s:
        yield s


def raise_alert(store: SQLiteStore, key: str) -> int:
    alert = NewAlert(
        key=key,
        kind=AlertKind.COMPLAINT,
        rule="complaints",
        brand="acme",
        severity=Severity.NORMAL,
        title="A complaint",
        created_at=T0,
    )
    with store.alert_transaction() as tx:
        stored = tx.add_alert(alert)
    assert stored is not None
    return stored.id


def enqueue(
    store: SQLiteStore,
    alert_id: int,
    channel: str,
    *,
    event: DeliveryEvent = DeliveryEvent.NEW,
    at: timedelta = timedelta(0),
    hold: timedelta = timedelta(0),
    status: DeliveryStatus = DeliveryStatus.PENDING,
) -> int:
    with store.alert_transaction() as tx:
        row = tx.enqueue(
            alert_id, channel, event, at=T0 + at, not_before=T0 + at + hold, status=status
        )
    assert row is not None
    return row.id


def test_enqueue_is_idempotent_by_alert_channel_and_event(store: SQLiteStore) -> None:
    alert_id = raise_alert(store, "complaint:news:1")
    with store.alert_transaction() as tx:
        first = tx.enqueue(alert_id, "slack", DeliveryEvent.NEW, at=T0, not_before=T0)
        again = tx.enqueue(alert_id, "slack", DeliveryEvent.NEW, at=T0, not_before=T0)
        escalation = tx.enqueue(alert_id, "slack", DeliveryEvent.ESCALATION, at=T0, not_before=T0)
    assert first is not None and again is None and escalation is not None
    assert first.key == "complaint:news:1|slack|new"
    assert first.status is DeliveryStatus.PENDING and first.attempts == 0
    assert [d.id for d in store.list_deliveries()] == [escalation.id, first.id]
    with pytest.raises(UnknownAlert), store.alert_transaction() as tx:
        tx.enqueue(999, "slack", DeliveryEvent.NEW, at=T0, not_before=T0)


def test_due_deliveries_by_channel_then_id_with_holds_and_retries(store: SQLiteStore) -> None:
    a, b = raise_alert(store, "a"), raise_alert(store, "b")
    slack_a = enqueue(store, a, "slack")
    email_a = enqueue(store, a, "email")
    quiet = enqueue(store, b, "email", hold=timedelta(hours=8))  # quiet hours hold it
    slack_b = enqueue(store, b, "slack")
    enqueue(store, b, "teams", status=DeliveryStatus.SUPPRESSED)
    store.mark_failed(slack_a, at=T0, error="503", next_attempt_at=T0 + 10 * MINUTE)
    due = store.due_deliveries(T0 + MINUTE)
    # The row waiting for its retry is still listed, ahead of the one queued behind it.
    assert [d.id for d in due] == [email_a, slack_a, slack_b]
    assert due[1].next_attempt_at == T0 + 10 * MINUTE
    # The limit is per channel: a long queue on one channel never hides another's rows.
    assert [d.id for d in store.due_deliveries(T0 + MINUTE, limit=1)] == [email_a, slack_a]
    assert quiet in [d.id for d in store.due_deliveries(T0 + timedelta(hours=8))]


def test_failed_then_sent(store: SQLiteStore) -> None:
    row = enqueue(store, raise_alert(store, "a"), "webhook")
    store.mark_failed(row, at=T0, error="x" * 5000, next_attempt_at=T0 + MINUTE)
    store.mark_failed(row, at=T0 + MINUTE, error="timeout", next_attempt_at=T0 + 3 * MINUTE)
    (failed,) = store.list_deliveries()
    assert failed.attempts == 2 and failed.last_error == "timeout"
    assert failed.status is DeliveryStatus.PENDING
    store.mark_sent(row, at=T0 + 3 * MINUTE)
    (sent,) = store.list_deliveries(statuses=[DeliveryStatus.SENT])
    assert sent.attempts == 3 and sent.sent_at == T0 + 3 * MINUTE
    assert sent.next_attempt_at is None
    assert store.due_deliveries(T0 + timedelta(days=1)) == []


def test_a_long_error_is_capped(store: SQLiteStore) -> None:
    row = enqueue(store, raise_alert(store, "a"), "email")
    store.mark_failed(row, at=T0, error="y" * 5000, next_attempt_at=T0 + MINUTE)
    (failed,) = store.list_deliveries()
    assert failed.last_error == "y" * MAX_ERROR_CHARS


def test_unknown_delivery_ids_raise(store: SQLiteStore) -> None:
    with pytest.raises(UnknownDelivery, match="no outbox row with id 7"):
        store.mark_sent(7, at=T0)
    with pytest.raises(UnknownDelivery):
        store.mark_failed(7, at=T0, error="e", next_attempt_at=T0)
    with pytest.raises(UnknownDelivery):
        store.drop_delivery(7, at=T0, reason="r")
    with pytest.raises(UnknownDelivery):
        store.retry_delivery(7, at=T0)


def test_drop_and_retry(store: SQLiteStore) -> None:
    alert_id = raise_alert(store, "a")
    row = enqueue(store, alert_id, "slack", hold=timedelta(hours=8))
    dropped = store.drop_delivery(row, at=T0 + MINUTE, reason="wrong channel")
    assert dropped.status is DeliveryStatus.DROPPED and dropped.reason == "wrong channel"
    with pytest.raises(StoreError, match="not pending"):
        store.drop_delivery(row, at=T0 + MINUTE, reason="again")
    retried = store.retry_delivery(row, at=T0 + 2 * MINUTE)
    assert retried.status is DeliveryStatus.PENDING and retried.reason is None
    # Due now, though quiet hours held it for eight.
    assert retried.not_before == T0 + 2 * MINUTE
    assert [d.id for d in store.due_deliveries(T0 + 2 * MINUTE)] == [row]
    events = [(e.what, e.detail) for e in store.alert_events(alert_id)]
    assert events[1:] == [
        ("delivery dropped", "slack: wrong channel"),
        ("delivery retried", "slack"),
    ]
    store.mark_sent(row, at=T0 + 3 * MINUTE)
    with pytest.raises(StoreError, match="sent"):
        store.retry_delivery(row, at=T0 + 4 * MINUTE)


def test_rate_limit_counts_and_suppressed_rows(store: SQLiteStore) -> None:
    a, b, c = raise_alert(store, "a"), raise_alert(store, "b"), raise_alert(store, "c")
    sent = enqueue(store, a, "slack")
    store.mark_sent(sent, at=T0)
    enqueue(store, b, "slack", at=5 * MINUTE)
    dropped = enqueue(store, c, "slack", at=6 * MINUTE)
    store.drop_delivery(dropped, at=T0 + 6 * MINUTE, reason="noise")
    late = enqueue(store, c, "slack", event=DeliveryEvent.ESCALATION, at=7 * MINUTE,
                   status=DeliveryStatus.SUPPRESSED)  # fmt: skip
    early = enqueue(store, b, "email", at=2 * MINUTE, status=DeliveryStatus.SUPPRESSED)
    enqueue(store, a, "email", at=20 * MINUTE, status=DeliveryStatus.SUPPRESSED)
    with store.alert_transaction() as tx:
        assert tx.deliveries_since("slack", T0) == 2
        assert tx.deliveries_since("slack", T0 + MINUTE) == 1
        assert tx.deliveries_since("email", T0) == 0
        between = tx.suppressed_between(T0, T0 + 20 * MINUTE)
    assert [d.id for d in between] == [early, late]
    assert [d.id for d in store.list_deliveries(channel="email", alert_id=b)] == [early]
