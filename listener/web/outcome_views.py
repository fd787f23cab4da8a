"""What a bulk or keyboard action did, alert by alert, in words a person reads at a
glance: "Alert #12 acknowledged", "Alert #14 assigned to ann" — not "2 done"."""

from __future__ import annotations

from listener.web.inbox_models import Action, BulkResult

_DONE: dict[str, str] = {
    "acknowledge": "acknowledged",
    "assign": "assigned",
    "reply": "marked replied",
    "resolve": "resolved",
    "ignore": "ignored",
    "reopen": "reopened",
    "snooze": "snoozed",
    "unsnooze": "woken (snooze ended)",
}


def outcome_lines(action: Action, result: BulkResult) -> list[str]:
    """One line per selected alert, done or refused, in the order they were selected."""
    lines = []
    for outcome in result.outcomes:
        if not outcome.ok:
            lines.append(f"Alert #{outcome.id} not changed: {outcome.problem}")
            continue
        done = _DONE.get(action, action)
        if action == "assign" and outcome.alert is not None:
            who = outcome.alert.assignee
            done = f"assigned to {who}" if who else "unassigned"
        lines.append(f"Alert #{outcome.id} {done}")
    return lines
