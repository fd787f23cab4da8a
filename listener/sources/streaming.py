"""The contract between the daemon and a stream source: a long-lived connection, not a poll.

A stream source type is one module in ``listener/sources/`` exposing ``Options`` (a
``StreamOptions``), ``INFO`` and

    def stream(ctx: StreamContext[Options], state: SourceState) -> AsyncIterator[StreamEvent]

an async generator that opens ONE connection, resuming from ``state.cursor`` where the
network allows it, yields ``StreamEvent.opened()`` once the connection is accepted, then one
event per frame it read (``StreamEvent.keepalive()`` for a heartbeat that carries nothing),
and returns or raises when the connection ends. It never reconnects by itself: the daemon
(``listener.service.streams``) owns the lifecycle — reconnecting with ``RECONNECT``'s
backoff and jitter, the idle timeout (``Options.idle_timeout``: nothing, not even a
keep-alive, for that long ends the connection), parking on a ``PermanentError`` (401, 403),
stopping on shutdown, and batching what was read into the pipeline within
``StreamOptions.batch_window``.

A connection that ends is reported by raising ``listener.sources.errors``:
``TransientError`` for a dropped or refused connection (a network error, a 5xx),
``RateLimited`` for 429 / "too many connections" (with ``retry_after_s`` when the server
names one), ``PermanentError`` for what only a person can fix. A generator that returns
normally (the server closed the stream cleanly) is reconnected at once.

``position`` is the resume point after an event's items; the daemon saves it as the
source's cursor only once those items are stored, so a crash replays rather than skips.
A network without resume (Mastodon, X) fills the gap itself when it reconnects: its
generator reads what it missed through the network's REST API first (a "backfill") and
yields it before the live events. Repeats are harmless: the pipeline stores each post
once by its native id.

A module may also expose ``RECONNECT`` (a ``ReconnectPolicy``; X documents its own) and

    async def enrich(ctx: StreamContext[Options], items: list[RawItem]) -> list[RawItem]

called by the daemon on the items that passed the brand screen, before the pipeline: work
too costly for every post of a firehose (Jetstream names authors by DID only; their
handles and follower counts are looked up here, bounded and cached, for the few posts
that may be mentions). An ``enrich`` that fails must return the items unenriched rather
than lose them. Polled and stream sources share ``SourceInfo``, errors and ``RawItem``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any, Generic, TypeVar

import httpx
from pydantic import AfterValidator, Field

from listener.clock import Clock, utcnow
from listener.models import RawItem, SourceState
from listener.sources.base import PollContext, SourceOptions
from listener.units import Duration, at_least, format_duration

# Longest a batch of stream events waits before it is judged, stored and alerted: the
# issue's "alert within seconds" budget leaves a quarter second for batching.
DEFAULT_BATCH_WINDOW = timedelta(milliseconds=250)
# Every alert from a stream waits up to the batch window before it is judged: past a few
# seconds a stream would alert no sooner than a poll does, so a longer window is refused.
MAX_BATCH_WINDOW = timedelta(seconds=5)


def _batch_window_at_most(value: timedelta) -> timedelta:
    if value > MAX_BATCH_WINDOW:
        raise ValueError(
            f"must be at most {format_duration(MAX_BATCH_WINDOW)}: every post the stream reads"
            " waits up to batch_window before it is judged and alerted, so a longer window"
            f" delays every alert by as much (default {format_duration(DEFAULT_BATCH_WINDOW)})"
        )
    return value


class StreamOptions(SourceOptions):
    """Options every stream source accepts besides its own.

    ``idle_timeout``: a connection that brings nothing for this long (no event, no
    keep-alive) is taken for dead and opened again; each type sets a default a little above
    its network's heartbeat. ``batch_window``: how long the first event of a batch waits for
    others before the batch goes through the pipeline (at most ``MAX_BATCH_WINDOW``: it
    delays every alert); ``batch_max``: a batch that reaches this many items goes at once.
    """

    idle_timeout: Annotated[Duration, at_least(timedelta(seconds=1))] = timedelta(seconds=60)
    batch_window: Annotated[
        Duration, at_least(timedelta(0)), AfterValidator(_batch_window_at_most)
    ] = DEFAULT_BATCH_WINDOW
    batch_max: int = Field(default=250, ge=1, le=5000)


StreamOptionsT = TypeVar("StreamOptionsT", bound=StreamOptions)


@dataclass(frozen=True)
class StreamContext(Generic[StreamOptionsT]):
    """Everything a stream may use, passed as one value.

    ``brand_queries``: the brands' queries in settings order (``listener.query`` syntax),
    for networks that filter on their side (X's stream rules). ``http``: the daemon's
    client, for handshakes over plain HTTP (SSE, X) and REST backfills; websockets open
    their own connection.
    """

    source: str
    options: StreamOptionsT
    http: httpx.AsyncClient
    brand_queries: tuple[str, ...] = ()
    clock: Clock = utcnow
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("listener.sources"))
    max_response_bytes: int = 10 * 1024 * 1024  # also the cap on one frame or line
    # What a source keeps while the daemon runs it, across its connections: the runner
    # hands ``stream`` and ``enrich`` the same context, so a lookup cache kept here is the
    # source's own, not one shared by every source of the process (and by every test).
    kept: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def as_poll_context(self, options: Any = None) -> PollContext[Any]:
        """This context as a poll's (with ``options`` when given, e.g. the polled source's
        own), for the REST requests a stream makes through the polled sources' helpers: a
        backfill, a discovery, an author lookup."""
        return PollContext(
            source=self.source,
            options=self.options if options is None else options,
            http=self.http,
            clock=self.clock,
            log=self.log,
            max_response_bytes=self.max_response_bytes,
        )


@dataclass(frozen=True)
class StreamEvent:
    """What one frame of a stream gave the daemon.

    ``items``: the posts it carried (creates, edits as ``edited_at``, deletions as
    ``deleted=True``), often none (a like, a follow, another collection). ``position``: the
    cursor to resume after these items, ``None`` to keep the last one. ``at``: the stream's
    own clock for this frame (Jetstream's ``time_us``, a status's ``created_at``), for the
    lag shown to operators. ``opened``: the connection was just accepted; it may carry the
    ``position`` the connection starts from (a first connect's "now") and is not counted as
    an event. ``keepalive``: a heartbeat; it only proves the connection alive and is not
    counted as an event. Nor is an event with neither items nor ``at``: only frames that
    carried a post or the stream's clock are counted (events/s, last event).
    """

    items: tuple[RawItem, ...] = ()
    position: str | None = None
    at: datetime | None = None
    opened: bool = False
    keepalive: bool = False

    @classmethod
    def opened_now(cls) -> StreamEvent:
        return cls(opened=True)

    @classmethod
    def heartbeat(cls) -> StreamEvent:
        return cls(keepalive=True)


StreamFunction = Callable[[StreamContext[Any], SourceState], AsyncIterator[StreamEvent]]
EnrichFunction = Callable[[StreamContext[Any], list[RawItem]], Awaitable[list[RawItem]]]


@dataclass(frozen=True)
class ReconnectPolicy:
    """How long to wait before connecting again, by why the last connection ended.

    The defaults are X's documented strategy, sensible for any network: a dropped
    connection is retried at once, then linearly (+``network_step_s`` up to
    ``network_max_s``); an HTTP error backs off exponentially from ``http_base_s`` up to
    ``http_max_s``; a rate limit from ``rate_limited_base_s`` up to ``rate_limited_max_s``.
    A server's own ``Retry-After`` is obeyed when longer. ``jitter`` spreads daemons that
    lost the same server at the same moment.
    """

    network_step_s: float = 0.25
    network_max_s: float = 16.0
    http_base_s: float = 5.0
    http_max_s: float = 320.0
    rate_limited_base_s: float = 60.0
    rate_limited_max_s: float = 960.0
    jitter: float = 0.2
    # A connection that stayed up this long counts as healthy: the next drop starts the
    # backoff again from its first step.
    healthy_after_s: float = 30.0


DEFAULT_RECONNECT = ReconnectPolicy()
