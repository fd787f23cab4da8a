"""The x_stream source against a local X API (tests/x_stream_server.py) replaying the real
twarc2 captures of the filtered stream (tests/fixtures/x_stream/, provenance in its README)
with X's ``\\r\\n`` line ends and keep-alives: mapping, every fault mode, the options. Rules
are tested in test_x_stream_rules.py, the backfill after a reconnect in
test_x_stream_backfill.py."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from listener.sources import x_stream
from listener.sources.errors import (
    PermanentError,
    RateLimited,
    ServerRefused,
    TransientError,
)
from tests.x_stream_helpers import NINE, TRUNCATED, posts, run
from tests.x_stream_server import Connection, XStreamServer, capture_lines, x_stream_server


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


# --- settings ----------------------------------------------------------------------------


def test_options_defaults_and_refusals() -> None:
    options = x_stream.Options(bearer_token=SecretStr("t"))
    assert options.idle_timeout == timedelta(seconds=30)  # above X's 20 s keep-alive
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
