"""Mapping between alerts, their events and outbox rows and SQLite rows (JSON for nested values).

Reads here work on any connection: the write connection inside an ``AlertTx``, or a reader.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from listener.models import (
    Alert,
    AlertKind,
    AlertState,
    Delivery,
    DeliveryEvent,
    DeliveryStatus,
    ReplyDraft,
    Severity,
)
from listener.store.alert_contract import AlertEvent, NewAlert
from listener.store.base import UnknownAlert, UnknownDelivery
from listener.store.rows import parse_ts, parse_ts_or_none, ts

OPEN_STATES: tuple[str, ...] = tuple(s.value for s in AlertState if s.is_open)

INSERT_ALERT = """
INSERT INTO alerts (key, kind, rule, brand, severity, title, state, created_at, updated_at,
                    severity_reasons, details, drafts)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (key) DO NOTHING
"""
_SELECT_ALERTS = "SELECT a.* FROM alerts a WHERE "
INSERT_EVENT = "INSERT INTO alert_events (alert_id, at, what, actor, detail) VALUES (?, ?, ?, ?, ?)"


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_values(values: Iterable[object]) -> str:
    """One JSON array parameter, read back with json_each(): no limit on the list's length."""
    return dumps(list(values))


def alert_params(alert: NewAlert) -> tuple[Any, ...]:
    created = ts(alert.created_at)
    return (
        alert.key, str(alert.kind), alert.rule, alert.brand, str(alert.severity), alert.title,
        str(AlertState.NEW), created, created, dumps(list(alert.severity_reasons)),
        dumps(alert.details), drafts_json(alert.drafts),
    )  # fmt: skip


_DRAFT_FIELDS = tuple(f.name for f in dataclasses.fields(ReplyDraft))
_DRAFT_NAMES = frozenset(_DRAFT_FIELDS)


def drafts_json(drafts: Sequence[ReplyDraft]) -> str:
    # The fields in their order, as dataclasses.asdict gives them, without its deep copy of
    # every value: the JSON encoder walks the lint dicts itself.
    return dumps([{name: getattr(d, name) for name in _DRAFT_FIELDS} for d in drafts])


def drafts_from_json(text: str) -> tuple[ReplyDraft, ...]:
    # Keys a newer listener added are skipped, so an older one can still show its alerts.
    return tuple(
        ReplyDraft(**{k: v for k, v in item.items() if k in _DRAFT_NAMES})
        for item in json.loads(text)
        if isinstance(item, dict)
    )


def row_to_alert(row: sqlite3.Row, mention_ids: Sequence[str]) -> Alert:
    return Alert(
        id=row["id"],
        key=row["key"],
        kind=AlertKind(row["kind"]),
        rule=row["rule"],
        brand=row["brand"],
        severity=Severity(row["severity"]),
        title=row["title"],
        created_at=parse_ts(row["created_at"]),
        updated_at=parse_ts(row["updated_at"]),
        state=AlertState(row["state"]),
        mention_ids=tuple(mention_ids),
        severity_reasons=tuple(json.loads(row["severity_reasons"])),
        details=json.loads(row["details"]),
        drafts=drafts_from_json(row["drafts"]),
        assignee=row["assignee"],
        acknowledged_at=parse_ts_or_none(row["acknowledged_at"]),
        replied_at=parse_ts_or_none(row["replied_at"]),
        closed_at=parse_ts_or_none(row["closed_at"]),
        escalated_at=parse_ts_or_none(row["escalated_at"]),
        folded=row["folded"],
    )


def new_alert_as_stored(
    alert_id: int, params: tuple[Any, ...], mention_ids: Sequence[str]
) -> Alert:
    """The alert just inserted with ``alert_params``' ``params``, as ``row_to_alert`` would
    read it back: every value decoded from what was written."""
    (key, kind, rule, brand, severity, title, state, created, updated, reasons, details,
     drafts) = params  # fmt: skip
    return Alert(
        id=alert_id,
        key=key,
        kind=AlertKind(kind),
        rule=rule,
        brand=brand,
        severity=Severity(severity),
        title=title,
        created_at=parse_ts(created),
        updated_at=parse_ts(updated),
        state=AlertState(state),
        mention_ids=tuple(mention_ids),
        severity_reasons=tuple(json.loads(reasons)),
        details=json.loads(details),
        drafts=drafts_from_json(drafts),
    )


def alerts_where(
    conn: sqlite3.Connection,
    where: str,
    params: dict[str, Any],
    order: str,
    *,
    limit: int = -1,
    offset: int = 0,
) -> list[Alert]:
    """Alerts matching ``where`` (literal SQL on ``alerts a``, values as named parameters)
    with their mentions, lead first, in ``order`` (``limit`` -1: all). Two queries whatever
    the number of alerts."""
    sql = _SELECT_ALERTS + where + " ORDER BY " + order + " LIMIT :limit OFFSET :offset"
    found = conn.execute(sql, {**params, "limit": limit, "offset": offset})
    alert_rows = found.fetchall()
    if not alert_rows:
        return []
    mentions: dict[int, list[str]] = {r["id"]: [] for r in alert_rows}
    for alert_id, mention_id in conn.execute(
        "SELECT alert_id, mention_id FROM alert_mentions"
        " WHERE alert_id IN (SELECT value FROM json_each(?)) ORDER BY alert_id, position",
        (json_values(mentions),),
    ):
        mentions[alert_id].append(mention_id)
    return [row_to_alert(r, mentions[r["id"]]) for r in alert_rows]


_SELECT_ALERT = _SELECT_ALERTS + "a.id = ?"
_SELECT_ALERT_MENTIONS = (
    "SELECT mention_id FROM alert_mentions WHERE alert_id = ? ORDER BY position"
)


def alert_or_none(conn: sqlite3.Connection, alert_id: int) -> Alert | None:
    # alerts_where for one id, without its JSON list of ids: the rules read an open alert
    # for every follow-up they fold.
    row = conn.execute(_SELECT_ALERT, (alert_id,)).fetchone()
    if row is None:
        return None
    mention_ids = [m for (m,) in conn.execute(_SELECT_ALERT_MENTIONS, (alert_id,))]
    return row_to_alert(row, mention_ids)


def alert_on(conn: sqlite3.Connection, alert_id: int) -> Alert:
    alert = alert_or_none(conn, alert_id)
    if alert is None:
        raise UnknownAlert(alert_id)
    return alert


def record_event(
    conn: sqlite3.Connection,
    alert_id: int,
    at: datetime,
    what: str,
    by: str | None = None,
    detail: str | None = None,
) -> None:
    conn.execute(INSERT_EVENT, (alert_id, ts(at), what, by, detail))


def row_to_event(row: sqlite3.Row) -> AlertEvent:
    return AlertEvent(
        alert_id=row["alert_id"],
        at=parse_ts(row["at"]),
        what=row["what"],
        by=row["actor"],
        detail=row["detail"],
        mention_id=row["mention_id"],
    )


def row_to_delivery(row: sqlite3.Row) -> Delivery:
    return Delivery(
        id=row["id"],
        alert_id=row["alert_id"],
        channel=row["channel"],
        event=DeliveryEvent(row["event"]),
        key=row["key"],
        status=DeliveryStatus(row["status"]),
        created_at=parse_ts(row["created_at"]),
        not_before=parse_ts(row["not_before"]),
        attempts=row["attempts"],
        next_attempt_at=parse_ts_or_none(row["next_attempt_at"]),
        last_error=row["last_error"],
        sent_at=parse_ts_or_none(row["sent_at"]),
        reason=row["reason"],
    )


def delivery_on(conn: sqlite3.Connection, delivery_id: int) -> Delivery:
    row = conn.execute("SELECT * FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
    if row is None:
        raise UnknownDelivery(delivery_id)
    return row_to_delivery(row)
