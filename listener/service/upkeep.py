"""The tick's housekeeping: the duplicate-content table and the near-copy fingerprints pruned
to the dedupe window, mentions past ``storage.retention`` pruned daily, and the brands'
complaint models retrained and reloaded when people labelled mentions since.

Each looks at the clock they are given and act at most once per period, so the daemon can
call them on every tick (2 s) at the cost of a comparison.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from prometheus_client import Counter

from listener.config.settings import Settings
from listener.judging.learning import ComplaintModel
from listener.judging.training import load_models, retrain_brands
from listener.logs import fields
from listener.metrics import Metrics
from listener.service.index_upkeep import IndexUpkeep
from listener.store import SQLiteStore
from listener.store.elasticsearch.store import ElasticStore

log = logging.getLogger("listener.service.daemon")

HASH_PRUNE_EVERY = timedelta(hours=1)
RETENTION_EVERY = timedelta(days=1)


class Upkeep:
    def __init__(
        self, store: SQLiteStore, settings: Settings, *, metrics: Metrics | None = None
    ) -> None:
        self._store = store
        self._retention_at: datetime | None = None
        self._pruned = (
            None
            if metrics is None
            else Counter(
                "listener_retention_pruned",
                "Mentions pruned past storage.retention (tombstoned, rollup counts kept)",
                registry=metrics.registry,
            )
        )
        self._hashes_pruned_at: datetime | None = None
        self._models_checked_at: datetime | None = None
        self.models: dict[str, ComplaintModel] = load_models(store, settings)
        self._index = (
            IndexUpkeep(store, metrics=metrics) if isinstance(store, ElasticStore) else None
        )

    async def send_index_queue(self, now: datetime) -> None:
        """On the Elasticsearch engine, send what the index outbox still holds
        (listener.service.index_upkeep); nothing on the embedded engine."""
        if self._index is not None:
            await self._index.send(now)

    async def forget_old_hashes(self, now: datetime, settings: Settings) -> None:
        # The duplicate-content table only needs the dedupe window; prune it hourly so it
        # stays bounded however long the daemon runs.
        if self._hashes_pruned_at and now - self._hashes_pruned_at < HASH_PRUNE_EVERY:
            return
        self._hashes_pruned_at = now
        before = now - settings.pipeline.dedupe_window
        await asyncio.to_thread(self._store.forget_content_hashes, before)
        await self.forget_old_prints(before)

    async def forget_old_prints(self, before: datetime) -> int:
        """Drop the near-copy fingerprints seen before ``before``: a near-copy is looked for
        within the dedupe window only, as an exact copy is (their mentions and ``copy_of``
        stay). Runs with the hashes' hourly pruning."""
        return await asyncio.to_thread(self._store.forget_near_prints, before)

    async def prune_retention(self, now: datetime, settings: Settings) -> int:
        """Prune the mentions published before ``now - storage.retention``: at most once a
        day, the first on the first tick after start; in batches, so the writer is never
        held long. Returns how many went."""
        retention = settings.storage.retention
        if retention is None:
            return 0
        if self._retention_at and now - self._retention_at < RETENTION_EVERY:
            return 0
        self._retention_at = now
        report = await asyncio.to_thread(self._store.prune_published_before, now - retention)
        pruned = report.counts.get("mentions", 0)
        if self._pruned is not None:
            self._pruned.inc(pruned)
        if report.counts:
            log.info(
                "retention pruned",
                extra=fields(retention_days=retention.days, audit_id=report.audit_id,
                             **report.counts),
            )  # fmt: skip
        return pruned

    async def retrain_models(self, now: datetime, settings: Settings) -> bool:
        """True when the models changed (``self.models`` holds the new ones)."""
        # Labels may come from the CLI in another process (which trains at once) or, later,
        # from the inbox: either way the daemon picks up new models within one period.
        every = settings.judgments.learning.retrain_every
        if self._models_checked_at and now - self._models_checked_at < every:
            return False
        self._models_checked_at = now
        await asyncio.to_thread(retrain_brands, self._store, settings, only_changed=True)
        models = await asyncio.to_thread(load_models, self._store, settings)
        if _fingerprint(models) == _fingerprint(self.models):
            return False
        self.models = models
        log.info("complaint models loaded", extra=fields(brands=",".join(sorted(models))))
        return True


def _fingerprint(models: dict[str, ComplaintModel]) -> dict[str, tuple[int, int, float]]:
    return {brand: (m.labels, m.positives, m.intercept) for brand, m in models.items()}
