"""Shared by test_http.py and test_source_rss.py: run a fetch or a poll against a real local
server. (Kept out of conftest.py, which the lead owns; could move there if others need it.)"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from werkzeug import Response
from werkzeug.datastructures import Headers

from listener.models import SourceState
from listener.sources import rss
from listener.sources.base import PollContext, PollResult, SourceOptions
from listener.sources.http import build_client
from tests.helpers import RSS_FIXTURES

FIXED_NOW = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)

T = TypeVar("T")


def fixture_bytes(name: str) -> bytes:
    return (RSS_FIXTURES / name).read_bytes()


class Verbatim304(Response):
    """A 304 sent with the headers given. werkzeug drops Last-Modified from 304s (RFC 9110
    §15.4.5 says SHOULD NOT); servers such as nginx send it, and that is the case to test."""

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__(status=304, headers=headers)

    def get_wsgi_headers(self, environ: dict[str, Any]) -> Headers:
        return Headers(self.headers)


class NoOptions(SourceOptions):
    pass


def run_with_ctx(
    body: Callable[[PollContext[Any]], Awaitable[T]],
    *,
    options: SourceOptions | None = None,
    timeout_s: float = 5.0,
    max_response_bytes: int = 10 * 1024 * 1024,
    now: datetime = FIXED_NOW,
) -> T:
    """Build a fresh client and context, run ``body(ctx)`` to completion, close the client."""

    async def main() -> T:
        async with build_client(timeout_s=timeout_s) as client:
            ctx: PollContext[Any] = PollContext(
                source="test",
                options=options or NoOptions(),
                http=client,
                clock=lambda: now,
                max_response_bytes=max_response_bytes,
            )
            return await body(ctx)

    return asyncio.run(main())


def poll_feed(url: str, state: SourceState | None = None, **options: Any) -> PollResult:
    """One rss poll of ``url`` with a fresh client, as the scheduler would run it."""
    opts = rss.Options(url=url, **options)
    return run_with_ctx(
        lambda ctx: rss.poll(ctx, state or SourceState(source="test")), options=opts
    )
