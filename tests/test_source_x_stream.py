"""The x_stream source against a local X API (tests/x_stream_server.py) replaying the real
twarc2 captures of the filtered stream (tests/fixtures/x_stream/, provenance in its README)
with X's ``\\r\\n`` line ends and keep-alives, its rules endpoints and recent search."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from listener.config.settings import Settings, SourceSettings
from listener.metrics import Metrics
from listener.models import SourceState
from listener.pipeline.run import Pipeline
from listener.service.stream_setup import StreamSetup
from listener.service.streams import StreamRunner
from listener.sources import x, x_stream
from listener.sources.errors import (
    PermanentError,
    RateLimited,
    ServerRefused,
    SourceError,
    TransientError,
)
from listener.sources.registry import get_source_type
from listener.sources.streaming import StreamContext, StreamEvent
from listener.store import SQLiteStore, open_store
from tests.stream_runner_server import FAST
from tests.x_stream_server import Connection, XStreamServer, capture_lines, x_stream_server

NINE = "capture_filtered_stream_9_lines__twarc.jsonl"
TRUNCATED = "capture_filtered_stream_truncated_last_line__twarc.jsonl"
RULES = "/2/tweets/search/stream/rules"
STREAM = "/2/tweets/search/stream"
SEARCH = "/2/tweets/search/recent"
NAMES = frozenset({"x-live", "x_stream"})
Until = Callable[[list[StreamEvent]], bool]


def posts(events: Sequence[StreamEvent]) -> list[str]:
    return [item.native_id for event in events for item in event.items]


def after_posts(count: int) -> Until:
    return lambda events: len(posts(events)) >= count


def run(
    server: XStreamServer,
    *,
    state: SourceState | None = None,
    brands: Sequence[str] = ("acme",),
    until: Until | None = None,
    timeout_s: float = 15.0,
    max_response_bytes: int = 10 * 1024 * 1024,
    **options: Any,
) -> tuple[list[StreamEvent], SourceError | None]:
    """One connection of the stream: its events until ``until`` holds or it ends, and how."""

    async def go() -> tuple[list[StreamEvent], SourceError | None]:
        events: list[StreamEvent] = []
        async with httpx.AsyncClient() as http:
            ctx = StreamContext(
                source="x-live",
                options=x_stream.Options(
                    bearer_token=options.pop("bearer_token", server.token),
                    api_url=server.url,
                    **options,
                ),
                http=http,
                brand_queries=tuple(brands),
                max_response_bytes=max_response_bytes,
            )
            generator = cast(
                AsyncGenerator[StreamEvent, None],
                x_stream.stream(ctx, state or SourceState(source="x-live")),
            )
            try:
                async with asyncio.timeout(timeout_s):
                    async for event in generator:
                        events.append(event)
                        if until is not None and until(events):
                            break
            except SourceError as exc:
                return events, exc
            finally:
                await generator.aclose()
        return events, None

    return asyncio.run(go())


@pytest.fixture
def server() -> Any:
    with x_stream_server() as local:
        yield local


# --- mapping -----------------------------------------------------------------------------


def test_map_the_captured_stream_posts_with_their_authors(server: XStreamServer) -> None:
    lines = capture_lines(NINE)
    server.plan(Connection(lines=[lines[0], lines[1], lines[3]], end="close"))
    events, error = run(server)
    assert error is None
    assert events[0].opened
    mapped = [item for event in events for item in event.items]
    captured = [json.loads(lines[i]) for i in (0, 1, 3)]
    assert [i.native_id for i in mapped] == [c["data"]["id"] for c in captured]
    quote = mapped[0]
    users = {u["id"]: u for u in captured[0]["includes"]["users"]}
    author = users[captured[0]["data"]["author_id"]]
    assert quote.author.handle == author["username"]
    assert quote.author.name == author["name"]
    assert quote.url == f"https://x.com/{author['username']}/status/{quote.native_id}"
    assert quote.extra["quoted_id"] == "1377640162566496258"
    assert quote.published_at == datetime(2021, 4, 1, 15, 52, 31, tzinfo=UTC)
    assert mapped[1].parent_id is not None  # the reply
    assert "&" not in mapped[2].html.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")
    # The stream's clock is each post's created_at; the position the newest id so far.
    post_events = [e for e in events if e.items]
    assert [e.at for e in post_events] == [i.published_at for i in mapped]
    assert [e.position for e in post_events] == [
        str(max(int(c["data"]["id"]) for c in captured[: n + 1])) for n in range(3)
    ]


def test_map_string_and_numeric_matching_rule_ids_alike(server: XStreamServer) -> None:
    numeric = capture_lines(NINE)[2]
    message = json.loads(numeric)
    message["matching_rules"] = [{"id": "1377649934414049282", "tag": "listener:acme"}]
    server.plan(Connection(lines=[numeric, json.dumps(message).encode()], end="close"))
    events, error = run(server)
    assert error is None
    first, second = [e.items[0] for e in events if e.items]
    assert first == second


def test_a_duplicate_delivery_is_passed_on_twice(server: XStreamServer) -> None:
    # Lines 8 and 9 of the capture are the same post delivered twice: the store keeps one.
    lines = capture_lines(NINE)
    server.plan(Connection(lines=lines[5:], end="close"))
    events, error = run(server)
    assert error is None
    assert posts(events) == [json.loads(line)["data"]["id"] for line in lines[5:]]
    assert posts(events)[-1] == posts(events)[-2]


def test_keep_alives_are_heartbeats_and_keep_the_stream_open(server: XStreamServer) -> None:
    server.plan(Connection(lines=[b"", b"", capture_lines(NINE)[0]], keepalive_s=0.05))
    events, error = run(server, until=lambda ev: sum(e.keepalive for e in ev) >= 6)
    assert error is None
    assert [e.opened for e in events[:1]] == [True]
    assert events[1].keepalive and events[2].keepalive and events[3].items
    assert all(e.keepalive for e in events[4:])


# --- faults ------------------------------------------------------------------------------


def test_operational_disconnect_ends_the_connection_after_the_posts_before_it(
    server: XStreamServer,
) -> None:
    server.plan(Connection(lines=capture_lines(NINE)))  # line 5 is the disconnect
    events, error = run(server)
    assert isinstance(error, TransientError) and not isinstance(error, RateLimited)
    assert "operational-disconnect" in str(error)
    assert len(posts(events)) == 4


def test_a_dropped_connection_is_a_transient_error(server: XStreamServer) -> None:
    server.plan(Connection(lines=capture_lines(NINE)[:2], end="drop"))
    events, error = run(server)
    assert type(error) is TransientError
    assert len(posts(events)) == 2


def test_a_server_that_stops_sending_trips_the_idle_timeout(server: XStreamServer) -> None:
    server.plan(Connection(lines=capture_lines(NINE)[:1], end="silent"))
    started = asyncio.run(_now())
    events, error = run(server, idle_timeout="1s")
    assert type(error) is TransientError and "idle timeout" in str(error)
    assert len(posts(events)) == 1
    assert asyncio.run(_now()) - started < 8


async def _now() -> float:
    return asyncio.get_running_loop().time()


def test_401_on_connect_parks_the_source(server: XStreamServer) -> None:
    events, error = run(server, bearer_token="wrong-token")
    assert isinstance(error, PermanentError) and "401" in str(error)
    assert "bearer_token" in str(error) and not events


def test_401_of_the_stream_itself_parks_the_source(server: XStreamServer) -> None:
    server.plan(Connection(status=401, body={"title": "Unauthorized", "detail": "Unauthorized"}))
    events, error = run(server)
    assert isinstance(error, PermanentError) and "HTTP 401" in str(error)
    assert not events


def test_429_waits_for_x_rate_limit_reset(server: XStreamServer) -> None:
    reset = int((datetime.now(UTC) + timedelta(seconds=300)).timestamp())
    body = {
        "title": "ConnectionException",
        "detail": "This stream is currently at the maximum allowed connection limit.",
        "connection_issue": "TooManyConnections",
        "type": "https://api.twitter.com/2/problems/streaming-connection",
    }
    headers = {"x-rate-limit-limit": "50", "x-rate-limit-remaining": "0"}
    server.plan(
        Connection(status=429, body=body, headers={**headers, "x-rate-limit-reset": str(reset)})
    )
    _, error = run(server)
    assert isinstance(error, RateLimited) and "TooManyConnections" in str(error)
    assert error.retry_after_s is not None and 280 <= error.retry_after_s <= 301


def test_too_many_connections_inside_the_stream_is_rate_limited(server: XStreamServer) -> None:
    line = json.dumps(
        {"errors": [{"title": "ConnectionException", "connection_issue": "TooManyConnections"}]}
    )
    server.plan(Connection(lines=[line.encode()]))
    _, error = run(server)
    assert isinstance(error, RateLimited)


def test_a_5xx_on_connect_is_server_refused(server: XStreamServer) -> None:
    server.plan(Connection(status=503, body={"title": "Service Unavailable"}))
    _, error = run(server)
    assert isinstance(error, ServerRefused) and "503" in str(error)


def test_a_truncated_last_line_is_skipped_and_the_stream_ends_cleanly(
    server: XStreamServer,
) -> None:
    lines = capture_lines(TRUNCATED)
    server.plan(Connection(lines=lines, end="close"))
    events, error = run(server)
    assert error is None
    assert len(posts(events)) == len(lines) - 1
    with pytest.raises(json.JSONDecodeError):
        json.loads(lines[-1])


def test_lines_split_across_many_small_chunks_are_put_together(server: XStreamServer) -> None:
    lines = capture_lines(NINE)[:4]
    server.plan(Connection(lines=lines, chunk_bytes=7, end="close"))
    events, error = run(server)
    assert error is None
    assert posts(events) == [json.loads(line)["data"]["id"] for line in lines]


def test_a_line_over_the_cap_ends_the_connection(server: XStreamServer) -> None:
    server.plan(Connection(lines=[capture_lines(NINE)[0]], end="close"))
    _, error = run(server, max_response_bytes=2000)
    assert type(error) is TransientError and "2000 bytes" in str(error)


def test_a_burst_of_10000_lines_is_read_whole(server: XStreamServer) -> None:
    lines = capture_lines(NINE)
    burst = [lines[i % 4 if i % 4 != 3 else 3] for i in range(10_000)]
    server.plan(Connection(lines=burst, end="close"))
    events, error = run(server, timeout_s=60)
    assert error is None
    assert len(posts(events)) == 10_000


# --- backfill ----------------------------------------------------------------------------


def _search_posts(server: XStreamServer, ids: Sequence[int]) -> None:
    server.search_users = [{"id": "42", "username": "acme_fan", "name": "Fan"}]
    server.search_posts = _posts(ids)


def _posts(ids: Sequence[int]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(i),
            "text": f"acme post {i}: the refund never came",
            "author_id": "42",
            "created_at": x.id_time(i).isoformat().replace("+00:00", "Z"),
            "edit_history_tweet_ids": [str(i)],
        }
        for i in ids
    ]


def snowflake(ago: timedelta) -> int:
    """An X id for a post made ``ago`` before now (recent search reaches 7 days back)."""
    created_ms = int((datetime.now(UTC) - ago).timestamp() * 1000)
    return (created_ms - x.SNOWFLAKE_EPOCH_MS) << 22


def live_line(post_id: int, text: str | None = None) -> bytes:
    message = json.loads(capture_lines(NINE)[2])
    message["data"]["id"] = str(post_id)
    message["data"]["created_at"] = x.id_time(post_id).isoformat().replace("+00:00", "Z")
    if text is not None:
        message["data"]["text"] = text
    return json.dumps(message).encode()


def test_a_reconnect_reads_the_gap_through_recent_search(server: XStreamServer) -> None:
    last_seen = snowflake(timedelta(minutes=10))
    gap = [snowflake(timedelta(minutes=m)) for m in (8, 6)]
    live_id = snowflake(timedelta(seconds=1))
    _search_posts(server, [snowflake(timedelta(minutes=12)), *gap])
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
    _search_posts(server, [10, 20])
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
        _search_posts(server, [i for i in missed_ids if i < live_id])  # posted so far
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
            _search_posts(server, [])
            for live_id, missed_id in zip(live_ids, missed_ids, strict=True):
                [missed] = _posts([missed_id])
                lines = [live_line(live_id, f"acme lost my order again {live_id}"), b"", b""]
                server.plan(Connection(lines=lines, every_s=0.02, end="drop", missed=[missed]))
            async with httpx.AsyncClient() as http:
                setup = StreamSetup(
                    store=store,
                    http=http,
                    metrics=Metrics(),
                    pipeline=lambda: pipeline,
                    rng=random.Random(1),
                    health_every_s=0.1,
                    park_check_s=0.1,
                )
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


# --- settings ----------------------------------------------------------------------------


def test_options_defaults_and_refusals() -> None:
    options = x_stream.Options(bearer_token=SecretStr("t"))
    assert options.idle_timeout == timedelta(seconds=20)
    assert options.api_url == "https://api.x.com" and options.backfill == "search"
    refused: list[dict[str, Any]] = [
        {"backfill_minutes": 6},
        {"backfill": "poll"},
        {"rules": []},
        {"rules": ["a" * 1025]},
    ]
    for bad in refused:
        with pytest.raises(ValidationError):
            x_stream.Options(bearer_token=SecretStr("t"), **bad)


def test_reconnect_is_x_s_documented_strategy() -> None:
    policy = x_stream.RECONNECT
    assert (policy.network_step_s, policy.network_max_s) == (0.25, 16.0)
    assert (policy.http_base_s, policy.http_max_s) == (5.0, 320.0)
    assert policy.rate_limited_base_s == 60.0
    # X names no ceiling for 429: one wait outlasts the 15-minute window of 50 connects.
    assert policy.rate_limited_max_s > 15 * 60
