"""Users and API tokens as the admin page and ``/api/v1/users``, ``/api/v1/tokens`` see them:
one implementation of each listing and change, returning pydantic models.

Store refusals (a duplicate name, a weak password, an unknown name) become HTTP errors with
the store's own words; no model carries a password or a token's hash, and a token's secret
appears only in ``NewToken``, the answer to the request that made it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import HTTPException
from pydantic import BaseModel, Field

from listener.store import accounts
from listener.store.accounts import AccountError, ApiToken, User
from listener.web.context import WebContext

RoleName = Literal["viewer", "agent", "admin"]
MAX_PAGE = 200


class UserOut(BaseModel):
    name: str
    role: RoleName
    created_at: datetime
    disabled: bool


class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=accounts.MAX_NAME_CHARS)
    role: RoleName
    password: str = Field(
        min_length=accounts.MIN_PASSWORD_CHARS, max_length=accounts.MAX_PASSWORD_CHARS
    )


class UserPage(BaseModel):
    items: list[UserOut]
    next_cursor: str | None


class TokenOut(BaseModel):
    name: str
    role: RoleName
    created_at: datetime
    created_by: str
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=accounts.MAX_NAME_CHARS)
    role: RoleName


class TokenPage(BaseModel):
    items: list[TokenOut]
    next_cursor: str | None


class NewToken(BaseModel):
    token: TokenOut
    # The only time the secret exists outside the script that will send it.
    secret: str
    usage: str


class SessionsEnded(BaseModel):
    name: str
    sessions_ended: int


def _user_out(user: User) -> UserOut:
    return UserOut.model_validate(
        {
            "name": user.name,
            "role": user.role,
            "created_at": user.created_at,
            "disabled": user.disabled,
        }
    )


def _token_out(token: ApiToken) -> TokenOut:
    return TokenOut.model_validate(
        {
            "name": token.name,
            "role": token.role,
            "created_at": token.created_at,
            "created_by": token.created_by,
            "last_used_at": token.last_used_at,
            "revoked_at": token.revoked_at,
        }
    )


def _refused(error: AccountError) -> HTTPException:
    message = str(error)
    if message.startswith("no "):
        return HTTPException(status_code=404, detail=message)
    if "exists already" in message or "last admin" in message:
        return HTTPException(status_code=409, detail=message)
    return HTTPException(status_code=422, detail=message)


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_PAGE))


def user_page(context: WebContext, cursor: str | None = None, limit: int = 50) -> UserPage:
    """Users by name; ``cursor`` is the last name of the previous page."""
    found = accounts.list_users(context.store, after=cursor, limit=_limit(limit) + 1)
    more = len(found) > _limit(limit)
    items = [_user_out(user) for user in found[: _limit(limit)]]
    return UserPage(items=items, next_cursor=items[-1].name if more and items else None)


# SQLite's largest integer: a token id past it cannot exist, and SQLite refuses to compare one.
_MAX_TOKEN_ID = 2**63 - 1


def _token_cursor(cursor: str | None) -> int | None:
    """The token id a ``next_cursor`` stands for; 400 for one this app did not give out
    (a forged one must not quietly restart the list, nor reach SQLite as an overflow)."""
    if not cursor:
        return None
    if not (cursor.isascii() and cursor.isdigit() and int(cursor) <= _MAX_TOKEN_ID):
        raise HTTPException(status_code=400, detail="the cursor is not one this app gave out")
    return int(cursor)


def token_page(context: WebContext, cursor: str | None = None, limit: int = 50) -> TokenPage:
    """Tokens, newest first; ``cursor`` is the last token's id on the previous page."""
    after = _token_cursor(cursor)
    found = accounts.list_tokens(context.store, after=after, limit=_limit(limit) + 1)
    more = len(found) > _limit(limit)
    shown = found[: _limit(limit)]
    next_cursor = str(shown[-1].id) if more and shown else None
    return TokenPage(items=[_token_out(t) for t in shown], next_cursor=next_cursor)


def create_user(context: WebContext, new: UserIn) -> UserOut:
    try:
        user = accounts.add_user(context.store, new.name, new.role, new.password, context.clock())
    except AccountError as error:
        raise _refused(error) from None
    return _user_out(user)


def remove_user(context: WebContext, name: str) -> None:
    try:
        accounts.remove_user(context.store, name)
    except AccountError as error:
        raise _refused(error) from None


def end_user_sessions(context: WebContext, name: str) -> SessionsEnded:
    try:
        ended = accounts.end_sessions(context.store, name, context.clock())
    except AccountError as error:
        raise _refused(error) from None
    return SessionsEnded(name=name, sessions_ended=ended)


def create_token(context: WebContext, new: TokenIn, *, by: str) -> NewToken:
    try:
        token, secret = accounts.create_token(
            context.store, new.name, new.role, by, context.clock()
        )
    except AccountError as error:
        raise _refused(error) from None
    return NewToken(
        token=_token_out(token),
        secret=secret,
        usage=f"send it with each request as the header  Authorization: Bearer {secret}",
    )


def revoke_token(context: WebContext, name: str) -> None:
    try:
        accounts.revoke_token(context.store, name, context.clock())
    except AccountError as error:
        raise _refused(error) from None
