"""The security headers every response carries, errors and static files included (a CSP with
no inline script, frame-ancestors none, no-referrer), and ``Cache-Control: no-store`` on
everything but ``/static`` (pages carry mention text and the CSRF token).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import Message, Send

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


def with_security_headers(send: Send, *, static: bool) -> Send:
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
