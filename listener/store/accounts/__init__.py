"""Accounts on the SQLite system of record: users and their passwords, browser sessions, API
tokens, and failed logins for throttling (tables in ``schema_web._ACCOUNTS``).

Accounts belong to the SQLite store only (not the engine-neutral ``Store`` contract), so these
are functions over a ``SQLiteStore``'s own connections, one transaction each. Nothing here is
cached: a removed user, an ended session or a revoked token stops working on the next request.

Session ids and API tokens are 32 random bytes; only their SHA-256 is stored (high-entropy
secrets need no slow hash, and a copy of the database then signs nobody in). Passwords are
argon2id hashes, rehashed at the next login when the hasher's parameters change.

The parts, one concern each: ``common`` (the types, roles, secrets and connections),
``passwords`` (the hasher and what makes a password weak), ``users``, ``throttling`` (failed
sign-ins), ``sessions`` and ``tokens``. This module is their face: callers import every public
name from ``listener.store.accounts``.
"""

from listener.store.accounts.common import (
    MAX_NAME_CHARS,
    ROLES,
    TOUCH_EVERY,
    AccountError,
    ApiToken,
    SessionPolicy,
    User,
    new_secret,
    secret_hash,
)
from listener.store.accounts.passwords import (
    MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS,
    weak_password_reason,
)
from listener.store.accounts.sessions import end_session, end_sessions, session_user, start_session
from listener.store.accounts.throttling import (
    clear_login_failures,
    login_refused_until,
    record_login_failure,
)
from listener.store.accounts.tokens import create_token, list_tokens, revoke_token, token_bearer
from listener.store.accounts.users import (
    add_user,
    check_password,
    get_user,
    list_users,
    remove_user,
    set_disabled,
    set_password,
    users_exist,
)

__all__ = [
    "MAX_NAME_CHARS",
    "MAX_PASSWORD_CHARS",
    "MIN_PASSWORD_CHARS",
    "ROLES",
    "TOUCH_EVERY",
    "AccountError",
    "ApiToken",
    "SessionPolicy",
    "User",
    "add_user",
    "check_password",
    "clear_login_failures",
    "create_token",
    "end_session",
    "end_sessions",
    "get_user",
    "list_tokens",
    "list_users",
    "login_refused_until",
    "new_secret",
    "record_login_failure",
    "remove_user",
    "revoke_token",
    "secret_hash",
    "session_user",
    "set_disabled",
    "set_password",
    "start_session",
    "token_bearer",
    "users_exist",
    "weak_password_reason",
]
