"""The client side of the mastodon_stream tests: one connection of the real source against
the local server (tests/mastodon_stream_server.py), as the daemon would open it, and the
statuses the tests post."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from listener.models import RawItem, SourceState
from listener.sources import mastodon_stream
from listener.sources.errors import (
    SourceError,
)
from listener.sources.mastodon import snowflake_at
from listener.sources.streaming import StreamContext, StreamEvent
from tests.mastodon_stream_events import (
    status_of,
)
from tests.mastodon_stream_server import TOKEN, MastodonStreamServer

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
# Statuses posted 1 ms apart from a second after the (fixed) clock's now: after the connect.
FIRST_ID = snowflake_at(NOW + timedelta(seconds=1))
EDITED_ID = "117024236332527350"  # the status updated, edited and deleted in the capture
DIRECT_ID = "117024236559579118"
BASE = status_of("sse_update_public__mastodonpy.txt")


def ids(n: int, start: int = 0) -> list[int]:
    return [FIRST_ID + ((start + i) << 16) for i in range(n)]


@dataclass
class Outcome:
    events: list[StreamEvent] = field(default_factory=list)
    error: SourceError | None = None
    idle: bool = False  # nothing came for idle_timeout: the daemon would end the connection

    @property
    def items(self) -> list[RawItem]:
        return [item for event in self.events for item in event.items]

    @property
    def ids(self) -> list[str]:
        return [item.native_id for item in self.items]

    @property
    def position(self) -> str | None:
        positions = [e.position for e in self.events if e.position is not None]
        return positions[-1] if positions else None

    def state(self, before: SourceState | None = None) -> SourceState:
        """The state the daemon saves after this connection."""
        cursor = self.position or (before.cursor if before else None)
        return SourceState(source="test", cursor=cursor)


def connect(
    server: MastodonStreamServer,
    state: SourceState | None = None,
    *,
    until: Callable[[Outcome], bool] = lambda outcome: False,
    now: datetime | Callable[[], datetime] = NOW,
    max_response_bytes: int = 10 * 1024 * 1024,
    **options: Any,
) -> Outcome:
    """One connection of the source, read until it ends, raises, goes idle, or ``until``."""
    options.setdefault("instance_url", server.url)
    options.setdefault("access_token", TOKEN)
    opts = mastodon_stream.Options(**options)
    outcome = Outcome()

    async def main() -> None:
        async with httpx.AsyncClient() as http:
            ctx = StreamContext(
                source="test",
                options=opts,
                http=http,
                clock=now if callable(now) else lambda: now,
                max_response_bytes=max_response_bytes,
            )
            events = mastodon_stream.stream(ctx, state or SourceState(source="test"))
            try:
                while not until(outcome):
                    async with asyncio.timeout(opts.idle_timeout.total_seconds()):
                        outcome.events.append(await anext(events))
            except StopAsyncIteration:
                pass
            except TimeoutError:
                outcome.idle = True
            except SourceError as exc:
                outcome.error = exc
            finally:
                await events.aclose()

    asyncio.run(asyncio.wait_for(main(), 60))
    return outcome


def has_items(n: int) -> Callable[[Outcome], bool]:
    return lambda outcome: len(outcome.items) >= n
