"""What every stream runner of a daemon shares, passed as one value."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from listener.clock import Clock, utcnow
from listener.metrics import Metrics
from listener.models import SourceState, StreamHealth
from listener.pipeline.run import Pipeline

HEALTH_EVERY_S = 2.0
# A parked stream looks at its stored state this often for a person's `listener unpark`.
PARK_CHECK_S = 5.0


class StreamStore(Protocol):
    def load_source_state(self, name: str) -> SourceState | None: ...
    def save_source_state(self, state: SourceState) -> None: ...
    def save_stream_health(self, health: StreamHealth) -> None: ...
    def stream_healths(self) -> dict[str, StreamHealth]: ...


@dataclass(frozen=True)
class StreamSetup:
    """``pipeline`` returns the daemon's current pipeline, so a settings reload reaches
    running streams at their next batch. ``on_committed`` is called after each pipeline
    batch that stored mentions (their alerts are committed with them: send now)."""

    store: StreamStore
    http: httpx.AsyncClient
    metrics: Metrics
    pipeline: Callable[[], Pipeline]
    clock: Clock = utcnow
    rng: random.Random = field(default_factory=random.Random)
    on_committed: Callable[[], None] | None = None
    max_response_bytes: int = 10 * 2**20
    health_every_s: float = HEALTH_EVERY_S
    park_check_s: float = PARK_CHECK_S
