"""The stream runner against a real local websocket server and a real SQLite store: it stores
what the stream brings and saves the cursor after it, resumes there after a disconnect or
a restart, loses and repeats nothing across twenty disconnects, reconnects a silent stream,
parks on 401 until `listener unpark`, backs off from a refusing server, groups a burst into
one batch, keeps what an enrich that fails was given, and shows all of it in its health
row and metrics. The stream type is the test's own (``tests.stream_runner_server``), handed
to the runner: nothing of ours is patched."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from listener.cli.main import main
from listener.config.settings import Settings, SourceSettings
from listener.metrics import Metrics
from listener.models import RawItem, StreamStatus
from listener.pipeline.run import Pipeline
from listener.service.stream_setup import StreamSetup
from listener.service.streams import REPLAY_ERROR, StreamRunner
from listener.sources.streaming import ReconnectPolicy
from listener.store import SQLiteStore, open_store
from tests.stream_runner_server import POSTED_AT, ReplayServer, stream_type

SETTINGS = "brands:\n  - name: Acme\n    query: acme\nstorage:\n  sqlite: data/listener.db\n"


@dataclass
class World:
    settings: Settings
    store: SQLiteStore
    metrics: Metrics
    setup: StreamSetup
    config: Path

    def source(self, server: ReplayServer, **options: Any) -> SourceSettings:
        fields = {"name": "live", "type": "jetstream", "url": server.url, **options}
        fields.setdefault("batch_window", timedelta(milliseconds=20))
        return SourceSettings.model_validate(fields)

    def stored_ids(self) -> list[str]:
        with self.store._read() as conn:
            return [row[0] for row in conn.execute("SELECT native_id FROM mentions")]

    def metric(self, name: str, **labels: str) -> float:
        return self.metrics.value(name, source="live", **labels)


@asynccontextmanager
async def world(write_settings: Callable[[str], Settings]) -> AsyncIterator[World]:
    settings = write_settings(SETTINGS)
    store = open_store(settings.storage.sqlite)
    pipeline = Pipeline(settings, store)
    metrics = Metrics()
    async with httpx.AsyncClient() as http:
        setup = StreamSetup(
            store=store,
            http=http,
            metrics=metrics,
            pipeline=lambda: pipeline,
            rng=random.Random(1),
            health_every_s=0.1,
            park_check_s=0.1,
        )
        try:
            yield World(settings, store, metrics, setup, settings.config_path)
        finally:
            store.close()


async def until(condition: Callable[[], bool], timeout_s: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


@asynccontextmanager
async def running(runner: StreamRunner, grace_s: float = 2.0) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(runner.run())
    try:
        yield task
    finally:
        runner.stop()
        _done, pending = await asyncio.wait([task], timeout=grace_s)
        for left in pending:
            left.cancel()
        await asyncio.wait([task])


def test_a_stream_stores_its_posts_then_saves_the_cursor_after_them(
    write_settings: Callable[[str], Settings],
) -> None:
    async def scenario() -> None:
        async with world(write_settings) as w, ReplayServer() as server:
            for n in range(3):
                server.publish(f"acme post number {n}")
            runner = StreamRunner(w.source(server), stream_type(server), w.setup)
            async with running(runner):
                assert await until(lambda: len(w.stored_ids()) == 3)
                assert await until(
                    lambda: (w.store.load_source_state("live") or runner.state).cursor == "3"
                )
                server.publish("and a live acme post")
                assert await until(lambda: len(w.stored_ids()) == 4)
            state = w.store.load_source_state("live")
            assert state is not None and state.cursor == "4"
            assert state.items_total == 4 and state.error_count == 0
            assert server.cursors == ["0"]

    asyncio.run(scenario())


def test_a_restart_resumes_from_the_saved_cursor_and_stores_nothing_twice(
    write_settings: Callable[[str], Settings],
) -> None:
    async def scenario() -> None:
        async with world(write_settings) as w, ReplayServer() as server:
            for n in range(3):
                server.publish(f"acme before the restart {n}")
            first = StreamRunner(w.source(server), stream_type(server), w.setup)
            async with running(first):
                assert await until(lambda: len(w.stored_ids()) == 3)
            server.publish("acme while we were down")
            server.publish("acme also while down")
            second = StreamRunner(w.source(server), stream_type(server), w.setup)
            async with running(second):
                assert await until(lambda: len(w.stored_ids()) == 5)
                await asyncio.sleep(0.2)
            assert server.cursors == ["0", "3"]
            assert sorted(w.stored_ids()) == ["p1", "p2", "p3", "p4", "p5"]

    asyncio.run(scenario())


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


def test_a_silent_stream_is_taken_for_dead_after_the_idle_timeout_and_reopened(
    write_settings: Callable[[str], Settings],
) -> None:
    async def scenario() -> None:
        async with world(write_settings) as w, ReplayServer(silent=True) as server:
            runner = StreamRunner(w.source(server, idle_timeout="1s"), stream_type(server), w.setup)
            started = time.monotonic()
            async with running(runner):
                assert await until(lambda: len(server.cursors) >= 2, timeout_s=4)
                took = time.monotonic() - started
                assert await until(lambda: runner.state.last_error is not None)
                assert runner.state.last_error == "idle for 1 s: no event and no keep-alive"
            assert 0.9 < took < 2.5, f"reopened after {took:.2f} s"

    asyncio.run(scenario())


def test_401_parks_the_stream_and_listener_unpark_resumes_it(
    write_settings: Callable[[str], Settings],
) -> None:
    async def scenario() -> None:
        async with world(write_settings) as w, ReplayServer(refuse=401) as server:
            server.publish("acme posted while the token was wrong")
            runner = StreamRunner(w.source(server), stream_type(server), w.setup)
            async with running(runner):
                assert await until(
                    lambda: bool((w.store.load_source_state("live") or runner.state).parked_reason)
                )
                assert await until(
                    lambda: w.store.stream_healths()["live"].status is StreamStatus.PARKED
                )
                await asyncio.sleep(0.4)  # parked: no reconnect however long it waits
                assert w.stored_ids() == []
                health = w.store.stream_healths()["live"]
                assert health.last_error == "the server refused the token (HTTP 401)"
                server.refuse = None
                result = await asyncio.to_thread(
                    CliRunner().invoke, main, ["unpark", "live", "--config", str(w.config)]
                )
                assert result.exit_code == 0, result.output
                assert "live unparked" in result.output
                assert await until(lambda: w.stored_ids() == ["p1"])
                assert await until(
                    lambda: w.store.stream_healths()["live"].status is StreamStatus.CONNECTED
                )
                # The stored post proves the stream works again: no failure shown any more.
                assert await until(lambda: runner.state.error_count == 0)
                assert runner.state.last_error is None and runner.state.parked_reason is None
            assert w.metric("listener_polls_total", outcome="parked") == 1

    asyncio.run(scenario())


def test_a_server_refusing_the_connect_is_backed_off_exponentially(
    write_settings: Callable[[str], Settings],
) -> None:
    async def scenario() -> None:
        async with world(write_settings) as w, ReplayServer(refuse=503) as server:
            runner = StreamRunner(w.source(server), stream_type(server), w.setup)
            async with running(runner):
                await asyncio.sleep(1.1)
                status = w.store.stream_healths()["live"].status
            # The test policy: 0.2 s, 0.4 s, 0.8 s after the first refusal: 3 tries in 1.1 s
            # (a dropped connection would have been retried dozens of times).
            counted = server.handshakes
            assert len(counted) == 3, counted
            gaps = [b - a for a, b in pairwise(counted)]
            assert 0.18 < gaps[0] < 0.35 and 0.38 < gaps[1] < 0.6
            assert status is StreamStatus.BACKING_OFF
            assert runner.state.error_count == 3
            assert runner.state.last_error == "the server answered HTTP 503"

    asyncio.run(scenario())


def test_a_burst_within_the_batch_window_goes_through_the_pipeline_as_one_batch(
    write_settings: Callable[[str], Settings],
) -> None:
    async def scenario() -> float:
        async with world(write_settings) as w, ReplayServer() as server:
            runner = StreamRunner(
                w.source(server, batch_window=timedelta(milliseconds=300)),
                stream_type(server),
                w.setup,
            )
            async with running(runner):
                assert await until(lambda: runner.health.status is StreamStatus.CONNECTED)
                sent = time.monotonic()
                for n in range(5):
                    server.publish(f"acme burst {n}")
                    await asyncio.sleep(0.02)
                assert await until(lambda: len(w.stored_ids()) == 5)
                took = time.monotonic() - sent
                await asyncio.sleep(0.1)
            assert w.metric("listener_polls_total", outcome="ok") == 1
            assert w.metric("listener_items_fetched_total") == 5
            assert w.metric("listener_stream_batch_seconds_count") == 1
            return took

    took = asyncio.run(scenario())
    assert 0.28 < took < 1.5, f"stored {took:.2f} s after the first post"


def test_health_rows_and_metrics_follow_the_stream(
    write_settings: Callable[[str], Settings],
) -> None:
    async def scenario() -> None:
        async with world(write_settings) as w, ReplayServer() as server:
            server.publish("acme one")
            server.publish("nothing to see")
            server.publish("acme three")
            runner = StreamRunner(w.source(server), stream_type(server), w.setup)
            async with running(runner):
                assert await until(lambda: len(w.stored_ids()) == 2)
                assert await until(lambda: w.store.stream_healths()["live"].events_total == 3)
                health = w.store.stream_healths()["live"]
                assert health.status is StreamStatus.CONNECTED
                assert health.connected_since is not None and health.last_event_at is not None
                assert health.stream_time == POSTED_AT + timedelta(seconds=2)
                assert health.reconnects == 0 and health.last_error is None
                assert health.lag_s() is not None and health.lag_s() > 0
                assert w.metric("listener_stream_connected") == 1
                assert w.metric("listener_stream_events_total") == 3
                assert w.metric("listener_stream_lag_seconds") > 0
                assert w.metric("listener_stream_last_event_timestamp_seconds") > 0
                assert w.metric("listener_mentions_stored_total") == 2
                assert w.metric("listener_items_dropped_total", reason="not_matched") == 1
            assert w.metric("listener_stream_connected") == 0

    asyncio.run(scenario())


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
    async def scenario() -> float:
        async with world(write_settings) as w, ReplayServer() as server:
            for n in range(10_000):
                server.publish(f"acme shows up in post {n}" if n % 1000 == 7 else f"post {n}")
            runner = StreamRunner(w.source(server), stream_type(server), w.setup)
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
            assert state is not None and state.cursor == "10000"
            assert w.metric("listener_items_dropped_total", reason="not_matched") == 9_990
            batches = w.metric("listener_polls_total", outcome="ok")
            print(f"in {batches:.0f} batches")
            # Behind a burst, what is already read joins the batch at once (up to batch_max):
            # batches of one would never catch up with a firehose.
            assert batches < 1_000
            return took

    took = asyncio.run(scenario())
    print(f"10,000 events read and screened in {took:.2f} s")  # a figure, not a target


def test_a_server_that_accepts_and_closes_at_once_is_not_hammered(
    write_settings: Callable[[str], Settings],
) -> None:
    # A clean close is reconnected at once, but closes in a row climb the linear steps.
    policy = ReconnectPolicy(network_step_s=0.1, network_max_s=1.0, jitter=0.0)

    async def scenario() -> int:
        async with world(write_settings) as w, ReplayServer(close_after=0) as server:
            server.publish("acme, never sent")
            runner = StreamRunner(w.source(server), stream_type(server, policy), w.setup)
            async with running(runner):
                await asyncio.sleep(1.05)
            assert runner.state.error_count == 0  # closed cleanly: no failure counted
            return len(server.cursors)

    # Waits 0, 0.1, 0.2, 0.3, 0.4 s: six connections in a second, not hundreds.
    assert 4 <= asyncio.run(scenario()) <= 8


def test_a_batch_the_store_could_not_take_is_read_again_from_the_stored_cursor(
    write_settings: Callable[[str], Settings],
) -> None:
    async def scenario() -> None:
        async with world(write_settings) as w, ReplayServer() as server:
            # A pipeline whose store is closed fails every batch, as a full disk would.
            closed = open_store(w.settings.storage.sqlite)
            closed.close()
            broken, working = Pipeline(w.settings, closed), Pipeline(w.settings, w.store)
            current = [broken]
            setup = replace(w.setup, pipeline=lambda: current[0])
            server.publish("acme one")
            server.publish("acme two")
            runner = StreamRunner(w.source(server), stream_type(server), setup)
            async with running(runner):
                assert await until(lambda: runner.state.error_count == 1)
                assert runner.state.last_error == REPLAY_ERROR
                current[0] = working  # the disk has room again
                server.publish("acme three")
                assert await until(lambda: sorted(w.stored_ids()) == ["p1", "p2", "p3"])
            # Read again from where the store stood (nothing stored), not from what was read.
            assert server.cursors[:2] == ["0", "0"]
            assert runner.state.error_count == 0  # stored since: working again

    asyncio.run(scenario())
