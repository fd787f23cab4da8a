"""What every part of the accounts shares: the roles, the limits on names, the ``User``,
``ApiToken`` and ``SessionPolicy`` types, ``AccountError``, the random secrets and their
SHA-256 (session ids and API tokens are stored only hashed), the store connections the
accounts write through, and the checks on names and roles.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from listener.store.base import StoreError
from listener.store.rows import parse_ts
from listener.store.sqlite import SQLiteStore

ROLES = ("viewer", "agent", "admin")
MAX_NAME_CHARS = 64

# Touching a session or token on every request would be a write per page view; once a
# minute is enough for "last used" and costs a sliding expiry at most a minute.
TOUCH_EVERY = timedelta(minutes=1)


class AccountError(StoreError):
    """A refused account change (unknown name, a duplicate, a weak password); the message
    says what to do."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    created_at: datetime
    disabled: bool


@dataclass(frozen=True)
class ApiToken:
    id: int
    name: str
    role: str
    created_at: datetime
    created_by: str
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta  # ends this long after the last request...
    absolute: timedelta  # ...and this long after sign-in, however busy


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# The store's one-writer/pooled-readers connections (see listener.store.sqlite): accounts use
# the same ones so their writes are serialised with everything else the store writes.
def write_conn(store: SQLiteStore) -> AbstractContextManager[sqlite3.Connection]:
    return store._write()


def read_conn(store: SQLiteStore) -> AbstractContextManager[sqlite3.Connection]:
    return store._read()


def checked_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_NAME_CHARS or not cleaned.isprintable():
        raise AccountError(
            f"a name needs 1 to {MAX_NAME_CHARS} printable characters (got {name!r})"
        )
    return cleaned


def checked_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return role


def row_to_user(row: sqlite3.Row) -> User:
    return User(
        id=row["id"],
        name=row["name"],
        role=row["role"],
        created_at=parse_ts(row["created_at"]),
        disabled=bool(row["disabled"]),
    )
