"""The jetstream source's faults against the local replay server (tests/jetstream_server.py):
drops and the resume after them, a silent server (a firehose is not kept alive by pings;
an author filter is), refusals on connect, a bad cursor, no server at all, and a burst of
ten thousand events."""

from __future__ import annotations

import asyncio
import json
import logging
import socket

import httpx
import pytest

from listener.models import SourceState
from listener.sources import jetstream
from listener.sources.errors import (
    PermanentError,
    RateLimited,
    ServerRefused,
    TransientError,
)
from listener.sources.streaming import StreamContext, StreamEvent
from tests.jetstream_client import (
    CAPTURE,
    GOLDEN,
    events_of,
    items_of,
    options,
    post_events,
    read,
    sent_events,
)
from tests.jetstream_server import (
    JetstreamServer,
    burst_lines,
    capture_lines,
)


async def one_connection(url: str, state: SourceState, into: list[StreamEvent]) -> None:
    async with httpx.AsyncClient() as http:
        ctx = StreamContext(source="bluesky-live", options=options(url), http=http)
        async for event in jetstream.stream(ctx, state):
            into.append(event)


def test_a_dropped_connection_is_transient_and_the_resume_loses_nothing() -> None:
    posts = {
        f"at://{e['did']}/app.bsky.feed.post/{e['commit']['rkey']}" for e in post_events(CAPTURE)
    }
    seen: list[str] = []
    state = SourceState(source="bluesky-live")
    drops = 0
    # The capture spans 0.3 s, less than one replay: spread to 32 s (time_us still going
    # back up to 3.3 s in relay order, within the 5 s replay). No 5 s of it holds 10 frames,
    # so a connection dropped after 10 frames always gets further than the last one.
    lines = []
    first = min(e["time_us"] for e in events_of(CAPTURE))
    for event in events_of(CAPTURE):
        event["time_us"] = first + (event["time_us"] - first) * 100
        lines.append(json.dumps(event))
    with JetstreamServer(lines, disconnect_after=10) as server:
        for _ in range(20):  # the "20 disconnects in a minute"
            got: list[StreamEvent] = []
            try:
                asyncio.run(asyncio.wait_for(one_connection(server.url, state, got), 2))
            except TransientError as exc:
                assert "dropped" in str(exc)
                drops += 1
            except TimeoutError:
                pass  # the last connection: all sent, the server live-tails
            seen += [i.native_id for i in items_of(got)]
            position = next((e.position for e in reversed(got) if e.position), None)
            state = SourceState(source="bluesky-live", cursor=position or state.cursor)
            if posts <= set(seen):
                break
    assert posts <= set(seen) and drops >= 2


def test_a_server_that_stops_sending_goes_quiet_on_the_open_connection() -> None:
    async def scenario(server: JetstreamServer) -> tuple[int, bool]:
        async with httpx.AsyncClient() as http:
            ctx = StreamContext(source="bluesky-live", options=options(server.url), http=http)
            events = jetstream.stream(ctx, SourceState(source="bluesky-live"))
            got = [await asyncio.wait_for(anext(events), 5) for _ in range(4)]
            try:
                await asyncio.wait_for(anext(events), 1.0)  # the daemon's idle timeout
                stalled = False
            except TimeoutError:
                stalled = True
            await events.aclose()  # type: ignore[attr-defined]
            return len(got), stalled

    with JetstreamServer(capture_lines(CAPTURE), stall_after=3) as server:
        count, stalled = asyncio.run(scenario(server))
        assert server.connections == 1
    assert count == 4 and stalled


def test_an_author_filtered_stream_proves_itself_alive_when_quiet() -> None:
    quiet = options(
        "ws://127.0.0.1:1/subscribe", dids=["did:plc:nobodyinthecapture00000000"], idle_timeout="1s"
    )
    with JetstreamServer(capture_lines(CAPTURE)) as server:
        opts = quiet.model_copy(update={"url": server.url})
        events = read(opts, until=3, quiet_s=3)
    assert events[0].opened
    assert [e.keepalive for e in events[1:]] == [True, True]


def test_a_silent_firehose_is_not_kept_alive_by_pings() -> None:
    # No author filter: the whole firehose is never quiet, so a silent one is a stalled
    # instance (this server still answers pings) and must reach the daemon's idle timeout.
    async def scenario(server: JetstreamServer) -> bool:
        async with httpx.AsyncClient() as http:
            opts = options(server.url, idle_timeout="1s")
            ctx = StreamContext(source="bluesky-live", options=opts, http=http)
            events = jetstream.stream(ctx, SourceState(source="bluesky-live"))
            for _ in range(4):  # opened, then the three frames
                await asyncio.wait_for(anext(events), 5)
            try:
                await asyncio.wait_for(anext(events), 2.0)  # twice the idle timeout
                silent = False
            except TimeoutError:
                silent = True
            await events.aclose()  # type: ignore[attr-defined]
            return silent

    with JetstreamServer(capture_lines(CAPTURE), stall_after=3) as server:
        assert asyncio.run(scenario(server))


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_park_the_source(status: int) -> None:
    with (
        JetstreamServer(reject=(status, "Unauthorized\n")) as server,
        pytest.raises(PermanentError, match=f"answered {status}"),
    ):
        read(options(server.url))


def test_a_5xx_on_connect_is_a_refused_connect() -> None:
    refusing = JetstreamServer(
        reject=(503, "Service Unavailable\n"), reject_headers={"Retry-After": "7"}
    )
    with refusing as server, pytest.raises(ServerRefused, match="answered 503") as caught:
        read(options(server.url))
    assert caught.value.retry_after_s == 7


def test_429_is_a_rate_limit_with_its_wait() -> None:
    limiting = JetstreamServer(
        reject=(429, "Too Many Requests\n"), reject_headers={"Retry-After": "30"}
    )
    with limiting as server, pytest.raises(RateLimited) as caught:
        read(options(server.url))
    assert caught.value.retry_after_s == 30


def test_a_bad_parameter_parks_the_source_with_the_servers_words() -> None:
    with (
        JetstreamServer(reject=(400, "too many wanted collections\n")) as server,
        pytest.raises(PermanentError, match="too many wanted collections"),
    ):
        read(options(server.url))


def test_an_invalid_cursor_reconnects_live_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    saved = SourceState(source="bluesky-live", cursor="1783175888400999")
    with (
        JetstreamServer(
            capture_lines(CAPTURE), reject=(400, "invalid cursor\n"), reject_with_cursor_only=True
        ) as server,
        caplog.at_level(logging.WARNING, logger="listener.sources"),
    ):
        events = read(options(server.url), saved)
    assert "cursor" in server.params(0) and "cursor" not in server.params(1)
    assert events[0].opened and len(items_of(events)) == 18
    assert "refused the cursor" in caplog.text
    # The refused cursor is no floor: the position is the events' own.
    assert int(events[-1].position) == max(e["time_us"] for e in sent_events(CAPTURE))


def test_a_saved_cursor_that_is_no_number_is_dropped(caplog: pytest.LogCaptureFixture) -> None:
    with JetstreamServer(capture_lines(GOLDEN)) as server, caplog.at_level(logging.WARNING):
        read(options(server.url), SourceState(source="bluesky-live", cursor='{"since": 1}'))
    assert "cursor" not in server.params()
    assert "not a time in microseconds" in caplog.text


def test_no_server_at_the_address_is_transient() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(TransientError, match="could not connect"):
        read(options(f"ws://127.0.0.1:{port}/subscribe"))


def test_a_burst_of_ten_thousand_events_is_read_completely() -> None:
    lines = burst_lines(10_000)
    with JetstreamServer(lines) as server:
        events = read(options(server.url), quiet_s=5)
    items = items_of(events)
    assert len(items) == 10_000 and len({i.native_id for i in items}) == 10_000
    assert events[-1].position == str(json.loads(lines[-1])["time_us"])
