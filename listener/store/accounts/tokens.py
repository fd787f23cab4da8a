"""API tokens for scripts: create (the secret is shown once and only its SHA-256 stored),
list, revoke, and find the live token a request bears (recording its use at most once a
minute).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from listener.store.accounts.common import (
    TOUCH_EVERY,
    AccountError,
    ApiToken,
    checked_name,
    checked_role,
    new_secret,
    read_conn,
    secret_hash,
    write_conn,
)
from listener.store.rows import parse_ts, parse_ts_or_none, ts
from listener.store.sqlite import SQLiteStore


def _row_to_token(row: sqlite3.Row) -> ApiToken:
    return ApiToken(
        id=row["id"],
        name=row["name"],
        role=row["role"],
        created_at=parse_ts(row["created_at"]),
        created_by=row["created_by"],
        last_used_at=parse_ts_or_none(row["last_used_at"]),
        revoked_at=parse_ts_or_none(row["revoked_at"]),
    )


def create_token(
    store: SQLiteStore, name: str, role: str, created_by: str, now: datetime
) -> tuple[ApiToken, str]:
    """A new API token; returns it and its secret, which is shown once and never stored."""
    name = checked_name(name)
    secret = new_secret()
    with write_conn(store) as conn:
        try:
            cursor = conn.execute(
                "INSERT INTO api_tokens (name, token_hash, role, created_at, created_by)"
                " VALUES (?, ?, ?, ?, ?)",
                (name, secret_hash(secret), checked_role(role), ts(now), created_by),
            )
        except sqlite3.IntegrityError:
            raise AccountError(
                f"a token named {name!r} exists already: revoke it first or pick another name"
            ) from None
        row = conn.execute("SELECT * FROM api_tokens WHERE id = ?", (cursor.lastrowid,)).fetchone()
    return _row_to_token(row), secret


def list_tokens(store: SQLiteStore, *, after: int | None = None, limit: int = -1) -> list[ApiToken]:
    """Tokens newest first, those older than token id ``after`` when given; no secret is
    kept, so none can be listed."""
    with read_conn(store) as conn:
        rows = conn.execute(
            "SELECT * FROM api_tokens WHERE ?1 IS NULL OR id < ?1 ORDER BY id DESC LIMIT ?2",
            (after, limit),
        ).fetchall()
    return [_row_to_token(row) for row in rows]


def revoke_token(store: SQLiteStore, name: str, now: datetime) -> None:
    with write_conn(store) as conn:
        revoked = conn.execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
            (ts(now), name),
        ).rowcount
    if revoked == 0:
        raise AccountError(f"no live token named {name!r}")


def token_bearer(store: SQLiteStore, secret: str, now: datetime) -> ApiToken | None:
    """The live token whose secret is ``secret`` (recording its use at most once a minute),
    or None. A token made by a user who is now disabled is not live while they stay so."""
    hashed = secret_hash(secret)
    with read_conn(store) as conn:
        # users.name (NOCASE, unique) on the left: the comparison takes its collation and
        # its index. created_by is a name: tokens made from the terminal ("cli") or by the
        # local operator match no user unless one was given that name.
        row = conn.execute(
            "SELECT * FROM api_tokens t WHERE token_hash = ? AND revoked_at IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM users u WHERE u.name = t.created_by"
            " AND u.disabled)",
            (hashed,),
        ).fetchone()
    if row is None:
        return None
    token = _row_to_token(row)
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        with write_conn(store) as conn:
            conn.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (ts(now), token.id))
    return token
