"""Accounts on the SQLite system of record: users and their passwords, browser sessions, API
tokens, and failed logins for throttling (tables in ``schema_web._ACCOUNTS``).

Accounts belong to the SQLite store only (not the engine-neutral ``Store`` contract), so these
are functions over a ``SQLiteStore``'s own connections, one transaction each. Nothing here is
cached: a removed user, an ended session or a revoked token stops working on the next request.

Session ids and API tokens are 32 random bytes; only their SHA-256 is stored (high-entropy
secrets need no slow hash, and a copy of the database then signs nobody in). Passwords are
argon2id hashes, rehashed at the next login when the hasher's parameters change.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from listener.store.base import StoreError
from listener.store.rows import parse_ts, parse_ts_or_none, ts
from listener.store.sqlite import SQLiteStore

ROLES = ("viewer", "agent", "admin")
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024  # argon2 takes any length; a megabyte "password" is only a load
MAX_NAME_CHARS = 64

# argon2id at OWASP's first recommended setting (Password Storage Cheat Sheet: 19 MiB, two
# passes, one lane): memory-hard, and a sign-in verifies in ~40 ms on a busy 2-core machine,
# where argon2-cffi's default (RFC 9106's 64 MiB, three passes, four lanes) took ~420 ms —
# past the app's 100 ms budget per request, and four lanes on two cores is no stronger.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@cache
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so an unknown name costs what a wrong
    password does and the response time does not tell which names exist.

    Made at the first sign-in, not at import: every ``listener`` command imports
    this module, and a hash is a memory-hard computation none of them needs. The first
    sign-in of the process pays for it, whatever the name (see ``check_password``), so it
    tells no name apart.
    """
    # Two first sign-ins at once may both make one; either hash serves, and one is kept.
    return _HASHER.hash(secrets.token_urlsafe(16))


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
def _write(store: SQLiteStore) -> AbstractContextManager[sqlite3.Connection]:
    return store._write()


def _read(store: SQLiteStore) -> AbstractContextManager[sqlite3.Connection]:
    return store._read()


# -- passwords -----------------------------------------------------------------------


def weak_password_reason(name: str, password: str) -> str | None:
    """Why ``password`` is refused, or None. Length is what counts (NIST SP 800-63B); the
    other checks catch the passwords a length rule still lets through."""
    if not _is_text(password):
        return "a password must be text (it has a lone surrogate, which no keyboard types)"
    if len(password) < MIN_PASSWORD_CHARS:
        return f"a password needs at least {MIN_PASSWORD_CHARS} characters"
    if len(password) > MAX_PASSWORD_CHARS:
        return f"a password may have at most {MAX_PASSWORD_CHARS} characters"
    if password.strip() == "":
        return "a password cannot be only spaces"
    if len(set(password)) < 4:
        return "a password needs more than three different characters"
    if name.casefold() in password.casefold():
        return "a password must not contain the user's name"
    return None


def _is_text(value: str) -> bool:
    # A JSON string may carry a lone surrogate ("\ud800"): Python holds it, UTF-8 (argon2,
    # SQLite) cannot encode it.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _checked_password(name: str, password: str) -> str:
    reason = weak_password_reason(name, password)
    if reason is not None:
        raise AccountError(reason)
    return _HASHER.hash(password)


def _checked_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_NAME_CHARS or not cleaned.isprintable():
        raise AccountError(
            f"a name needs 1 to {MAX_NAME_CHARS} printable characters (got {name!r})"
        )
    return cleaned


def _checked_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return role


# -- users ---------------------------------------------------------------------------


def _row_to_user(row: sqlite3.Row) -> User:
    return User(
        id=row["id"],
        name=row["name"],
        role=row["role"],
        created_at=parse_ts(row["created_at"]),
        disabled=bool(row["disabled"]),
    )


def users_exist(store: SQLiteStore) -> bool:
    with _read(store) as conn:
        found: int = conn.execute("SELECT EXISTS (SELECT 1 FROM users)").fetchone()[0]
    return found == 1


def add_user(store: SQLiteStore, name: str, role: str, password: str, now: datetime) -> User:
    name = _checked_name(name)
    hashed = _checked_password(name, password)
    with _write(store) as conn:
        try:
            cursor = conn.execute(
                "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                (name, _checked_role(role), hashed, ts(now)),
            )
        except sqlite3.IntegrityError:
            raise AccountError(f"a user named {name!r} exists already") from None
        return User(id=cursor.lastrowid or 0, name=name, role=role, created_at=now, disabled=False)


def get_user(store: SQLiteStore, name: str) -> User | None:
    with _read(store) as conn:
        row = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    return None if row is None else _row_to_user(row)


def list_users(store: SQLiteStore, *, after: str | None = None, limit: int = -1) -> list[User]:
    """Users by name (without case), those after ``after`` when given; ``limit`` -1 for all."""
    with _read(store) as conn:
        rows = conn.execute(
            "SELECT * FROM users WHERE ?1 IS NULL OR name > ?1 ORDER BY name LIMIT ?2",
            (after, limit),
        ).fetchall()
    return [_row_to_user(row) for row in rows]


def remove_user(store: SQLiteStore, name: str) -> None:
    """Removes ``name`` and, with it, every session of theirs.

    The last admin is kept while other users remain: without one nobody could manage them
    from the web app. (Removing everyone is allowed: on loopback that is the local operator
    again, and elsewhere the app refuses to start until an account exists.)
    """
    with _write(store) as conn:
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
    with _write(store) as conn:
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
    hashed = _checked_password(name, password)
    with _write(store) as conn:
        row = conn.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise AccountError(f"no user named {name!r}")
        conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (hashed, row["id"]))
        return conn.execute("DELETE FROM sessions WHERE user_id = ?", (row["id"],)).rowcount


def check_password(store: SQLiteStore, name: str, password: str) -> User | None:
    """The user ``name`` when ``password`` is theirs and they are not disabled, else None.

    An unknown name is verified against a dummy hash, so it takes as long as a wrong password.
    """
    if not (_is_text(name) and _is_text(password)):
        return None
    # Made before the lookup whether or not the name exists: were it made only for an
    # unknown name, the first such sign-in would take a hash longer than a known one.
    dummy = _dummy_hash()
    with _read(store) as conn:
        row = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    stored = dummy if row is None else str(row["password_hash"])
    try:
        _HASHER.verify(stored, password[:MAX_PASSWORD_CHARS])
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row["disabled"]:
        return None
    if _HASHER.check_needs_rehash(stored):
        with _write(store) as conn:
            conn.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?",
                (_HASHER.hash(password), row["id"]),
            )
    return _row_to_user(row)


# -- login throttling ----------------------------------------------------------------


def record_login_failure(
    store: SQLiteStore, name: str, address: str, now: datetime, window: timedelta
) -> None:
    with _write(store) as conn:
        conn.execute(
            "INSERT INTO login_failures (name, address, failed_at) VALUES (?, ?, ?)",
            (name[:MAX_NAME_CHARS * 4], address, ts(now)),
        )
        # Failures older than the window no longer count; dropping them here keeps the
        # table as small as the attack currently under way.
        conn.execute("DELETE FROM login_failures WHERE failed_at < ?", (ts(now - window),))


def clear_login_failures(store: SQLiteStore, name: str) -> None:
    with _write(store) as conn:
        conn.execute("DELETE FROM login_failures WHERE name = ?", (name,))


def login_refused_until(
    store: SQLiteStore, name: str, address: str, now: datetime, window: timedelta, limit: int
) -> datetime | None:
    """When logins for ``name`` or from ``address`` may be tried again, when ``limit``
    failures for either fell within ``window``; None when they may be tried now."""
    since = ts(now - window)
    until: datetime | None = None
    with _read(store) as conn:
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


# -- sessions ------------------------------------------------------------------------


def start_session(
    store: SQLiteStore, user: User, user_agent: str | None, now: datetime, policy: SessionPolicy
) -> str:
    """A new session for ``user``; returns its id (the cookie's value), stored only hashed."""
    token = new_secret()
    with _write(store) as conn:
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
    with _read(store) as conn:
        row = conn.execute(
            "SELECT s.created_at AS session_created_at, s.last_seen_at, s.expires_at, u.*"
            " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
            (hashed,),
        ).fetchone()
    if row is None or row["disabled"] or parse_ts(row["expires_at"]) <= now:
        return None
    if now - parse_ts(row["last_seen_at"]) >= TOUCH_EVERY:
        expires = min(now + policy.idle, parse_ts(row["session_created_at"]) + policy.absolute)
        with _write(store) as conn:
            conn.execute(
                "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?",
                (ts(now), ts(expires), hashed),
            )
    return _row_to_user(row)


def end_session(store: SQLiteStore, token: str) -> None:
    with _write(store) as conn:
        conn.execute("DELETE FROM sessions WHERE token_hash = ?", (secret_hash(token),))


def end_sessions(store: SQLiteStore, name: str, now: datetime) -> int:
    """Ends every session of ``name`` ("log out everywhere"); also drops expired sessions of
    anyone, which nothing else needs to sweep. Returns how many of ``name``'s ended."""
    with _write(store) as conn:
        row = conn.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise AccountError(f"no user named {name!r}")
        ended = conn.execute("DELETE FROM sessions WHERE user_id = ?", (row["id"],)).rowcount
        conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (ts(now),))
        return ended


# -- API tokens ----------------------------------------------------------------------


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
    name = _checked_name(name)
    secret = new_secret()
    with _write(store) as conn:
        try:
            cursor = conn.execute(
                "INSERT INTO api_tokens (name, token_hash, role, created_at, created_by)"
                " VALUES (?, ?, ?, ?, ?)",
                (name, secret_hash(secret), _checked_role(role), ts(now), created_by),
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
    with _read(store) as conn:
        rows = conn.execute(
            "SELECT * FROM api_tokens WHERE ?1 IS NULL OR id < ?1 ORDER BY id DESC LIMIT ?2",
            (after, limit),
        ).fetchall()
    return [_row_to_token(row) for row in rows]


def revoke_token(store: SQLiteStore, name: str, now: datetime) -> None:
    with _write(store) as conn:
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
    with _read(store) as conn:
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
        with _write(store) as conn:
            conn.execute(
                "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (ts(now), token.id)
            )
    return token
