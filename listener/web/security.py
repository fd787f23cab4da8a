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

This module holds the middleware, which runs the checks in that order; each concern lives in
its own module: ``security_hosts`` (the Host check), ``security_body`` (the body-size limit),
``security_csrf`` (the CSRF token and the same-origin check) and ``security_headers`` (the CSP
and the other response headers).
"""

from __future__ import annotations

import logging
import secrets

from fastapi import HTTPException, Request
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from listener.web.auth import current_principal
from listener.web.problems import error_response
from listener.web.security_body import MAX_BODY_BYTES, body_too_large, capped_receive
from listener.web.security_csrf import (
    CSRF_COOKIE,
    UNSAFE_METHODS,
    cookie_value,
    csrf_refusal,
    setting_csrf_cookie,
    valid_token_shape,
)
from listener.web.security_headers import CONTENT_SECURITY_POLICY, with_security_headers
from listener.web.security_hosts import AllowedHosts, host_allowed

__all__ = ["CONTENT_SECURITY_POLICY", "CSRF_COOKIE", "AllowedHosts", "SecurityMiddleware"]

PROBE_PATHS = frozenset({"/healthz", "/readyz"})

log = logging.getLogger(__name__)


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
        send = with_security_headers(send, static=static)
        state = scope.setdefault("state", {})
        request = Request(scope, receive)

        if path not in PROBE_PATHS and not host_allowed(self.allowed_hosts, scope, headers):
            state["csrf_token"] = ""
            response = error_response(
                request,
                400,
                "this address is not one the app answers to: add the name you use to "
                "web.allowed_hosts (or alerts.base_url) in the settings",
            )
            await response(scope, receive, send)
            return

        too_large = body_too_large(headers)
        if too_large:
            state["csrf_token"] = ""
            response = error_response(request, 413, too_large)
            await response(scope, receive, send)
            return
        receive = capped_receive(receive, MAX_BODY_BYTES)
        request = Request(scope, receive)

        bearer = headers.get("authorization", "").lower().startswith("bearer ")
        if bearer:
            scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"cookie"]
            headers = Headers(scope=scope)
            request = Request(scope, receive)
        cookie_token = cookie_value(headers, CSRF_COOKIE)
        new_token = None if valid_token_shape(cookie_token) else secrets.token_urlsafe(32)
        state["csrf_token"] = new_token or cookie_token or ""
        if new_token is not None and not bearer:
            send = setting_csrf_cookie(send, new_token, secure=self._https(scope, headers))

        if scope["method"] in UNSAFE_METHODS and not bearer:
            try:
                refusal, receive = await csrf_refusal(
                    self.allowed_hosts, scope, receive, headers, cookie_token
                )
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

    def _https(self, scope: Scope, headers: Headers) -> bool:
        if scope.get("scheme") == "https":
            return True
        forwarded = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        return self.trust_proxy and forwarded == "https"
