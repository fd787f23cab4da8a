"""Passwords: the argon2id hasher, what makes a password too weak, and the dummy hash an
unknown name is verified against (so the response time does not tell which names exist).
Passwords are argon2id hashes, rehashed at the next login when the hasher's parameters change.
"""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher

from listener.store.accounts.common import AccountError

MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024  # argon2 takes any length; a megabyte "password" is only a load

# argon2id at OWASP's first recommended setting (Password Storage Cheat Sheet: 19 MiB, two
# passes, one lane): memory-hard, and a sign-in verifies in ~40 ms on a busy 2-core machine,
# where argon2-cffi's default (RFC 9106's 64 MiB, three passes, four lanes) took ~420 ms —
# past the app's 100 ms budget per request, and four lanes on two cores is no stronger.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@cache
def dummy_hash() -> str:
    """Verified against when the name is unknown, so an unknown name costs what a wrong
    password does and the response time does not tell which names exist.

    Made at the first sign-in, not at import: every ``listener`` command imports
    this module, and a hash is a memory-hard computation none of them needs. The first
    sign-in of the process pays for it, whatever the name (see ``check_password``), so it
    tells no name apart.
    """
    # Two first sign-ins at once may both make one; either hash serves, and one is kept.
    return HASHER.hash(secrets.token_urlsafe(16))


def weak_password_reason(name: str, password: str) -> str | None:
    """Why ``password`` is refused, or None. Length is what counts (NIST SP 800-63B); the
    other checks catch the passwords a length rule still lets through."""
    if not is_text(password):
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


def is_text(value: str) -> bool:
    # A JSON string may carry a lone surrogate ("\ud800"): Python holds it, UTF-8 (argon2,
    # SQLite) cannot encode it.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def checked_password(name: str, password: str) -> str:
    reason = weak_password_reason(name, password)
    if reason is not None:
        raise AccountError(reason)
    return HASHER.hash(password)
