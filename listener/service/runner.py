"""Polling one source once: fetch, run the pipeline, persist the new fetch state.

The order matters for "nothing lost": validators and cursors are saved only after the
items they cover are stored, so a crash in between re-fetches rather than skips.
Every attempt — success or failure — writes the source's state back, so errors,
backoff and the next check are visible (``listener sources``) and survive a restart.
A poll never moves a stored next check that is still ahead later (``listener poll --once``
beside a running daemon, see ``listener.service.scheduler``): the daemon's check stays.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

import httpx

from listener.clock import Clock, utcnow
from listener.config.settings import SchedulerSettings, SourceSettings
from listener.logs import fields
from listener.metrics import Metrics
from listener.models import Mention, RawItem, SourceState
from listener.pipeline.run import Pipeline
from listener.pipeline.types import BatchReport, DropReason
from listener.redaction import redact
from listener.service.scheduler import (
    SchedulePolicy,
    next_check_after_failure,
    next_check_after_success,
)
from listener.sources.base import PollContext, PollResult
from listener.sources.errors import PermanentError, RateLimited, SourceError, TransientError
from listener.sources.registry import get_source_type
from listener.store.elasticsearch.claims import ClaimError

log = logging.getLogger("listener.service.runner")

# Items per pipeline transaction. Small enough that one batch is judged and stored in well
# under a second (a stopping daemon waits for at most one), large enough that the commit
# cost is shared.
PROCESS_BATCH = 250


class PollOutcome(StrEnum):
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    TRANSIENT_ERROR = "transient_error"
    RATE_LIMITED = "rate_limited"
    PARKED = "parked"


@dataclass(frozen=True)
class PollSummary:
    """What one poll of one source did, for the CLI and the logs."""

    source: str
    outcome: PollOutcome
    state: SourceState
    fetched: int = 0
    stored: list[Mention] = field(default_factory=list)
    dropped: dict[DropReason, int] = field(default_factory=dict)
    updated: int = 0  # stored mentions revised by an edit at the source
    tombstoned: int = 0  # stored mentions whose post was deleted at the source
    problems: tuple[str, ...] = ()
    error: str | None = None
    duration_s: float = 0.0


class StateStore(Protocol):
    def load_source_state(self, name: str) -> SourceState | None: ...
    def save_source_state(self, state: SourceState) -> None: ...


def schedule_policy(source: SourceSettings, scheduler: SchedulerSettings) -> SchedulePolicy:
    return SchedulePolicy(
        interval=source.expected_interval,
        jitter=scheduler.jitter,
        backoff_base=scheduler.backoff_base,
        backoff_max=scheduler.backoff_max,
        max_interval=scheduler.max_interval,
    )


class SourceRunner:
    def __init__(
        self,
        *,
        scheduler: SchedulerSettings,
        store: StateStore,
        pipeline: Pipeline,
        http: httpx.AsyncClient,
        metrics: Metrics,
        clock: Clock = utcnow,
        rng: random.Random | None = None,
        on_committed: Callable[[], None] | None = None,
    ) -> None:
        """``on_committed`` is called after each pipeline batch that stored mentions: their
        alerts are committed with them, ready to send."""
        self._scheduler = scheduler
        self._on_committed = on_committed
        self._store = store
        self._pipeline = pipeline
        self._http = http
        self._metrics = metrics
        self._clock = clock
        self._rng = rng or random.Random()
        self._reported_problems: set[tuple[str, str]] = set()
        # States whose save failed (disk full, database locked by another process): kept
        # here so the schedule still holds and a failing save cannot turn into a poll loop.
        self.unsaved: dict[str, SourceState] = {}

    def reconfigure(self, *, scheduler: SchedulerSettings, pipeline: Pipeline) -> None:
        """Use new settings from now on (a reload); what was logged once stays logged once."""
        self._scheduler = scheduler
        self._pipeline = pipeline

    async def poll(self, source: SourceSettings) -> PollSummary:
        """Poll ``source`` once, whatever its schedule says (parked sources included)."""
        started = time.monotonic()
        started_at = self._clock()
        state = self.unsaved.get(source.name) or SourceState(source=source.name)
        timeout_s = self._scheduler.poll_timeout.total_seconds()
        try:
            if source.name not in self.unsaved:
                stored_state = await asyncio.to_thread(self._store.load_source_state, source.name)
                state = stored_state or state
            try:
                # A hung source must not hold its concurrency slot forever.
                poll = get_source_type(source.type).poll
                if poll is None:
                    raise PermanentError(f"{source.type} is a stream source; it is not polled")
                async with asyncio.timeout(timeout_s):
                    result = await poll(self._context(source), state)
            except TimeoutError:
                raise TransientError(f"poll took longer than {timeout_s:g} s; abandoned") from None
            report = await self._process(source, result.items)
        except SourceError as error:
            summary = self._failed(source, state, error, time.monotonic() - started)
        except ClaimError as error:
            # The cluster away or refusing the dedupe claims is a documented, passing state,
            # not a bug: the batch is not stored and is read again at the next poll.
            transient = TransientError(str(error))
            summary = self._failed(source, state, transient, time.monotonic() - started)
        except Exception as error:  # a bug in a source or the store must not stop the daemon
            log.exception("unexpected error while polling", extra=fields(source=source.name))
            wrapped = TransientError(f"internal error: {type(error).__name__}: {error}")
            summary = self._failed(source, state, wrapped, time.monotonic() - started)
        else:
            duration = time.monotonic() - started
            self._metrics.poll_duration.labels(source.name).observe(duration)
            self._metrics.mentions_updated.labels(source.name).inc(report.updated)
            self._metrics.mentions_tombstoned.labels(source.name).inc(report.tombstoned)
            summary = replace(
                self._succeeded(
                    source, state, result, report.stored, report.dropped, started_at=started_at
                ),
                fetched=report.received,
                updated=report.updated,
                tombstoned=report.tombstoned,
                duration_s=duration,
            )
        await self._save(summary.state)
        return summary

    async def _process(self, source: SourceSettings, items: Sequence[RawItem]) -> BatchReport:
        """Run the pipeline over ``items`` in batches of ``PROCESS_BATCH``: each batch is one
        transaction, so memory and a shutdown's wait are bounded by a batch, not a feed: a
        poll cancelled at shutdown stops at the next boundary, its fetch state unsaved, so
        the batches not stored are read again at the next poll."""
        total = BatchReport(received=len(items))
        for start in range(0, len(items), PROCESS_BATCH) or [0]:
            part = await asyncio.to_thread(
                self._pipeline.process,
                source.name,
                source.type,
                items[start : start + PROCESS_BATCH],
            )
            if part.stored and self._on_committed is not None:
                self._on_committed()
            total.stored.extend(part.stored)
            total.dropped.update(part.dropped)
            total.updated += part.updated
            total.tombstoned += part.tombstoned
        return total

    def _context(self, source: SourceSettings) -> PollContext[Any]:
        return PollContext(
            source=source.name,
            options=source.options,
            http=self._http,
            clock=self._clock,
            log=logging.getLogger(f"listener.sources.{source.type}"),
            max_response_bytes=self._scheduler.max_response_bytes,
        )

    async def _save(self, state: SourceState) -> None:
        try:
            await asyncio.to_thread(self._store.save_source_state, state)
        except Exception:
            log.exception(
                "could not save the source's state; keeping it in memory until a save succeeds",
                extra=fields(source=state.source),
            )
            self.unsaved[state.source] = state
        else:
            self.unsaved.pop(state.source, None)

    def _succeeded(
        self,
        source: SourceSettings,
        state: SourceState,
        result: PollResult,
        stored: list[Mention],
        dropped: dict[DropReason, int],
        *,
        started_at: datetime,
    ) -> PollSummary:
        now = self._clock()
        policy = schedule_policy(source, self._scheduler)
        new_state = replace(
            state,
            etag=result.etag,
            last_modified=result.last_modified,
            cursor=result.cursor if result.cursor is not None else state.cursor,
            # Counted from the start: a poll that took 20 s of a 30 s interval must not push
            # the next read of the feed to 50 s. Nor may it push a check already scheduled
            # sooner (a manual poll while the daemon's next one is stored).
            next_check_at=next_check_after_success(
                policy,
                started_at,
                result.min_next_check_s,
                self._rng,
                keep_before=state.next_check_at,
            ),
            last_attempt_at=now,
            last_success_at=now,
            error_count=0,
            last_error=None,
            parked_reason=None,
            items_total=state.items_total + len(stored),
            last_new_items=len(stored),
            empty_polls=0 if stored else state.empty_polls + 1,  # a 304 stores nothing too
        )
        if state.error_count or state.parked_reason:
            log.info(
                "source recovered",
                extra=fields(source=source.name, failures=state.error_count, new_items=len(stored)),
            )
        self._report_problems(source.name, result.problems)
        outcome = PollOutcome.NOT_MODIFIED if result.not_modified else PollOutcome.OK
        self._metrics.polls.labels(source.name, outcome.value).inc()
        self._metrics.items_fetched.labels(source.name).inc(len(result.items))
        self._metrics.mentions_stored.labels(source.name).inc(len(stored))
        for reason, count in dropped.items():
            self._metrics.dropped.labels(source.name, reason.value).inc(count)
        return PollSummary(
            source=source.name,
            outcome=outcome,
            state=new_state,
            stored=stored,
            dropped=dict(dropped),
            problems=tuple(result.problems),
        )

    def _failed(
        self, source: SourceSettings, state: SourceState, error: SourceError, duration_s: float
    ) -> PollSummary:
        now = self._clock()
        failures = state.error_count + 1
        message = redact(str(error))  # stored, logged and shown: no ${VAR} secret in it
        if isinstance(error, PermanentError):
            outcome, next_check, parked = PollOutcome.PARKED, None, message
            log.error(
                "source parked: fix its settings, then run `listener poll --source NAME --once`",
                extra=fields(source=source.name, reason=message),
            )
        else:
            retry_after = error.retry_after_s if isinstance(error, TransientError) else None
            outcome = (
                PollOutcome.RATE_LIMITED
                if isinstance(error, RateLimited)
                else PollOutcome.TRANSIENT_ERROR
            )
            policy = schedule_policy(source, self._scheduler)
            next_check = next_check_after_failure(
                policy, now, failures, retry_after, self._rng, keep_before=state.next_check_at
            )
            parked = None
            self._log_failure(source.name, failures, message, next_check, now, retry_after)
        new_state = replace(
            state,
            next_check_at=next_check,
            last_attempt_at=now,
            error_count=failures,
            last_error=message,
            parked_reason=parked,
        )
        self._metrics.polls.labels(source.name, outcome.value).inc()
        return PollSummary(
            source=source.name,
            outcome=outcome,
            state=new_state,
            error=message,
            duration_s=duration_s,
        )

    def _log_failure(
        self,
        source: str,
        failures: int,
        message: str,
        next_check: datetime,
        now: datetime,
        retry_after_s: float | None,
    ) -> None:
        # Warn on the transition to failing; repeat failures are visible in `listener sources`
        # and the metrics, and would otherwise flood the log of a daemon left offline.
        level = logging.WARNING if failures == 1 else logging.DEBUG
        log.log(
            level,
            "source failing, will retry",
            extra=fields(
                source=source,
                error=message,
                failures=failures,
                retry_in_s=round((next_check - now).total_seconds()),
                retry_after_s=retry_after_s,
            ),
        )

    def _report_problems(self, source: str, problems: list[str]) -> None:
        for problem in problems:
            self._metrics.feed_problems.labels(source).inc()
            if (source, problem) not in self._reported_problems:
                self._reported_problems.add((source, problem))
                log.warning(
                    "source reported a problem", extra=fields(source=source, problem=problem)
                )
