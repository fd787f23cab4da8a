"""CSRF: every state change carries the token of the ``listener_csrf`` cookie back (the
``X-CSRF-Token`` header or the ``csrf_token`` form field), compared in constant time, and
must come from one of our own pages as the browser tells (``Sec-Fetch-Site``, or ``Origin``);
and the cookie that hands the token out. Why both checks: see ``listener.web.security``.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from fastapi import Request
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import Message, Receive, Scope, Send

from listener.web.security_body import read_body, replay
from listener.web.security_hosts import AllowedHosts

CSRF_COOKIE = "listener_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Only a form's fields are read to find the token; a form larger than this is refused before
# it is parsed (no page of ours posts anything near it).
MAX_FORM_BYTES = 1 << 20


def cookie_value(headers: Headers, name: str) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    # Starlette's lenient parser: http.cookies gives up on the whole header at the first
    # cookie it dislikes, and every app on localhost shares this header, whatever its port.
    return cookie_parser(raw).get(name)


def valid_token_shape(token: str | None) -> bool:
    return token is not None and 20 <= len(token) <= 100 and token.isascii()


async def csrf_refusal(
    allowed_hosts: AllowedHosts | None,
    scope: Scope,
    receive: Receive,
    headers: Headers,
    cookie_token: str | None,
) -> tuple[tuple[int, str] | None, Receive]:
    """(status, why) when the request does not prove it comes from our own page, and the
    ``receive`` the app reads the body from (replayed when the form was read here)."""
    if not valid_token_shape(cookie_token):
        return (
            403,
            "the CSRF cookie is missing: reload the page and try again "
            "(scripts: send an API token as Authorization: Bearer)",
        ), receive
    assert cookie_token is not None
    if _from_another_page(headers, allowed_hosts):
        return (
            403,
            "this change was sent from another page than ours: open the app itself "
            "and try again there",
        ), receive
    sent = headers.get(CSRF_HEADER)
    if sent is None:
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            body, receive = await read_body(receive, MAX_FORM_BYTES)
            if body is None:
                return (413, "the form is too large"), receive
            try:
                form = await Request(scope, receive).form()
            except Exception:  # a malformed form from the outside carries no token
                return (400, "the form could not be read"), replay(body, receive)
            field = form.get(CSRF_FIELD)
            sent = field if isinstance(field, str) else None
            await form.close()
            receive = replay(body, receive)
    if sent is None:
        return (
            403,
            "the CSRF token is missing: send the X-CSRF-Token header or the csrf_token "
            "form field with the value the page gave you",
        ), receive
    if not hmac.compare_digest(sent.encode(), cookie_token.encode()):
        return (403, "the CSRF token does not match: reload the page and try again"), receive
    return None, receive


def setting_csrf_cookie(send: Send, token: str, *, secure: bool) -> Send:
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
