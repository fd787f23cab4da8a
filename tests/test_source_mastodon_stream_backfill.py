"""mastodon_stream after a reconnect: the gap read from the REST timelines before the live
events (nothing read twice, a hostile page skipped, the page limit logged), positions never
past the clock, and the daemon's own runner storing every status once across twenty drops.
The local server is tests/mastodon_stream_server.py."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from listener.config.settings import Settings, SourceSettings
from listener.models import SourceState
from listener.pipeline.run import Pipeline
from listener.service.streams import StreamRunner
from listener.sources import mastodon_stream
from listener.sources.errors import (
    TransientError,
)
from listener.sources.mastodon import snowflake_at
from listener.sources.registry import get_source_type
from listener.store import SQLiteStore, open_store
from tests.mastodon_stream_client import (
    BASE,
    FIRST_ID,
    NOW,
    connect,
    ids,
)
from tests.mastodon_stream_events import (
    Session,
    statuses,
    update,
)
from tests.mastodon_stream_server import TOKEN, MastodonStreamServer
from tests.stream_runner_server import FAST, quick_setup


@pytest.fixture
def server() -> Iterator[MastodonStreamServer]:
    with MastodonStreamServer() as running:
        yield running


# --- backfill --------------------------------------------------------------------------


def test_a_reconnect_backfills_the_gap_and_nothing_is_read_twice(
    server: MastodonStreamServer,
) -> None:
    posted = statuses(BASE, ids(10))
    server.timeline = posted  # the REST timeline holds every status
    # First connection: three live statuses, then the server drops it. Statuses 4-6 are
    # posted while disconnected; the second connection's live stream starts at 5 (posted
    # while the backfill ran, so both read it) and goes on to 10.
    server.play(
        Session([update(s) for s in posted[:3]], "drop"),
        Session([update(s) for s in posted[4:]], "close"),
    )
    first = connect(server, hashtags=["acme"], timelines=["public:local"])
    assert isinstance(first.error, TransientError) and len(first.items) == 3
    assert first.position == posted[2]["id"]
    second = connect(server, first.state(), hashtags=["acme"], timelines=["public:local"])
    assert second.error is None
    assert second.events[0].opened and second.events[1].items  # the backfill comes first
    read = first.ids + second.ids
    assert sorted(set(read)) == [s["id"] for s in posted]
    assert len(read) == len(set(read)) == 10
    assert second.position == posted[-1]["id"]
    # Both timelines were read from the saved id: the tag by the polled source, the local
    # timeline here.
    asked = {path: params for path, params in server.recorded.rest if "timelines" in path}
    assert asked["/api/v1/timelines/tag/acme"]["min_id"] == posted[2]["id"]
    assert asked["/api/v1/timelines/public"] == {
        "local": "true",
        "min_id": posted[2]["id"],
        "limit": "40",
    }


def test_a_backfill_page_with_a_malformed_boost_id_skips_it_and_reads_the_live_stream(
    server: MastodonStreamServer, caplog: pytest.LogCaptureFixture
) -> None:
    # A boost whose own (outer) id is no number, around a status it boosts that maps fine:
    # it used to raise out of the generator at every connect, before any live event.
    missed = statuses(BASE, ids(2))
    hostile = {**BASE, "id": "12x", "content": "", "reblog": {**BASE, "id": str(ids(1, 5)[0])}}
    server.timeline = [hostile, *missed]
    live = statuses(BASE, ids(1, 9))
    server.play(Session([update(s) for s in live], "close"))
    saved = SourceState(source="test", cursor=str(FIRST_ID - 1))
    with caplog.at_level(logging.WARNING, "listener.sources"):
        outcome = connect(server, saved, timelines=["public"])
    assert outcome.error is None
    assert outcome.ids == [s["id"] for s in missed + live]
    assert outcome.position == live[0]["id"]
    [skipped] = [r for r in caplog.records if r.getMessage() == "backfill skipped a status"]
    assert "12x" in getattr(skipped, "problem", "")


def test_a_first_connect_reads_live_only_and_starts_its_position_now(
    server: MastodonStreamServer,
) -> None:
    server.timeline = statuses(BASE, [snowflake_at(NOW - timedelta(hours=1))])
    server.play(Session([], "drop"))
    first = connect(server, timelines=["public"])
    assert first.items == [] and server.recorded.rest == [("/api/v2/instance", {})]
    assert first.position == str(snowflake_at(NOW))
    # A drop before any status still backfills from the moment of the first connect.
    later = statuses(BASE, ids(1))
    server.timeline += later
    server.play(Session([], "close"))
    second = connect(server, first.state(), timelines=["public"], now=NOW + timedelta(minutes=1))
    assert second.ids == [later[0]["id"]]


def test_a_long_gap_is_read_up_to_the_page_limit_and_logged(
    server: MastodonStreamServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.timeline = statuses(BASE, ids(45))
    server.play(Session([], "close"))
    saved = SourceState(source="test", cursor=str(FIRST_ID - 1))
    with caplog.at_level(logging.WARNING, "listener.sources"):
        outcome = connect(server, saved, timelines=["public"], backfill_pages=1)
    assert len(outcome.items) == 40  # one page, oldest first from the saved id
    assert outcome.position == str(ids(40)[-1])
    assert "backfill stopped at its page limit" in caplog.text


def test_a_position_in_the_future_backfills_from_now(
    server: MastodonStreamServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.play(Session([], "close"))
    future = SourceState(source="test", cursor=str(snowflake_at(NOW + timedelta(days=30))))
    with caplog.at_level(logging.WARNING, "listener.sources"):
        outcome = connect(server, future, timelines=["public"])
    assert outcome.error is None
    [(_, params)] = [r for r in server.recorded.rest if "timelines" in r[0]]
    assert params["min_id"] == str(snowflake_at(NOW))
    assert "from the future" in caplog.text


def test_a_status_id_from_the_future_does_not_carry_the_position_past_the_clock(
    server: MastodonStreamServer,
) -> None:
    # Recorded as it came, a day-ahead id would make the next backfill's min_id skip the gap.
    tomorrow = NOW + timedelta(days=1)
    ahead = [
        {**status, "created_at": tomorrow.isoformat().replace("+00:00", "Z")}
        for status in statuses(BASE, [snowflake_at(tomorrow)])
    ]
    server.play(Session([update(s) for s in statuses(BASE, ids(1)) + ahead], "close"))
    outcome = connect(server, timelines=["public"])
    assert outcome.error is None and len(outcome.items) == 2
    assert outcome.position == str(snowflake_at(NOW + mastodon_stream.FUTURE_SLACK))
    [last] = [e for e in outcome.events if e.items][-1:]
    assert last.at == NOW + mastodon_stream.FUTURE_SLACK


@pytest.mark.parametrize("cursor", ["²", "1_000", "abc"])
def test_a_saved_position_that_is_no_status_id_reads_live_without_a_backfill(
    server: MastodonStreamServer, cursor: str, caplog: pytest.LogCaptureFixture
) -> None:
    server.timeline = statuses(BASE, ids(3))
    server.play(Session([], "close"))
    with caplog.at_level(logging.WARNING, "listener.sources"):
        outcome = connect(server, SourceState(source="test", cursor=cursor), timelines=["public"])
    assert outcome.error is None and outcome.items == []
    assert [p for p, _ in server.recorded.rest] == ["/api/v2/instance"]
    assert "is not a status id" in caplog.text


def test_backfill_can_be_turned_off(server: MastodonStreamServer) -> None:
    server.timeline = statuses(BASE, ids(3))
    server.play(Session([], "close"))
    outcome = connect(
        server,
        SourceState(source="test", cursor=str(FIRST_ID - 1)),
        timelines=["public"],
        backfill=False,
    )
    assert outcome.items == [] and [p for p, _ in server.recorded.rest] == ["/api/v2/instance"]


def test_the_daemon_s_runner_stores_every_status_once_across_twenty_drops(
    write_settings: Callable[[str], Settings],
) -> None:
    # The real runner (listener.service.streams) with the real mastodon_stream type, only
    # its reconnect waits shortened: each connection brings one live status and drops (close
    # 1011), and one status posted while it was down is found by the next connect's backfill.
    settings = write_settings(
        "brands:\n  - name: Acme\n    query: acme\nstorage:\n  sqlite: data/listener.db\n"
    )
    # Ids a minute ahead: posted after the first connect however slow the machine (a
    # first connect starts from its own time), within the 5 min a position may lead.
    start = datetime.now(UTC) + timedelta(minutes=1)
    live, missed = [], []
    for n in range(20):
        [status] = statuses(BASE, [snowflake_at(start) + ((2 * n + 1) << 16)])
        live.append({**status, "content": f"<p>acme lost my order again {n}</p>"})
        [status] = statuses(BASE, [snowflake_at(start) + ((2 * n) << 16)])
        missed.append({**status, "content": f"<p>acme support never answered {n}</p>"})
    for status in [*live, *missed]:
        status["created_at"] = start.isoformat().replace("+00:00", "Z")
    wanted = {s["id"] for s in live} | {s["id"] for s in missed[1:]}  # [0]: before any connect

    async def scenario(server: MastodonStreamServer) -> list[str]:
        store = open_store(settings.storage.sqlite)
        pipeline = Pipeline(settings, store)
        async with httpx.AsyncClient() as http:
            setup = quick_setup(store, http, pipeline)
            source = SourceSettings.model_validate(
                {
                    "name": "live",
                    "type": "mastodon_stream",
                    "instance_url": server.url,
                    "hashtags": ["acme"],
                    "access_token": TOKEN,
                    "batch_window": timedelta(milliseconds=20),
                }
            )
            kind = replace(get_source_type("mastodon_stream"), reconnect=FAST)
            runner = StreamRunner(source, kind, setup, brand_queries=("acme",))
            task = asyncio.create_task(runner.run())
            newest = max(wanted, key=int)
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
        return stored

    with MastodonStreamServer() as server:
        server.play(
            *(
                Session([update(status)], "drop", missed=[missed[n]] if n else [])
                for n, status in enumerate(live)
            )
        )
        stored = asyncio.run(scenario(server))
        assert server.recorded.connections.count("ws") >= 20
        backfills = [p for p, _ in server.recorded.rest if p == "/api/v1/timelines/tag/acme"]
        assert len(backfills) >= 19
    assert len(stored) == len(set(stored)) == 39 and set(stored) == wanted


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
