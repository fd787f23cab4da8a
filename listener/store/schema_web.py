"""Schema 11: what the web app keeps — accounts and their sessions and API tokens, saved
searches, and the alert workflow's snoozes and sent replies.

One migration, built from one tuple per concern so each stays readable on its own.
Part of ``listener.store.schema``'s ordered migrations (shipped: never edit, append).
"""

from __future__ import annotations

# Users, browser sessions, API tokens and login throttling (passwords and tokens stored hashed).
# Session ids and API tokens are random (32 bytes) and only their SHA-256 is kept: a copy of
# the database signs nobody in. Passwords are argon2id hashes (PHC strings, parameters inside).
_ACCOUNTS: tuple[str, ...] = (
    """CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'agent', 'admin')),
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0
    )""",
    # Removing a user ends their sessions in the same statement (ON DELETE CASCADE).
    """CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        user_agent TEXT
    ) WITHOUT ROWID""",
    "CREATE INDEX sessions_user ON sessions(user_id)",
    # Each sign-in sweeps the expired sessions (nobody signs out of an abandoned browser).
    "CREATE INDEX sessions_expiry ON sessions(expires_at)",
    """CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE,
        token_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'agent', 'admin')),
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at TEXT,
        created_by TEXT NOT NULL
    )""",
    # A revoked token's row stays (who made it, when it was last used); only one live token
    # may carry a name, so `tokens revoke NAME` means one token.
    "CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens(name) WHERE revoked_at IS NULL",
    # One row per failed login, read by name and by address over the throttle window.
    """CREATE TABLE login_failures (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE,
        address TEXT NOT NULL,
        failed_at TEXT NOT NULL
    )""",
    "CREATE INDEX login_failures_name ON login_failures(name, failed_at)",
    "CREATE INDEX login_failures_address ON login_failures(address, failed_at)",
    "CREATE INDEX login_failures_age ON login_failures(failed_at)",
)

# Named searches: a query and its filters, shareable as a URL and usable by a saved_search rule.
# The filters are one JSON object (the search form's fields), opaque to the store: a new
# filter needs no migration. Names compare without case, as people say them.
_SAVED_SEARCHES: tuple[str, ...] = (
    """CREATE TABLE saved_searches (
        name TEXT PRIMARY KEY COLLATE NOCASE,
        query TEXT NOT NULL,
        filters TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        updated_at TEXT NOT NULL
    ) WITHOUT ROWID""",
)

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
