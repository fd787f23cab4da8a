"""Browser sessions: start one at sign-in, find its user (sliding its expiry at most once
a minute), end one, and end all of a user's ("log out everywhere"). Only the SHA-256 of a
session id is stored.
"""

from __future__ import annotations

from datetime import datetime

from listener.store.accounts.common import (
    TOUCH_EVERY,
    AccountError,
    SessionPolicy,
    User,
    new_secret,
    read_conn,
    row_to_user,
    secret_hash,
    write_conn,
)
from listener.store.rows import parse_ts, ts
from listener.store.sqlite import SQLiteStore


def start_session(
    store: SQLiteStore, user: User, user_agent: str | None, now: datetime, policy: SessionPolicy
) -> str:
    """A new session for ``user``; returns its id (the cookie's value), stored only hashed."""
    token = new_secret()
    with write_conn(store) as conn:
        conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (ts(now),))
        conn.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at,"
            " user_agent) VALUES (?, ?, ?, ?, ?, ?)",
            (
                secret_hash(token),
                user.id,
                ts(now),
                ts(now),
                ts(min(now + policy.idle, now + policy.absolute)),
                None if user_agent is None else user_agent[:300],
            ),
        )
    return token


def session_user(
    store: SQLiteStore, token: str, now: datetime, policy: SessionPolicy
) -> User | None:
    """The signed-in user of session ``token`` (sliding its expiry), or None when it is
    unknown, expired, or its user is disabled or gone."""
    hashed = secret_hash(token)
    with read_conn(store) as conn:
        row = conn.execute(
            "SELECT s.created_at AS session_created_at, s.last_seen_at, s.expires_at, u.*"
            " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
            (hashed,),
        ).fetchone()
    if row is None or row["disabled"] or parse_ts(row["expires_at"]) <= now:
        return None
    if now - parse_ts(row["last_seen_at"]) >= TOUCH_EVERY:
        expires = min(now + policy.idle, parse_ts(row["session_created_at"]) + policy.absolute)
        with write_conn(store) as conn:
            conn.execute(
                "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?",
                (ts(now), ts(expires), hashed),
            )
    return row_to_user(row)


def end_session(store: SQLiteStore, token: str) -> None:
    with write_conn(store) as conn:
        conn.execute("DELETE FROM sessions WHERE token_hash = ?", (secret_hash(token),))


def end_sessions(store: SQLiteStore, name: str, now: datetime) -> int:
    """Ends every session of ``name`` ("log out everywhere"); also drops expired sessions of
    anyone, which nothing else needs to sweep. Returns how many of ``name``'s ended."""
    with write_conn(store) as conn:
        row = conn.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise AccountError(f"no user named {name!r}")
        ended = conn.execute("DELETE FROM sessions WHERE user_id = ?", (row["id"],)).rowcount
        conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (ts(now),))
        return ended
