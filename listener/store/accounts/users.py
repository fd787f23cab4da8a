"""Users: add, look up, list, remove, disable or enable, set a password, and check one at
sign-in. The last admin is kept while other users remain; ending a user's access ends their
sessions in the same transaction.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from argon2.exceptions import InvalidHashError, VerificationError

from listener.store.accounts.common import (
    AccountError,
    User,
    checked_name,
    checked_role,
    read_conn,
    row_to_user,
    write_conn,
)
from listener.store.accounts.passwords import (
    HASHER,
    MAX_PASSWORD_CHARS,
    checked_password,
    dummy_hash,
    is_text,
)
from listener.store.rows import ts
from listener.store.sqlite import SQLiteStore


def users_exist(store: SQLiteStore) -> bool:
    with read_conn(store) as conn:
        found: int = conn.execute("SELECT EXISTS (SELECT 1 FROM users)").fetchone()[0]
    return found == 1


def add_user(store: SQLiteStore, name: str, role: str, password: str, now: datetime) -> User:
    name = checked_name(name)
    hashed = checked_password(name, password)
    with write_conn(store) as conn:
        try:
            cursor = conn.execute(
                "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                (name, checked_role(role), hashed, ts(now)),
            )
        except sqlite3.IntegrityError:
            raise AccountError(f"a user named {name!r} exists already") from None
        return User(id=cursor.lastrowid or 0, name=name, role=role, created_at=now, disabled=False)


def get_user(store: SQLiteStore, name: str) -> User | None:
    with read_conn(store) as conn:
        row = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    return None if row is None else row_to_user(row)


def list_users(store: SQLiteStore, *, after: str | None = None, limit: int = -1) -> list[User]:
    """Users by name (without case), those after ``after`` when given; ``limit`` -1 for all."""
    with read_conn(store) as conn:
        rows = conn.execute(
            "SELECT * FROM users WHERE ?1 IS NULL OR name > ?1 ORDER BY name LIMIT ?2",
            (after, limit),
        ).fetchall()
    return [row_to_user(row) for row in rows]


def remove_user(store: SQLiteStore, name: str) -> None:
    """Removes ``name`` and, with it, every session of theirs.

    The last admin is kept while other users remain: without one nobody could manage them
    from the web app. (Removing everyone is allowed: on loopback that is the local operator
    again, and elsewhere the app refuses to start until an account exists.)
    """
    with write_conn(store) as conn:
        row = conn.execute("SELECT id, role FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise AccountError(f"no user named {name!r}")
        if row["role"] == "admin":
            admins, others = conn.execute(
                "SELECT count(*) FILTER (WHERE role = 'admin'), count(*) FILTER"
                " (WHERE role != 'admin') FROM users"
            ).fetchone()
            if admins == 1 and others > 0:
                raise AccountError(
                    f"{name!r} is the last admin and other users remain: add"
                    " another admin first (`listener users add NAME --role admin`)"
                )
        conn.execute("DELETE FROM users WHERE id = ?", (row["id"],))


def set_disabled(store: SQLiteStore, name: str, disabled: bool) -> int:
    """Disables (or enables again) ``name``; returns how many of their sessions ended.

    A disabled user cannot sign in, and the sessions they had end here (enabled again, they
    sign in afresh); the API tokens they made are refused while they stay disabled (see
    ``token_bearer``). The last enabled admin stays enabled while other enabled users remain,
    as with ``remove_user``.
    """
    with write_conn(store) as conn:
        row = conn.execute("SELECT id, role FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise AccountError(f"no user named {name!r}")
        if disabled and row["role"] == "admin":
            admins, others = conn.execute(
                "SELECT count(*) FILTER (WHERE role = 'admin'), count(*) FILTER"
                " (WHERE role != 'admin') FROM users WHERE NOT disabled"
            ).fetchone()
            if admins == 1 and others > 0:
                raise AccountError(
                    f"{name!r} is the last enabled admin and other users remain: add or"
                    " enable another admin first"
                )
        conn.execute("UPDATE users SET disabled = ? WHERE id = ?", (int(disabled), row["id"]))
        if not disabled:
            return 0
        return conn.execute("DELETE FROM sessions WHERE user_id = ?", (row["id"],)).rowcount


def set_password(store: SQLiteStore, name: str, password: str) -> int:
    """Sets ``name``'s password and ends their sessions (someone who knew the old one may be
    signed in); returns how many sessions ended."""
    hashed = checked_password(name, password)
    with write_conn(store) as conn:
        row = conn.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise AccountError(f"no user named {name!r}")
        conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (hashed, row["id"]))
        return conn.execute("DELETE FROM sessions WHERE user_id = ?", (row["id"],)).rowcount


def check_password(store: SQLiteStore, name: str, password: str) -> User | None:
    """The user ``name`` when ``password`` is theirs and they are not disabled, else None.

    An unknown name is verified against a dummy hash, so it takes as long as a wrong password.
    """
    if not (is_text(name) and is_text(password)):
        return None
    # Made before the lookup whether or not the name exists: were it made only for an
    # unknown name, the first such sign-in would take a hash longer than a known one.
    dummy = dummy_hash()
    with read_conn(store) as conn:
        row = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    stored = dummy if row is None else str(row["password_hash"])
    try:
        HASHER.verify(stored, password[:MAX_PASSWORD_CHARS])
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row["disabled"]:
        return None
    if HASHER.check_needs_rehash(stored):
        with write_conn(store) as conn:
            conn.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?",
                (HASHER.hash(password), row["id"]),
            )
    return row_to_user(row)
