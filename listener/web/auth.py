"""Who is asking, and what they may do.

Roles are ordered: a viewer searches and reads, an agent also acts on alerts and labels
mentions, an admin also manages users and tokens. Routes declare the least role they need with
``Depends(require(Role.AGENT))``; ``current_principal`` works out who is asking: an API token
(``Authorization: Bearer``), else a session cookie, else — on a loopback address with no
accounts — the local operator. Every request asks the store again: nothing is cached, so a
revoked token, an ended session or a removed or disabled user (and the tokens they made)
stops working at once.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from urllib.parse import quote, urlsplit

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from listener.config.settings import Settings
from listener.config.web import WebSettings
from listener.store import SQLiteStore, accounts
from listener.web.context import context_of

SESSION_COOKIE = "listener_session"


class Role(IntEnum):
    VIEWER = 1
    AGENT = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str) -> Role:
        return cls[label.upper()]


@dataclass(frozen=True)
class Principal:
    name: str
    role: Role
    # "local" (loopback, no accounts), "session" (browser) or "token" (API script): a
    # session needs a CSRF token on every state change, a bearer token does not.
    via: str

    def may(self, role: Role) -> bool:
        return self.role >= role


LOCAL_OPERATOR = Principal(name="local", role=Role.ADMIN, via="local")


def is_loopback(host: str) -> bool:
    """True when ``host`` (web.host) is reachable only from this machine."""
    if host.strip().lower() in ("localhost", "localhost."):
        return True
    try:
        address = ipaddress.ip_address(host.strip().strip("[]"))
    except ValueError:
        return False  # a name other than localhost may resolve to anything
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


# A proxy relaying a request names the machine it came from in one of these.
RELAY_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


def only_this_machine(web: WebSettings) -> bool:
    """Whether nobody but this machine can reach the app: a loopback ``web.host`` and no
    proxy in front (``web.trust_proxy`` says one relays other machines' requests)."""
    return is_loopback(web.host) and not web.trust_proxy


def from_this_machine(request: Request, web: WebSettings) -> bool:
    """Whether ``request`` can only have come from this machine: nobody else reaches the app,
    and no proxy says it relayed it (it came from another machine even when web.trust_proxy
    was not set)."""
    relayed = any(name in request.headers for name in RELAY_HEADERS)
    return only_this_machine(web) and not relayed


def startup_refusal(settings: Settings, store: SQLiteStore) -> str | None:
    """Why the app must not be served with these settings, or None when it may.

    Reachable only from this machine, it may run without accounts (the local operator is the
    admin); reachable by others, directly or through a proxy, at least one account must exist.
    """
    web = settings.web
    if only_this_machine(web) or accounts.users_exist(store):
        return None
    if is_loopback(web.host):
        return (
            "web.trust_proxy is true, so a proxy relays other machines' requests, and no"
            " accounts exist: add one with `listener users add NAME --role admin`"
        )
    return (
        f"web.host is {web.host}, which other machines can reach, and no accounts exist: add"
        " one with `listener users add NAME --role admin`, or set web.host: 127.0.0.1"
    )


def session_policy(web: WebSettings) -> accounts.SessionPolicy:
    return accounts.SessionPolicy(idle=web.session_idle, absolute=web.session_max)


def is_https(request: Request, web: WebSettings) -> bool:
    """Whether the browser reached us over https (directly, or through a trusted proxy)."""
    if request.url.scheme == "https":
        return True
    forwarded = request.headers.get("x-forwarded-proto", "")
    return web.trust_proxy and forwarded.split(",")[0].strip().lower() == "https"


def client_address(request: Request, web: WebSettings) -> str:
    """Who sent the request, for login throttling. Behind a trusted proxy it is the address
    the proxy appended last to X-Forwarded-For (earlier entries are the client's own say)."""
    if web.trust_proxy:
        forwarded = request.headers.get("x-forwarded-for", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last[:64]
    return request.client.host if request.client else "unknown"


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


def wants_page(request: Request) -> bool:
    """A browser page (redirected to /login when signed out), not the JSON API (401)."""
    return not request.url.path.startswith("/api/")


def _unauthenticated(request: Request, detail: str) -> HTTPException:
    challenge = {"WWW-Authenticate": 'Bearer realm="listener"'}
    if not wants_page(request):
        return HTTPException(status_code=401, detail=detail, headers=challenge)
    if request.headers.get("hx-request") == "true":
        # An htmx swap would follow a redirect and put the sign-in page inside the page it
        # updates; HX-Redirect sends the whole page there, back to where the person was.
        here = request.headers.get("hx-current-url", "")
        parts = urlsplit(here)
        back = parts.path + (f"?{parts.query}" if parts.query else "") if here else "/"
        login = f"/login?next={quote(back or '/', safe='')}"
        return HTTPException(
            status_code=401, detail=detail, headers={**challenge, "HX-Redirect": login}
        )
    if request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return HTTPException(
            status_code=303,
            detail="sign in first",
            headers={"Location": f"/login?next={quote(target, safe='')}"},
        )
    return HTTPException(status_code=401, detail=detail, headers=challenge)


def identify(request: Request) -> Principal | None:
    """Who sent ``request``, or None when nobody is signed in (and accounts are required)."""
    context = context_of(request)
    store, web, now = context.store, context.settings.web, context.clock()
    secret = _bearer(request)
    if secret is not None:
        # A wrong token is refused outright, never treated as "no token": a script with a
        # revoked token must hear so, not fall through to the local operator.
        token = accounts.token_bearer(store, secret, now)
        if token is None:
            raise HTTPException(
                status_code=401,
                detail="the API token is unknown or revoked",
                headers={"WWW-Authenticate": 'Bearer realm="listener", error="invalid_token"'},
            )
        return Principal(name=token.name, role=Role.from_label(token.role), via="token")
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        user = accounts.session_user(store, cookie, now, session_policy(web))
        if user is not None:
            return Principal(name=user.name, role=Role.from_label(user.role), via="session")
    # A request a proxy relayed is never the local operator.
    if from_this_machine(request, web) and not accounts.users_exist(store):
        return LOCAL_OPERATOR
    return None


async def current_principal(request: Request) -> Principal:
    """The principal of this request; pages redirect to /login and the API answers 401 when
    nobody is signed in. Worked out once per request (the security middleware asks first)."""
    known = getattr(request.state, "principal", None)
    if isinstance(known, Principal):
        return known
    # In the thread pool: a store lookup that waits on the daemon's writer (a session's
    # sliding expiry is a write) must not stall the event loop the scheduler shares.
    who = await run_in_threadpool(identify, request)
    if who is None:
        raise _unauthenticated(request, "sign in, or send an API token as Authorization: Bearer")
    request.state.principal = who
    return who


def require(role: Role) -> Callable[[Request], object]:
    """A dependency that lets ``role`` and above through and refuses the rest with 403."""

    async def dependency(request: Request) -> Principal:
        who = await current_principal(request)
        if not who.may(role):
            raise HTTPException(status_code=403, detail=f"needs the {role.label} role")
        return who

    return dependency
