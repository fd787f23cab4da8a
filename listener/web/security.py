"""The middleware every request passes through: Host check, CSRF, who is asking, headers.

- **Host** (DNS rebinding): a page on an attacker's name that resolves to 127.0.0.1 makes the
  browser send that name in ``Host``; only loopback names, ``web.host``, the host of
  ``alerts.base_url`` and ``web.allowed_hosts`` are answered, anything else is a 400. The two
  probes (``/healthz``, ``/readyz``) answer any Host: an orchestrator probes the pod's address,
  and they say no more than a network peer can see anyway.
- **CSRF**: every POST/PUT/PATCH/DELETE carries the token of the ``listener_csrf`` cookie back,
  in the ``X-CSRF-Token`` header (htmx; base.html sets it) or the ``csrf_token`` form field,
  compared in constant time; a cross-site page can send the cookie but cannot read it. A request
  with ``Authorization: Bearer`` (an API token) is exempt: a browser never adds that header
  across sites without a CORS preflight, which this app never grants. Its cookies are dropped
  before the app sees it, so a session cannot ride along on an exempt request.
  The double-submit check alone is not enough: cookies are not kept apart by port, so a page
  of any other app on localhost (or of a sibling subdomain) can set ``listener_csrf`` to a
  value it knows and post that value. So a state change must also come from one of our own
  pages, as the browser tells: ``Sec-Fetch-Site`` (``same-origin``), or, from a browser too
  old to send it, an ``Origin`` naming this host (``null`` says nothing: our pages send no
  Referer, and a browser then sends ``Origin: null`` on our own form posts).
- ``request.state.csrf_token`` and ``request.state.principal`` are set for every request.
- Security headers on every response, errors and static files included; ``Cache-Control:
  no-store`` on everything but ``/static`` (pages carry mention text and the CSRF token).

A pure ASGI middleware rather than ``BaseHTTPMiddleware``: streamed exports and the server-sent
events of the inbox pass through without being buffered.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from listener.web.auth import current_principal
from listener.web.problems import error_response

CSRF_COOKIE = "listener_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Only a form's fields are read to find the token; a form larger than this is refused before
# it is parsed (no page of ours posts anything near it).
MAX_FORM_BYTES = 1 << 20
# No request of ours carries more (the longest is a reply of 20,000 characters). The body is
# read before the route asks who is there, so without a cap anyone could make the app hold
# a body of any size in memory, even with a made-up bearer token.
MAX_BODY_BYTES = 1 << 20
PROBE_PATHS = frozenset({"/healthz", "/readyz"})

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
    "object-src 'none'"
)
SECURITY_HEADERS = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
)
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")

log = logging.getLogger(__name__)


def _bracketed(host: str) -> str:
    # An IPv6 address appears in a Host header in brackets: [::1]:8650.
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


class AllowedHosts:
    """The Host header values this app answers to."""

    def __init__(
        self,
        *,
        web_host: str,
        ports: Iterable[int],
        base_url: str | None = None,
        extra: Iterable[str] = (),
    ) -> None:
        self.exact: set[str] = set()
        self.any_port: set[str] = set()
        names = [*LOOPBACK_NAMES]
        if web_host not in ("0.0.0.0", "::", ""):
            names.append(_bracketed(web_host.lower()))
        for name in names:
            for port in ports:
                self.exact.add(f"{name}:{port}")
            if 80 in ports:
                self.exact.add(name)
        if base_url:
            parts = urlsplit(base_url)
            if parts.hostname:
                name = _bracketed(parts.hostname.lower())
                default = 443 if parts.scheme == "https" else 80
                port = parts.port or default
                self.exact.add(f"{name}:{port}")
                if port == default:
                    self.exact.add(name)
        for entry in extra:
            if entry.endswith("]") or ":" not in entry:
                self.any_port.add(entry)
            else:
                self.exact.add(entry)

    def allows(self, host_header: str) -> bool:
        host = host_header.strip().lower()
        if host in self.exact:
            return True
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name in self.any_port


def _cookie(headers: Headers, name: str) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    # Starlette's lenient parser: http.cookies gives up on the whole header at the first
    # cookie it dislikes, and every app on localhost shares this header, whatever its port.
    return cookie_parser(raw).get(name)


def _valid_token_shape(token: str | None) -> bool:
    return token is not None and 20 <= len(token) <= 100 and token.isascii()


class SecurityMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        allowed_hosts: AllowedHosts | None,
        trust_proxy: bool = False,
    ) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts
        self.trust_proxy = trust_proxy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        path: str = scope.get("path", "")
        static = path.startswith("/static/")
        send = self._with_headers(send, static=static)
        state = scope.setdefault("state", {})
        request = Request(scope, receive)

        if path not in PROBE_PATHS and not self._host_allowed(scope, headers):
            state["csrf_token"] = ""
            response = error_response(
                request,
                400,
                "this address is not one the app answers to: add the name you use to "
                "web.allowed_hosts (or alerts.base_url) in the settings",
            )
            await response(scope, receive, send)
            return

        too_large = _body_too_large(headers)
        if too_large:
            state["csrf_token"] = ""
            response = error_response(request, 413, too_large)
            await response(scope, receive, send)
            return
        receive = _capped(receive, MAX_BODY_BYTES)
        request = Request(scope, receive)

        bearer = headers.get("authorization", "").lower().startswith("bearer ")
        if bearer:
            scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"cookie"]
            headers = Headers(scope=scope)
            request = Request(scope, receive)
        cookie_token = _cookie(headers, CSRF_COOKIE)
        new_token = None if _valid_token_shape(cookie_token) else secrets.token_urlsafe(32)
        state["csrf_token"] = new_token or cookie_token or ""
        if new_token is not None and not bearer:
            send = self._setting_cookie(send, new_token, secure=self._https(scope, headers))

        if scope["method"] in UNSAFE_METHODS and not bearer:
            try:
                refusal, receive = await self._csrf_refusal(scope, receive, headers, cookie_token)
            except HTTPException as cut:  # a chunked form past the cap, read here
                refusal = (cut.status_code, str(cut.detail))
            if refusal is not None:
                response = error_response(Request(scope, receive), *refusal)
                await response(scope, receive, send)
                return
            request = Request(scope, receive)

        if static or path in PROBE_PATHS:
            state["principal"] = None  # nobody's business: spare them a session lookup
        else:
            try:
                state["principal"] = await current_principal(request)
            except HTTPException:
                state["principal"] = None  # nobody signed in: routes that need someone say 401

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            # Starlette's last-resort 500 is sent outside this middleware, without the
            # security headers; this one has them and says where to look.
            log.exception("web request failed", extra={"path": path})
            if started:
                raise
            response = error_response(
                Request(scope, receive), 500, "something went wrong on our side: see the log"
            )
            await response(scope, receive, send)

    def _host_allowed(self, scope: Scope, headers: Headers) -> bool:
        if self.allowed_hosts is None:
            return True
        host = headers.get("host")
        if host is None:
            return False
        if self.allowed_hosts.allows(host):
            return True
        # The port the server really listens on (a test's free port, `listener web --port`).
        server = scope.get("server")
        if server and server[1]:
            name, _, port = host.lower().rpartition(":")
            return port == str(server[1]) and name in LOOPBACK_NAMES
        return False

    def _https(self, scope: Scope, headers: Headers) -> bool:
        if scope.get("scheme") == "https":
            return True
        forwarded = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        return self.trust_proxy and forwarded == "https"

    async def _csrf_refusal(
        self, scope: Scope, receive: Receive, headers: Headers, cookie_token: str | None
    ) -> tuple[tuple[int, str] | None, Receive]:
        """(status, why) when the request does not prove it comes from our own page, and the
        ``receive`` the app reads the body from (replayed when the form was read here)."""
        if not _valid_token_shape(cookie_token):
            return (
                403,
                "the CSRF cookie is missing: reload the page and try again "
                "(scripts: send an API token as Authorization: Bearer)",
            ), receive
        assert cookie_token is not None
        if _from_another_page(headers, self.allowed_hosts):
            return (
                403,
                "this change was sent from another page than ours: open the app itself "
                "and try again there",
            ), receive
        sent = headers.get(CSRF_HEADER)
        if sent is None:
            content_type = headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                body, receive = await _read_body(receive, MAX_FORM_BYTES)
                if body is None:
                    return (413, "the form is too large"), receive
                try:
                    form = await Request(scope, receive).form()
                except Exception:  # a malformed form from the outside carries no token
                    return (400, "the form could not be read"), _replay(body, receive)
                field = form.get(CSRF_FIELD)
                sent = field if isinstance(field, str) else None
                await form.close()
                receive = _replay(body, receive)
        if sent is None:
            return (
                403,
                "the CSRF token is missing: send the X-CSRF-Token header or the csrf_token "
                "form field with the value the page gave you",
            ), receive
        if not hmac.compare_digest(sent.encode(), cookie_token.encode()):
            return (403, "the CSRF token does not match: reload the page and try again"), receive
        return None, receive

    def _with_headers(self, send: Send, *, static: bool) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers[name] = value
                if "cache-control" not in headers:
                    # Static files revalidate (their names carry no version); the rest is
                    # never kept: pages hold mention text and the CSRF token.
                    headers["cache-control"] = "no-cache" if static else "no-store"
            await send(message)

        return sending

    def _setting_cookie(self, send: Send, token: str, *, secure: bool) -> Send:
        cookie = f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
        if secure:
            cookie += "; Secure"

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", cookie)
            await send(message)

        return sending


# What the browser says of the page a request comes from (Fetch Metadata): only our own
# pages may change anything; "none" is the person's own doing (a bookmark, the address bar).
_OWN_PAGE_SITES = frozenset({"same-origin", "none"})


def _from_another_page(headers: Headers, allowed_hosts: AllowedHosts | None) -> bool:
    """Whether the browser says this request was sent by a page that is not one of ours."""
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site.strip().lower() not in _OWN_PAGE_SITES
    origin = headers.get("origin", "").strip().lower()
    if not origin or origin == "null":
        return False  # a script (no Origin), or a browser that will not say: the token decides
    try:
        named = urlsplit(origin).netloc
    except ValueError:
        return True
    if named == headers.get("host", "").strip().lower():
        return False
    return allowed_hosts is None or not allowed_hosts.allows(named)


def _body_too_large(headers: Headers) -> str | None:
    """Why the body this request announces is refused before it is read, or None."""
    length = headers.get("content-length")
    if length is None:
        return None
    if not (length.isascii() and length.isdigit()):
        return "Content-Length is not a number"
    if int(length) > MAX_BODY_BYTES:
        return f"the request body is larger than {MAX_BODY_BYTES:,} bytes"
    return None


def _capped(receive: Receive, limit: int) -> Receive:
    """``receive``, refusing (413) a body that grows past ``limit`` as it arrives (a chunked
    body announces no length)."""
    size = 0

    async def capped() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit:
                # FastAPI passes an HTTPException raised while it reads the body on as it is.
                raise HTTPException(413, f"the request body is larger than {limit:,} bytes")
        return message

    return capped


async def _read_body(receive: Receive, limit: int) -> tuple[bytes | None, Receive]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None, receive
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    return body, _replay(body, receive)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the body already read, then the real stream's end."""
    sent = False

    async def replaying() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replaying
