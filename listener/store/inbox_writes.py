"""What people do to an alert from the web inbox, each one write transaction that records
who did it and when in the alert's history (``alert_events``).

A state move is decided inside the transaction that writes it (``decide`` is called on the
alert as it is then), so two people pressing at once cannot both move it from a state it
has already left.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from listener.models import Alert, AlertState
from listener.store import alert_life
from listener.store.alert_rows import alert_on, record_event
from listener.store.rows import ts
from listener.store.sqlite import SQLiteStore

# How much of a pasted reply or a note the history line repeats (the reply is kept whole).
EVENT_DETAIL_CHARS = 500

Decide = Callable[[Alert], tuple[AlertState, object | None]]


def _cut(text: str) -> str:
    return text if len(text) <= EVENT_DETAIL_CHARS else text[: EVENT_DETAIL_CHARS - 1] + "…"


def move(
    store: SQLiteStore, alert_id: int, decide: Decide, *, at: datetime, by: str
) -> tuple[Alert, object | None]:
    """Move the alert where ``decide`` says; returns the alert and the refusal, if any.

    Closing an alert or reopening it ends its snooze: a closed alert is out of the inbox
    anyway, and a reopened one is back because someone wants it seen.
    """
    with store._write() as conn:
        alert = alert_on(conn, alert_id)
        state, refusal = decide(alert)
        if refusal is not None:
            return alert, refusal
        moved = alert_life.set_state_on(conn, alert_id, state, at=at, by=by)
        if moved.state != alert.state and (not moved.state.is_open or not alert.state.is_open):
            conn.execute("DELETE FROM alert_snoozes WHERE alert_id = ?", (alert_id,))
        return moved, None


def mark_replied(
    store: SQLiteStore, alert_id: int, decide: Decide, text: str, *, at: datetime, by: str
) -> tuple[Alert, object | None]:
    """Move the alert to replied (as ``decide`` says) and keep the reply that was sent."""
    with store._write() as conn:
        alert = alert_on(conn, alert_id)
        state, refusal = decide(alert)
        if refusal is not None:
            return alert, refusal
        alert_life.set_state_on(conn, alert_id, state, at=at, by=by)
        if text.strip():
            conn.execute(
                "INSERT INTO alert_replies (alert_id, at, actor, text) VALUES (?, ?, ?, ?)",
                (alert_id, ts(at), by, text),
            )
            record_event(conn, alert_id, at, "reply sent", by, _cut(text))
        return alert_on(conn, alert_id), None


def assign(
    store: SQLiteStore, alert_id: int, assignee: str | None, note: str, *, at: datetime, by: str
) -> Alert:
    """Set (or with None or blank, clear) the assignee; a note goes into the history too."""
    with store._write() as conn:
        alert_life.assign_on(conn, alert_id, assignee, at=at, by=by)
        if note.strip():
            record_event(conn, alert_id, at, "note", by, _cut(note.strip()))
        return alert_on(conn, alert_id)


def snooze(
    store: SQLiteStore, alert_id: int, until: datetime | None, *, at: datetime, by: str
) -> Alert:
    """Snooze an alert until ``until`` or (None) until it escalates; replaces a snooze."""
    with store._write() as conn:
        alert = alert_on(conn, alert_id)
        conn.execute(
            "INSERT OR REPLACE INTO alert_snoozes (alert_id, until, severity_rank, at, actor)"
            " VALUES (?, ?, ?, ?, ?)",
            (alert_id, None if until is None else ts(until), alert.severity.rank, ts(at), by),
        )
        detail = "until it escalates" if until is None else f"until {until:%Y-%m-%d %H:%M} UTC"
        record_event(conn, alert_id, at, "snoozed", by, detail)
        return alert


def unsnooze(store: SQLiteStore, alert_id: int, *, at: datetime, by: str) -> Alert:
    """End a snooze (nothing recorded when there was none)."""
    with store._write() as conn:
        alert = alert_on(conn, alert_id)
        ended = conn.execute("DELETE FROM alert_snoozes WHERE alert_id = ?", (alert_id,))
        if ended.rowcount:
            record_event(conn, alert_id, at, "unsnoozed", by)
        return alert
