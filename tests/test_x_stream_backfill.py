"""x_stream after a reconnect: the gap read through recent search while the live stream is
read, the position held until the gap is handed over, and the daemon's own stream runner
storing every post once across twenty drops (tests/x_stream_server.py as X)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from listener.config.settings import Settings, SourceSettings
from listener.models import SourceState
from listener.pipeline.run import Pipeline
from listener.service.streams import StreamRunner
from listener.sources.errors import PermanentError, TransientError
from listener.sources.registry import get_source_type
from listener.store import SQLiteStore, open_store
from tests.stream_runner_server import FAST, quick_setup
from tests.x_stream_helpers import (
    SEARCH,
    STREAM,
    after_posts,
    live_line,
    made_posts,
    posts,
    run,
    search_posts,
    snowflake,
)
from tests.x_stream_server import Connection, XStreamServer, x_stream_server


@pytest.fixture
def server() -> Any:
    with x_stream_server() as local:
        yield local


def test_a_reconnect_reads_the_gap_through_recent_search(server: XStreamServer) -> None:
    last_seen = snowflake(timedelta(minutes=10))
    gap = [snowflake(timedelta(minutes=m)) for m in (8, 6)]
    live_id = snowflake(timedelta(seconds=1))
    search_posts(server, [snowflake(timedelta(minutes=12)), *gap])
    server.plan(Connection(lines=[live_line(live_id)], end="hold"))
    state = SourceState(source="x-live", cursor=str(last_seen))
    events, error = run(server, state=state, until=after_posts(3))
    assert error is None
    [search] = server.seen(SEARCH)
    assert search.params["since_id"] == str(last_seen)
    assert search.params["query"] == "acme"
    assert sorted(posts(events)) == sorted(str(i) for i in [*gap, live_id])
    # No event moves the cursor before the gap's posts are handed over; that one moves it
    # to the newest post seen so far.
    backfilled = next(e for e in events if len(e.items) == 2)
    before = events[: events.index(backfilled)]
    assert all(e.position is None for e in before)
    assert backfilled.position == str(max(int(i) for i in posts([*before, backfilled])))


def test_a_failed_backfill_holds_the_position_for_the_next_connect(
    server: XStreamServer,
) -> None:
    server.search_status = 503
    last_seen = snowflake(timedelta(minutes=10))
    lines = [live_line(snowflake(timedelta(seconds=n))) for n in (3, 2, 1)]
    server.plan(Connection(lines=lines, every_s=0.05, end="close"))
    events, error = run(server, state=SourceState(source="x-live", cursor=str(last_seen)))
    assert error is None and len(posts(events)) == 3 and server.seen(SEARCH)
    assert all(e.position is None for e in events)


def test_a_backfill_x_refuses_parks_the_source_saying_how_to_turn_it_off(
    server: XStreamServer,
) -> None:
    server.search_status = 403
    server.plan(Connection(lines=[b""] * 50, every_s=0.05, end="close"))
    state = SourceState(source="x-live", cursor=str(snowflake(timedelta(minutes=10))))
    _, error = run(server, state=state)
    assert isinstance(error, PermanentError)
    assert "403" in str(error) and "backfill: off" in str(error)


def test_no_backfill_on_a_first_connect_or_when_off(server: XStreamServer) -> None:
    search_posts(server, [10, 20])
    server.plan(Connection(end="close"), Connection(end="close"))
    run(server)
    run(server, state=SourceState(source="x-live", cursor="5"), backfill="off")
    assert not server.seen(SEARCH)


def test_backfill_minutes_is_asked_of_x_only_when_set(server: XStreamServer) -> None:
    server.plan(Connection(end="close"), Connection(end="close"))
    run(server)
    run(server, backfill_minutes=2)
    first, second = server.seen(STREAM)
    assert "backfill_minutes" not in first.params and second.params["backfill_minutes"] == "2"
    assert first.params["expansions"] == "author_id" and "username" in first.params["user.fields"]


def test_twenty_drops_lose_no_post_and_the_cursor_only_grows(server: XStreamServer) -> None:
    # Each connection brings one live post and drops; one post made while it was down is
    # only in search: the next connect's backfill brings it.
    live_ids = [snowflake(timedelta(seconds=60 - 2 * n)) for n in range(20)]
    missed_ids = [snowflake(timedelta(seconds=59 - 2 * n)) for n in range(20)]
    state = SourceState(source="x-live", cursor=str(snowflake(timedelta(seconds=70))))
    seen: set[str] = set()
    for live_id in live_ids:
        search_posts(server, [i for i in missed_ids if i < live_id])  # posted so far
        lines = [live_line(live_id), b"", b"", b""]
        server.plan(Connection(lines=lines, every_s=0.05, end="drop"))
        events, error = run(server, state=state)
        assert type(error) is TransientError
        seen.update(posts(events))
        positions = [int(e.position) for e in events if e.position is not None]
        assert positions == sorted(positions)
        assert all(p >= int(state.cursor or 0) for p in positions)
        if positions:
            state = SourceState(source="x-live", cursor=str(positions[-1]))
    assert {str(i) for i in live_ids} <= seen
    assert {str(i) for i in missed_ids if i < live_ids[-1]} <= seen
    assert len(server.seen(SEARCH)) == 20


def test_the_daemon_s_runner_stores_every_post_once_across_twenty_drops(
    write_settings: Callable[[str], Settings],
) -> None:
    # The real runner (listener.service.streams) with the real x_stream type, only its
    # reconnect waits shortened: each connection brings one live post and drops, and one
    # post made while it was down is found by the next connection's backfill.
    settings = write_settings(
        "brands:\n  - name: Acme\n    query: acme\nstorage:\n  sqlite: data/listener.db\n"
    )
    live_ids = [snowflake(timedelta(seconds=90 - 2 * n)) for n in range(20)]
    missed_ids = [snowflake(timedelta(seconds=89 - 2 * n)) for n in range(20)]

    async def scenario() -> None:
        store = open_store(settings.storage.sqlite)
        pipeline = Pipeline(settings, store)
        with x_stream_server() as server:
            search_posts(server, [])
            for live_id, missed_id in zip(live_ids, missed_ids, strict=True):
                [missed] = made_posts([missed_id])
                lines = [live_line(live_id, f"acme lost my order again {live_id}"), b"", b""]
                server.plan(Connection(lines=lines, every_s=0.02, end="drop", missed=[missed]))
            async with httpx.AsyncClient() as http:
                setup = quick_setup(store, http, pipeline)
                source = SourceSettings.model_validate(
                    {
                        "name": "live",
                        "type": "x_stream",
                        "bearer_token": server.token,
                        "api_url": server.url,
                        "batch_window": timedelta(milliseconds=20),
                    }
                )
                kind = replace(get_source_type("x_stream"), reconnect=FAST)
                runner = StreamRunner(source, kind, setup, brand_queries=("acme",))
                task = asyncio.create_task(runner.run())
                wanted = {str(i) for i in [*live_ids, *missed_ids]}
                newest = str(max(int(i) for i in wanted))
                try:
                    assert await until(lambda: wanted <= set(_stored(store)), timeout_s=30)
                    assert await until(
                        lambda: (store.load_source_state("live") or runner.state).cursor == newest
                    )
                finally:
                    runner.stop()
                    await asyncio.wait([task], timeout=5)
            stored = _stored(store)
            store.close()
        assert len(stored) == len(set(stored)) == 40
        assert len(server.seen(STREAM)) >= 21 and len(server.seen(SEARCH)) >= 20
        assert [r["tag"] for r in server.rules.values()] == ["listener:acme"]

    asyncio.run(scenario())


async def until(condition: Callable[[], bool], timeout_s: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


def _stored(store: SQLiteStore) -> list[str]:
    with store._read() as conn:
        return [row[0] for row in conn.execute("SELECT native_id FROM mentions")]


# --- positions never from the future -------------------------------------------------------


def test_a_post_from_the_future_does_not_carry_the_position_past_the_clock(
    server: XStreamServer,
) -> None:
    # An id a day ahead saved as the position would make the next reconnect's since_id
    # skip everything posted until then.
    now_id, future_id = snowflake(timedelta(0)), snowflake(-timedelta(days=1))
    server.plan(Connection(lines=[live_line(now_id), live_line(future_id)], end="close"))
    events, error = run(server)
    assert error is None and posts(events) == [str(now_id), str(future_id)]
    last = [e for e in events if e.items][-1]
    assert last.position is not None
    assert now_id < int(last.position) <= snowflake(-timedelta(minutes=5, seconds=30))
    assert last.at is not None and last.at < datetime.now(UTC) + timedelta(minutes=6)


@pytest.mark.parametrize("cursor", ["²", "1_000", "-5", "12 34"])
def test_a_saved_position_that_is_no_post_id_reads_live_without_a_backfill(
    server: XStreamServer, cursor: str, caplog: pytest.LogCaptureFixture
) -> None:
    server.plan(Connection(lines=[live_line(snowflake(timedelta(0)))], end="close"))
    events, error = run(server, state=SourceState(source="x-live", cursor=cursor))
    assert error is None and len(posts(events)) == 1
    assert not server.seen(SEARCH) and "is not a post id" in caplog.text


def test_a_saved_position_from_the_future_backfills_from_now(server: XStreamServer) -> None:
    search_posts(server, [])
    server.plan(Connection(lines=[], end="hold"))
    future = snowflake(-timedelta(days=2))
    state = SourceState(source="x-live", cursor=str(future))
    events, error = run(server, state=state, until=lambda got: got[-1].position is not None)
    assert error is None and events[-1].items == ()
    [search] = server.seen(SEARCH)
    since = int(search.params["since_id"])
    assert snowflake(timedelta(minutes=1)) < since <= snowflake(timedelta(0))
    assert since <= int(events[-1].position or 0) < future
