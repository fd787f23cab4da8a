"""A Bluesky (AT Protocol) login kept in memory, and XRPC calls that read XRPC's error names.

The session: ``com.atproto.server.createSession`` with the handle and an app password gives
an access JWT (lives about 2 hours) and a refresh JWT (about 2 months). A call answered with
``ExpiredToken``/``InvalidToken`` is retried once after ``refreshSession`` (the refresh JWT
as bearer; it returns a new pair and revokes the old refresh JWT) or, when that fails too,
after a new ``createSession``. Logins are scarce — bsky.social allows 30 per 5 minutes and
100–300 a day per account — so sessions are cached per source and identifier rather than
created on every poll. They live in memory only: a restart logs in once more.

XRPC calls go through ``api.get_json`` with an ``explain`` that reads the error body: its
``error`` name decides between "refresh the token" (ExpiredToken), "the app password is
wrong" (AuthenticationRequired) and "the query is bad" (BadQueryString).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from listener.sources.api import JsonResponse, get_json
from listener.sources.base import PollContext
from listener.sources.errors import PermanentError, SourceError, TransientError
from listener.sources.http import FailedResponse

# Error names that mean "this token is no longer good", not "you may not".
TOKEN_ERRORS = frozenset({"ExpiredToken", "InvalidToken"})
APP_PASSWORD_ADVICE = (
    "create an app password at https://bsky.app/settings/app-passwords and put it in "
    "app_password (as ${ENV_VAR}); identifier is the account's handle or email"
)


@dataclass
class Session:
    access_jwt: str
    refresh_jwt: str
    did: str | None = None


# (source name, service url, identifier) -> the session in use; module-level so it outlives
# one poll (each poll gets a fresh PollContext) but never reaches disk.
_SESSIONS: dict[tuple[str, str, str], Session] = {}


def forget_sessions() -> None:
    """Drop every cached session (tests; a changed password is picked up by a failed call)."""
    _SESSIONS.clear()


class XrpcError(PermanentError):
    """An XRPC 400/401 answer with its ``error`` name (``ExpiredToken``, ``BadQueryString``…)."""

    def __init__(self, message: str, *, status: int, error: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error


async def xrpc(
    ctx: PollContext[Any],
    url: str,
    *,
    token: str | None,
    method: str = "GET",
    params: dict[str, Any] | None = None,
    json_body: Any = None,
) -> JsonResponse:
    """One XRPC call: ``get_json``, but a 400/401 raises ``XrpcError`` naming its error."""
    return await get_json(
        ctx,
        url,
        method=method,
        params=params,
        json_body=json_body,
        headers={"Authorization": f"Bearer {token}"} if token else None,
        explain=_xrpc_error,
    )


def _xrpc_error(failed: FailedResponse, default: SourceError) -> SourceError | None:
    """XRPC's 400/401 bodies name the error (``ExpiredToken``, ``BadQueryString``…)."""
    if failed.status not in (400, 401):
        return None
    data = failed.body if isinstance(failed.body, dict) else {}
    error = str(data.get("error") or "")
    message = str(data.get("message") or "")
    said = ": ".join(part for part in (error, message) if part) or "no XRPC error body"
    return XrpcError(
        f"HTTP {failed.status} from {failed.url}: {said}", status=failed.status, error=error
    )


async def login(ctx: PollContext[Any], service_url: str, identifier: str, password: str) -> Session:
    """``createSession``; wrong credentials are a ``PermanentError`` saying what to do."""
    try:
        response = await xrpc(
            ctx,
            f"{service_url}/xrpc/com.atproto.server.createSession",
            token=None,
            method="POST",
            json_body={"identifier": identifier, "password": password},
        )
    except XrpcError as exc:
        # 401 AuthenticationRequired: wrong handle or password; AuthFactorTokenRequired: the
        # account password of an account with email 2FA (app passwords skip 2FA); 400
        # InvalidRequest: a malformed identifier.
        raise PermanentError(
            f"Bluesky login as {identifier!r} failed ({exc}): {APP_PASSWORD_ADVICE}"
        ) from exc
    return _session(response.data, "createSession")


async def refresh(ctx: PollContext[Any], service_url: str, session: Session) -> Session:
    """``refreshSession`` with the refresh JWT as bearer; raises ``XrpcError`` when refused."""
    response = await xrpc(
        ctx,
        f"{service_url}/xrpc/com.atproto.server.refreshSession",
        token=session.refresh_jwt,
        method="POST",
    )
    return _session(response.data, "refreshSession")


def _session(data: Any, where: str) -> Session:
    access = data.get("accessJwt") if isinstance(data, dict) else None
    refresh_jwt = data.get("refreshJwt") if isinstance(data, dict) else None
    if not isinstance(access, str) or not isinstance(refresh_jwt, str):
        raise TransientError(f"Bluesky {where}: no accessJwt/refreshJwt in the answer")
    if data.get("active") is False:
        status = data.get("status") or "inactive"
        raise PermanentError(f"the Bluesky account is {status}: it cannot search until restored")
    did = data.get("did")
    return Session(access, refresh_jwt, did if isinstance(did, str) else None)


async def authed(
    ctx: PollContext[Any],
    service_url: str,
    identifier: str,
    password: str,
    url: str,
    params: dict[str, Any],
) -> JsonResponse:
    """A GET with the cached session, refreshing or logging in again once if it expired."""
    key = (ctx.source, service_url, identifier)
    session = _SESSIONS.get(key)
    if session is None:
        session = _SESSIONS[key] = await login(ctx, service_url, identifier, password)
    try:
        return await xrpc(ctx, url, token=session.access_jwt, params=params)
    except XrpcError as exc:
        if exc.error not in TOKEN_ERRORS:
            raise
        ctx.log.info("bluesky access token expired; refreshing", extra={"source": ctx.source})
    try:
        session = await refresh(ctx, service_url, session)
    except XrpcError:
        # Refresh JWT expired or revoked (another client refreshed it): log in afresh.
        _SESSIONS.pop(key, None)
        session = await login(ctx, service_url, identifier, password)
    _SESSIONS[key] = session
    return await xrpc(ctx, url, token=session.access_jwt, params=params)
