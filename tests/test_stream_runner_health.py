"""A stream's health figures. The lag comes from its newest event's own time: one event dated
in the future is taken as now, and does not hold the lag at zero for the events after it; it
shows only while connected, a replayed backlog's gives way to the live events' (or to 0 at a
keep-alive: caught up), and a deletion (no time of its own) does not grow it. The stream's
metric series exist at 0 from the start. In the runner against real servers: a first
Mastodon connect's start position is saved but counted as no event, and a quiet Jetstream
stays connected on its pings."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from listener.config.settings import Settings, SourceSettings
from listener.metrics import Metrics
from listener.models import StreamStatus
from listener.service.stream_health import FUTURE_SLACK, StreamHealthTracker
from listener.service.streams import StreamRunner
from listener.sources.mastodon import snowflake_at
from listener.sources.registry import get_source_type
from tests.jetstream_client import CAPTURE
from tests.jetstream_server import JetstreamServer, capture_lines
from tests.mastodon_stream_events import Session
from tests.mastodon_stream_server import TOKEN, MastodonStreamServer
from tests.stream_runner_server import running, world
from tests.wait_helpers import until

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


# -- only while connected, from the newest event, series from the start ---------------


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def test_the_lag_shows_only_while_connected_and_starts_over_with_each_connection() -> None:
    metrics = Metrics()
    tracker = StreamHealthTracker("sky", lambda: NOW, metrics)
    tracker.connected()
    tracker.saw_event(NOW - timedelta(seconds=60))
    health = tracker.snapshot()
    tracker.publish(health)
    assert (
        health.lag_s() == 60.0 and metrics.value("listener_stream_lag_seconds", source="sky") == 60
    )
    # The server went away: no lag rather than the last event's, in the row and the gauge.
    tracker.ended(StreamStatus.BACKING_OFF, "the Jetstream connection dropped")
    health = tracker.snapshot()
    tracker.publish(health)
    assert health.lag_s() is None and health.stream_time is None
    assert health.last_event_at == NOW  # when the last event came is still worth showing
    assert metrics.value("listener_stream_lag_seconds", source="sky") == 0
    # Connected again: none until this connection's first dated event.
    tracker.connecting()
    tracker.connected()
    assert tracker.snapshot().lag_s() is None
    tracker.saw_event(NOW - timedelta(seconds=2))
    assert tracker.snapshot().lag_s() == 2.0


def test_a_replayed_backlogs_lag_gives_way_to_the_live_events() -> None:
    clock = Clock()
    tracker = StreamHealthTracker("sky", clock, Metrics())
    tracker.connected()
    for behind_s in (180, 150, 120):  # the replay from the cursor: minutes old
        tracker.saw_event(NOW - timedelta(seconds=behind_s))
    assert tracker.snapshot().lag_s() == 120.0
    clock.now = NOW + timedelta(seconds=1)
    tracker.saw_event(clock.now - timedelta(seconds=0.5))  # caught up: a live post
    assert tracker.snapshot().lag_s() == 0.5
    # A deletion carries no time of its own: 30 s later it must not read as 30 s behind.
    clock.now += timedelta(seconds=30)
    tracker.saw_event(None)
    health = tracker.snapshot()
    assert health.lag_s() == 0.5 and health.last_event_at == clock.now


def test_a_keep_alive_after_the_backlog_shows_the_stream_caught_up() -> None:
    # A quiet stream: the replay ended minutes behind and no live post follows for long.
    clock = Clock()
    tracker = StreamHealthTracker("sky", clock, Metrics())
    tracker.connected()
    tracker.kept_alive()  # before any dated event of this connection: still no lag
    assert tracker.snapshot().lag_s() is None
    tracker.saw_event(NOW - timedelta(minutes=2))
    assert tracker.snapshot().lag_s() == 120.0
    clock.now += timedelta(seconds=30)
    tracker.kept_alive()  # the server had nothing more to send
    assert tracker.snapshot().lag_s() == 0.0
    clock.now += timedelta(seconds=5)
    tracker.saw_event(None)  # a deletion since: still caught up
    assert tracker.snapshot().lag_s() == 0.0
    tracker.saw_event(clock.now - timedelta(seconds=1.5))  # the next live post's own lag
    assert tracker.snapshot().lag_s() == 1.5


def test_the_stream_series_exist_at_0_from_the_start() -> None:
    metrics = Metrics()
    StreamHealthTracker("sky", lambda: NOW, metrics)
    registry = metrics.registry
    for name in (
        "listener_stream_connected",
        "listener_stream_events_total",
        "listener_stream_reconnects_total",
        "listener_stream_lag_seconds",
        "listener_stream_last_event_timestamp_seconds",
        "listener_stream_batch_seconds_count",
    ):
        assert registry.get_sample_value(name, {"source": "sky"}) == 0.0, name
    assert 'listener_stream_reconnects_total{source="sky"} 0.0' in metrics.exposition().decode()


def test_a_restarted_tracker_keeps_the_counts_already_published() -> None:
    metrics = Metrics()
    first = StreamHealthTracker("sky", lambda: NOW, metrics)
    first.connecting()
    first.connecting()  # one reconnect
    StreamHealthTracker("sky", lambda: NOW, metrics)  # the runner started again
    assert metrics.value("listener_stream_reconnects_total", source="sky") == 1


# -- in the runner, against real servers -----------------------------------------------


def test_a_first_mastodon_connect_counts_no_event_before_a_post_and_keeps_its_position(
    write_settings: Callable[[str], Settings],
) -> None:
    # Its start position ("now") comes with the open: it is saved as the cursor, and is no
    # event ("0.2 events/s, last event 6 s ago" before any post).
    async def scenario(server: MastodonStreamServer) -> None:
        async with world(write_settings) as w:
            source = SourceSettings.model_validate(
                {"name": "live", "type": "mastodon_stream", "instance_url": server.url,
                 "hashtags": ["acme"], "access_token": TOKEN, "batch_window": "20ms"}
            )  # fmt: skip
            kind = get_source_type("mastodon_stream")
            runner = StreamRunner(source, kind, w.setup)
            async with running(runner):
                assert await until(lambda: runner.health.status is StreamStatus.CONNECTED)
                await asyncio.sleep(0.5)
                health = w.store.stream_healths()["live"]
                assert health.status is StreamStatus.CONNECTED
                assert health.events_total == 0 and health.events_per_s == 0.0
                assert health.last_event_at is None and health.lag_s() is None
            bounded = StreamRunner(source, kind, w.setup, writes_health=False)
            started = snowflake_at(datetime.now(UTC))
            assert await bounded.listen(limit_s=10, quiet_s=0.5) is None
            assert bounded.health.events_total == 0
            cursor = (w.store.load_source_state("live") or bounded.state).cursor
            assert cursor is not None and int(cursor) >= started

    with MastodonStreamServer() as server:
        server.play(Session([], "open"), Session([], "open"))
        asyncio.run(scenario(server))


def test_a_quiet_author_filtered_jetstream_stays_connected_on_its_pings(
    write_settings: Callable[[str], Settings],
) -> None:
    # Two frames of the chosen authors, then nothing (the server still answers pings) for
    # three idle timeouts. (An unfiltered firehose that goes silent is a stalled instance and
    # is reopened: tests/test_source_jetstream_faults.py.)
    lines = capture_lines(CAPTURE)[:40]
    authors = sorted({json.loads(line)["did"] for line in lines})

    async def scenario(server: JetstreamServer) -> None:
        async with world(write_settings) as w:
            source = SourceSettings.model_validate(
                {"name": "live", "type": "jetstream", "url": server.url, "dids": authors,
                 "resolve_handles": False, "idle_timeout": "1s", "batch_window": "20ms"}
            )  # fmt: skip
            runner = StreamRunner(source, get_source_type("jetstream"), w.setup)
            async with running(runner):
                assert await until(lambda: runner.health.events_total == 2)
                await asyncio.sleep(3.2)
                health = w.store.stream_healths()["live"]
                assert health.status is StreamStatus.CONNECTED
                assert health.reconnects == 0 and health.last_error is None
                assert health.lag_s() == 0.0  # the captured frames are months old: caught up
                assert (
                    w.metrics.registry.get_sample_value(
                        "listener_stream_reconnects_total", {"source": "live"}
                    )
                    == 0.0
                )
            assert server.connections == 1

    with JetstreamServer(lines, stall_after=2) as server:
        asyncio.run(scenario(server))
