"""The jetstream source against a real local websocket (tests/jetstream_server.py) replaying
Jetstream's captured v1 frames: reading, resuming from the saved cursor, positions never past
the clock, compression and the frame cap."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime

import httpx
import pytest

from listener.models import SourceState
from listener.sources import jetstream
from listener.sources.errors import (
    TransientError,
)
from listener.sources.streaming import StreamContext, StreamEvent
from tests.jetstream_client import (
    CAPTURE,
    GOLDEN,
    POST,
    collect,
    events_of,
    items_of,
    options,
    post_events,
    read,
    sent_events,
)
from tests.jetstream_server import (
    JetstreamServer,
    capture_lines,
    post_line,
)

# -- the stream ----------------------------------------------------------------------


def test_stream_reads_the_capture_and_resumes_at_the_highest_time() -> None:
    with JetstreamServer(capture_lines(CAPTURE)) as server:
        events = read(options(server.url))
    assert events[0].opened
    posts = post_events(CAPTURE)
    assert [i.native_id for i in items_of(events)] == [
        f"at://{e['did']}/app.bsky.feed.post/{e['commit']['rkey']}" for e in posts
    ]
    positions = [int(e.position) for e in events if e.position]
    assert positions == sorted(positions)  # time_us goes back in the capture; this never does
    sent = sent_events(CAPTURE)
    assert len(events) == 1 + len(sent)  # opened, then one event per frame
    assert positions[-1] == max(e["time_us"] for e in sent)
    params = server.params(0)
    assert params["wantedCollections"] == [POST]
    assert params["maxMessageSizeBytes"] == [str(10 * 1024 * 1024)]
    assert "cursor" not in params and "compress" not in params
    assert all(e.at is not None for e in events[1:])


def test_stream_sends_every_collection_and_did_asked_for() -> None:
    dids = ("did:plc:ynfp6wddjqpl44gordpsqkuw", "did:plc:4smmjsqf6l5jkzczvw6vsrqc")
    with JetstreamServer(capture_lines(CAPTURE)) as server:
        opts = options(server.url, collections=[POST, "app.bsky.feed.*"], dids=dids)
        items = items_of(read(opts, quiet_s=0.5))
    assert server.params()["wantedCollections"] == [POST, "app.bsky.feed.*"]
    assert server.params()["wantedDids"] == list(dids)
    assert {i.extra["author_did"] for i in items} == set(dids)
    assert any(i.deleted for i in items)


def test_stream_resumes_from_the_saved_cursor_minus_replay() -> None:
    events = events_of(CAPTURE)
    saved = sorted(e["time_us"] for e in events)[100]
    replay_us = 2_000_000
    with JetstreamServer(capture_lines(CAPTURE)) as server:
        got = read(
            options(server.url, replay="2s"), SourceState(source="bluesky-live", cursor=str(saved))
        )
    assert server.params()["cursor"] == [str(saved - replay_us)]
    expected = [
        e
        for e in post_events(CAPTURE)
        if e["time_us"] >= saved - replay_us  # what the server replays
    ]
    assert len(items_of(got)) == len(expected) and expected
    # The replayed events before the saved cursor never move the resume point back.
    assert all(int(e.position) >= saved for e in got if e.position)


def test_a_future_cursor_live_tails_and_the_position_comes_from_the_events() -> None:
    future = int((time.time() + 86_400) * 1_000_000)
    now_us = int(time.time() * 1_000_000)

    async def scenario(server: JetstreamServer) -> list[StreamEvent]:
        state = SourceState(source="bluesky-live", cursor=str(future))
        reading = asyncio.create_task(collect(options(server.url), state, until=2, quiet_s=5))
        await asyncio.to_thread(server.wait_connections, 1)
        await asyncio.to_thread(server.inject, post_line("live one", time_us=now_us))
        return await reading

    with JetstreamServer(capture_lines(CAPTURE)) as server:
        got = asyncio.run(scenario(server))
    assert got[0].opened
    assert [i.html for i in got[1].items] == ["live one"]  # nothing of the history
    assert got[1].position == str(now_us)  # not the future cursor


def test_a_frame_from_the_future_does_not_carry_the_position_past_the_clock() -> None:
    # Recorded as it came, a day-ahead time_us would make the next connect's cursor skip
    # everything written until then.
    now_us = int(time.time() * 1_000_000)
    ahead_us = now_us + 86_400 * 1_000_000
    lines = [post_line("now", time_us=now_us), post_line("tomorrow", time_us=ahead_us)]
    with JetstreamServer(lines) as server:
        got = read(options(server.url))
    last = [e for e in got if e.items][-1]
    assert [i.html for e in got for i in e.items] == ["now", "tomorrow"]
    assert last.position is not None and last.at is not None
    ceiling_us = int(time.time() * 1_000_000) + jetstream.FUTURE_SLACK_US
    assert now_us < int(last.position) <= ceiling_us
    assert last.at <= datetime.fromtimestamp(ceiling_us / 1_000_000, UTC)


@pytest.mark.parametrize("cursor", ["²", "1_000", "-5"])
def test_a_saved_cursor_in_no_plain_digits_is_dropped(
    cursor: str, caplog: pytest.LogCaptureFixture
) -> None:
    with JetstreamServer(capture_lines(GOLDEN)) as server, caplog.at_level(logging.WARNING):
        read(options(server.url), SourceState(source="bluesky-live", cursor=cursor))
    assert "cursor" not in server.params()
    assert "not a time in microseconds" in caplog.text


def test_compressed_frames_read_like_plain_ones() -> None:
    with JetstreamServer(capture_lines(CAPTURE)) as server:
        plain = items_of(read(options(server.url)))
        packed = items_of(read(options(server.url, compress=True)))
    assert server.params()["compress"] == ["true"]
    assert "compress" not in server.params(0)
    assert packed == plain and len(packed) == 18


def test_a_compressed_frame_stating_a_size_over_the_cap_is_skipped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    huge = post_line("x" * 5000, time_us=1_783_175_888_500_000)
    small = post_line("small", time_us=1_783_175_888_600_000)

    async def scenario(server: JetstreamServer) -> list[StreamEvent]:
        async with httpx.AsyncClient() as http:
            ctx = StreamContext(
                source="bluesky-live",
                options=options(server.url, compress=True),
                http=http,
                max_response_bytes=1000,
            )
            events = jetstream.stream(ctx, SourceState(source="bluesky-live"))
            got = [await asyncio.wait_for(anext(events), 5) for _ in range(3)]
            await events.aclose()  # type: ignore[attr-defined]
            return got

    ignoring = JetstreamServer([huge, small], honour_size_cap=False)
    with ignoring as server, caplog.at_level(logging.WARNING):
        got = asyncio.run(scenario(server))
    assert got[1].keepalive and not got[1].items
    assert [i.html for i in got[2].items] == ["small"]
    assert "over the 1000 cap" in caplog.text


def test_an_event_over_the_frame_cap_is_left_out_by_the_server() -> None:
    # Asked for maxMessageSizeBytes, the server skips it: one oversized post does not
    # drop the connection (and again after every replay of it).
    huge = post_line("x" * 5000, time_us=1_783_175_888_500_000)
    small = post_line("small", time_us=1_783_175_888_600_000)

    async def scenario(server: JetstreamServer) -> list[StreamEvent]:
        async with httpx.AsyncClient() as http:
            ctx = StreamContext(
                source="bluesky-live",
                options=options(server.url),
                http=http,
                max_response_bytes=1000,
            )
            events = jetstream.stream(ctx, SourceState(source="bluesky-live"))
            got = [await asyncio.wait_for(anext(events), 5) for _ in range(2)]
            await events.aclose()  # type: ignore[attr-defined]
            return got

    with JetstreamServer([huge, small]) as server:
        got = asyncio.run(scenario(server))
    assert server.params()["maxMessageSizeBytes"] == ["1000"]
    assert [i.html for i in got[1].items] == ["small"]


def test_a_plain_frame_over_the_cap_from_a_server_ignoring_it_is_a_drop() -> None:
    huge = post_line("x" * 5000, time_us=1_783_175_888_500_000)

    async def scenario(server: JetstreamServer) -> None:
        async with httpx.AsyncClient() as http:
            opts = options(server.url)
            ctx = StreamContext(source="b", options=opts, http=http, max_response_bytes=1000)
            async for _ in jetstream.stream(ctx, SourceState(source="b")):
                pass

    ignoring = JetstreamServer([huge], honour_size_cap=False)
    with ignoring as server, pytest.raises(TransientError, match=r"dropped.*1009"):
        asyncio.run(asyncio.wait_for(scenario(server), 5))


def test_malformed_frames_are_counted_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    with (
        JetstreamServer(capture_lines(CAPTURE), malformed_every=3) as server,
        caplog.at_level(logging.WARNING, logger="listener.sources"),
    ):
        events = read(options(server.url))
    assert len(items_of(events)) == 18  # every post still read
    skipped = [e for e in events if e.keepalive]
    assert len(skipped) == 6  # 20 frames: a broken one before the 4th, 7th … 19th
    warnings = [r for r in caplog.records if "malformed frame" in r.getMessage()]
    assert warnings and warnings[0].source == "bluesky-live"  # type: ignore[attr-defined]
