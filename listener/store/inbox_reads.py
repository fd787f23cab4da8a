"""What the web inbox reads: one page of alerts in inbox order (most severe, then newest),
filtered, with each alert's lead mention and snooze; the alerts raised after a given one (the
live stream); and one alert's replies and snooze.

Each page is a few indexed statements whatever the size of the store: the alerts' ids in
order from ``alerts_inbox`` (schema 11) up to the limit, then those alerts, their lead
mentions and snoozes by id. A page is read in one transaction, so it is one snapshot.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from listener.models import Alert, AlertKind, AlertState, Mention, Severity
from listener.store import rows
from listener.store.alert_rows import alerts_where, json_values
from listener.store.sqlite import SQLiteStore

# The inbox order's severity rank, written as schema 11's alerts_inbox index writes it:
# SQLite uses an index on an expression only for the same expression.
RANK_SQL = (
    "CASE a.severity WHEN 'critical' THEN 3 WHEN 'high' THEN 2 WHEN 'normal' THEN 1 ELSE 0 END"
)
# The open states spelled out as the partial index's WHERE spells them, for the same reason.
_OPEN_SQL = "a.state IN ('new', 'acknowledged', 'replied')"
_OPEN = frozenset(s for s in AlertState if s.is_open)

# Snoozed now: its time has not passed (or it has none) and it has not escalated since —
# neither the SLA (escalated_at after the snooze) nor a severity rise.
_SNOOZED = (
    "EXISTS (SELECT 1 FROM alert_snoozes s WHERE s.alert_id = a.id"  # noqa: S608 -- constants
    " AND (s.until IS NULL OR s.until > :now)"
    " AND NOT (a.escalated_at IS NOT NULL AND a.escalated_at >= s.at)"
    f" AND {RANK_SQL} <= s.severity_rank)"
)
_LEAD_SOURCE = (
    "EXISTS (SELECT 1 FROM alert_mentions am JOIN mentions m ON m.id = am.mention_id"
    " WHERE am.alert_id = a.id AND am.position = 0 AND m.source = :source)"
)


@dataclass(frozen=True)
class SlaBreach:
    """The SLA rule's test (``alerts.rules.sla``): still new, raised before ``created_before``
    (now − ack_within), of one of ``kinds`` and at least ``min_severity``."""

    created_before: datetime
    kinds: tuple[AlertKind, ...]
    min_severity: Severity


@dataclass(frozen=True)
class InboxQuery:
    """Which alerts a list shows. Empty ``states``: the open ones. ``assignee`` "" means
    nobody; ``snoozed``: "hide" (the default view), "only", or "any"."""

    now: datetime
    states: tuple[AlertState, ...] = ()
    brand: str | None = None
    rule: str | None = None
    severity: Severity | None = None
    assignee: str | None = None
    source: str | None = None
    kind: AlertKind | None = None
    breaching: SlaBreach | None = None
    snoozed: str = "hide"


@dataclass(frozen=True)
class InboxKey:
    """Where a page ends in inbox order; the next page starts after it."""

    rank: int
    created_at: str
    id: int


@dataclass(frozen=True)
class Snooze:
    alert_id: int
    until: datetime | None  # None: until it escalates
    severity_rank: int
    at: datetime
    by: str | None


@dataclass(frozen=True)
class SentReply:
    alert_id: int
    at: datetime
    by: str | None
    text: str


@dataclass(frozen=True)
class InboxEntry:
    alert: Alert
    key: InboxKey
    lead: Mention | None = None
    snooze: Snooze | None = None
    snoozed_now: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def page_sql(query: InboxQuery, *, after: InboxKey | None) -> tuple[str, dict[str, Any]]:
    """The statement that lists a page's alert ids in inbox order (public for the test
    that reads its plan)."""
    where, params = _where(query)
    if after is not None:
        where += f" AND ({RANK_SQL}, a.created_at, a.id) < (:k_rank, :k_created, :k_id)"
        params |= {"k_rank": after.rank, "k_created": after.created_at, "k_id": after.id}
    # The open alerts are read from alerts_inbox in its order, so a page stops at its limit;
    # an empty store's planner would otherwise sort by the state index (no statistics yet).
    table = "alerts a INDEXED BY alerts_inbox" if _OPEN_SQL in where else "alerts a"
    sql = (
        f"SELECT a.id, {RANK_SQL} AS rank, a.created_at FROM {table} WHERE {where}"  # noqa: S608 -- constants; values are parameters
        f" ORDER BY {RANK_SQL} DESC, a.created_at DESC, a.id DESC LIMIT :limit"
    )
    return sql, params


def _where(query: InboxQuery) -> tuple[str, dict[str, Any]]:
    states = set(query.states)
    terms = ["a.kind != 'digest'"]
    if not states or states == _OPEN:
        terms.append(_OPEN_SQL)
    else:
        terms.append("a.state IN (SELECT value FROM json_each(:states))")
    params: dict[str, Any] = {
        "states": json_values(str(s) for s in sorted(states)),
        "now": rows.ts(query.now),
    }
    for column, value in (
        ("brand", query.brand),
        ("rule", query.rule),
        ("severity", query.severity),
        ("kind", query.kind),
    ):
        if value is not None:
            terms.append(f"a.{column} = :{column}")
            params[column] = str(value)
    if query.assignee == "":
        terms.append("a.assignee IS NULL")
    elif query.assignee is not None:
        terms.append("a.assignee = :assignee")
        params["assignee"] = query.assignee
    if query.source is not None:
        terms.append(_LEAD_SOURCE)
        params["source"] = query.source
    if query.breaching is not None:
        sla = query.breaching
        terms.append(
            "a.state = 'new' AND a.created_at < :sla_before"  # noqa: S608 -- constants
            f" AND {RANK_SQL} >= :sla_rank"
            " AND a.kind IN (SELECT value FROM json_each(:sla_kinds))"
        )
        params |= {
            "sla_before": rows.ts(sla.created_before),
            "sla_rank": sla.min_severity.rank,
            "sla_kinds": json_values(str(k) for k in sla.kinds),
        }
    if query.snoozed == "hide":
        terms.append(f"NOT {_SNOOZED}")
    elif query.snoozed == "only":
        terms.append(_SNOOZED)
    return " AND ".join(terms), params


def inbox_page(
    store: SQLiteStore, query: InboxQuery, *, after: InboxKey | None, limit: int
) -> list[InboxEntry]:
    """Up to ``limit`` alerts in inbox order, starting after ``after``."""
    sql, params = page_sql(query, after=after)
    return _entries(store, sql, {**params, "limit": limit}, query.now)


def newer_alerts(
    store: SQLiteStore, query: InboxQuery, *, after_id: int, limit: int
) -> list[InboxEntry]:
    """Alerts raised after alert ``after_id`` that the list would show, oldest first (the
    live stream puts each on top as it comes)."""
    where, params = _where(query)
    sql = (
        f"SELECT a.id, {RANK_SQL} AS rank, a.created_at FROM alerts a"  # noqa: S608 -- constants; values are parameters
        f" WHERE a.id > :after_id AND {where} ORDER BY a.id LIMIT :limit"
    )
    return _entries(store, sql, {**params, "after_id": after_id, "limit": limit}, query.now)


def newest_alert_id(store: SQLiteStore) -> int:
    """The id of the last alert raised (0 when none): the live stream starts after it."""
    with store._read() as conn:
        found = conn.execute("SELECT coalesce(max(id), 0) FROM alerts").fetchone()
    return int(found[0])


def _entries(
    store: SQLiteStore, sql: str, params: dict[str, Any], now: datetime
) -> list[InboxEntry]:
    with store._read() as conn:
        conn.execute("BEGIN")  # one snapshot for the ids and what is read by them
        keys = [InboxKey(r["rank"], r["created_at"], r["id"]) for r in conn.execute(sql, params)]
        if not keys:
            return []
        ids = json_values(k.id for k in keys)
        alerts = {
            a.id: a
            for a in alerts_where(
                conn, "a.id IN (SELECT value FROM json_each(:ids))", {"ids": ids}, "a.id"
            )
        }
        leads = _lead_mentions(conn, ids)
        snoozes = {s.alert_id: s for s in _snoozes(conn, ids)}
        snoozed_now = {
            r[0]
            for r in conn.execute(
                f"SELECT a.id FROM alerts a WHERE a.id IN (SELECT value FROM json_each(:ids))"  # noqa: S608 -- constants
                f" AND {_SNOOZED}",
                {"ids": ids, "now": rows.ts(now)},
            )
        }
    return [
        InboxEntry(
            alert=alerts[k.id],
            key=k,
            lead=leads.get(k.id),
            snooze=snoozes.get(k.id),
            snoozed_now=k.id in snoozed_now,
        )
        for k in keys
        if k.id in alerts
    ]


def _lead_mentions(conn: sqlite3.Connection, ids: str) -> dict[int, Mention]:
    found = conn.execute(
        "SELECT am.alert_id AS lead_of, m.* FROM alert_mentions am"
        " JOIN mentions m ON m.id = am.mention_id"
        " WHERE am.alert_id IN (SELECT value FROM json_each(?)) AND am.position = 0",
        (ids,),
    )
    return {r["lead_of"]: rows.row_to_mention(r) for r in found}


def _snoozes(conn: sqlite3.Connection, ids: str) -> list[Snooze]:
    found = conn.execute(
        "SELECT * FROM alert_snoozes WHERE alert_id IN (SELECT value FROM json_each(?))", (ids,)
    )
    return [
        Snooze(
            alert_id=r["alert_id"],
            until=rows.parse_ts_or_none(r["until"]),
            severity_rank=r["severity_rank"],
            at=rows.parse_ts(r["at"]),
            by=r["actor"],
        )
        for r in found
    ]


def alert_entry(store: SQLiteStore, alert_id: int, now: datetime) -> InboxEntry | None:
    """One alert as a list shows it (whatever its state), or None when there is none."""
    sql = f"SELECT a.id, {RANK_SQL} AS rank, a.created_at FROM alerts a WHERE a.id = :id"  # noqa: S608 -- constants
    found = _entries(store, sql, {"id": alert_id}, now)
    return found[0] if found else None


def alert_replies(store: SQLiteStore, alert_id: int) -> list[SentReply]:
    """The replies people said they sent, oldest first."""
    with store._read() as conn:
        found = conn.execute(
            "SELECT * FROM alert_replies WHERE alert_id = ? ORDER BY id", (alert_id,)
        ).fetchall()
    return [
        SentReply(alert_id=r["alert_id"], at=rows.parse_ts(r["at"]), by=r["actor"], text=r["text"])
        for r in found
    ]


def mentions_by_id(store: SQLiteStore, ids: Sequence[str]) -> dict[str, Mention]:
    """The stored mentions among ``ids`` (one statement)."""
    with store._read() as conn:
        found = conn.execute(
            "SELECT m.* FROM mentions m WHERE m.id IN (SELECT value FROM json_each(?))",
            (json_values(ids),),
        )
        return {r["id"]: rows.row_to_mention(r) for r in found}
