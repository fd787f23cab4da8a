"""What a stream runner writes down: its ``SourceState`` and its ``StreamHealth`` row.

The fetch state is the same row a polled source keeps (cursor, errors, parking, counts),
so ``listener sources``, ``listener unpark`` and the silent-source rule read a stream like
any source; the health row is the live part only a stream has. Failures are logged on
the transition to failing, as the poll runner does; repeats show in ``listener sources``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace
from datetime import timedelta

from listener.config.settings import SourceSettings
from listener.logs import fields
from listener.models import SourceState, StreamStatus
from listener.redaction import redact
from listener.service.stream_health import StreamHealthTracker
from listener.service.stream_setup import StreamSetup
from listener.sources.errors import PermanentError, RateLimited, TransientError

log = logging.getLogger("listener.service.streams")

# A server's words end up in the state row, the health row, logs and pages: a refusal's
# body can be a whole HTML page, so only its start is kept.
MAX_ERROR_CHARS = 500

# A connection must last this long before its success clears the error count: a server
# that accepts and drops at once is still failing.
RECOVERED_AFTER_S = 1.0


def error_message(error: BaseException) -> str:
    """What a person is shown of ``error``: secrets blanked, capped in length."""
    message = redact(str(error))
    if len(message) > MAX_ERROR_CHARS:
        message = message[: MAX_ERROR_CHARS - 1] + "…"
    return message


class StreamRecords:
    """The runner's state in memory and its saves (one at a time, the newest each time)."""

    def __init__(self, source: SourceSettings, setup: StreamSetup, *, writes_health: bool) -> None:
        """``writes_health``: False for a listen from another process than the daemon
        (``listener poll --once``), whose health row belongs to the daemon."""
        self.source = source
        self.name = source.name
        self._setup = setup
        self._writes_health = writes_health
        self.state = SourceState(source=source.name)
        self.health = StreamHealthTracker(source.name, setup.clock, setup.metrics)
        self._save_lock = asyncio.Lock()
        self.saved_at = time.monotonic()
        self.dirty = False

    async def load(self) -> SourceState:
        stored = await asyncio.to_thread(self._setup.store.load_source_state, self.name)
        if stored is not None:
            self.state = stored
        return self.state

    async def save(self) -> None:
        # Each save writes the newest state: two saves in threads could otherwise land in
        # the wrong order and leave an older cursor stored.
        async with self._save_lock:
            state = self.state
            self.dirty = False
            self.saved_at = time.monotonic()
            try:
                await asyncio.to_thread(self._setup.store.save_source_state, state)
            except Exception:
                self.dirty = True
                log.exception("could not save the stream's state", extra=fields(source=self.name))

    async def write_health(self) -> None:
        health = self.health.snapshot()
        self.health.publish(health)
        if not self._writes_health:
            return
        try:
            await asyncio.to_thread(self._setup.store.save_stream_health, health)
        except Exception:  # the next beat writes again
            log.exception("could not save the stream's health", extra=fields(source=self.name))

    async def dropped(self, error: TransientError | None, delay_s: float) -> None:
        """The connection ended; the next one opens in ``delay_s``."""
        now = self._setup.clock()
        retry_at = now + timedelta(seconds=delay_s)
        if error is None:  # a clean close: reconnected without counting a failure
            self.state = replace(self.state, last_attempt_at=now, next_check_at=retry_at)
            self.health.ended(StreamStatus.BACKING_OFF, None)
        else:
            message = error_message(error)
            failures = self.state.error_count + 1
            self.state = replace(
                self.state,
                last_attempt_at=now,
                next_check_at=retry_at,
                error_count=failures,
                last_error=message,
            )
            outcome = "rate_limited" if isinstance(error, RateLimited) else "transient_error"
            self._setup.metrics.polls.labels(self.name, outcome).inc()
            self.health.ended(StreamStatus.BACKING_OFF, message)
            log.log(
                logging.WARNING if failures == 1 else logging.DEBUG,
                "stream dropped, will reconnect",
                extra=fields(
                    source=self.name, error=message, failures=failures, retry_in_s=delay_s
                ),
            )
        await self.write_health()
        await self.save()

    async def parked(self, error: PermanentError) -> None:
        message = error_message(error)
        self.state = replace(
            self.state,
            last_attempt_at=self._setup.clock(),
            next_check_at=None,
            error_count=self.state.error_count + 1,
            last_error=message,
            parked_reason=message,
        )
        log.error(
            "stream parked: fix its settings, then run `listener unpark NAME`",
            extra=fields(source=self.name, reason=message),
        )
        self._setup.metrics.polls.labels(self.name, "parked").inc()
        self.health.ended(StreamStatus.PARKED, message)
        await self.write_health()
        await self.save()

    async def unparked(self) -> bool:
        """Whether a person unparked the source since (``listener unpark`` in any process);
        if so its stored state becomes the runner's."""
        try:
            stored = await asyncio.to_thread(self._setup.store.load_source_state, self.name)
        except Exception:  # the database may be locked; look again later
            log.exception("could not read the stream's state", extra=fields(source=self.name))
            return False
        if stored is None or stored.parked_reason:
            return False
        self.state = stored
        log.info("stream unparked; connecting", extra=fields(source=self.name))
        return True

    async def alive(self) -> None:
        """A connection that stays up is the stream's success: clear a failure once it has
        held, and keep ``last_success_at`` fresh for the silent-source rule (a quiet
        hashtag brings only keep-alives for hours)."""
        if self.health.connected_for_s() < RECOVERED_AFTER_S:
            return
        state, now = self.state, self._setup.clock()
        stale_after = self.source.expected_interval / 2
        fresh = state.last_success_at is not None and now - state.last_success_at < stale_after
        if not state.error_count and fresh:
            return
        if state.error_count:
            log.info("stream recovered", extra=fields(source=self.name, failures=state.error_count))
        self.state = replace(
            state, error_count=0, last_error=None, next_check_at=None, last_success_at=now
        )
        await self.save()

    async def listened(self) -> None:
        """A bounded listen (``listener poll --once``) connected and read to its end."""
        now = self._setup.clock()
        self.state = replace(
            self.state,
            error_count=0,
            last_error=None,
            parked_reason=None,
            next_check_at=None,
            last_attempt_at=now,
            last_success_at=now,
        )
        await self.save()
