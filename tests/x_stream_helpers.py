"""The client side of the x_stream tests: one connection of the real source against the local
X API (tests/x_stream_server.py), and posts made to order for it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import httpx

from listener.models import SourceState
from listener.sources import x, x_stream
from listener.sources.errors import SourceError
from listener.sources.streaming import StreamContext, StreamEvent
from tests.x_stream_server import XStreamServer, capture_lines

NINE = "capture_filtered_stream_9_lines__twarc.jsonl"
TRUNCATED = "capture_filtered_stream_truncated_last_line__twarc.jsonl"
RULES = "/2/tweets/search/stream/rules"
STREAM = "/2/tweets/search/stream"
SEARCH = "/2/tweets/search/recent"
NAMES = frozenset({"x-live", "x_stream"})
Until = Callable[[list[StreamEvent]], bool]


def posts(events: Sequence[StreamEvent]) -> list[str]:
    return [item.native_id for event in events for item in event.items]


def after_posts(count: int) -> Until:
    return lambda events: len(posts(events)) >= count


def run(
    server: XStreamServer,
    *,
    state: SourceState | None = None,
    brands: Sequence[str] = ("acme",),
    until: Until | None = None,
    timeout_s: float = 15.0,
    max_response_bytes: int = 10 * 1024 * 1024,
    **options: Any,
) -> tuple[list[StreamEvent], SourceError | None]:
    """One connection of the stream: its events until ``until`` holds or it ends, and how."""

    async def go() -> tuple[list[StreamEvent], SourceError | None]:
        events: list[StreamEvent] = []
        async with httpx.AsyncClient() as http:
            ctx = StreamContext(
                source="x-live",
                options=x_stream.Options(
                    bearer_token=options.pop("bearer_token", server.token),
                    api_url=server.url,
                    **options,
                ),
                http=http,
                brand_queries=tuple(brands),
                max_response_bytes=max_response_bytes,
            )
            generator = cast(
                AsyncGenerator[StreamEvent, None],
                x_stream.stream(ctx, state or SourceState(source="x-live")),
            )
            try:
                async with asyncio.timeout(timeout_s):
                    async for event in generator:
                        events.append(event)
                        if until is not None and until(events):
                            break
            except SourceError as exc:
                return events, exc
            finally:
                await generator.aclose()
        return events, None

    return asyncio.run(go())


def search_posts(server: XStreamServer, ids: Sequence[int]) -> None:
    server.search_users = [{"id": "42", "username": "acme_fan", "name": "Fan"}]
    server.search_posts = made_posts(ids)


def made_posts(ids: Sequence[int]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(i),
            "text": f"acme post {i}: the refund never came",
            "author_id": "42",
            "created_at": x.id_time(i).isoformat().replace("+00:00", "Z"),
            "edit_history_tweet_ids": [str(i)],
        }
        for i in ids
    ]


def snowflake(ago: timedelta) -> int:
    """An X id for a post made ``ago`` before now (recent search reaches 7 days back)."""
    created_ms = int((datetime.now(UTC) - ago).timestamp() * 1000)
    return (created_ms - x.SNOWFLAKE_EPOCH_MS) << 22


def live_line(post_id: int, text: str | None = None) -> bytes:
    message = json.loads(capture_lines(NINE)[2])
    message["data"]["id"] = str(post_id)
    message["data"]["created_at"] = x.id_time(post_id).isoformat().replace("+00:00", "Z")
    if text is not None:
        message["data"]["text"] = text
    return json.dumps(message).encode()
