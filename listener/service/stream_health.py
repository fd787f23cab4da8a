"""What a stream runner knows about its connection, kept cheap to update per event.

The reader touches a few attributes per frame (``saw_event``) and nothing else: the rate,
the lag and the metrics are worked out every couple of seconds from those (``snapshot``,
``publish``), so a firehose of hundreds of frames a second pays no lock, no clock
arithmetic and no Prometheus call per frame.

The lag is known only while connected, and is the newest dated event's (arrival less its
own time): a replayed backlog's lag gives way to the live events' as soon as they come, or
to 0 at a keep-alive (the server had nothing more: caught up), and a dropped stream shows
none rather than its last event's. The stream's series exist
from the tracker's start, at 0, so a dashboard or an alert on them sees the source before
its first reconnect.
"""

from __future__ import annotations

import time
from collections import deque
from datetime import datetime, timedelta

from listener.clock import Clock
from listener.metrics import Metrics
from listener.models import StreamHealth, StreamStatus
from listener.redaction import redact

# events_per_s is measured over about this long: long enough to smooth a bursty stream,
# short enough that a stall shows within seconds.
RATE_WINDOW_S = 10.0
# Clocks differ a little between the network's servers and ours.
FUTURE_SLACK = timedelta(seconds=2)


class StreamHealthTracker:
    """The live state of one stream source: status, counts and the newest event's times."""

    def __init__(self, source: str, clock: Clock, metrics: Metrics) -> None:
        self.source = source
        self._clock = clock
        self._metrics = metrics
        self.status = StreamStatus.CONNECTING
        self.connected_since: datetime | None = None
        self.connected_at_mono: float | None = None
        self.last_event_at: datetime | None = None
        # The newest dated event of this connection: its own time and when it arrived.
        self.stream_time: datetime | None = None
        self.stream_time_read_at: datetime | None = None
        self.events_total = 0
        self.reconnects = 0
        self.last_error: str | None = None
        self._samples: deque[tuple[float, int]] = deque()
        self._published_events = 0
        self._connects = 0
        for series in (
            metrics.stream_events,
            metrics.stream_reconnects,
            metrics.stream_lag,
            metrics.stream_last_event,
            metrics.stream_batch_duration,
        ):
            series.labels(source)  # created at 0 if absent; a restart's counts are kept
        metrics.stream_connected.labels(source).set(0)

    def saw_event(self, at: datetime | None) -> None:
        """A frame arrived that carried a post or the stream's clock: the one call on the
        per-event path (keep-alives and position-only markers are not events).

        The lag is the newest event's own time, not the latest time ever seen: one event
        dated in the future (a client's wrong clock) would otherwise hold the lag at zero
        until a restart. A time ahead of ours is taken as now. An event without a time (a
        Mastodon deletion) leaves the lag as the newest dated event left it."""
        self.events_total += 1
        now = self._clock()
        self.last_event_at = now
        if at is not None:
            self.stream_time = at if at <= now + FUTURE_SLACK else now
            self.stream_time_read_at = now

    def kept_alive(self) -> None:
        """A keep-alive arrived: the server had nothing more to send, so we are caught up.

        Without it a quiet stream would show the lag of the last event it replayed ("2 min
        behind") until the next post, maybe hours away. Keep-alives come when a stream is
        quiet (Jetstream's answered ping, X's blank line) or every few seconds (Mastodon's
        SSE ``:thump``), never on the per-event path of a busy one."""
        if self.stream_time is not None:  # no lag to clear before this connection's first
            now = self._clock()
            self.stream_time = now
            self.stream_time_read_at = now

    def connecting(self) -> None:
        if self._connects:
            self.reconnects += 1
            self._metrics.stream_reconnects.labels(self.source).inc()
        self._connects += 1
        self.status = StreamStatus.CONNECTING
        self.connected_since = None
        self.connected_at_mono = None
        self._forget_stream_time()

    def connected(self) -> None:
        self.status = StreamStatus.CONNECTED
        self.connected_since = self._clock()
        self.connected_at_mono = time.monotonic()
        self._metrics.stream_connected.labels(self.source).set(1)

    def connected_for_s(self) -> float:
        if self.connected_at_mono is None:
            return 0.0
        return time.monotonic() - self.connected_at_mono

    def ended(self, status: StreamStatus, error: str | None) -> None:
        """The connection ended (``BACKING_OFF``, ``PARKED``) or the runner stopped."""
        self.status = status
        self.connected_since = None
        self.connected_at_mono = None
        self._forget_stream_time()
        if error is not None:
            self.last_error = redact(error)
        self._metrics.stream_connected.labels(self.source).set(0)

    def _forget_stream_time(self) -> None:
        # A lag is "how far behind we read now": with no connection there is none, and the
        # next connection's replay must not start from the last one's figure.
        self.stream_time = None
        self.stream_time_read_at = None

    def _stream_time_now(self) -> datetime | None:
        """The stream time the row stores, so that ``lag_s`` (arrival of the newest event
        less its stream time) is the newest *dated* event's lag: an undated event since
        (a deletion) moved ``last_event_at`` and must not add its wait to the lag."""
        # None once the connection ended (``_forget_stream_time``): events come only while
        # connected, so the lag shows only then.
        at, read_at, last = self.stream_time, self.stream_time_read_at, self.last_event_at
        if at is None or read_at is None:
            return None
        if last is None or last <= read_at:
            return at
        return at + (last - read_at)

    def snapshot(self) -> StreamHealth:
        """The row to store now; also takes a sample for the rate."""
        now_mono = time.monotonic()
        self._samples.append((now_mono, self.events_total))
        while len(self._samples) > 2 and now_mono - self._samples[0][0] > RATE_WINDOW_S:
            self._samples.popleft()
        first_at, first_total = self._samples[0]
        span = now_mono - first_at
        rate = (self.events_total - first_total) / span if span > 0 else 0.0
        return StreamHealth(
            source=self.source,
            status=self.status,
            updated_at=self._clock(),
            connected_since=self.connected_since,
            last_event_at=self.last_event_at,
            stream_time=self._stream_time_now(),
            events_total=self.events_total,
            events_per_s=round(rate, 2),
            reconnects=self.reconnects,
            last_error=self.last_error,
        )

    def publish(self, health: StreamHealth) -> None:
        """Bring the stream's metrics up to ``health`` (called with each snapshot)."""
        source = self.source
        self._metrics.stream_events.labels(source).inc(health.events_total - self._published_events)
        self._published_events = health.events_total
        lag = health.lag_s()
        # 0 when none is known (not connected, or no dated event yet on this connection):
        # the last figure kept would read as a stream still that far behind; the
        # connected gauge says whether it reads at all.
        self._metrics.stream_lag.labels(source).set(0.0 if lag is None else lag)
        if health.last_event_at is not None:
            self._metrics.stream_last_event.labels(source).set(health.last_event_at.timestamp())
