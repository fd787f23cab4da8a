"""``AlertTx`` on SQLite: the alert rules' reads and writes inside one write transaction.

``SQLiteStore.insert_mentions`` hands one to its ``on_stored`` hook on the writer
connection, after the mentions are inserted and before COMMIT, so a mention, its alert and
its outbox rows are stored together or not at all (DESIGN.md, invariants);
``SQLiteStore.alert_transaction`` yields one for the time-based rules. The object does not
own the transaction: whoever opened it commits or rolls back. The open-alert lookup's SQL is
in ``alert_lookup``; ``alert_decide.decide_alerts_on`` runs the hook so that a rule's bug on
one mention costs that mention's alerts, not the batch.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from listener.models import (
    Alert,
    AlertKind,
    AlertState,
    Delivery,
    DeliveryEvent,
    DeliveryStatus,
    Mention,
    Severity,
    SourceState,
)
from listener.store import alert_life, deliveries, rows, rule_reads, state_rows
from listener.store.alert_contract import NewAlert
from listener.store.alert_lookup import KIND_FILTER, kinds_param, open_alert_query
from listener.store.alert_rows import (
    INSERT_ALERT,
    OPEN_STATES,
    alert_on,
    alert_params,
    alerts_where,
    dumps,
    json_values,
    new_alert_as_stored,
    record_event,
)
from listener.store.people import Person, person_of_on

if TYPE_CHECKING:  # the stats package imports the SQLite store, which imports this module
    from listener.store.stats.models import Headline
    from listener.store.stats.scope import StatsScope

__all__ = ["SqliteAlertTx", "open_alert_query"]

_DIGEST = str(AlertKind.DIGEST)
# How many folded mention ids an event names before it only counts them.
_EVENT_IDS = 5

# NULL parameters keep what the alert has: the severity only rises, details only when given.
_FOLD = """UPDATE alerts SET updated_at = :at, folded = folded + :added,
    severity = coalesce(:severity, severity),
    severity_reasons = coalesce(:reasons, severity_reasons),
    details = coalesce(:details, details)
WHERE id = :id"""


class SqliteAlertTx:
    """``listener.store.base.AlertTx`` on a connection that is inside a write transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    # -- alerts ----------------------------------------------------------------------

    def add_alert(self, alert: NewAlert) -> Alert | None:
        params = alert_params(alert)
        inserted = self._conn.execute(INSERT_ALERT, params)
        if inserted.rowcount != 1:
            return None
        alert_id = inserted.lastrowid or 0
        # A new row holds no mentions yet: no need to read what it holds.
        added = list(dict.fromkeys(alert.mention_ids))
        self._insert_mentions(alert_id, 0, added)
        record_event(self._conn, alert_id, alert.created_at, "raised", None, alert.rule)
        # The alert as reading its row back would give it (the same decoded values), without
        # reading it back: this transaction wrote every column just now.
        return new_alert_as_stored(alert_id, params, added)

    def alert_by_key(self, key: str) -> Alert | None:
        found = alerts_where(self._conn, "a.key = :key", {"key": key}, "a.id", limit=1)
        return found[0] if found else None

    def find_open_alert(
        self,
        *,
        kinds: Sequence[AlertKind],
        brand: str | None,
        since: datetime,
        rule: str | None = None,
        author: tuple[str | Sequence[str], str] | None = None,
        thread_id: str | None = None,
    ) -> Alert | None:
        sql, params = open_alert_query(
            kinds=kinds, brand=brand, since=since, rule=rule, author=author, thread_id=thread_id
        )
        found = self._conn.execute(sql, params).fetchone()
        return None if found is None else alert_on(self._conn, found[0])

    def fold_into(
        self,
        alert_id: int,
        mention_ids: Sequence[str],
        *,
        at: datetime,
        severity: Severity | None = None,
        severity_reasons: Sequence[str] = (),
        details: Mapping[str, Any] | None = None,
    ) -> Alert:
        alert = alert_on(self._conn, alert_id)
        added = self._add_mentions(alert_id, mention_ids)
        notes = [_mentions_note(added)]
        params: dict[str, Any] = {
            "at": rows.ts(at),
            "added": len(added),
            "id": alert_id,
            "severity": None,
            "reasons": None,
            "details": None if details is None else dumps(dict(details)),
        }
        if severity is not None and Severity(severity).rank > alert.severity.rank:
            reasons = list(dict.fromkeys((*alert.severity_reasons, *severity_reasons)))
            params |= {"severity": str(severity), "reasons": dumps(reasons)}
            notes.append(f"severity {alert.severity} -> {severity}")
        self._conn.execute(_FOLD, params)
        record_event(self._conn, alert_id, at, "folded", None, "; ".join(notes))
        # What the UPDATE wrote, decoded as a read of the row would decode it.
        return replace(
            alert,
            updated_at=rows.parse_ts(params["at"]),
            folded=alert.folded + len(added),
            mention_ids=(*alert.mention_ids, *added),
            severity=alert.severity if params["severity"] is None else Severity(params["severity"]),
            severity_reasons=(
                alert.severity_reasons
                if params["reasons"] is None
                else tuple(json.loads(params["reasons"]))
            ),
            details=alert.details if params["details"] is None else json.loads(params["details"]),
        )

    def _add_mentions(self, alert_id: int, mention_ids: Sequence[str]) -> list[str]:
        """Append mentions after those the alert holds; return the ones that were new."""
        held = {
            r[0]
            for r in self._conn.execute(
                "SELECT mention_id FROM alert_mentions WHERE alert_id = ?", (alert_id,)
            )
        }
        added = [m for m in dict.fromkeys(mention_ids) if m not in held]
        (last,) = self._conn.execute(
            "SELECT coalesce(max(position), -1) FROM alert_mentions WHERE alert_id = ?",
            (alert_id,),
        ).fetchone()
        self._insert_mentions(alert_id, last + 1, added)
        return added

    def _insert_mentions(self, alert_id: int, first: int, mention_ids: Sequence[str]) -> None:
        self._conn.executemany(
            "INSERT INTO alert_mentions (alert_id, position, mention_id) VALUES (?, ?, ?)",
            [(alert_id, first + i, m) for i, m in enumerate(mention_ids)],
        )

    def set_state(
        self, alert_id: int, state: AlertState, *, at: datetime, by: str | None = None
    ) -> Alert:
        return alert_life.set_state_on(self._conn, alert_id, state, at=at, by=by)

    def unacknowledged_alerts(
        self, *, created_before: datetime, kinds: Sequence[AlertKind]
    ) -> list[Alert]:
        return alerts_where(
            self._conn,
            f"a.state = :new AND a.escalated_at IS NULL AND a.created_at < :before"
            f" AND {KIND_FILTER}",
            {
                "new": str(AlertState.NEW),
                "before": rows.ts(created_before),
                "kinds": kinds_param(kinds),
            },
            "a.created_at, a.id",
        )

    def mark_escalated(self, alert_id: int, at: datetime) -> None:
        alert_life.mark_escalated_on(self._conn, alert_id, at)

    def alerts_between(
        self, since: datetime, until: datetime, *, brand: str | None = None
    ) -> list[Alert]:
        return alerts_where(
            self._conn,
            "a.created_at >= :since AND a.created_at < :until AND a.kind != :digest"
            " AND (:brand IS NULL OR a.brand = :brand)",
            {"since": rows.ts(since), "until": rows.ts(until), "digest": _DIGEST, "brand": brand},
            "a.created_at, a.id",
        )

    def open_alerts(self, *, brand: str | None = None) -> list[Alert]:
        return alerts_where(
            self._conn,
            "a.state IN (SELECT value FROM json_each(:open)) AND a.kind != :digest"
            " AND (:brand IS NULL OR a.brand = :brand)",
            {"open": json_values(OPEN_STATES), "digest": _DIGEST, "brand": brand},
            "a.created_at, a.id",
        )

    def open_alerts_holding(self, mention_id: str) -> list[Alert]:
        return alerts_where(
            self._conn,
            "a.id IN (SELECT alert_id FROM alert_mentions WHERE mention_id = :mention)"
            " AND a.state IN (SELECT value FROM json_each(:open)) AND a.kind != :digest",
            {"mention": mention_id, "open": json_values(OPEN_STATES), "digest": _DIGEST},
            "a.created_at, a.id",
        )

    # -- deliveries ------------------------------------------------------------------

    def enqueue(
        self,
        alert_id: int,
        channel: str,
        event: DeliveryEvent,
        *,
        at: datetime,
        not_before: datetime,
        status: DeliveryStatus = DeliveryStatus.PENDING,
        reason: str | None = None,
    ) -> Delivery | None:
        return deliveries.enqueue_on(
            self._conn, alert_id, channel, event,
            at=at, not_before=not_before, status=status, reason=reason,
        )  # fmt: skip

    def deliveries_since(self, channel: str, since: datetime) -> int:
        return deliveries.deliveries_since_on(self._conn, channel, since)

    def suppressed_between(self, since: datetime, until: datetime) -> list[Delivery]:
        return deliveries.suppressed_between_on(self._conn, since, until)

    # -- mentions and sources, for the rules -------------------------------------------

    def mention_counts(
        self,
        brand: str,
        since: datetime,
        until: datetime,
        *,
        bucket: timedelta,
        negative_only: bool,
    ) -> dict[datetime, int]:
        return rule_reads.mention_counts_on(
            self._conn, brand, since, until, bucket=bucket, negative_only=negative_only
        )

    def mentions_between(
        self,
        brand: str,
        since: datetime,
        until: datetime,
        *,
        negative_only: bool,
        limit: int = 500,
    ) -> list[Mention]:
        return rule_reads.mentions_between_on(
            self._conn, brand, since, until, negative_only=negative_only, limit=limit
        )

    def author_mentions(
        self, source_type: str | Sequence[str], handle: str, *, before: datetime, limit: int = 5
    ) -> list[Mention]:
        return rule_reads.author_mentions_on(
            self._conn, source_type, handle, before=before, limit=limit
        )

    def person_of(self, source_types: Iterable[str], handle: str) -> Person | None:
        return person_of_on(self._conn, source_types, handle)

    def source_states(self) -> list[SourceState]:
        found = self._conn.execute(state_rows.SELECT_STATES + " ORDER BY source")
        return [state_rows.row_to_state(r) for r in found]

    def headline(self, scope: StatsScope) -> Headline:
        # Imported here: the stats package imports the SQLite store, which imports this.
        from listener.store.stats.headline import headline_on

        return headline_on(self._conn, scope)


def _mentions_note(added: Sequence[str]) -> str:
    if not added:
        return "no new mentions"
    named = ", ".join(added[:_EVENT_IDS])
    more = f" and {len(added) - _EVENT_IDS} more" if len(added) > _EVENT_IDS else ""
    noun = "mention" if len(added) == 1 else "mentions"
    return f"{len(added)} {noun} folded in: {named}{more}"
