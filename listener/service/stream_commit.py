"""Storing one batch of a stream: screen → enrich → pipeline → cursor.

The brand screen runs on every item (a firehose's posts are nearly all about something
else) and ``enrich`` only on what passed it, so the costly lookups are made for the few
posts that may be mentions. The cursor moves to the batch's last position only after its
items are stored: a crash in between replays the batch, and the pipeline stores each post
once by its native id.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from listener.config.settings import SourceSettings
from listener.logs import fields
from listener.models import Mention, RawItem, StreamStatus
from listener.pipeline.types import BatchReport, DropReason
from listener.redaction import redact
from listener.service.runner import PROCESS_BATCH
from listener.service.stream_batch import PendingBatch
from listener.service.stream_records import StreamRecords
from listener.service.stream_setup import StreamSetup
from listener.sources.base import SourceType
from listener.sources.streaming import StreamContext

log = logging.getLogger("listener.service.streams")

# A firehose with nothing for us still moves its cursor: saved this often, not per batch.
POSITION_SAVE_S = 5.0
# Enrichment asks the network (handles, follower counts); it must not hold a batch back.
ENRICH_TIMEOUT_S = 10.0


@dataclass
class BatchTotals:
    """What a runner's batches did since it started, as counts: a daemon's runner lives for
    weeks. Only a bounded listen (``listener poll --once``, which prints them) also keeps
    the stored mentions (``keeps_mentions``)."""

    fetched: int = 0
    stored: int = 0
    dropped: Counter[DropReason] = field(default_factory=Counter)
    updated: int = 0
    tombstoned: int = 0
    keeps_mentions: bool = False
    mentions: list[Mention] = field(default_factory=list)

    def add(self, fetched: int, report: BatchReport) -> None:
        self.fetched += fetched
        self.stored += len(report.stored)
        self.dropped.update(report.dropped)
        self.updated += report.updated
        self.tombstoned += report.tombstoned
        if self.keeps_mentions:
            self.mentions.extend(report.stored)


class BatchCommitter:
    def __init__(
        self,
        source: SourceSettings,
        source_type: SourceType,
        setup: StreamSetup,
        records: StreamRecords,
        context: StreamContext[Any],
    ) -> None:
        self._source = source
        self._type = source_type
        self._setup = setup
        self._records = records
        self._context = context
        self.totals = BatchTotals()

    async def commit(self, batch: PendingBatch) -> None:
        """Store ``batch``'s items and then its position; raises when the store fails."""
        pipeline = self._setup.pipeline()
        name = self._source.name
        report = BatchReport(received=len(batch.items))
        screened: list[RawItem] = []
        if batch.items:
            screened = await asyncio.to_thread(pipeline.screen, batch.items)
            report.drop(DropReason.NOT_MATCHED, len(batch.items) - len(screened))
            if screened and self._type.enrich is not None:
                screened = await self._enrich(screened)
        for start in range(0, len(screened), PROCESS_BATCH):
            part = await asyncio.to_thread(
                pipeline.process, name, self._source.type, screened[start : start + PROCESS_BATCH]
            )
            if part.stored and self._setup.on_committed is not None:
                self._setup.on_committed()
            report.stored.extend(part.stored)
            report.dropped.update(part.dropped)
            report.updated += part.updated
            report.tombstoned += part.tombstoned
        records = self._records
        state, now = records.state, self._setup.clock()
        # Items read on the open connection and stored: the stream works, whatever failed
        # before. (A batch read before a drop and stored during the backoff proves nothing.)
        working = bool(batch.items) and records.health.status is StreamStatus.CONNECTED
        records.state = replace(
            state,
            cursor=batch.position if batch.position is not None else state.cursor,
            items_total=state.items_total + len(report.stored),
            last_new_items=len(report.stored) if report.stored else state.last_new_items,
            last_success_at=now if batch.items else state.last_success_at,
            error_count=0 if working else state.error_count,
            last_error=None if working else state.last_error,
        )
        if screened or time.monotonic() - records.saved_at >= POSITION_SAVE_S:
            await records.save()
        else:
            records.dirty = True  # saved with the next batch, at the latest when stopping
        if batch.items:
            self._count(batch, report)

    def _count(self, batch: PendingBatch, report: BatchReport) -> None:
        metrics, name = self._setup.metrics, self._source.name
        # A batch that reached the pipeline is a stream's "poll": the same counters as a
        # polled source's, so dashboards add them up.
        metrics.polls.labels(name, "ok").inc()
        metrics.items_fetched.labels(name).inc(len(batch.items))
        metrics.mentions_stored.labels(name).inc(len(report.stored))
        metrics.mentions_updated.labels(name).inc(report.updated)
        metrics.mentions_tombstoned.labels(name).inc(report.tombstoned)
        for reason, count in report.dropped.items():
            metrics.dropped.labels(name, reason.value).inc(count)
        if batch.first_item_at is not None:
            metrics.stream_batch_duration.labels(name).observe(
                time.monotonic() - batch.first_item_at
            )
        self.totals.add(len(batch.items), report)

    async def _enrich(self, items: list[RawItem]) -> list[RawItem]:
        enrich = self._type.enrich
        if enrich is None:
            return items
        try:
            async with asyncio.timeout(ENRICH_TIMEOUT_S):
                return list(await enrich(self._context, items))
        except Exception as error:  # the items matter more than their authors' handles
            log.warning(
                "enriching a stream batch failed; storing it as read",
                extra=fields(
                    source=self._source.name, error=redact(f"{type(error).__name__}: {error}")
                ),
            )
            return items
