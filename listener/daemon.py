"""The long-running service: a scheduler tick that starts due polls, and a clean shutdown.

Which source is due is data (each source's persisted ``next_check_at``), not a timer per
source: an APScheduler interval job ticks every few seconds, reads the states, and starts
a poll task for each due source, at most ``scheduler.concurrency`` at a time. A slow or
failing source holds only its own task, so it never delays another.

Each tick first checks whether ``settings.yaml`` changed (see ``listener.reload``).
On SIGINT/SIGTERM the tick stops, polls that are already fetching or storing finish (up to
a grace period), queued ones are not started, and the store is closed.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import httpx
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from listener import __version__
from listener.clock import Clock, utcnow
from listener.config import Settings, SourceSettings
from listener.logs import fields
from listener.metrics import Metrics
from listener.pipeline import Pipeline
from listener.reload import SettingsWatcher
from listener.runner import PollSummary, SourceRunner
from listener.scheduler import is_due
from listener.sources.http import DEFAULT_USER_AGENT, build_client
from listener.store import SQLiteStore, open_store

log = logging.getLogger("listener.daemon")

TICK_SECONDS = 2.0
DRAIN_TIMEOUT_S = 30.0
HASH_PRUNE_EVERY = timedelta(hours=1)


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
        if settings.storage.sqlite is None:
            raise ValueError(
                "storage.sqlite must be set: it keeps source state even with Elasticsearch"
            )
        self.store: SQLiteStore = open_store(settings.storage.sqlite)
        self._http = http or build_client(
            timeout_s=settings.scheduler.http_timeout.total_seconds(),
            user_agent=settings.scheduler.user_agent or DEFAULT_USER_AGENT,
        )
        self._in_flight: dict[str, asyncio.Task[PollSummary | None]] = {}
        self._stopping = False
        self._hashes_pruned_at: datetime | None = None
        self._watcher = SettingsWatcher(settings)
        self._apply(settings)

    def _apply(self, settings: Settings) -> None:
        """Make ``settings`` the running ones: brands, sources, schedule and pipeline."""
        self.settings = settings
        self.runner = SourceRunner(
            scheduler=settings.scheduler,
            store=self.store,
            pipeline=Pipeline(settings, self.store, clock=self._clock),
            http=self._http,
            metrics=self.metrics,
            clock=self._clock,
            rng=self._rng,
        )
        # Polls under way keep the semaphore they hold; new ones use the new limit.
        self._slots = asyncio.Semaphore(settings.scheduler.concurrency)

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

    async def poll_once(self, names: Sequence[str] | None = None) -> list[PollSummary]:
        """Poll the named sources (default: every enabled one) now, parked ones included."""
        chosen = [s for s in self.settings.sources if (s.name in names if names else s.enabled)]
        return list(await asyncio.gather(*(self._poll_in_slot(s) for s in chosen)))

    async def tick(self) -> None:
        """Start a poll for every enabled source that is due and not already running."""
        if self._stopping:
            return
        await self.reload_if_changed()
        now = self._clock()
        await self._forget_old_hashes(now)
        states = {s.source: s for s in await asyncio.to_thread(self.store.source_states)}
        for source in self.settings.sources:
            if not source.enabled or source.name in self._in_flight:
                continue
            state = states.get(source.name)
            due = is_due(
                state.next_check_at if state else None,
                parked=bool(state and state.parked_reason),
                now=now,
            )
            if due:
                task = asyncio.create_task(self._scheduled_poll(source), name=f"poll:{source.name}")
                self._in_flight[source.name] = task
                task.add_done_callback(self._forget_task)

    async def _forget_old_hashes(self, now: datetime) -> None:
        # The duplicate-content table only needs the dedupe window; prune it hourly so it
        # stays bounded however long the daemon runs.
        if self._hashes_pruned_at and now - self._hashes_pruned_at < HASH_PRUNE_EVERY:
            return
        self._hashes_pruned_at = now
        before = now - self.settings.pipeline.dedupe_window
        await asyncio.to_thread(self.store.forget_content_hashes, before)

    def _forget_task(self, task: asyncio.Task[PollSummary | None]) -> None:
        self._in_flight.pop(task.get_name().removeprefix("poll:"), None)

    async def _poll_in_slot(self, source: SourceSettings) -> PollSummary:
        async with self._slots:
            return await self.runner.poll(source)

    async def _scheduled_poll(self, source: SourceSettings) -> PollSummary | None:
        async with self._slots:
            if self._stopping:  # queued behind the concurrency limit when shutdown began
                return None
            return await self.runner.poll(source)

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
            scheduler.shutdown(wait=False)
            await self.drain()
            await self.close()
            log.info("listener stopped")

    async def wait_for_polls(
        self, timeout_s: float | None = None
    ) -> set[asyncio.Task[PollSummary | None]]:
        """Wait for the polls running or queued; return those unfinished at the timeout."""
        tasks = list(self._in_flight.values())
        if not tasks:
            return set()
        _done, pending = await asyncio.wait(tasks, timeout=timeout_s)
        return pending

    async def drain(self) -> None:
        """Start no more polls; let those under way finish (up to ``DRAIN_TIMEOUT_S``)."""
        self._stopping = True
        if self._in_flight:
            log.info("finishing polls in flight", extra=fields(polls=len(self._in_flight)))
        pending = await self.wait_for_polls(DRAIN_TIMEOUT_S)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
            log.warning("polls cancelled at shutdown", extra=fields(polls=len(pending)))

    async def close(self) -> None:
        await self._http.aclose()
        self.store.close()
