"""Signing in and out (``/login``, ``/logout``, ``/logout/everywhere``) and the admin page of
users and API tokens (``/admin/users``).

Sign-in is throttled: after ``LOGIN_LIMIT`` failures for one name, or from one address, within
``LOGIN_WINDOW``, sign-ins for it are refused until the oldest of those failures leaves the
window, and the page says when. ``next=`` is followed only to a path on this site.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from listener.logs import fields
from listener.store import accounts
from listener.web import accounts_views as views
from listener.web.auth import (
    SESSION_COOKIE,
    Principal,
    Role,
    client_address,
    is_https,
    require,
    session_policy,
)
from listener.web.context import WebContext, context_of
from listener.web.display import Show
from listener.web.pages import render

LOGIN_LIMIT = 5
ADMIN_PAGE_ROWS = 50  # users, and tokens, per page of /admin/users
LOGIN_WINDOW = timedelta(minutes=15)
MAX_FIELD = 1024  # a name or password field longer than this is not a sign-in attempt

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)

Context = Annotated[WebContext, Depends(context_of)]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
Field = Annotated[str, Form(max_length=MAX_FIELD)]


def safe_next(value: str | None) -> str:
    """``value`` when it is a path on this site, else "/": never a redirect elsewhere
    (``//evil.example``, ``https://…``, ``/\\evil.example`` and control characters are out)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    if any(ord(ch) < 0x20 or ch in "\\\x7f" for ch in value):
        return "/"
    try:
        parts = urlsplit(value)
    except ValueError:
        return "/"
    if parts.scheme or parts.netloc:
        return "/"
    return value


def _login_page(
    request: Request, next_path: str, *, name: str = "", error: str = "", status: int = 200
) -> HTMLResponse:
    no_accounts = not accounts.users_exist(context_of(request).store)
    return render(
        request,
        "auth/login.html",
        {"next_path": next_path, "name": name, "error": error, "no_accounts": no_accounts},
        status_code=status,
    )


def _try_again_words(until: datetime, now: datetime) -> str:
    minutes = max(1, round((until - now).total_seconds() / 60))
    return (
        "Too many failed sign-ins for this name or from this address. "
        f"Try again after {until:%H:%M} UTC (in {minutes} min), or ask an admin to set a new "
        "password with `listener users passwd NAME`."
    )


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    target = safe_next(next)
    who = getattr(request.state, "principal", None)  # the security middleware asked already
    if isinstance(who, Principal) and who is not None and who.via != "token":
        return RedirectResponse(target, status_code=303)
    return _login_page(request, target)


@router.post("/login")
def login(
    request: Request,
    context: Context,
    name: Field,
    password: Field,
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    target = safe_next(next)
    store, web, now = context.store, context.settings.web, context.clock()
    name = name.strip()
    address = client_address(request, web)
    until = accounts.login_refused_until(store, name, address, now, LOGIN_WINDOW, LOGIN_LIMIT)
    if until is not None:
        log.warning("sign-in refused: throttled", extra=fields(address=address))
        page = _login_page(
            request, target, name=name, error=_try_again_words(until, now), status=429
        )
        page.headers["Retry-After"] = str(max(1, int((until - now).total_seconds())))
        return page
    user = accounts.check_password(store, name, password)
    if user is None:
        accounts.record_login_failure(store, name, address, now, LOGIN_WINDOW)
        # The name as typed is someone's guess (or a password typed in the wrong box): only
        # its length is logged.
        log.warning("sign-in failed", extra=fields(name_chars=len(name), address=address))
        # 200: the form again, with its error (a 401 must carry a WWW-Authenticate challenge,
        # which a form is not; and only a session cookie, never its absence, says who is in).
        return _login_page(
            request, target, name=name, error="That name and password do not match an account."
        )
    accounts.clear_login_failures(store, user.name)
    # A session this browser had (another account, or one set by someone else: session
    # fixation) ends; the sign-in always gets a new id.
    earlier = request.cookies.get(SESSION_COOKIE)
    if earlier:
        accounts.end_session(store, earlier)
    log.info("signed in", extra=fields(user=user.name, address=address))
    policy = session_policy(web)
    token = accounts.start_session(store, user, request.headers.get("user-agent"), now, policy)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(policy.absolute.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(request, web),
    )
    return response


def _signed_out(request: Request, context: WebContext) -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(request, context.settings.web),
    )
    return response


@router.post("/logout")
def logout(request: Request, context: Context) -> Response:
    """Ends this browser's session (signed out already is fine: nothing to end)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        accounts.end_session(context.store, cookie)
    return _signed_out(request, context)


@router.post("/logout/everywhere")
def logout_everywhere(
    request: Request, context: Context, who: Annotated[Principal, Depends(require(Role.VIEWER))]
) -> Response:
    """Ends every session of the signed-in user, on every browser."""
    if who.via != "session":
        raise HTTPException(status_code=400, detail="only a signed-in browser has sessions to end")
    accounts.end_sessions(context.store, who.name, context.clock())
    return _signed_out(request, context)


def _span_words(span: timedelta) -> str:
    days, rest = divmod(int(span.total_seconds()), 86400)
    if days and not rest:
        return f"{days} day{'s' if days != 1 else ''}"
    return Show.duration(span)


@router.get("/account")
def account(
    request: Request, context: Context, who: Annotated[Principal, Depends(require(Role.VIEWER))]
) -> HTMLResponse:
    """Who is signed in, what the role allows, and signing out everywhere."""
    return render(
        request,
        "auth/account.html",
        {"who": who, "session_idle": _span_words(context.settings.web.session_idle)},
    )


# -- the admin page ------------------------------------------------------------------


def _admin_page(
    request: Request,
    context: WebContext,
    *,
    flash: str = "",
    error: str = "",
    new_token: views.NewToken | None = None,
    status: int = 200,
    users_after: str | None = None,
    tokens_after: str | None = None,
) -> HTMLResponse:
    users = views.user_page(context, users_after, ADMIN_PAGE_ROWS)
    tokens = views.token_page(context, tokens_after, ADMIN_PAGE_ROWS)
    page: dict[str, Any] = {
        "users": users.items,
        "tokens": tokens.items,
        # Each list pages on alone; the other keeps its place.
        "users_next": _admin_url(users.next_cursor, tokens_after) if users.next_cursor else "",
        "tokens_next": _admin_url(users_after, tokens.next_cursor) if tokens.next_cursor else "",
        "paged": bool(users_after or tokens_after),
        "roles": ("viewer", "agent", "admin"),
        "min_password": accounts.MIN_PASSWORD_CHARS,
        "flash": flash,
        "error": error,
        "new_token": new_token,
        "show": Show(context.clock()),
    }
    return render(request, "admin/users.html", page, status_code=status)


def _attempt(request: Request, context: WebContext, done: str, action: Any) -> HTMLResponse:
    try:
        result = action()
    except HTTPException as refused:
        return _admin_page(request, context, error=str(refused.detail), status=refused.status_code)
    except ValidationError as invalid:
        words = "; ".join(str(problem["msg"]) for problem in invalid.errors())
        return _admin_page(request, context, error=words, status=422)
    if isinstance(result, views.NewToken):
        return _admin_page(request, context, flash=done, new_token=result)
    return _admin_page(request, context, flash=done)


def _admin_url(users_after: str | None, tokens_after: str | None) -> str:
    query = urlencode(
        {k: v for k, v in (("users_after", users_after), ("tokens_after", tokens_after)) if v}
    )
    return "/admin/users" + (f"?{query}" if query else "")


@router.get("/admin/users")
def admin_users(
    request: Request,
    context: Context,
    _who: Admin,
    users_after: Annotated[str | None, Query(max_length=200)] = None,
    tokens_after: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    return _admin_page(request, context, users_after=users_after, tokens_after=tokens_after)


@router.post("/admin/users")
def admin_add_user(
    request: Request, context: Context, _who: Admin, name: Field, role: Field, password: Field
) -> HTMLResponse:
    def add() -> object:
        # The store's words for a weak password, not pydantic's length message.
        weak = accounts.weak_password_reason(name, password)
        if weak is not None:
            raise HTTPException(status_code=422, detail=weak)
        new = views.UserIn.model_validate({"name": name, "role": role, "password": password})
        return views.create_user(context, new)

    return _attempt(request, context, f"Added {name.strip()} ({role}).", add)


@router.post("/admin/users/remove")
def admin_remove_user(request: Request, context: Context, _who: Admin, name: Field) -> HTMLResponse:
    return _attempt(
        request,
        context,
        f"Removed {name}; their sessions have ended.",
        lambda: views.remove_user(context, name),
    )


@router.post("/admin/users/logout")
def admin_logout_user(request: Request, context: Context, _who: Admin, name: Field) -> HTMLResponse:
    return _attempt(
        request,
        context,
        f"Signed {name} out everywhere.",
        lambda: views.end_user_sessions(context, name),
    )


@router.post("/admin/tokens")
def admin_create_token(
    request: Request, context: Context, who: Admin, name: Field, role: Field
) -> HTMLResponse:
    def create() -> object:
        new = views.TokenIn.model_validate({"name": name, "role": role})
        return views.create_token(context, new, by=who.name)

    return _attempt(request, context, f"Token {name.strip()} created.", create)


@router.post("/admin/tokens/revoke")
def admin_revoke_token(
    request: Request, context: Context, _who: Admin, name: Field
) -> HTMLResponse:
    return _attempt(
        request,
        context,
        f"Revoked token {name}: scripts sending it are refused from now on.",
        lambda: views.revoke_token(context, name),
    )
