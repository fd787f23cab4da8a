"""The outbox sender: deliver due outbox rows, in order per channel, retrying with backoff.

The rules write one outbox row per channel in the same transaction as the mention, so
nothing is lost when a channel is down; this module sends them. Per channel the rows go
out strictly in the order they were queued: when the head row failed and waits for its
retry, the rows behind it wait too (a later alert must not overtake an earlier one).
Channels are independent: Slack being down never holds email back.

A failure of any kind — the receiver's 500, a timeout, a bug in an edited template — is
counted on the row with the next attempt time (``backoff_base`` doubling up to
``backoff_max``, or longer when the receiver asked with ``Retry-After``), and that channel
stops for this flush. Nothing is ever dropped here: only a person drops a row
(``listener alerts outbox drop``).

Only one flush runs at a time per outbox, across processes too: the daemon's and a
``listener poll --once`` next to it would otherwise read the same due rows and both send
them. A flush holds ``alerts.outbox_lock`` for its whole run; a flush that finds it taken
sends nothing, since the holder is sending.

Each send is recorded twice: at once in the sent journal (``alerts.sent_journal``: one
``write``, before anything else can happen), then in the store. So a kill between the
receiver's 2xx and the store's commit cannot send the message again: only a kill during
the call to the receiver itself can.

Logging follows transitions only: a channel's first failure (WARNING; ERROR when the
channel says retrying cannot help), its recovery (INFO). Error texts are scrubbed of the
channel's secrets before they are logged or stored (``alerts.outbox_policy``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path

import httpx

from alerts.channels.base import DeliveryError, SendContext
from alerts.channels.registry import get_channel_type
from alerts.compose import compose
from alerts.escaping import FILTERS
from alerts.flush_report import ChannelCounts, FlushReport
from alerts.outbox_lock import OutboxLock
from alerts.outbox_policy import backoff, describe, secrets_of
from alerts.sent_journal import SentJournal, SentMark
from alerts.templating import Templates
from listener.clock import Clock, utcnow
from listener.config.channels import ChannelSettings
from listener.config.settings import Settings
from listener.logs import fields
from listener.metrics import Metrics
from listener.models import Delivery
from listener.store import Store
from listener.store.base import UnknownDelivery

log = logging.getLogger("alerts.outbox")

# How long a one-shot flush waits for another process's flush to end before leaving the
# rows to it; a flush is bounded by the channels' timeouts.
BUSY_WAIT_S = 120.0
_BUSY_POLL_S = 0.2


def build_templates(settings: Settings, override_dir: Path | None = None) -> Templates:
    """The one template environment the daemon and the CLI send and draft with: the
    built-in ``templates/`` after the operator's edited copies (``override_dir``, else
    ``replies.templates_dir``), and the channels' escaping filters for their markup."""
    return Templates(override_dir or settings.replies.templates_dir, filters=FILTERS)


class OutboxSender:
    """Sends the outbox. One per daemon (it remembers which channels are failing, so it
    logs each outage once); the one-shot CLI makes its own."""

    def __init__(
        self,
        store: Store,
        settings: Settings | Callable[[], Settings],
        *,
        http: httpx.AsyncClient,
        templates: Templates,
        clock: Clock = utcnow,
        metrics: Metrics | None = None,
        batch: int = 100,
        lock_path: Path | None = None,
        journal_path: Path | None = None,
    ) -> None:
        """``lock_path`` (see ``outbox_lock_path``) keeps flushes of other processes on the
        same outbox from overlapping with ours; without it only this sender's are kept
        apart. ``journal_path`` (see ``sent_journal_path``) records each send the moment it
        is answered; without it a send is recorded in the store only."""
        self._store = store
        # A getter lets a reloaded settings file (SIGHUP) take effect at the next flush.
        self._settings = settings if callable(settings) else (lambda: settings)
        self._http = http
        self._templates = templates
        self._clock = clock
        self._metrics = metrics
        self._batch = batch
        self._failing: dict[str, bool] = {}  # channel → its last failure was permanent
        self._unconfigured_logged: set[str] = set()
        self._pending_channels: set[str] = set()
        self._lock = asyncio.Lock()
        self._lock_path = lock_path
        # Sent, but the store refused to record it (locked, disk full): delivery id →
        # (channel, when sent). Recorded at the next flush, and never sent again meanwhile.
        self._unrecorded: dict[int, tuple[str, datetime]] = {}
        self._journal = SentJournal(journal_path) if journal_path is not None else None
        self._journaled: set[int] = set()  # in the journal, not yet in the store

    async def flush(self) -> FlushReport:
        """Send every row due now, channels side by side, rows within a channel in order.

        Calls never overlap (a second waits for the first): two flushes reading the same
        due rows would send them twice. When another process is flushing the same outbox,
        this one sends nothing and says so (``busy``): the other is sending these rows."""
        async with self._lock:
            if self._lock_path is None:
                return await self._flush()
            held = OutboxLock(self._lock_path)
            # Called here, not in a thread: it never blocks, and a cancellation must not
            # leave a thread holding a lock nobody releases.
            if not held.acquire():
                log.debug("outbox busy: another process is sending it")
                return FlushReport(busy=True)
            try:
                return await self._flush()
            finally:
                held.release()

    async def _flush(self) -> FlushReport:
        settings = self._settings()
        now = self._clock()
        await self._record_journal()
        stuck = await self._record_unrecorded()
        rows = await asyncio.to_thread(self._store.due_deliveries, now, limit=self._batch)
        rows = [row for row in rows if row.id not in self._unrecorded]
        configured = {c.name: c for c in settings.alerts.channels}
        report = FlushReport()
        jobs = []
        for name, queue in _by_channel(rows).items():
            if name in stuck:  # the store still cannot record its sends: send no more
                report.counts(name).held += len(queue)
                continue
            channel = configured.get(name)
            if channel is None or not channel.enabled:
                report.counts(name).held += len(queue)
                self._log_unconfigured(name, queue, disabled=channel is not None)
                continue
            jobs.append(self._send_channel(settings, channel, queue, now, report.counts(name)))
        for outcome in await asyncio.gather(*jobs, return_exceptions=True):
            if isinstance(outcome, BaseException) and not isinstance(outcome, Exception):
                raise outcome  # cancellation: the daemon is stopping
            if isinstance(outcome, Exception):
                # Only the store can get here (sending is guarded): the row is unchanged
                # and goes out at the next flush.
                log.error("outbox flush failed", exc_info=outcome)
        self._set_pending(report)
        return report

    async def flush_until_idle(self, max_rounds: int = 20) -> FlushReport:
        """Flush until nothing due now is left to send (the one-shot CLI): rows waiting for
        a retry later are left for a later run, never waited for."""
        total = FlushReport()
        rounds = 0
        deadline = time.monotonic() + BUSY_WAIT_S
        while rounds < max_rounds:
            report = await self.flush()
            if report.busy:
                # Rows this command just queued may be newer than what the other process
                # read: wait for it to finish, then send them ourselves.
                if time.monotonic() >= deadline:
                    log.info("outbox busy: another process is sending it; leaving rows to it")
                    total.busy = True
                    break
                await asyncio.sleep(_BUSY_POLL_S)
                continue
            rounds += 1
            total.merge(report)
            if report.sent == 0:
                break
        return total

    async def _send_channel(
        self,
        settings: Settings,
        channel: ChannelSettings,
        queue: Sequence[Delivery],
        now: datetime,
        counts: ChannelCounts,
    ) -> None:
        for position, row in enumerate(queue):
            if row.next_attempt_at is not None and row.next_attempt_at > now:
                counts.held += len(queue) - position  # the head waits: so does everything behind
                return
            try:
                await self._send_one(settings, channel, row)
            except Exception as error:
                await self._failed(settings, channel, row, error)
                counts.failed += 1
                counts.held += len(queue) - position - 1
                return
            sent_at = self._clock()
            self._journal_sent(SentMark(row.id, channel.name, sent_at))
            try:
                await asyncio.to_thread(self._store.mark_sent, row.id, at=sent_at)
                self._recorded(row.id)
            except Exception:
                # Left pending, the row would go out again at the next flush.
                self._unrecorded[row.id] = (channel.name, sent_at)
                log.error(
                    "alert delivered but the store could not record it; recording it at the"
                    " next flush (it is not sent again)",
                    exc_info=True,
                    extra=fields(channel=channel.name, delivery_id=row.id),
                )
                counts.sent += 1
                counts.held += len(queue) - position - 1
                self._count(channel.name, "sent")
                return
            counts.sent += 1
            self._count(channel.name, "sent")
            if self._failing.pop(channel.name, None) is not None or row.attempts:
                log.info(
                    "alert channel recovered",
                    extra=fields(channel=channel.name, delivery_id=row.id, attempts=row.attempts),
                )

    def _journal_sent(self, mark: SentMark) -> None:
        # In this thread, before any await: the one step between the answer and the record.
        if self._journal is None:
            return
        try:
            self._journal.record(mark)
        except OSError:  # a full disk: the store's mark, just after, still stands
            log.warning("could not write the sent journal", exc_info=True)
            return
        self._journaled.add(mark.delivery_id)

    def _recorded(self, delivery_id: int) -> None:
        """``delivery_id``'s send is in the store; empty the journal once all are."""
        self._journaled.discard(delivery_id)
        self._clear_journal_if_recorded()

    def _clear_journal_if_recorded(self) -> None:
        if self._journal is not None and not self._journaled:
            try:
                self._journal.clear()
            except OSError:
                log.warning("could not empty the sent journal", exc_info=True)

    async def _record_journal(self) -> None:
        """Record in the store the sends a process (this one or one that died) journaled
        but did not record; those the store still refuses are kept for the next flush."""
        if self._journal is None:
            return
        marks = self._journal.marks()
        for mark in marks:
            if mark.delivery_id in self._unrecorded:
                continue  # this process knows of it already, and retries it below
            try:
                await asyncio.to_thread(self._store.mark_sent, mark.delivery_id, at=mark.at)
            except UnknownDelivery:
                pass  # gone from the store: nothing left to record
            except Exception:
                self._unrecorded[mark.delivery_id] = (mark.channel, mark.at)
                self._journaled.add(mark.delivery_id)
        if marks:
            self._clear_journal_if_recorded()

    async def _record_unrecorded(self) -> set[str]:
        """Record the sends the store refused before; return the channels with sends it
        still refuses."""
        stuck: set[str] = set()
        for delivery_id, (channel, sent_at) in list(self._unrecorded.items()):
            try:
                await asyncio.to_thread(self._store.mark_sent, delivery_id, at=sent_at)
            except UnknownDelivery:
                pass  # gone from the store: nothing left to record
            except Exception:
                stuck.add(channel)
                continue
            del self._unrecorded[delivery_id]
            self._recorded(delivery_id)
        return stuck

    async def _send_one(self, settings: Settings, channel: ChannelSettings, row: Delivery) -> None:
        alert = await asyncio.to_thread(self._store.get_alert, row.alert_id)
        if alert is None:
            raise LookupError(f"alert {row.alert_id} is not in the store any more")
        message = await asyncio.to_thread(compose, self._store, settings, alert, row)
        kind = get_channel_type(channel.type)
        context = SendContext(
            http=self._http,
            templates=self._templates,
            clock=self._clock,
            log=logging.getLogger(f"alerts.channels.{channel.type}"),
        )
        await kind.send(context, channel, message)

    async def _failed(
        self, settings: Settings, channel: ChannelSettings, row: Delivery, error: Exception
    ) -> None:
        retry = settings.alerts.retry
        hint = error.retry_after_s if isinstance(error, DeliveryError) else None
        permanent = isinstance(error, DeliveryError) and error.permanent
        wait = backoff(row.attempts, retry.backoff_base, retry.backoff_max, hint)
        at = self._clock()
        text = describe(error, secrets_of(channel))
        await asyncio.to_thread(
            self._store.mark_failed, row.id, at=at, error=text, next_attempt_at=at + wait
        )
        self._count(channel.name, "failed")
        previous = self._failing.get(channel.name)
        self._failing[channel.name] = permanent
        if previous == permanent:
            return  # still failing the same way: said already
        facts = fields(
            channel=channel.name,
            delivery_id=row.id,
            attempts=row.attempts + 1,
            retry_in_s=round(wait.total_seconds()),
            error=text,
        )
        if permanent:
            log.error(
                "alert channel refuses the message: retrying as is cannot help; fix the"
                " channel's settings, or drop the row with `listener alerts outbox drop %d`",
                row.id,
                extra=facts,
            )
        else:
            log.warning("alert channel failing; retrying with backoff", extra=facts)

    def _log_unconfigured(self, name: str, queue: Sequence[Delivery], *, disabled: bool) -> None:
        if name in self._unconfigured_logged:
            return
        self._unconfigured_logged.add(name)
        why = "disabled" if disabled else "not configured"
        log.warning(
            "outbox rows for a %s channel stay pending: enable it, or drop them with"
            " `listener alerts outbox drop ID` (ids: `listener alerts outbox --channel %s`)",
            why,
            name,
            extra=fields(channel=name, rows=len(queue)),
        )

    def _count(self, channel: str, outcome: str) -> None:
        if self._metrics is not None:
            self._metrics.deliveries.labels(channel=channel, outcome=outcome).inc()

    def _set_pending(self, report: FlushReport) -> None:
        if self._metrics is None:
            return
        for name in self._pending_channels - set(report.channels):
            self._metrics.outbox_pending.labels(channel=name).set(0)
        for name, counts in report.channels.items():
            self._metrics.outbox_pending.labels(channel=name).set(counts.held + counts.failed)
        self._pending_channels = set(report.channels)


def _by_channel(rows: Iterable[Delivery]) -> dict[str, list[Delivery]]:
    """Rows grouped per channel, each channel's in the order they were queued (by id)."""
    grouped: dict[str, list[Delivery]] = {}
    for row in rows:
        grouped.setdefault(row.channel, []).append(row)
    for queue in grouped.values():
        queue.sort(key=lambda row: row.id)  # queued order, whatever order the store returned
    return grouped
