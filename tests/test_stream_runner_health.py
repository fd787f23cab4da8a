"""A stream's lag comes from its newest event's own time: one event dated in the future is
taken as now, and does not hold the lag at zero for the events after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from listener.metrics import Metrics
from listener.service.stream_health import FUTURE_SLACK, StreamHealthTracker

NOW = datetime(2026, 12, 6, 7, 0, tzinfo=UTC)


def test_an_event_dated_in_the_future_does_not_freeze_the_lag() -> None:
    tracker = StreamHealthTracker("sky", lambda: NOW, Metrics())
    tracker.saw_event(NOW - timedelta(seconds=3))
    assert tracker.snapshot().lag_s() == 3.0
    tracker.saw_event(NOW + timedelta(days=365))  # a client whose clock is a year ahead
    assert tracker.stream_time == NOW
    assert tracker.snapshot().lag_s() == 0.0
    tracker.saw_event(NOW - timedelta(seconds=5))  # the stream falls behind after it
    assert tracker.snapshot().lag_s() == 5.0


def test_a_time_a_little_ahead_of_ours_is_kept_as_sent() -> None:
    tracker = StreamHealthTracker("sky", lambda: NOW, Metrics())
    ahead = NOW + FUTURE_SLACK / 2  # the servers' clocks differ a little from ours
    tracker.saw_event(ahead)
    assert tracker.stream_time == ahead and tracker.snapshot().lag_s() == 0.0
