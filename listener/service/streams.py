"""One stream source, listened to for as long as the daemon runs (``StreamRunner``).

Three tasks share the work so that reading never waits on storing:

- the connection loop opens ``source_type.stream(ctx, state)``, reads its events with the
  idle timeout and puts what they carry on a bounded queue; when the connection ends it
  waits as ``stream_policy`` says (or parks on a ``PermanentError`` until a person runs
  ``listener unpark``) and connects again, resuming from the last position read;
- the batcher (``stream_batch``) groups the queue into batches: screen → enrich →
  ``pipeline.process`` in a thread → the batch's last position saved as the cursor, only
  once its items are stored (a crash replays, never skips) → ``on_committed`` wakes the
  outbox at once, so an alert leaves within the batch window of its post being read;
- a heartbeat writes the ``StreamHealth`` row and the metrics every ``health_every_s``.

``stop`` ends reading at once; a batch being stored finishes (the supervisor bounds the
wait), what is still queued is dropped unsaved and read again at the next start.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import replace
from typing import Any, cast

from listener.config.settings import SourceSettings
from listener.logs import fields
from listener.models import SourceState, StreamStatus
from listener.service.stream_batch import QueuedEvent, collect_batch
from listener.service.stream_commit import POSITION_SAVE_S, BatchCommitter, BatchTotals
from listener.service.stream_policy import ReconnectAttempts, backoff_after
from listener.service.stream_records import StreamRecords, error_message
from listener.service.stream_setup import StreamSetup
from listener.sources.base import SourceType
from listener.sources.errors import PermanentError, SourceError, TransientError
from listener.sources.streaming import (
    DEFAULT_RECONNECT,
    ReconnectPolicy,
    StreamContext,
    StreamEvent,
    StreamOptions,
)

log = logging.getLogger("listener.service.streams")

# Frames read but not yet batched. A burst fills it while a batch is stored; beyond it the
# reader waits (the server buffers) rather than the daemon's memory growing without bound.
QUEUE_EVENTS = 20_000
# Reading the stored state at start is retried this often, doubling (a locked database).
LOAD_RETRY_FIRST_S = 0.5
LOAD_RETRY_MAX_S = 60.0
REPLAY_ERROR = "a batch could not be stored; reading it again from the last stored position"


class StreamRunner:
    """Listens to one stream source; see the module docstring for its three tasks."""

    def __init__(
        self,
        source: SourceSettings,
        source_type: SourceType,
        setup: StreamSetup,
        *,
        brand_queries: tuple[str, ...] = (),
        writes_health: bool = True,
    ) -> None:
        if source_type.stream is None or not isinstance(source.options, StreamOptions):
            raise ValueError(f"{source_type.name} is not a stream source type")
        self._open = source_type.stream
        self._options: StreamOptions = source.options
        self.source = source
        self.name = source.name
        self._setup = setup
        self._policy: ReconnectPolicy = source_type.reconnect or DEFAULT_RECONNECT
        self._context: StreamContext[Any] = StreamContext(
            source=source.name,
            options=source.options,
            http=setup.http,
            brand_queries=brand_queries,
            clock=setup.clock,
            log=logging.getLogger(f"listener.sources.{source.type}"),
            max_response_bytes=setup.max_response_bytes,
        )
        self.records = StreamRecords(source, setup, writes_health=writes_health)
        self.health = self.records.health
        self._committer = BatchCommitter(source, source_type, setup, self.records, self._context)
        self._queue: asyncio.Queue[QueuedEvent] = asyncio.Queue(QUEUE_EVENTS)
        self._resume_cursor: str | None = None  # the last position read (maybe not stored)
        self._stopping = False
        self._wake = asyncio.Event()
        self._committing = False
        # A batch the store refused: until the connection is read again from the stored
        # position, nothing read after it may be stored (its position would skip the batch).
        self._store_failed = False
        self._flushed = asyncio.Event()
        self._batch_taken = asyncio.Event()  # the batcher took a batch off the queue
        self._connections: asyncio.Task[None] | None = None
        self._reading: asyncio.Task[TransientError | PermanentError | None] | None = None
        self.last_read_at: float | None = None  # monotonic: the newest frame, or the open

    @property
    def state(self) -> SourceState:
        return self.records.state

    @property
    def totals(self) -> BatchTotals:
        return self._committer.totals

    # ---- the lifecycle ----------------------------------------------------------------

    async def run(self) -> None:
        """Listen until ``stop``: connect, read, batch, reconnect, park. Raises when one of
        its tasks failed (a bug: the supervisor logs it and starts the source again)."""
        loaded = await self._load_state()
        if loaded is None:
            return  # stopped while the store could not be read
        self._resume_cursor = loaded.cursor
        batcher = asyncio.create_task(self._batch_loop(), name=f"stream-batches:{self.name}")
        beat = asyncio.create_task(self._health_loop(), name=f"stream-health:{self.name}")
        connections = asyncio.create_task(self._connection_loop(), name=f"stream:{self.name}")
        self._connections = connections
        if self._stopping:
            connections.cancel()
        tasks = (connections, batcher, beat)
        failure: BaseException | None = None
        try:
            # All three are watched: a dead batcher would leave the reader blocked on a full
            # queue and the heartbeat still saying CONNECTED.
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            failure = next(
                (t.exception() for t in tasks if t.done() and not t.cancelled() and t.exception()),
                None,
            )
            if failure is None:
                if self._committing:  # the supervisor's drain timeout bounds this wait
                    await asyncio.wait([batcher])
                if self.records.dirty:
                    await self.records.save()
        finally:
            for task in tasks:
                task.cancel()
            error = None if failure is None else error_message(failure)
            self.health.ended(StreamStatus.STOPPED, error)
        if failure is not None:
            await self.records.write_health()  # shown as STOPPED with the error until restarted
            raise failure

    async def _load_state(self) -> SourceState | None:
        # The database may be locked or briefly unreadable at start: look again, backing
        # off, rather than leave the stream dead until the daemon restarts.
        delay_s = LOAD_RETRY_FIRST_S
        while not self._stopping:
            try:
                return await self.records.load()
            except Exception as error:
                log.warning(
                    "could not read the stream's state; trying again",
                    extra=fields(source=self.name, error=error_message(error), retry_in_s=delay_s),
                )
            await self._pause(delay_s)
            delay_s = min(delay_s * 2, LOAD_RETRY_MAX_S)
        return None

    def stop(self) -> None:
        """Stop reading now; a batch being stored may finish (the caller bounds the wait)."""
        self._stopping = True
        self._wake.set()
        if self._connections is not None:
            self._connections.cancel()

    def wake(self) -> None:
        """Skip the current wait: a backoff's reconnect, or a parked stream's next look at
        its stored state (after ``listener unpark``)."""
        self._wake.set()

    async def listen(
        self, limit_s: float, quiet_s: float
    ) -> TransientError | PermanentError | None:
        """One bounded connection (``listener poll --once``), parked or not: read until the
        stream has been quiet for ``quiet_s`` (caught up: nothing left to replay) or for
        ``limit_s`` at most, store everything read and save the cursor."""
        self._resume_cursor = (await self.records.load()).cursor
        self._committer.totals.keeps_mentions = True  # printed by the caller, then gone
        batcher = asyncio.create_task(self._batch_loop(), name=f"stream-batches:{self.name}")
        reading = asyncio.create_task(self._read_connection(), name=f"stream:{self.name}")
        started = time.monotonic()
        try:
            while not reading.done():
                now, last = time.monotonic(), self.last_read_at
                if now - started >= limit_s or (last is not None and now - last >= quiet_s):
                    break
                await asyncio.wait([reading], timeout=0.05)
            reading.cancel()
            await asyncio.wait([reading])
            error = None if reading.cancelled() else reading.result()
            if error is None and self._store_failed:
                error = TransientError(REPLAY_ERROR)
            if error is None and self.last_read_at is None:
                error = TransientError(f"no connection within {limit_s:g} s")
            self._flushed.clear()
            await self._queue.put(QueuedEvent((), None, time.monotonic(), flush=True))
            await self._flushed.wait()
        finally:
            reading.cancel()
            batcher.cancel()
        if isinstance(error, PermanentError):
            await self.records.parked(error)
        elif error is not None:
            await self.records.dropped(error, 0.0)
        else:
            await self.records.listened()
        return error

    async def _connection_loop(self) -> None:
        attempts = ReconnectAttempts()
        while not self._stopping:
            if self.records.state.parked_reason:
                await self._wait_until_unparked()
                attempts = ReconnectAttempts()
                continue
            error = await self._read_one()
            if self._store_failed:
                self._start_over_from_stored()
                self._store_failed = False
            connected_for = self.health.connected_for_s()
            if isinstance(error, PermanentError):
                await self.records.parked(error)
                continue
            attempts, delay = backoff_after(
                attempts, error, connected_for, self._policy, self._setup.rng
            )
            await self.records.dropped(error, delay)
            await self._pause(delay)

    async def _read_one(self) -> TransientError | PermanentError | None:
        # In a task of its own, so that a batch the store could not take ends the connection
        # at once (``_replay``) rather than at the stream's next event, maybe minutes away.
        reading = asyncio.create_task(self._read_connection(), name=f"stream-read:{self.name}")
        self._reading = reading
        try:
            return await reading
        except asyncio.CancelledError:
            this = asyncio.current_task()
            if (this is not None and this.cancelling()) or not self._store_failed:
                raise  # a stop
            return TransientError(REPLAY_ERROR)
        finally:
            self._reading = None

    async def _read_connection(self) -> TransientError | PermanentError | None:
        """Read one connection to its end; the error that ended it, None for a clean close."""
        self._wake.clear()
        self.health.connecting()
        await self.records.write_health()
        idle_s = self._options.idle_timeout.total_seconds()
        state = replace(self.records.state, cursor=self._resume_cursor)
        opened = self._open(self._context, state)
        stream = cast(AsyncGenerator[StreamEvent, None], opened)
        loop = asyncio.get_running_loop()
        queue, health = self._queue, self.health
        idle = asyncio.timeout(idle_s)
        try:
            async with aclosing(stream), idle:
                async for event in stream:
                    # The per-event path: a firehose brings hundreds a second, so nothing
                    # here touches the store, a lock or a metric.
                    idle.reschedule(loop.time() + idle_s)
                    if event.keepalive:
                        health.kept_alive()
                        continue
                    now = time.monotonic()
                    self.last_read_at = now
                    if event.opened or health.connected_at_mono is None:
                        health.connected()
                        await self.records.write_health()
                    # An event is a frame that carried a post or the stream's clock: the
                    # open, and a position marker with neither (a first connect's "now"),
                    # would show "0.2 events/s, last event 6 s ago" before any post.
                    if not event.opened and (event.items or event.at is not None):
                        health.saw_event(event.at)
                    if not event.items and event.position is None:
                        continue
                    if queue.full():
                        idle.reschedule(None)  # waiting on our own batcher is not idleness
                        await self._room_in_queue()
                        idle.reschedule(loop.time() + idle_s)
                    # Checked right before the put, with no wait between: nothing read
                    # after a refused batch reaches the batcher.
                    if self._store_failed:
                        return TransientError(REPLAY_ERROR)
                    queue.put_nowait(QueuedEvent(event.items, event.position, now))
                    if event.position is not None:
                        self._resume_cursor = event.position
        except TimeoutError:
            if idle.expired():
                return TransientError(f"idle for {idle_s:g} s: no event and no keep-alive")
            return TransientError("the connection timed out")
        except (TransientError, PermanentError) as error:
            return error
        except SourceError as error:
            return TransientError(str(error))
        except Exception as error:  # a bug in a source must not stop the daemon
            log.exception("unexpected error while reading a stream", extra=fields(source=self.name))
            return TransientError(f"internal error: {type(error).__name__}: {error}")
        return None

    async def _room_in_queue(self) -> None:
        # Not ``queue.put``: an event put after a wait could land behind a refused batch
        # the batcher has just cleared the queue of; the caller looks again before its put.
        while self._queue.full():
            self._batch_taken.clear()
            await self._batch_taken.wait()

    async def _pause(self, delay_s: float) -> None:
        if delay_s > 0 and not self._wake.is_set():
            try:
                async with asyncio.timeout(delay_s):
                    await self._wake.wait()
            except TimeoutError:
                pass
        self._wake.clear()

    async def _wait_until_unparked(self) -> None:
        if self.health.status is not StreamStatus.PARKED:
            self.health.ended(StreamStatus.PARKED, self.records.state.parked_reason)
            await self.records.write_health()
        while not self._stopping:
            await self._pause(self._setup.park_check_s)
            if await self.records.unparked():
                self._resume_cursor = self.records.state.cursor
                return

    def _start_over_from_stored(self) -> None:
        # What was queued after the failed batch is read again with it. Called when the
        # failure is recorded and again once the reader has stopped (it may have queued more
        # while its cancellation was on the way); the next connection clears the failure.
        while not self._queue.empty():
            if self._queue.get_nowait().flush:
                self._flushed.set()  # a bounded listen waits on it: nothing left to store
        self._resume_cursor = self.records.state.cursor

    # ---- batches and health -----------------------------------------------------------------

    async def _batch_loop(self) -> None:
        options = self._options
        while not self._stopping:
            batch = await collect_batch(
                self._queue,
                window_s=options.batch_window.total_seconds(),
                batch_max=options.batch_max,
                position_wait_s=POSITION_SAVE_S,
            )
            self._batch_taken.set()
            self._committing = True
            try:
                # Read behind a refused batch: dropped, read again after it.
                if batch.events and not self._store_failed:
                    await self._committer.commit(batch)
            except Exception:
                log.exception(
                    "storing a stream batch failed; reading again from the last stored position",
                    extra=fields(source=self.name, items=len(batch.items)),
                )
                self._start_over_from_stored()
                self._store_failed = True
                if self._reading is not None:
                    self._reading.cancel()
            finally:
                self._committing = False
                if batch.flush:
                    self._flushed.set()

    async def _health_loop(self) -> None:
        while True:
            await asyncio.sleep(self._setup.health_every_s)
            if self.health.status is StreamStatus.CONNECTED:
                await self.records.alive()
            await self.records.write_health()
