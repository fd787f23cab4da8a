"""The contract between the scheduler and a source adapter.

A source type is one module in ``listener/sources/`` exposing:

- ``Options`` — a pydantic model of the settings that type accepts (``extra="forbid"``,
  so a typo is a config error naming the key and line);
- ``async def poll(ctx: PollContext, state: SourceState) -> PollResult`` — fetch once,
  map what was found to ``RawItem`` values, and report the new fetch state.

- ``INFO`` — a ``SourceInfo``: what it reads, the credentials it needs, its limits and a
  sample settings block (shown by ``listener sources --types``).

A poll raises ``listener.sources.errors.SourceError`` subclasses on failure; backoff,
parking and logging are the scheduler's job, not the source's.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Generic, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict

from listener.clock import Clock, utcnow
from listener.models import RawItem, SourceState


class SourceOptions(BaseModel):
    """Base for every source type's options: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


OptionsT = TypeVar("OptionsT", bound=SourceOptions)


@dataclass(frozen=True)
class PollContext(Generic[OptionsT]):
    """Everything a poll may use, passed as one value instead of a growing signature."""

    source: str  # the configured source name, for log fields and ids
    options: OptionsT
    http: httpx.AsyncClient
    clock: Clock = utcnow
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("listener.sources"))
    max_response_bytes: int = 10 * 1024 * 1024


@dataclass(frozen=True)
class PollResult:
    """The outcome of one successful poll.

    ``etag``/``last_modified``/``cursor`` are the state to persist (``None`` keeps
    nothing; sources copy forward what they want kept). ``min_next_check_s`` is the
    server's own hint of how long to wait (feed TTL, ``Cache-Control: max-age``,
    ``Retry-After`` on a success); the scheduler never polls sooner than it.
    ``problems`` are non-fatal parse troubles (an ill-formed feed that still gave
    entries): logged and counted, not failures.
    """

    items: list[RawItem]
    etag: str | None = None
    last_modified: str | None = None
    cursor: str | None = None
    not_modified: bool = False
    min_next_check_s: float | None = None
    problems: list[str] = field(default_factory=list)


PollFunction = Callable[[PollContext[Any], SourceState], Awaitable[PollResult]]


@dataclass(frozen=True)
class SourceInfo:
    """What a person needs to know to configure a source type."""

    summary: str  # one line: what it reads
    credentials: tuple[str, ...] = ()  # what to obtain, e.g. "bearer_token: an X app bearer token"
    limits: str = ""  # the API's budget and caps, in its own terms
    sample: str = ""  # a YAML block for settings.yaml's `sources:` list
    # The shortest interval a person may set for this polled type; None: the settings'
    # general minimum. Lower where the API is cheap to ask (conditional GETs, no quota).
    min_interval: timedelta | None = None
    # The network this type reads when it is not the type's own name: a stream names its
    # polled sibling ("jetstream" reads "bluesky"), so one person there is one author and a
    # reply follows that network's rules, whichever reader stored the post.
    network: str | None = None
    # The handles this type stores are feed bylines (``profiles.feed_handle``: the writer's
    # name as a slug, '@', the site), not accounts: shown as "Jane Doe · example.com", never
    # "@jane-doe@example.com", which reads (and mail clients link it) as an address.
    byline_handles: bool = False


@dataclass(frozen=True)
class SourceType:
    """A registered source type: its name, its options model, how it reads, and its info.

    A polled type has ``poll``; a stream type (``listener.sources.streaming``) has
    ``stream`` instead, and ``reconnect`` (a ``ReconnectPolicy``) says how it backs off.
    """

    name: str
    options_model: type[SourceOptions]
    poll: PollFunction | None
    info: SourceInfo = SourceInfo(summary="(no description)")
    stream: Callable[..., Any] | None = None  # a streaming.StreamFunction
    reconnect: Any = None  # a streaming.ReconnectPolicy; Any keeps base free of streaming
    enrich: Callable[..., Any] | None = None  # a streaming.EnrichFunction, for screened items
    # The stream is built from the brands' queries (X's rules): a brand edit reconnects it.
    # A module says so with USES_BRAND_QUERIES = True; other streams keep their connection.
    uses_brand_queries: bool = False

    @property
    def is_stream(self) -> bool:
        return self.stream is not None

    @property
    def network(self) -> str:
        """The network this type reads: its INFO's ``network``, else its own name."""
        return self.info.network or self.name
