"""Placeholder while the jetstream stream source is being built (listener.sources.streaming)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from listener.models import SourceState
from listener.sources.base import SourceInfo
from listener.sources.errors import PermanentError
from listener.sources.streaming import StreamContext, StreamEvent, StreamOptions

INFO = SourceInfo(summary="jetstream stream (being built)")


class Options(StreamOptions):
    pass


async def stream(ctx: StreamContext[Options], state: SourceState) -> AsyncIterator[StreamEvent]:
    raise PermanentError("the jetstream stream source is not built yet")
    yield StreamEvent()  # pragma: no cover - makes this an async generator
