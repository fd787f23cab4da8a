"""The daemon's stream runners: one per enabled stream source, kept in step with the settings.

A reload stops the runners whose source was removed, disabled or changed (or whose brands'
queries changed, for a type that builds its stream from them: X's rules) and starts the new
ones, one change after the other so that two runners never hold the same source's cursor.
Running runners take the daemon's new pipeline at their next batch without a restart.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from listener.config.settings import Settings, SourceSettings
from listener.logs import fields
from listener.models import SourceState, StreamStatus
from listener.service.runner import PollOutcome, PollSummary
from listener.service.stream_setup import StreamSetup
from listener.service.streams import StreamRunner
from listener.sources.base import SourceType
from listener.sources.errors import PermanentError, RateLimited
from listener.sources.registry import get_source_type

log = logging.getLogger("listener.service.streams")

# `listener poll --once` on a stream: it has caught up once this long passes with nothing
# new (a replay from the cursor comes in a rush, then the live trickle).
QUIET_AFTER_CATCHUP_S = 2.0
# A stream whose health row a daemon wrote this recently (every 2 s while it runs) is that
# daemon's: `poll --once` leaves it alone.
DAEMON_HEALTH_FRESH_S = 60.0
# A reload's stop of a changed stream gives a batch being stored as long as a shutdown does.
STOP_TIMEOUT_S = 3.0
# A runner that failed (a bug) starts again after this, doubling while it keeps failing
# within RESTART_HEALTHY_AFTER_S of its start.
RESTART_FIRST_S = 1.0
RESTART_MAX_S = 300.0
RESTART_HEALTHY_AFTER_S = 600.0


@dataclass(frozen=True)
class StreamListenSummary(PollSummary):
    """A bounded listen to a stream (``listener poll --once``): a poll's summary, and for
    how long it listened and why it stopped."""

    events: int = 0

    @property
    def listened_s(self) -> float:
        return self.duration_s  # a listen's whole duration is spent listening


# What a runner was started with: a change of either restarts it.
_Key = tuple[SourceSettings, tuple[str, ...]]


def runner_key(source: SourceSettings, kind: SourceType, queries: tuple[str, ...]) -> _Key:
    """The source's settings, and the brands' queries only for a stream built from them
    (X's rules): a brand edit must not reconnect every other stream."""
    return source, queries if kind.uses_brand_queries else ()


@dataclass
class _Running:
    runner: StreamRunner
    task: asyncio.Task[None]
    key: _Key
    started_at: float  # time.monotonic()


class StreamSupervisor:
    def __init__(self, setup: StreamSetup) -> None:
        self._setup = setup
        self._running: dict[str, _Running] = {}
        self._active = False
        self._lock = asyncio.Lock()
        self._changes: set[asyncio.Task[None]] = set()
        self._wanted: dict[str, _Key] = {}
        self._failures: dict[str, int] = {}  # runner failures in a row, by source
        self._restart_waits: dict[str, asyncio.Event] = {}

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
        """Reconnect ``name`` now instead of after its backoff, look at once whether a
        person unparked it, or start again now a runner that failed; False when no runner
        listens to it and none waits to start again."""
        running = self._running.get(name)
        if running is not None:
            running.runner.wake()
            return True
        restart = self._restart_waits.get(name)
        if restart is not None:  # a runner that failed: start it now
            restart.set()
            return True
        return False

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
        """Listen to ``source`` for a bounded time, store what it brought, save its cursor;
        refused while a daemon listens to it."""
        busy = await asyncio.to_thread(self._listened_elsewhere, source.name)
        if busy is not None:
            return busy
        runner = StreamRunner(
            source, get_source_type(source.type), self._setup, brand_queries=queries,
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

    def _listened_elsewhere(self, name: str) -> StreamListenSummary | None:
        # A second connection beside a running daemon's would be refused by X (one per
        # app) and would overwrite the daemon's state row (errors, parking, cursor).
        store = self._setup.store
        health = store.stream_healths().get(name)
        if health is None or health.status is StreamStatus.STOPPED:
            return None
        age_s = (self._setup.clock() - health.updated_at).total_seconds()
        if age_s >= DAEMON_HEALTH_FRESH_S:
            return None  # a daemon that stopped without saying so (killed)
        state = store.load_source_state(name) or SourceState(source=name)
        return StreamListenSummary(
            source=name,
            outcome=PollOutcome.TRANSIENT_ERROR,
            state=state,
            error=(
                f"a running daemon listens to this stream (its health was written {age_s:.0f} s"
                ' ago): use the web app\'s "Reconnect now", or stop the daemon first'
            ),
        )

    async def _reconcile(self, settings: Settings) -> None:
        queries = tuple(brand.query for brand in settings.brands)
        wanted = {
            source.name: runner_key(source, get_source_type(source.type), queries)
            for source in settings.sources
            if source.enabled and source.is_stream
        }
        async with self._lock:
            if not self._active:
                return
            self._wanted = wanted
            changed = [r for name, r in self._running.items() if wanted.get(name) != r.key]
            await self._stop_runners(changed, timeout_s=STOP_TIMEOUT_S)
            for name, key in wanted.items():
                if name not in self._running and self._active:
                    self._start(key)

    def _start(self, key: _Key) -> None:
        source, queries = key
        self._restart_waits.pop(source.name, None)
        try:
            runner = StreamRunner(
                source, get_source_type(source.type), self._setup, brand_queries=queries
            )
        except Exception:  # one source's problem must not keep the others from starting
            log.exception("stream could not be started", extra=fields(source=source.name))
            return
        task = asyncio.create_task(runner.run(), name=f"stream-runner:{source.name}")
        task.add_done_callback(self._ended)
        self._running[source.name] = _Running(runner, task, key, time.monotonic())
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
        # A runner ends only when stopped; anything else is a bug and must be seen, not
        # swallowed by the task. It leaves the running set (``wake`` no longer claims it
        # listens) and starts again after a backoff that grows while it keeps failing.
        if task.cancelled() or task.exception() is None:
            return
        name = task.get_name().removeprefix("stream-runner:")
        running = self._running.get(name)
        if running is None or running.task is not task:
            return
        del self._running[name]
        lasted_s = time.monotonic() - running.started_at
        failures = 1 if lasted_s >= RESTART_HEALTHY_AFTER_S else self._failures.get(name, 0) + 1
        self._failures[name] = failures
        delay_s = min(RESTART_FIRST_S * 2 ** (failures - 1), RESTART_MAX_S)
        log.error(
            "stream runner failed; starting it again",
            exc_info=task.exception(),
            extra=fields(source=name, failures=failures, retry_in_s=delay_s),
        )
        if self._active:
            self._spawn(self._restart_later(name, running.key, delay_s))

    async def _restart_later(self, name: str, key: _Key, delay_s: float) -> None:
        woken = asyncio.Event()  # set by ``wake``: the web app's "Reconnect now"
        self._restart_waits[name] = woken
        with suppress(TimeoutError):
            async with asyncio.timeout(delay_s):
                await woken.wait()
        async with self._lock:
            # A reload meanwhile may have removed or changed it (and started the new one).
            if self._restart_waits.get(name) is not woken:
                return
            self._restart_waits.pop(name)
            if self._active and name not in self._running and self._wanted.get(name) == key:
                self._start(key)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work, name="streams-reconcile")
        self._changes.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(self._change_ended)

    def _change_ended(self, task: asyncio.Task[None]) -> None:
        self._changes.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error(
                "bringing the streams in step with the settings failed",
                exc_info=task.exception(),
            )
