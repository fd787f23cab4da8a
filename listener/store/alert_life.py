"""An alert's lifecycle on the write connection: state moves, assignment, escalation.

Shared by ``Store.set_alert_state``/``assign_alert`` (each its own transaction) and by
``AlertTx`` (inside a rule's transaction), so both record the same timestamps and events.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from listener.models import Alert, AlertState
from listener.store.alert_rows import alert_on, record_event
from listener.store.rows import ts

# The first time an alert is acknowledged, replied to and closed (resolved or ignored) is
# kept: time to first response and time to close are measured from them, so moving on and
# back does not reset them. Reopening clears closed_at, so the next close stamps its time.
_SET_STATE = """UPDATE alerts SET state = :state, updated_at = :at,
    acknowledged_at = iif(:state = 'acknowledged', coalesce(acknowledged_at, :at),
                          acknowledged_at),
    replied_at = iif(:state = 'replied', coalesce(replied_at, :at), replied_at),
    closed_at = CASE WHEN :reopen THEN NULL
                     WHEN :state IN ('resolved', 'ignored') THEN coalesce(closed_at, :at)
                     ELSE closed_at END
WHERE id = :id"""


def set_state_on(
    conn: sqlite3.Connection,
    alert_id: int,
    state: AlertState,
    *,
    at: datetime,
    by: str | None = None,
) -> Alert:
    """Move an alert to ``state`` and record the event; see ``Store.set_alert_state``.

    Moving to the state it is in already changes nothing and records nothing, so a person
    pressing "acknowledge" twice (or two people at once) leaves one event.
    """
    state = AlertState(state)
    alert = alert_on(conn, alert_id)
    if alert.state == state:
        return alert
    reopening = state.is_open and not alert.state.is_open
    conn.execute(
        _SET_STATE,
        {"state": str(state), "at": ts(at), "id": alert_id, "reopen": int(reopening)},
    )
    if reopening:
        record_event(conn, alert_id, at, "reopened", by, f"state: {state}")
    else:
        record_event(conn, alert_id, at, str(state), by)
    return alert_on(conn, alert_id)


def assign_on(
    conn: sqlite3.Connection,
    alert_id: int,
    assignee: str | None,
    *,
    at: datetime,
    by: str | None = None,
) -> Alert:
    """Set or clear the assignee and record it; a blank name clears it too."""
    name = assignee.strip() if assignee is not None else None
    name = name or None
    alert_on(conn, alert_id)  # UnknownAlert before anything is written
    conn.execute(
        "UPDATE alerts SET assignee = ?, updated_at = ? WHERE id = ?", (name, ts(at), alert_id)
    )
    if name is None:
        record_event(conn, alert_id, at, "unassigned", by)
    else:
        record_event(conn, alert_id, at, "assigned", by, f"assignee: {name}")
    return alert_on(conn, alert_id)


def mark_escalated_on(conn: sqlite3.Connection, alert_id: int, at: datetime) -> None:
    """Stamp the first escalation (the SLA ran out unacknowledged) and record it."""
    alert = alert_on(conn, alert_id)
    if alert.escalated_at is not None:
        return
    conn.execute(
        "UPDATE alerts SET escalated_at = ?, updated_at = ? WHERE id = ?",
        (ts(at), ts(at), alert_id),
    )
    record_event(conn, alert_id, at, "escalated")
