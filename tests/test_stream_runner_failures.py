"""The stream runner when things go wrong, against a real local websocket server and SQLite: a
silent stream is reopened after the idle timeout, 401 parks until `listener unpark` (the real
jetstream type), a refusing server is backed off exponentially, a server that closes at once
is not hammered, and a batch the store could not take is read again from the stored cursor,
the batches behind it too. The others use the test's ``test_stream`` type
(``tests.stream_runner_server``): reconnect policies in milliseconds, clean closes, posts
the store can be made to refuse by id."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from itertools import pairwise
from typing import Any

from click.testing import CliRunner

from listener.cli.main import main
from listener.config.settings import Settings, SourceSettings
from listener.models import SourceState, StreamStatus
from listener.pipeline.run import Pipeline
from listener.service.streams import REPLAY_ERROR, StreamRunner
from listener.sources.errors import ServerRefused
from listener.sources.registry import get_source_type
from listener.sources.streaming import ReconnectPolicy, StreamEvent
from listener.store import open_store
from tests.jetstream_server import JetstreamServer, post_line
from tests.stream_runner_server import ReplayServer, running, stream_type, world
from tests.wait_helpers import until


def test_a_silent_stream_is_taken_for_dead_after_the_idle_timeout_and_reopened(
    write_settings: Callable[[str], Settings],
) -> None:
    async def scenario() -> None:
        async with world(write_settings) as w, ReplayServer(silent=True) as server:
            runner = StreamRunner(w.source(server, idle_timeout="1s"), stream_type(server), w.setup)
            started = time.monotonic()
            async with running(runner):
                assert await until(lambda: len(server.cursors) >= 2, timeout_s=10)
                took = time.monotonic() - started
                assert await until(lambda: runner.state.last_error is not None)
                assert runner.state.last_error == "idle for 1 s: no event and no keep-alive"
            assert took >= 0.9, f"reopened after {took:.2f} s: before the idle timeout"

    asyncio.run(scenario())


def test_401_parks_the_stream_and_listener_unpark_resumes_it(
    write_settings: Callable[[str], Settings],
) -> None:
    # The real jetstream type: 401 on the upgrade is its own to read.
    async def scenario(server: JetstreamServer) -> None:
        async with world(write_settings) as w:
            source = SourceSettings.model_validate(
                {"name": "live", "type": "jetstream", "url": server.url, "resolve_handles": False}
            )
            runner = StreamRunner(source, get_source_type("jetstream"), w.setup)
            async with running(runner):
                assert await until(
                    lambda: bool((w.store.load_source_state("live") or runner.state).parked_reason)
                )
                assert await until(
                    lambda: w.store.stream_healths()["live"].status is StreamStatus.PARKED
                )
                await asyncio.sleep(0.4)  # parked: no reconnect however long it waits
                assert w.stored_ids() == [] and server.rejected == 1
                health = w.store.stream_healths()["live"]
                assert health.last_error is not None and "401" in health.last_error
                server.reject = None
                result = await asyncio.to_thread(
                    CliRunner().invoke, main, ["unpark", "live", "--config", str(w.config)]
                )
                assert result.exit_code == 0, result.output
                assert "live unparked" in result.output
                assert await until(lambda: len(w.stored_ids()) == 1)
                assert await until(
                    lambda: w.store.stream_healths()["live"].status is StreamStatus.CONNECTED
                )
                # The stored post proves the stream works again: no failure shown any more.
                assert await until(lambda: runner.state.error_count == 0)
                assert runner.state.last_error is None and runner.state.parked_reason is None
            assert w.metric("listener_polls_total", outcome="parked") == 1

    posted = post_line("acme posted while the token was wrong", time_us=int(time.time() * 1e6))
    with JetstreamServer([posted], reject=(401, "bad token\n")) as server:
        asyncio.run(scenario(server))


def test_a_server_refusing_the_connect_is_backed_off_exponentially(
    write_settings: Callable[[str], Settings],
) -> None:
    async def scenario() -> None:
        async with world(write_settings) as w, ReplayServer(refuse=503) as server:
            runner = StreamRunner(w.source(server), stream_type(server), w.setup)
            async with running(runner):
                assert await until(lambda: len(server.handshakes) >= 4, timeout_s=10)
                assert await until(
                    lambda: w.store.stream_healths()["live"].status is StreamStatus.BACKING_OFF
                )
                assert runner.state.error_count >= 3
                assert runner.state.last_error == "the server answered HTTP 503"
            # The test policy waits 0.2 s, 0.4 s, 0.8 s after the refusals: each wait at least
            # twice the one before (a dropped connection is retried at once, then +0.01 s).
            gaps = [b - a for a, b in pairwise(server.handshakes[:4])]
            assert gaps[0] >= 0.19 and gaps[1] >= 0.39 and gaps[2] >= 0.79, gaps

    asyncio.run(scenario())


def test_a_server_that_accepts_and_closes_at_once_is_not_hammered(
    write_settings: Callable[[str], Settings],
) -> None:
    # A clean close is reconnected at once, but closes in a row climb the linear steps.
    policy = ReconnectPolicy(network_step_s=0.1, network_max_s=1.0, jitter=0.0)

    async def scenario() -> list[float]:
        async with world(write_settings) as w, ReplayServer(close_after=0) as server:
            server.publish("acme, never sent")
            runner = StreamRunner(w.source(server), stream_type(server, policy), w.setup)
            async with running(runner):
                assert await until(lambda: len(server.handshakes) >= 5, timeout_s=10)
            assert runner.state.error_count == 0  # closed cleanly: no failure counted
            return server.handshakes[:5]

    # Waits 0, 0.1, 0.2, 0.3 s between the connections: climbing, not a tight loop.
    gaps = [b - a for a, b in pairwise(asyncio.run(scenario()))]
    assert all(gap >= 0.1 * n - 0.01 for n, gap in enumerate(gaps)), gaps


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


def test_a_servers_long_refusal_is_kept_short_in_the_state_and_health_rows(
    write_settings: Callable[[str], Settings],
) -> None:
    page = "<html>" + "Service Unavailable " * 500 + "</html>"

    async def refusing(ctx: Any, state: SourceState) -> AsyncIterator[StreamEvent]:
        raise ServerRefused(f"the server answered HTTP 503: {page}")
        yield StreamEvent()  # an async generator, as stream functions are

    async def scenario() -> None:
        async with world(write_settings) as w, ReplayServer() as server:
            kind = replace(stream_type(server), stream=refusing)
            runner = StreamRunner(w.source(server), kind, w.setup)
            async with running(runner):
                assert await until(lambda: "live" in w.store.stream_healths())
                assert await until(lambda: runner.state.error_count == 1)
                await asyncio.sleep(0.2)
            health = w.store.stream_healths()["live"]
            state = w.store.load_source_state("live")
            assert state is not None and state.last_error is not None
            assert state.last_error.startswith("the server answered HTTP 503: <html>Service")
            assert len(state.last_error) == 500 and state.last_error.endswith("…")
            assert health.last_error == state.last_error

    asyncio.run(scenario())


def test_a_refused_batch_keeps_the_batches_queued_behind_it_from_moving_the_cursor(
    write_settings: Callable[[str], Settings],
) -> None:
    # The store refuses p1 once, from the outside: another connection puts a trigger on the
    # mentions table (as a full disk or a constraint would, the insert aborts). The batches
    # queued behind the refused one must not be stored with their later position, or the
    # reconnect would resume after p1 and p2 and lose them.
    async def scenario() -> None:
        async with world(write_settings) as w, ReplayServer() as server:
            outside = sqlite3.connect(w.settings.storage.sqlite, isolation_level=None)
            outside.execute(
                "CREATE TRIGGER refuse_p1 BEFORE INSERT ON mentions WHEN NEW.native_id = 'p1'"
                " BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
            )
            for n in range(1, 7):
                server.publish(f"acme post {n}")
            runner = StreamRunner(w.source(server, batch_max=2), stream_type(server), w.setup)
            async with running(runner):
                assert await until(lambda: runner.state.error_count >= 1)
                outside.execute("DROP TRIGGER refuse_p1")
                outside.close()
                assert await until(lambda: len(w.stored_ids()) == 6)
                assert await until(lambda: runner.state.cursor == "6")
            assert sorted(w.stored_ids()) == [f"p{n}" for n in range(1, 7)]
            # The first reconnect read again from the stored position: nothing stored yet.
            assert server.cursors[:2] == ["0", "0"], server.cursors

    asyncio.run(scenario())


def test_a_bounded_listen_stores_nothing_after_a_refused_batch(
    write_settings: Callable[[str], Settings],
) -> None:
    # `listener poll --once`: the listen does not reconnect, so after a refused batch it
    # stores nothing more (the batches behind it would move the cursor past it) and says so.
    async def scenario() -> None:
        async with world(write_settings) as w, ReplayServer() as server:
            outside = sqlite3.connect(w.settings.storage.sqlite, isolation_level=None)
            outside.execute(
                "CREATE TRIGGER refuse_p1 BEFORE INSERT ON mentions WHEN NEW.native_id = 'p1'"
                " BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
            )
            outside.close()
            for n in range(1, 7):
                server.publish(f"acme post {n}")
            source = w.source(server, batch_max=2)
            runner = StreamRunner(source, stream_type(server), w.setup, writes_health=False)
            error = await runner.listen(limit_s=10, quiet_s=0.5)
            assert error is not None and str(error) == REPLAY_ERROR
            assert w.stored_ids() == []
            state = w.store.load_source_state("live")
            assert state is not None and state.cursor is None and state.error_count == 1

    asyncio.run(scenario())
