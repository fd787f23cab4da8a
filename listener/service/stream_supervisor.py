"""The daemon's stream runners: one per enabled stream source, kept in step with the settings.

A reload stops the runners whose source was removed, disabled or changed (or whose brands'
queries changed: X's rules are built from them) and starts the new ones, one change after
the other so that two runners never hold the same source's cursor. Running runners take
the daemon's new pipeline at their next batch without a restart.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from listener.config.settings import Settings, SourceSettings
from listener.logs import fields
from listener.models import StreamStatus
from listener.service.runner import PollOutcome, PollSummary
from listener.service.stream_setup import StreamSetup
from listener.service.streams import StreamRunner
from listener.sources.base import SourceType
from listener.sources.errors import PermanentError, RateLimited

log = logging.getLogger("listener.service.streams")

# `listener poll --once` on a stream: it has caught up once this long passes with nothing
# new (a replay from the cursor comes in a rush, then the live trickle).
QUIET_AFTER_CATCHUP_S = 2.0
# A reload's stop of a changed stream gives a batch being stored as long as a shutdown does.
STOP_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class StreamListenSummary(PollSummary):
    """A bounded listen to a stream (``listener poll --once``): a poll's summary, and for
    how long it listened and why it stopped."""

    events: int = 0

    @property
    def listened_s(self) -> float:
        return self.duration_s  # a listen's whole duration is spent listening


@dataclass
class _Running:
    runner: StreamRunner
    task: asyncio.Task[None]
    key: tuple[SourceSettings, tuple[str, ...]]


class StreamSupervisor:
    def __init__(self, setup: StreamSetup, source_types: Callable[[str], SourceType]) -> None:
        """``source_types`` resolves a type name (the registry's ``get_source_type``; a
        test hands its own stream types to the daemon this way)."""
        self._setup = setup
        self._types = source_types
        self._running: dict[str, _Running] = {}
        self._active = False
        self._lock = asyncio.Lock()
        self._changes: set[asyncio.Task[None]] = set()

    def is_stream(self, source: SourceSettings) -> bool:
        return self._types(source.type).is_stream

    @property
    def running(self) -> list[str]:
        return sorted(self._running)

    def runner(self, name: str) -> StreamRunner | None:
        running = self._running.get(name)
        return running.runner if running else None

    def start(self, settings: Settings) -> None:
        """Start a runner for each enabled stream source (on the daemon's event loop)."""
        self._active = True
        self.apply(settings)

    def apply(self, settings: Settings) -> None:
        """Bring the runners in step with ``settings`` (a reload), in the background."""
        if self._active:
            self._spawn(self._reconcile(settings))

    def wake(self, name: str) -> bool:
        """Reconnect ``name`` now instead of after its backoff, or look at once whether a
        person unparked it; False when no runner listens to it."""
        running = self._running.get(name)
        if running is None:
            return False
        running.runner.wake()
        return True

    async def stop(self, timeout_s: float) -> None:
        """Stop every runner: reading ends at once, a batch being stored has ``timeout_s``
        to finish (after that it is abandoned, its cursor unsaved, so it is read again)."""
        self._active = False
        for change in list(self._changes):
            change.cancel()
        async with self._lock:
            await self._stop_runners(list(self._running.values()), timeout_s)

    async def listen_once(
        self, source: SourceSettings, queries: tuple[str, ...], limit_s: float
    ) -> StreamListenSummary:
        """Listen to ``source`` for a bounded time, store what it brought, save its cursor."""
        runner = StreamRunner(
            source, self._types(source.type), self._setup, brand_queries=queries,
            writes_health=False,
        )  # fmt: skip
        started = time.monotonic()
        error = await runner.listen(limit_s, QUIET_AFTER_CATCHUP_S)
        totals = runner.totals
        if isinstance(error, PermanentError):
            outcome = PollOutcome.PARKED
        elif isinstance(error, RateLimited):
            outcome = PollOutcome.RATE_LIMITED
        elif error is not None:
            outcome = PollOutcome.TRANSIENT_ERROR
        else:
            outcome = PollOutcome.OK
        return StreamListenSummary(
            source=source.name,
            outcome=outcome,
            state=runner.state,
            fetched=totals.fetched,
            stored=totals.mentions,
            dropped=dict(totals.dropped),
            updated=totals.updated,
            tombstoned=totals.tombstoned,
            error=runner.state.last_error if error is not None else None,
            duration_s=time.monotonic() - started,
            events=runner.health.events_total,
        )

    async def _reconcile(self, settings: Settings) -> None:
        queries = tuple(brand.query for brand in settings.brands)
        wanted = {
            source.name: (source, queries)
            for source in settings.sources
            if source.enabled and self.is_stream(source)
        }
        async with self._lock:
            if not self._active:
                return
            changed = [r for name, r in self._running.items() if wanted.get(name) != r.key]
            await self._stop_runners(changed, timeout_s=STOP_TIMEOUT_S)
            for name, key in wanted.items():
                if name not in self._running and self._active:
                    self._start(key)

    def _start(self, key: tuple[SourceSettings, tuple[str, ...]]) -> None:
        source, queries = key
        runner = StreamRunner(source, self._types(source.type), self._setup, brand_queries=queries)
        task = asyncio.create_task(runner.run(), name=f"stream-runner:{source.name}")
        task.add_done_callback(self._ended)
        self._running[source.name] = _Running(runner, task, key)
        log.info("stream started", extra=fields(source=source.name, type=source.type))

    async def _stop_runners(self, runners: list[_Running], timeout_s: float) -> None:
        if not runners:
            return
        for running in runners:
            running.runner.stop()
        _done, pending = await asyncio.wait([r.task for r in runners], timeout=timeout_s)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
            log.warning("stream batches abandoned at stop", extra=fields(streams=len(pending)))
        for running in runners:
            self._running.pop(running.runner.name, None)
            running.runner.health.ended(StreamStatus.STOPPED, None)
            await running.runner.records.write_health()
            log.info("stream stopped", extra=fields(source=running.runner.name))

    def _ended(self, task: asyncio.Task[None]) -> None:
        # A runner ends only when stopped; anything else is a bug (or a store that could
        # not even be read at its start) and must be seen, not swallowed by the task. It
        # leaves the running set, so the next reload starts it again.
        if task.cancelled() or task.exception() is None:
            return
        name = task.get_name().removeprefix("stream-runner:")
        running = self._running.get(name)
        if running is not None and running.task is task:
            del self._running[name]
        log.error(
            "stream runner ended with an error; a settings reload or a restart starts it again",
            exc_info=task.exception(),
            extra=fields(source=name),
        )

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work, name="streams-reconcile")
        self._changes.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(self._changes.discard)
