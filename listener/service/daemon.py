"""The long-running service: a scheduler tick that starts due polls, and a clean shutdown.

Which source is due is data (each source's persisted ``next_check_at``), not a timer per
source: an APScheduler interval job ticks every few seconds, reads the states, and starts
a poll task for each due source, longest-waiting first, at most ``scheduler.concurrency``
at a time. A slow or failing source holds only its own task, so it never delays another.

Each tick first checks whether ``settings.yaml`` changed (see ``listener.config.reload``), and
every ``judgments.learning.retrain_every`` whether people labelled mentions since the brands'
complaint models were trained (see ``listener.judging.training``).
Between ticks the daemon wakes on its own when a source falls due before the next tick,
and a poll that stored mentions wakes the outbox sender at once: its alerts were committed
with them, so they need not wait for a tick (alerts within ``interval`` + about a second
of a post appearing).

On SIGINT/SIGTERM the tick stops, polls that are already fetching or storing finish (up to
a grace period of ``DRAIN_TIMEOUT_S``; after it a poll stops at its next batch, unsaved,
so the rest is read at the next start), and the store is closed.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Coroutine, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from alerts.outbox_watch import watch_store
from alerts.service import Alerting
from listener import __version__
from listener.clock import Clock, utcnow
from listener.config.engine import open_configured_store
from listener.config.reload import SettingsWatcher
from listener.config.settings import Settings, SourceSettings
from listener.logs import fields
from listener.metrics import Metrics
from listener.pipeline.run import Pipeline
from listener.service.people import sync_settings_people
from listener.service.runner import PollSummary, SourceRunner
from listener.service.scheduler import is_due
from listener.service.stream_setup import StreamSetup
from listener.service.stream_supervisor import StreamSupervisor
from listener.service.upkeep import Upkeep
from listener.service.vetting import settings_problems
from listener.sources.http import DEFAULT_USER_AGENT, build_client
from listener.store import SQLiteStore

log = logging.getLogger("listener.service.daemon")

TICK_SECONDS = 2.0
# Stopping takes at most these two plus one pipeline batch: service managers escalate to
# SIGKILL (systemd after 90 s, Docker after 10 s), and nothing is lost by stopping early.
DRAIN_TIMEOUT_S = 3.0
ALERTS_DRAIN_TIMEOUT_S = 1.0


class Daemon:
    """Owns the store, the HTTP client and the runner for one settings file."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock = utcnow,
        http: httpx.AsyncClient | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.metrics = Metrics()
        self._clock = clock
        self._rng = rng
        self.store: SQLiteStore = open_configured_store(settings.storage)
        sync_settings_people(self.store, settings)
        self._http = http or build_client(
            timeout_s=settings.scheduler.http_timeout.total_seconds(),
            user_agent=settings.scheduler.user_agent or DEFAULT_USER_AGENT,
        )
        self._in_flight: dict[str, asyncio.Task[PollSummary]] = {}
        self._stopping = False
        # An edit that `listener check` would refuse is refused here too, the running
        # settings kept (a saved: rule naming a search nobody saved would raise nothing; an
        # extra that is not installed would stop the judge from being built).
        self._watcher = SettingsWatcher(settings, vet=settings_problems)
        self.settings = settings
        self._upkeep = Upkeep(self.store, settings, metrics=self.metrics)
        self.alerting = Alerting(
            settings, self.store, http=self._http, clock=clock, metrics=self.metrics
        )
        self._alerting_task: asyncio.Task[None] | None = None
        self._flush_wanted = False
        self._tick_lock = asyncio.Lock()
        self._wake: asyncio.TimerHandle | None = None
        self._ticks: set[asyncio.Task[None]] = set()
        self._last_tick_at: datetime | None = None  # the web app's /readyz asks
        # Wake-ups between ticks belong to ``run``; a caller driving ``tick`` itself (a
        # test, with a settable clock) gets exactly the ticks it asks for.
        self._running = False
        pipeline = Pipeline(settings, self.store, clock=clock, on_stored=self.alerting.on_stored)
        pipeline.use_models(self._upkeep.models)
        self._pipeline = pipeline
        self.runner = SourceRunner(
            scheduler=settings.scheduler, store=self.store, pipeline=pipeline, http=self._http,
            metrics=self.metrics, clock=clock, rng=rng, on_committed=self._batch_committed,
        )  # fmt: skip
        # Stream sources listen all the time, each in a runner of its own, beside the polls.
        setup = StreamSetup(
            store=self.store, http=self._http, metrics=self.metrics,
            pipeline=lambda: self._pipeline, clock=clock, rng=rng or random.Random(),
            on_committed=self._batch_committed,
            max_response_bytes=settings.scheduler.max_response_bytes,
        )  # fmt: skip
        self.streams = StreamSupervisor(setup)

    def _apply(self, settings: Settings) -> None:
        """Make ``settings`` the running ones: brands, sources, schedule and pipeline."""
        self.settings = settings
        sync_settings_people(self.store, settings)
        self.alerting.reconfigure(settings)
        pipeline = Pipeline(
            settings, self.store, clock=self._clock, on_stored=self.alerting.on_stored
        )
        pipeline.use_models(self._upkeep.models)
        self._pipeline = pipeline
        self.runner.reconfigure(scheduler=settings.scheduler, pipeline=pipeline)
        self.streams.apply(settings)

    def request_reload(self) -> None:
        """Re-read the settings file at the next tick (wired to SIGHUP)."""
        self._watcher.request_reload()

    async def reload_if_changed(self) -> bool:
        """Apply an edited settings file; ``True`` when new settings took effect."""
        if not self._watcher.changed():
            return False
        fresh = await asyncio.to_thread(self._watcher.load, self.settings)
        if fresh is None:
            return False
        self._apply(fresh)
        return True

    async def poll_once(
        self, names: Sequence[str] | None = None, *, listen_s: float = 10.0
    ) -> list[PollSummary]:
        """Poll the named sources (default: every enabled one) now, parked ones included;
        a stream is listened to until it has caught up, for ``listen_s`` at most."""
        chosen = [s for s in self.settings.sources if (s.name in names if names else s.enabled)]
        slots = asyncio.Semaphore(self.settings.scheduler.concurrency)

        async def in_slot(source: SourceSettings) -> PollSummary:
            async with slots:
                if source.is_stream:
                    queries = tuple(brand.query for brand in self.settings.brands)
                    return await self.streams.listen_once(source, queries, listen_s)
                return await self.runner.poll(source)

        summaries = list(await asyncio.gather(*(in_slot(s) for s in chosen)))
        # One command takes a mention all the way to the channels: the time-based rules
        # look once, then everything due is sent (retries due later wait for the daemon).
        try:
            await self.alerting.evaluate()
        except Exception:
            log.exception("alert rules failed")
        await self.alerting.flush_until_idle()
        return summaries

    async def tick(self) -> None:
        """Start polls for due sources, longest-waiting first, up to the concurrency limit."""
        # A wake-up and the interval tick may come together; one at a time, or both could
        # start the same due source.
        async with self._tick_lock:
            await self._tick()

    async def _tick(self) -> None:
        if self._stopping:
            return
        self._last_tick_at = self._clock()
        try:
            await self.reload_if_changed()
            now = self._clock()
            await self._upkeep.forget_old_hashes(now, self.settings)
            await self._upkeep.prune_retention(now, self.settings)
            await self._upkeep.send_index_queue(now)
            if await self._upkeep.retrain_models(now, self.settings):
                self._pipeline.use_models(self._upkeep.models)
        except Exception:  # the database may be locked or full; the next tick tries again
            log.exception("tick failed")
            return
        self._alert_work()
        await self._start_due(now)

    async def _start_due(self, now: datetime) -> None:
        """Start the due polls there are slots for, and wake for a check due before the
        next tick."""
        try:
            due, next_due = await self._due_sources(now)
        except Exception:  # the database may be locked or full; the next tick tries again
            log.exception("tick failed")
            return
        self._wake_for(next_due, now)
        # Counting running polls here (rather than a semaphore) keeps the limit exact across
        # reloads and leaves nothing queued to cancel at shutdown.
        free = self.settings.scheduler.concurrency - len(self._in_flight)
        for source in due[: max(free, 0)]:
            task = asyncio.create_task(self.runner.poll(source), name=f"poll:{source.name}")
            self._in_flight[source.name] = task
            task.add_done_callback(self._forget_task)

    def last_tick_at(self) -> datetime | None:
        """When the scheduler last ticked (None before the first tick); ``Operations``."""
        return self._last_tick_at

    def request_poll(self, source: str) -> bool:
        """Poll ``source`` at the next chance (the web app's "poll now"); False when no such
        source is configured. Called on the daemon's event loop.

        Which source is due is data: its next check becomes now in the store, so the request
        survives a restart, and a look at the due sources starts it if a slot is free. A
        stream listens already: it reconnects now if it was waiting out a backoff, or looks
        now whether a person unparked it.
        """
        if not any(s.name == source for s in self.settings.sources):
            return False
        if self.streams.wake(source):
            return True
        if self._running and not self._stopping:
            self._spawn(self._poll_requested(source), f"poll-now:{source}")
        return True

    async def _poll_requested(self, source: str) -> None:
        now = self._clock()
        await asyncio.to_thread(self.store.make_source_due, source, now)
        await self._poll_ended()

    async def _poll_ended(self) -> None:
        async with self._tick_lock:
            if not self._stopping:
                await self._start_due(self._clock())

    async def _due_sources(self, now: datetime) -> tuple[list[SourceSettings], datetime | None]:
        """The due sources, longest-waiting first, and the earliest check still to come."""
        stored = {s.source: s for s in await asyncio.to_thread(self.store.source_states)}
        waiting: list[tuple[datetime, SourceSettings]] = []
        upcoming: list[datetime] = []
        for source in self.settings.sources:
            if not source.enabled or source.is_stream or source.name in self._in_flight:
                continue
            state = self.runner.unsaved.get(source.name) or stored.get(source.name)
            next_check = state.next_check_at if state else None
            parked = bool(state and state.parked_reason)
            if is_due(next_check, parked=parked, now=now):
                waiting.append((next_check or datetime.min.replace(tzinfo=UTC), source))
            elif next_check is not None and not parked:
                upcoming.append(next_check)
        waiting.sort(key=lambda pair: pair[0])
        return [source for _, source in waiting], min(upcoming, default=None)

    def _wake_for(self, next_due: datetime | None, now: datetime) -> None:
        # The interval tick alone would start a poll up to a tick late; a timer for the one
        # check due before the next tick starts it on time. Later ones are the tick's.
        if next_due is None or not self._running:
            return
        delay_s = (next_due - now).total_seconds()
        if delay_s >= TICK_SECONDS:
            return
        if self._wake is not None:
            self._wake.cancel()
        self._wake = asyncio.get_running_loop().call_later(max(delay_s, 0.0), self._tick_now)

    def _tick_now(self) -> None:
        if self._stopping:
            return
        self._spawn(self.tick(), "tick")

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._ticks.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(self._ticks.discard)

    def _alert_work(self) -> None:
        # In a task of its own: a channel timing out must not hold up polling. At most one
        # runs at a time, so the outbox is never sent by two flushes at once; a call while
        # one runs makes it flush once more when done, for rows committed after it read.
        self._flush_wanted = True
        if self._alerting_task is not None and not self._alerting_task.done():
            return

        async def work() -> None:
            try:
                await self.alerting.evaluate_if_due()
            except Exception:  # logged; the next tick evaluates again
                log.exception("alert rules failed")
            while self._flush_wanted:
                self._flush_wanted = False
                try:
                    await self.alerting.flush()
                except Exception:  # the store failed; rows stay pending for the next tick
                    log.exception("outbox flush failed")

        self._alerting_task = asyncio.create_task(work(), name="alerts")

    def _batch_committed(self) -> None:
        # Mentions and their alerts just committed: send now rather than at the next tick.
        if self._running and not self._stopping:
            self._alert_work()

    def _forget_task(self, task: asyncio.Task[PollSummary]) -> None:
        self._in_flight.pop(task.get_name().removeprefix("poll:"), None)
        if self._running and not self._stopping:
            # A slot is free and this source's next check is known: look again now. Only
            # the scheduling part of a tick: the reload check, housekeeping and the rules
            # are the interval tick's (a poll that stored mentions already woke the sender).
            self._spawn(self._poll_ended(), "poll-ended")

    async def run(self, stop: asyncio.Event) -> None:
        """Tick until ``stop`` is set, then drain and close."""
        scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone=UTC)
        scheduler.add_job(
            self.tick,
            "interval",
            seconds=TICK_SECONDS,
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
            id="tick",
        )
        scheduler.start()
        self._running = True
        self.streams.start(self.settings)
        # Outbox rows queued by another process (`alerts outbox retry`, `poll --once`) are
        # sent within a fraction of a second, not at the next tick (alerts.outbox_watch).
        watching = asyncio.create_task(
            watch_store(self.store.path, self._batch_committed), name="outbox-watch"
        )
        log.info(
            "listener started",
            extra=fields(
                version=__version__,
                config=str(self.settings.config_path),
                sources=len([s for s in self.settings.sources if s.enabled]),
                store=str(self.settings.storage.sqlite),
            ),
        )
        try:
            await stop.wait()
        finally:
            watching.cancel()
            scheduler.shutdown(wait=False)
            await self.drain()
            await self.close()
            log.info("listener stopped")

    @property
    def polls_in_flight(self) -> list[str]:
        """Names of the sources being polled right now."""
        return sorted(self._in_flight)

    async def wait_for_polls(
        self, timeout_s: float | None = None
    ) -> set[asyncio.Task[PollSummary]]:
        """Wait for the polls under way; return those unfinished at the timeout."""
        tasks = list(self._in_flight.values())
        if not tasks:
            return set()
        _done, pending = await asyncio.wait(tasks, timeout=timeout_s)
        return pending

    async def drain(self) -> None:
        """Start no more polls; let those under way finish (up to ``DRAIN_TIMEOUT_S``)."""
        self._stopping = True
        if self._wake is not None:
            self._wake.cancel()
        if self._in_flight:
            log.info("finishing polls in flight", extra=fields(polls=len(self._in_flight)))
        # Streams stop reading at once; a batch being stored has the same grace as a poll.
        pending, _ = await asyncio.gather(
            self.wait_for_polls(DRAIN_TIMEOUT_S), self.streams.stop(DRAIN_TIMEOUT_S)
        )
        # A poll cancelled here stops at its next pipeline batch with its fetch state
        # unsaved: the batches it did not store are read again at the next start.
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
            log.warning("polls cancelled at shutdown", extra=fields(polls=len(pending)))
        if self._alerting_task is not None and not self._alerting_task.done():
            # A delivery cut off here is sent again after the restart (its row is still
            # pending), so waiting is a courtesy, not a correctness need.
            _done, unfinished = await asyncio.wait(
                [self._alerting_task], timeout=ALERTS_DRAIN_TIMEOUT_S
            )
            for flush in unfinished:
                flush.cancel()

    async def close(self) -> None:
        await self._http.aclose()
        self.store.close()
