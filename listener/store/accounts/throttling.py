"""Sign-in throttling: failed logins recorded per name and per address, and when a name or
an address may try again once too many fell within the window.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from listener.store.accounts.common import MAX_NAME_CHARS, read_conn, write_conn
from listener.store.rows import parse_ts, ts
from listener.store.sqlite import SQLiteStore


def record_login_failure(
    store: SQLiteStore, name: str, address: str, now: datetime, window: timedelta
) -> None:
    with write_conn(store) as conn:
        conn.execute(
            "INSERT INTO login_failures (name, address, failed_at) VALUES (?, ?, ?)",
            (name[: MAX_NAME_CHARS * 4], address, ts(now)),
        )
        # Failures older than the window no longer count; dropping them here keeps the
        # table as small as the attack currently under way.
        conn.execute("DELETE FROM login_failures WHERE failed_at < ?", (ts(now - window),))


def clear_login_failures(store: SQLiteStore, name: str) -> None:
    with write_conn(store) as conn:
        conn.execute("DELETE FROM login_failures WHERE name = ?", (name,))


def login_refused_until(
    store: SQLiteStore, name: str, address: str, now: datetime, window: timedelta, limit: int
) -> datetime | None:
    """When logins for ``name`` or from ``address`` may be tried again, when ``limit``
    failures for either fell within ``window``; None when they may be tried now."""
    since = ts(now - window)
    until: datetime | None = None
    with read_conn(store) as conn:
        for column, value in (("name", name), ("address", address)):
            # The limit-th newest failure: once it leaves the window, a try is allowed.
            row = conn.execute(
                f"SELECT failed_at FROM login_failures WHERE {column} = ? AND failed_at > ?"  # noqa: S608
                " ORDER BY failed_at DESC LIMIT 1 OFFSET ?",
                (value, since, limit - 1),
            ).fetchone()
            if row is not None:
                free_at = parse_ts(row["failed_at"]) + window
                until = free_at if until is None else max(until, free_at)
    return until
