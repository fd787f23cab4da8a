"""Request latency per route, for ``/metrics`` (``listener_http_request_duration_seconds``).

Labelled by the route's template (``/mentions/{mention_id}``) so the series stay few however
many ids are asked for; a path no route matched counts as ``unmatched``. Timed to the last byte
sent, so a streamed export counts whole. The server-sent event streams are left out: they stay
open for as long as a page does, which says nothing about how fast the app answers.
"""

from __future__ import annotations

import time

from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from listener.metrics import Metrics


class RequestTimingMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        streaming_events = False

        async def sending(message: Message) -> None:
            nonlocal streaming_events
            if message["type"] == "http.response.start":
                for name, value in message.get("headers", ()):
                    if name.lower() == b"content-type" and value.startswith(b"text/event-stream"):
                        streaming_events = True
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if not streaming_events:
                self.metrics.http_request_duration.labels(
                    route=_route_template(scope), method=scope["method"]
                ).observe(time.perf_counter() - started)


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    if isinstance(route, Mount):
        return route.path + "/{path}"
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"
