"""The tick's share of the Elasticsearch engine: sending what the index outbox holds.

Each write already sends its own mentions (``ElasticStore``); this sends what those sends
could not (the cluster was away or busy) and what piled up meanwhile. After a failed send it
waits, doubling from ``FIRST_WAIT`` to ``LONGEST_WAIT``, so a cluster that is down costs one
attempt per wait, not one per 2 s tick. The metrics say how far behind the index is:
``listener_index_pending`` (mentions not yet acknowledged), ``listener_index_rejected_total``
(documents the cluster refused for good, parked with the reason) and
``listener_index_send_failures_total`` (sends that failed and will be tried again).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from prometheus_client import Counter, Gauge

from listener.logs import fields
from listener.metrics import Metrics
from listener.store.elasticsearch.store import ElasticStore
from listener.store.elasticsearch.watch import watch_once

log = logging.getLogger("listener.service.daemon")

FIRST_WAIT = timedelta(seconds=5)
LONGEST_WAIT = timedelta(minutes=5)
# Bulk requests per tick: a backlog of hours goes in steps, without holding the tick long.
BATCHES_PER_TICK = 20
# How often the daemon asks whether the cluster still holds listener's template and indices
# (three small requests): a cluster restarted empty is repaired within this
# (listener.store.elasticsearch.watch).
WATCH_EVERY = timedelta(seconds=30)


class IndexUpkeep:
    def __init__(self, store: ElasticStore, *, metrics: Metrics | None = None) -> None:
        self._store = store
        self._next_at: datetime | None = None
        self._wait = FIRST_WAIT
        self._counted = (0, 0)  # the store's (rejected, failures) already added to counters
        self._watch_at: datetime | None = None
        self._watching: asyncio.Task[None] | None = None
        if metrics is None:
            self._pending: Gauge | None = None
            self._rejected: Counter | None = None
            self._failures: Counter | None = None
            return
        self._pending = Gauge(
            "listener_index_pending",
            "Mentions written locally that the shared index has not acknowledged yet",
            registry=metrics.registry,
        )
        self._rejected = Counter(
            "listener_index_rejected",
            "Mention documents the cluster refused for good (parked in index_rejected)",
            registry=metrics.registry,
        )
        self._failures = Counter(
            "listener_index_send_failures",
            "Sends to the shared index that failed (the mentions stay queued)",
            registry=metrics.registry,
        )

    async def send(self, now: datetime) -> None:
        """Send the queue, unless a failed send asked to wait; then update the metrics.
        Every ``WATCH_EVERY``, look (in the background) whether the cluster lost the indices."""
        self._watch(now)
        if self._next_at is not None and now < self._next_at:
            return
        try:
            report = await asyncio.to_thread(self._store.drain_index, max_batches=BATCHES_PER_TICK)
            error = report.error
        except Exception as exc:  # the index must never stop the tick's polls and alerts
            log.exception("sending the index outbox failed")
            error = f"{type(exc).__name__}: {exc}"
        if error is None:
            self._next_at, self._wait = None, FIRST_WAIT
        else:
            self._next_at = now + self._wait
            log.info(
                "the shared index is behind; trying again later",
                extra=fields(wait_seconds=int(self._wait.total_seconds()), reason=error),
            )
            self._wait = min(self._wait * 2, LONGEST_WAIT)
        await asyncio.to_thread(self._count)

    def _watch(self, now: datetime) -> None:
        # In the background: a repair re-sends every mention of this daemon, which must not
        # hold the tick's polls and alerts for its length.
        if self._watching is not None and not self._watching.done():
            return
        if self._watch_at is not None and now < self._watch_at:
            return
        self._watch_at = now + WATCH_EVERY
        self._watching = asyncio.create_task(asyncio.to_thread(self._look))

    def _look(self) -> None:
        try:
            watch_once(self._store, self._store.cluster)
        except Exception:  # a failed repair is tried again at the next look
            log.exception("putting the shared index back failed; trying again later")
            self._watch_at = None

    async def settle(self) -> None:
        """Wait for a look (and repair) under way: for a daemon's shutdown and for tests."""
        if self._watching is not None:
            await self._watching

    def _count(self) -> None:
        if self._pending is None or self._rejected is None or self._failures is None:
            return
        self._pending.set(self._store.index_pending())
        rejected, failures = self._store.index_counters()
        self._rejected.inc(rejected - self._counted[0])
        self._failures.inc(failures - self._counted[1])
        self._counted = (rejected, failures)
