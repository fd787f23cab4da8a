"""``/api/v1/users`` and ``/api/v1/tokens`` (admin only): the admin page's listings and
changes, as JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from listener.web import accounts_views as views
from listener.web.api_document import BAD_CURSOR, problem_responses
from listener.web.auth import Principal, Role, require
from listener.web.context import WebContext, context_of

router = APIRouter(prefix="/api/v1", tags=["accounts"])

Context = Annotated[WebContext, Depends(context_of)]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
Cursor = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=views.MAX_PAGE)]


@router.get("/users", responses=problem_responses(BAD_CURSOR))
def list_users(
    context: Context, _who: Admin, cursor: Cursor = None, limit: Limit = 50
) -> views.UserPage:
    """Users by name (never their passwords)."""
    return views.user_page(context, cursor, limit)


@router.post(
    "/users",
    status_code=201,
    responses=problem_responses(
        {409: "A user of that name exists", 422: "A weak password or a name not printable"}
    ),
)
def add_user(new: views.UserIn, context: Context, _who: Admin) -> views.UserOut:
    """Add a user (the password: at least 12 characters, not containing the name)."""
    return views.create_user(context, new)


@router.delete(
    "/users/{name}",
    status_code=204,
    responses=problem_responses({404: "No such user", 409: "The last admin cannot be removed"}),
)
def remove_user(name: str, context: Context, _who: Admin) -> Response:
    """Remove a user; their sessions end at once."""
    views.remove_user(context, name)
    return Response(status_code=204)


@router.post("/users/{name}/logout", responses=problem_responses({404: "No such user"}))
def logout_user(name: str, context: Context, _who: Admin) -> views.SessionsEnded:
    """End every session of a user."""
    return views.end_user_sessions(context, name)


@router.get("/tokens", responses=problem_responses(BAD_CURSOR))
def list_tokens(
    context: Context, _who: Admin, cursor: Cursor = None, limit: Limit = 50
) -> views.TokenPage:
    """API tokens, newest first (never their secrets: only a hash is kept)."""
    return views.token_page(context, cursor, limit)


@router.post(
    "/tokens",
    status_code=201,
    responses=problem_responses({409: "A token of that name exists", 422: "A name not printable"}),
)
def create_token(new: views.TokenIn, context: Context, who: Admin) -> views.NewToken:
    """Make a token; the answer carries its secret, the only time it is shown."""
    return views.create_token(context, new, by=who.name)


@router.delete(
    "/tokens/{name}",
    status_code=204,
    responses=problem_responses({404: "No live token of that name"}),
)
def revoke_token(name: str, context: Context, _who: Admin) -> Response:
    """Revoke a live token: the next request that sends it is refused."""
    views.revoke_token(context, name)
    return Response(status_code=204)
