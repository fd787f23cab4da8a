"""The outbox on one SQLite connection: one row per alert, channel and event.

Rows are never deleted: a sent row is the proof that a channel had the alert (so nothing is
sent twice), a suppressed row is what the next digest summarises, a dropped row is a
person's decision, kept for the record.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from listener.models import Delivery, DeliveryEvent, DeliveryStatus
from listener.store.alert_rows import delivery_on, json_values, record_event, row_to_delivery
from listener.store.base import StoreError, UnknownAlert, UnknownDelivery
from listener.store.rows import ts

# An SMTP transcript or an HTML error page can be long; the row keeps enough to diagnose.
MAX_ERROR_CHARS = 1000

_PENDING = str(DeliveryStatus.PENDING)


def enqueue_on(
    conn: sqlite3.Connection,
    alert_id: int,
    channel: str,
    event: DeliveryEvent,
    *,
    at: datetime,
    not_before: datetime,
    status: DeliveryStatus = DeliveryStatus.PENDING,
    reason: str | None = None,
) -> Delivery | None:
    row = conn.execute("SELECT key FROM alerts WHERE id = ?", (alert_id,)).fetchone()
    if row is None:
        raise UnknownAlert(alert_id)
    event, status = DeliveryEvent(event), DeliveryStatus(status)
    key = f"{row['key']}|{channel}|{event}"
    inserted = conn.execute(
        "INSERT INTO deliveries (alert_id, channel, event, key, status, created_at, not_before,"
        " reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
        (alert_id, channel, str(event), key, str(status), ts(at), ts(not_before), reason),
    )
    if inserted.rowcount != 1:
        return None
    return delivery_on(conn, inserted.lastrowid or 0)


def deliveries_since_on(conn: sqlite3.Connection, channel: str, since: datetime) -> int:
    count: int = conn.execute(
        "SELECT count(*) FROM deliveries WHERE channel = ? AND created_at >= ?"
        " AND status IN (?, ?)",
        (channel, ts(since), _PENDING, str(DeliveryStatus.SENT)),
    ).fetchone()[0]
    return count


def suppressed_between_on(
    conn: sqlite3.Connection, since: datetime, until: datetime
) -> list[Delivery]:
    found = conn.execute(
        "SELECT * FROM deliveries WHERE status = ? AND created_at >= ? AND created_at < ?"
        " ORDER BY created_at, id",
        (str(DeliveryStatus.SUPPRESSED), ts(since), ts(until)),
    )
    return [row_to_delivery(r) for r in found]


def due_on(conn: sqlite3.Connection, now: datetime, limit: int) -> list[Delivery]:
    # next_attempt_at is deliberately not filtered: a row waiting for its retry must still
    # be seen, so the sender holds back the rows queued behind it on that channel and the
    # channel's messages keep their order. The limit is per channel: one channel with a
    # long queue (down for a day, or removed from the settings) must not hide the others.
    found = conn.execute(
        "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY channel ORDER BY id) AS n"
        " FROM deliveries WHERE status = ? AND not_before <= ?)"
        " WHERE n <= ? ORDER BY channel, id",
        (_PENDING, ts(now), limit),
    )
    return [row_to_delivery(r) for r in found]


def _update(conn: sqlite3.Connection, delivery_id: int, sql: str, params: dict[str, Any]) -> None:
    if conn.execute(sql, {**params, "id": delivery_id}).rowcount != 1:
        raise UnknownDelivery(delivery_id)


def mark_sent_on(conn: sqlite3.Connection, delivery_id: int, at: datetime) -> None:
    # Recorded whatever the status: if a person dropped the row while it was being sent,
    # the channel has it all the same, and "sent" is what stops it going out twice.
    # Once: a mark replayed from the sent journal (alerts.sent_journal) after a crash may
    # already be here, and must not count a second attempt.
    marked = conn.execute(
        "UPDATE deliveries SET status = :sent, sent_at = :at, attempts = attempts + 1,"
        " next_attempt_at = NULL, last_error = NULL WHERE id = :id AND status != :sent",
        {"sent": str(DeliveryStatus.SENT), "at": ts(at), "id": delivery_id},
    )
    if marked.rowcount == 0:
        delivery_on(conn, delivery_id)  # raises UnknownDelivery for a row that is not there


def mark_failed_on(
    conn: sqlite3.Connection,
    delivery_id: int,
    *,
    error: str,
    next_attempt_at: datetime,
) -> None:
    _update(
        conn,
        delivery_id,
        "UPDATE deliveries SET attempts = attempts + 1, last_error = :error,"
        " next_attempt_at = :next WHERE id = :id",
        {"error": error[:MAX_ERROR_CHARS], "next": ts(next_attempt_at)},
    )


def drop_on(conn: sqlite3.Connection, delivery_id: int, *, at: datetime, reason: str) -> Delivery:
    row = delivery_on(conn, delivery_id)
    if row.status != DeliveryStatus.PENDING:
        raise StoreError(
            f"outbox row {delivery_id} is {row.status}, not pending: only a pending row can be"
            " dropped"
        )
    conn.execute(
        "UPDATE deliveries SET status = ?, reason = ?, next_attempt_at = NULL WHERE id = ?",
        (str(DeliveryStatus.DROPPED), reason, delivery_id),
    )
    # The outbox row has no time of its own for this; the alert's history keeps it.
    record_event(conn, row.alert_id, at, "delivery dropped", None, f"{row.channel}: {reason}")
    return delivery_on(conn, delivery_id)


def retry_on(conn: sqlite3.Connection, delivery_id: int, *, at: datetime) -> Delivery:
    row = delivery_on(conn, delivery_id)
    if row.status not in (DeliveryStatus.PENDING, DeliveryStatus.DROPPED):
        raise StoreError(
            f"outbox row {delivery_id} is {row.status}: only a pending or dropped row can be"
            " retried (a sent row went out already)"
        )
    # Due now: quiet hours that still hold it are overruled, a later not_before never set.
    conn.execute(
        "UPDATE deliveries SET status = ?, reason = NULL, next_attempt_at = NULL,"
        " not_before = min(not_before, ?) WHERE id = ?",
        (_PENDING, ts(at), delivery_id),
    )
    record_event(conn, row.alert_id, at, "delivery retried", None, row.channel)
    return delivery_on(conn, delivery_id)


def list_on(
    conn: sqlite3.Connection,
    *,
    statuses: Sequence[DeliveryStatus],
    channel: str | None,
    alert_id: int | None,
    limit: int,
) -> list[Delivery]:
    found = conn.execute(
        "SELECT * FROM deliveries"
        " WHERE (:statuses = '[]' OR status IN (SELECT value FROM json_each(:statuses)))"
        " AND (:channel IS NULL OR channel = :channel)"
        " AND (:alert_id IS NULL OR alert_id = :alert_id)"
        " ORDER BY id DESC LIMIT :limit",
        {
            "statuses": json_values(str(DeliveryStatus(s)) for s in statuses),
            "channel": channel,
            "alert_id": alert_id,
            "limit": limit,
        },
    )
    return [row_to_delivery(r) for r in found]
