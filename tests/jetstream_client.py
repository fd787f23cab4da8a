"""The client side of the jetstream tests: one connection of the real source against the
local replay server (tests/jetstream_server.py), and the captures read as the server sends
them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx

from listener.models import RawItem, SourceState
from listener.sources import jetstream
from listener.sources.jetstream_map import read_frame
from listener.sources.streaming import StreamContext, StreamEvent
from tests.jetstream_server import (
    capture_lines,
)

CAPTURE = "capture_v1_contiguous_152_events.jsonl"  # 18 post commits, time_us not monotonic
GOLDEN = "capture_v1_golden_10_events.jsonl"
POST = "app.bsky.feed.post"
PROFILES_PATH = "/xrpc/app.bsky.actor.getProfiles"


def events_of(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capture_lines(name)]


def post_events(name: str) -> list[dict[str, Any]]:
    return [
        e for e in events_of(name) if e["kind"] == "commit" and e["commit"]["collection"] == POST
    ]


def sent_events(name: str) -> list[dict[str, Any]]:
    """What a server filtering on posts sends: post commits, identity and account events."""
    posts = post_events(name)
    return [e for e in events_of(name) if e in posts or e["kind"] != "commit"]


def frame(name: str) -> Any:
    [line] = capture_lines(name)
    return read_frame(line)


def options(url: str, **values: Any) -> jetstream.Options:
    return jetstream.Options(url=url, **values)


async def collect(
    opts: jetstream.Options,
    state: SourceState,
    *,
    until: int | None = None,
    quiet_s: float = 0.5,
    http: httpx.AsyncClient | None = None,
    source: str = "bluesky-live",
    kept: dict[str, Any] | None = None,
) -> list[StreamEvent]:
    """The events of one connection: up to ``until`` events, or until nothing came for
    ``quiet_s`` (the daemon's idle timeout, shortened); errors propagate. ``kept``: what the
    source keeps across connections (its author cache), as the daemon's context holds it."""
    got: list[StreamEvent] = []
    async with httpx.AsyncClient() as client:
        ctx = StreamContext(
            source=source, options=opts, http=http or client, kept={} if kept is None else kept
        )
        events: AsyncIterator[StreamEvent] = jetstream.stream(ctx, state)
        try:
            while until is None or len(got) < until:
                try:
                    got.append(await asyncio.wait_for(anext(events), quiet_s))
                except (TimeoutError, StopAsyncIteration):
                    break
        finally:
            await events.aclose()  # type: ignore[attr-defined]
    return got


def read(opts: jetstream.Options, state: SourceState | None = None, **kw: Any) -> list[StreamEvent]:
    return asyncio.run(collect(opts, state or SourceState(source="bluesky-live"), **kw))


def items_of(events: list[StreamEvent]) -> list[RawItem]:
    return [item for event in events for item in event.items]
