"""The stream runner against a real local websocket server and a real SQLite store: it stores
what the stream brings and saves the cursor after it, resumes there after a disconnect or
a restart, loses and repeats nothing across twenty disconnects, groups a burst into one
batch, reads a burst of 10,000 whole, keeps what an enrich that fails was given, saves only
stored batches' cursor at a stop, and shows all of it in its health row and metrics. (When
things go wrong: ``test_stream_runner_failures``.) Storing, resuming, the health row and
both bursts use the real jetstream type against ``tests.jetstream_server``; the rest the
test's own ``test_stream`` (``tests.stream_runner_server``: clean closes, the test's own
enrich, numbered positions, reconnects in milliseconds), handed to the runner: nothing of
ours is patched."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from listener.config.settings import Settings, SourceSettings
from listener.models import RawItem, StreamStatus
from listener.service.streams import StreamRunner
from listener.sources.registry import get_source_type
from tests.jetstream_server import JetstreamServer, burst_lines, post_line
from tests.stream_runner_server import (
    ReplayServer,
    running,
    stream_type,
    world,
)
from tests.wait_helpers import until

JETSTREAM = get_source_type("jetstream")
NOW_US = int(time.time() * 1_000_000)


def sky(
    server: JetstreamServer, batch_window: timedelta = timedelta(milliseconds=20)
) -> SourceSettings:
    return SourceSettings.model_validate(
        {"name": "live", "type": "jetstream", "url": server.url, "resolve_handles": False,
         "batch_window": batch_window}
    )  # fmt: skip


def test_a_stream_stores_its_posts_then_saves_the_cursor_after_them(
    write_settings: Callable[[str], Settings],
) -> None:
    at = [NOW_US - 60_000_000 + n * 1_000_000 for n in range(4)]

    async def scenario(server: JetstreamServer) -> None:
        async with world(write_settings) as w:
            runner = StreamRunner(sky(server), JETSTREAM, w.setup)
            async with running(runner):
                assert await until(lambda: len(w.stored_ids()) == 3)
                assert await until(
                    lambda: (w.store.load_source_state("live") or runner.state).cursor == str(at[2])
                )
                server.inject(post_line("and a live acme post", time_us=at[3]))
                assert await until(lambda: len(w.stored_ids()) == 4)
            state = w.store.load_source_state("live")
            assert state is not None and state.cursor == str(at[3])
            assert state.items_total == 4 and state.error_count == 0
            assert "cursor" not in server.params(0) and server.connections == 1
            # A daemon's runner counts what it stored and keeps none of it (it runs for weeks).
            assert runner.totals.stored == 4 and runner.totals.fetched == 4
            assert runner.totals.mentions == []

    history = [post_line(f"acme post number {n}", time_us=at[n]) for n in range(3)]
    with JetstreamServer(history) as server:
        asyncio.run(scenario(server))


def test_a_restart_resumes_from_the_saved_cursor_and_stores_nothing_twice(
    write_settings: Callable[[str], Settings],
) -> None:
    at = [NOW_US - 60_000_000 + n * 1_000_000 for n in range(5)]

    async def scenario(server: JetstreamServer) -> None:
        async with world(write_settings) as w:
            first = StreamRunner(sky(server), JETSTREAM, w.setup)
            async with running(first):
                assert await until(lambda: len(w.stored_ids()) == 3)
                assert await until(lambda: first.state.cursor == str(at[2]))
            server.inject(
                post_line("acme while we were down", time_us=at[3]),
                post_line("acme also while down", time_us=at[4]),
            )
            second = StreamRunner(sky(server), JETSTREAM, w.setup)
            async with running(second):
                assert await until(lambda: len(w.stored_ids()) == 5)
                await asyncio.sleep(0.2)
            # Resumed from the saved cursor (less jetstream's replay margin, read again and
            # not stored twice).
            [asked] = server.params(1)["cursor"]
            assert int(asked) <= at[2] and int(asked) > at[0] - 60_000_000
            ids = w.stored_ids()
            assert len(ids) == len(set(ids)) == 5

    history = [post_line(f"acme before the restart {n}", time_us=at[n]) for n in range(3)]
    with JetstreamServer(history) as server:
        asyncio.run(scenario(server))


def test_twenty_disconnects_lose_no_post_and_store_none_twice(
    write_settings: Callable[[str], Settings],
) -> None:
    async def scenario() -> None:
        async with world(write_settings) as w, ReplayServer(close_after=2) as server:
            for n in range(40):
                server.publish(f"acme post {n} in a stream that keeps closing")
            runner = StreamRunner(w.source(server), stream_type(server), w.setup)
            async with running(runner):
                assert await until(lambda: len(w.stored_ids()) == 40, timeout_s=15)
                server.close_after, server.drop_after = None, 1  # now abrupt drops (1011)
                for n in range(40, 50):
                    server.publish(f"acme post {n} after the drops begin")
                assert await until(lambda: len(w.stored_ids()) == 50, timeout_s=15)
            ids = w.stored_ids()
            assert len(ids) == len(set(ids)) == 50
            assert len(server.cursors) >= 30
            # Each connection asked to resume after what the previous ones read, never before.
            asked = [int(c) for c in server.cursors]
            assert asked == sorted(asked)
            assert runner.health.reconnects >= 29
            assert w.metric("listener_stream_reconnects_total") >= 29

    asyncio.run(scenario())


def test_a_burst_within_the_batch_window_goes_through_the_pipeline_as_one_batch(
    write_settings: Callable[[str], Settings],
) -> None:
    async def scenario(server: JetstreamServer) -> float:
        async with world(write_settings) as w:
            runner = StreamRunner(sky(server, timedelta(seconds=1)), JETSTREAM, w.setup)
            async with running(runner):
                assert await until(lambda: runner.health.status is StreamStatus.CONNECTED)
                sent = time.monotonic()
                # Six posts sent back to back, well inside the one-second window.
                first = int(time.time() * 1_000_000)
                server.inject(*(post_line(f"acme burst {n}", time_us=first + n) for n in range(6)))
                assert await until(lambda: len(w.stored_ids()) == 6, timeout_s=10)
                took = time.monotonic() - sent
                await asyncio.sleep(0.1)
            assert w.metric("listener_polls_total", outcome="ok") == 1
            assert w.metric("listener_items_fetched_total") == 6
            assert w.metric("listener_stream_batch_seconds_count") == 1
            return took

    with JetstreamServer(without_cursor="live") as server:
        took = asyncio.run(scenario(server))
    # The batch waited out its window for more (a lower bound: a loaded machine only adds).
    assert took >= 0.95, f"stored {took:.2f} s after the first post"


def test_health_rows_and_metrics_follow_the_stream(
    write_settings: Callable[[str], Settings],
) -> None:
    at = [NOW_US - 60_000_000 + n * 1_000_000 for n in range(3)]
    texts = ["acme one", "nothing to see", "acme three"]

    async def scenario(server: JetstreamServer) -> None:
        async with world(write_settings) as w:
            runner = StreamRunner(sky(server), JETSTREAM, w.setup)
            async with running(runner):
                assert await until(lambda: len(w.stored_ids()) == 2)
                assert await until(lambda: w.store.stream_healths()["live"].events_total == 3)
                health = w.store.stream_healths()["live"]
                assert health.status is StreamStatus.CONNECTED
                assert health.connected_since is not None and health.last_event_at is not None
                assert health.stream_time == datetime.fromtimestamp(at[2] / 1e6, UTC)
                assert health.reconnects == 0 and health.last_error is None
                lag = health.lag_s()
                assert lag is not None and lag >= 57  # the last event is a minute old
                assert w.metric("listener_stream_connected") == 1
                assert w.metric("listener_stream_events_total") == 3
                assert w.metric("listener_stream_lag_seconds") >= 57
                assert w.metric("listener_stream_last_event_timestamp_seconds") > 0
                assert w.metric("listener_mentions_stored_total") == 2
                assert w.metric("listener_items_dropped_total", reason="not_matched") == 1
            assert w.metric("listener_stream_connected") == 0

    history = [post_line(text, time_us=t) for text, t in zip(texts, at, strict=True)]
    with JetstreamServer(history) as server:
        asyncio.run(scenario(server))


def test_an_enrich_that_fails_stores_the_items_as_read(
    write_settings: Callable[[str], Settings],
) -> None:
    async def failing(ctx: Any, items: list[RawItem]) -> list[RawItem]:
        raise RuntimeError("the profile service is down")

    async def scenario() -> None:
        async with world(write_settings) as w, ReplayServer() as server:
            server.publish("acme needs an author")
            runner = StreamRunner(w.source(server), stream_type(server, enrich=failing), w.setup)
            async with running(runner):
                assert await until(lambda: w.stored_ids() == ["p1"])

    asyncio.run(scenario())


def test_a_stop_saves_the_cursor_of_stored_batches_only(
    write_settings: Callable[[str], Settings],
) -> None:
    held = asyncio.Event()

    async def holding(ctx: Any, items: list[RawItem]) -> list[RawItem]:
        if any("hold" in item.html for item in items):
            held.set()
            await asyncio.sleep(3600)  # a batch still being worked on at the stop
        return items

    async def scenario() -> None:
        async with world(write_settings) as w, ReplayServer() as server:
            server.publish("acme stored before the stop")
            runner = StreamRunner(w.source(server), stream_type(server, enrich=holding), w.setup)
            async with running(runner, grace_s=0.3):
                assert await until(lambda: w.stored_ids() == ["p1"])
                server.publish("acme hold: still in a batch at the stop")
                assert await until(held.is_set)
            state = w.store.load_source_state("live")
            assert state is not None and state.cursor == "1"
            # The next start reads the abandoned batch again.
            again = StreamRunner(w.source(server), stream_type(server), w.setup)
            async with running(again):
                assert await until(lambda: sorted(w.stored_ids()) == ["p1", "p2"])
            assert server.cursors[-1] == "1"

    asyncio.run(scenario())


def test_a_burst_of_10000_events_is_read_whole_and_the_stop_saves_its_last_position(
    write_settings: Callable[[str], Settings],
) -> None:
    lines = burst_lines(10_000, start_us=NOW_US - 600_000_000)
    for n in range(7, 10_000, 1000):  # ten of them name the brand
        event = json.loads(lines[n])
        event["commit"]["record"]["text"] = f"acme shows up in post {n}"
        lines[n] = json.dumps(event)
    last_us = json.loads(lines[-1])["time_us"]

    async def scenario(server: JetstreamServer) -> float:
        async with world(write_settings) as w:
            runner = StreamRunner(sky(server), JETSTREAM, w.setup)
            started = time.monotonic()
            async with running(runner):
                assert await until(lambda: runner.health.events_total == 10_000, timeout_s=60)
                assert await until(
                    lambda: w.metric("listener_items_fetched_total") == 10_000, timeout_s=10
                )
                took = time.monotonic() - started
                assert len(w.stored_ids()) == 10
            # The last batches matched nothing: their position is saved at the stop, not per
            # batch (a firehose would write it four times a second).
            state = w.store.load_source_state("live")
            assert state is not None and state.cursor == str(last_us)
            assert w.metric("listener_items_dropped_total", reason="not_matched") == 9_990
            batches = w.metric("listener_polls_total", outcome="ok")
            print(f"in {batches:.0f} batches")
            # Behind a burst, what is already read joins the batch at once (up to batch_max):
            # batches of one would never catch up with a firehose.
            assert batches < 1_000
            return took

    with JetstreamServer(lines) as server:
        took = asyncio.run(scenario(server))
    print(f"10,000 events read and screened in {took:.2f} s")  # a figure, not a target
