"""What a stream runner knows about its connection, kept cheap to update per event.

The reader touches a few attributes per frame (``saw_event``) and nothing else: the rate,
the lag and the metrics are worked out every couple of seconds from those (``snapshot``,
``publish``), so a firehose of hundreds of frames a second pays no lock, no clock
arithmetic and no Prometheus call per frame.
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
        self.stream_time: datetime | None = None
        self.events_total = 0
        self.reconnects = 0
        self.last_error: str | None = None
        self._samples: deque[tuple[float, int]] = deque()
        self._published_events = 0
        self._connects = 0

    def saw_event(self, at: datetime | None) -> None:
        """A frame arrived (not a keep-alive): the one call on the per-event path.

        The lag is the newest event's own time, not the latest time ever seen: one event
        dated in the future (a client's wrong clock) would otherwise hold the lag at zero
        until a restart. A time ahead of ours is taken as now."""
        self.events_total += 1
        now = self._clock()
        self.last_event_at = now
        if at is not None:
            self.stream_time = at if at <= now + FUTURE_SLACK else now

    def connecting(self) -> None:
        if self._connects:
            self.reconnects += 1
            self._metrics.stream_reconnects.labels(self.source).inc()
        self._connects += 1
        self.status = StreamStatus.CONNECTING
        self.connected_since = None
        self.connected_at_mono = None

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
        if error is not None:
            self.last_error = redact(error)
        self._metrics.stream_connected.labels(self.source).set(0)

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
            stream_time=self.stream_time,
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
        if lag is not None:
            self._metrics.stream_lag.labels(source).set(lag)
        if health.last_event_at is not None:
            self._metrics.stream_last_event.labels(source).set(health.last_event_at.timestamp())
