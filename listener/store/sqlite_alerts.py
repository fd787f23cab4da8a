"""``SQLiteStore``'s alert and outbox methods, apart from its mention methods.

A mixin: it uses the store's one-writer/pooled-readers connections (``_write``/``_read``,
see ``listener.store.sqlite``) and adds no state. Each write method is one transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime

from listener.models import (
    Alert,
    AlertKind,
    AlertState,
    Delivery,
    DeliveryStatus,
    Mention,
    ReplyDraft,
)
from listener.store import alert_life, deliveries, rows, rule_reads
from listener.store.alert_contract import AlertEvent, AlertTx
from listener.store.alert_rows import (
    alert_on,
    alert_or_none,
    alerts_where,
    drafts_json,
    json_values,
    row_to_event,
)
from listener.store.alerts import SqliteAlertTx


class SQLiteAlerts:
    """Alerts and the outbox on ``SQLiteStore``'s connections."""

    # Provided by SQLiteStore; declared here so the mixin type-checks on its own.
    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    # -- alerts ----------------------------------------------------------------------

    @contextmanager
    def _alert_transaction(self) -> Iterator[AlertTx]:
        with self._write() as conn:
            yield SqliteAlertTx(conn)

    def alert_transaction(self) -> AbstractContextManager[AlertTx]:
        return self._alert_transaction()

    def get_alert(self, alert_id: int) -> Alert | None:
        with self._read() as conn:
            return alert_or_none(conn, alert_id)

    def list_alerts(
        self,
        *,
        states: Sequence[AlertState] = (),
        kinds: Sequence[AlertKind] = (),
        brand: str | None = None,
        assignee: str | None = None,
        since: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Alert]:
        where = (
            "(:states = '[]' OR a.state IN (SELECT value FROM json_each(:states)))"
            " AND (:kinds = '[]' OR a.kind IN (SELECT value FROM json_each(:kinds)))"
            " AND (:brand IS NULL OR a.brand = :brand)"
            " AND (:assignee IS NULL OR a.assignee = :assignee)"
            " AND (:since IS NULL OR a.created_at >= :since)"
        )
        params = {
            "states": json_values(str(AlertState(s)) for s in states),
            "kinds": json_values(str(AlertKind(k)) for k in kinds),
            "brand": brand,
            "assignee": assignee,
            "since": rows.ts_or_none(since),
        }
        with self._read() as conn:
            return alerts_where(
                conn, where, params, "a.created_at DESC, a.id DESC", limit=limit, offset=offset
            )

    def set_alert_state(
        self, alert_id: int, state: AlertState, *, at: datetime, by: str | None = None
    ) -> Alert:
        with self._write() as conn:
            return alert_life.set_state_on(conn, alert_id, state, at=at, by=by)

    def assign_alert(
        self, alert_id: int, assignee: str | None, *, at: datetime, by: str | None = None
    ) -> Alert:
        with self._write() as conn:
            return alert_life.assign_on(conn, alert_id, assignee, at=at, by=by)

    def replace_drafts(self, alert_id: int, approach: str, drafts: Sequence[ReplyDraft]) -> Alert:
        """The alert's drafts of ``approach`` replaced by ``drafts`` (the others kept, in
        their order, first). Asked for by a person (the local model's drafts), so neither
        the alert's state nor its times change."""
        with self._write() as conn:
            alert = alert_on(conn, alert_id)
            kept = [d for d in alert.drafts if d.approach != approach]
            conn.execute(
                "UPDATE alerts SET drafts = ? WHERE id = ?",
                (drafts_json([*kept, *drafts]), alert_id),
            )
            return alert_on(conn, alert_id)

    def alert_events(self, alert_id: int) -> list[AlertEvent]:
        with self._read() as conn:
            found = conn.execute(
                "SELECT * FROM alert_events WHERE alert_id = ? ORDER BY id", (alert_id,)
            ).fetchall()
        return [row_to_event(r) for r in found]

    def author_mentions(
        self, source_type: str | Sequence[str], handle: str, *, before: datetime, limit: int = 5
    ) -> list[Mention]:
        with self._read() as conn:
            return rule_reads.author_mentions_on(
                conn, source_type, handle, before=before, limit=limit
            )

    # -- the outbox --------------------------------------------------------------------

    def due_deliveries(self, now: datetime, *, limit: int = 100) -> list[Delivery]:
        with self._read() as conn:
            return deliveries.due_on(conn, now, limit)

    def mark_sent(self, delivery_id: int, *, at: datetime) -> None:
        with self._write() as conn:
            deliveries.mark_sent_on(conn, delivery_id, at)

    def mark_failed(
        self, delivery_id: int, *, at: datetime, error: str, next_attempt_at: datetime
    ) -> None:
        # ``at`` is not stored: the row keeps when to try next, the error and the count.
        with self._write() as conn:
            deliveries.mark_failed_on(
                conn, delivery_id, error=error, next_attempt_at=next_attempt_at
            )

    def drop_delivery(self, delivery_id: int, *, at: datetime, reason: str) -> Delivery:
        with self._write() as conn:
            return deliveries.drop_on(conn, delivery_id, at=at, reason=reason)

    def retry_delivery(self, delivery_id: int, *, at: datetime) -> Delivery:
        with self._write() as conn:
            return deliveries.retry_on(conn, delivery_id, at=at)

    def list_deliveries(
        self,
        *,
        statuses: Sequence[DeliveryStatus] = (),
        channel: str | None = None,
        alert_id: int | None = None,
        limit: int = 100,
    ) -> list[Delivery]:
        with self._read() as conn:
            return deliveries.list_on(
                conn, statuses=statuses, channel=channel, alert_id=alert_id, limit=limit
            )
