"""The jetstream source against a real local websocket (tests/jetstream_server.py) replaying
Jetstream's own captured v1 frames (tests/fixtures/jetstream/, provenance in its README), and
a local AppView (pytest-httpserver) for the authors' profiles."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.models import RawItem, SourceState
from listener.sources import jetstream
from listener.sources.errors import (
    PermanentError,
    RateLimited,
    ServerRefused,
    TransientError,
)
from listener.sources.jetstream_map import MAX_TEXT_BYTES, MalformedFrame, read_frame
from listener.sources.streaming import StreamContext, StreamEvent
from tests.jetstream_server import (
    JetstreamServer,
    burst_lines,
    capture_lines,
    post_line,
)

CAPTURE = "capture_v1_contiguous_152_events.jsonl"  # 18 post commits, time_us not monotonic
GOLDEN = "capture_v1_golden_10_events.jsonl"
POST = "app.bsky.feed.post"
PROFILES_PATH = "/xrpc/app.bsky.actor.getProfiles"


def events_of(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capture_lines(name)]


def post_events(name: str) -> list[dict[str, Any]]:
    return [
        e for e in events_of(name) if e["kind"] == "commit" and e["commit"]["collection"] == POST
    ]


def sent_events(name: str) -> list[dict[str, Any]]:
    """What a server filtering on posts sends: post commits, identity and account events."""
    posts = post_events(name)
    return [e for e in events_of(name) if e in posts or e["kind"] != "commit"]


def frame(name: str) -> Any:
    [line] = capture_lines(name)
    return read_frame(line)


def options(url: str, **values: Any) -> jetstream.Options:
    return jetstream.Options(url=url, **values)


async def collect(
    opts: jetstream.Options,
    state: SourceState,
    *,
    until: int | None = None,
    quiet_s: float = 0.5,
    http: httpx.AsyncClient | None = None,
    source: str = "bluesky-live",
    kept: dict[str, Any] | None = None,
) -> list[StreamEvent]:
    """The events of one connection: up to ``until`` events, or until nothing came for
    ``quiet_s`` (the daemon's idle timeout, shortened); errors propagate. ``kept``: what the
    source keeps across connections (its author cache), as the daemon's context holds it."""
    got: list[StreamEvent] = []
    async with httpx.AsyncClient() as client:
        ctx = StreamContext(
            source=source, options=opts, http=http or client, kept={} if kept is None else kept
        )
        events: AsyncIterator[StreamEvent] = jetstream.stream(ctx, state)
        try:
            while until is None or len(got) < until:
                try:
                    got.append(await asyncio.wait_for(anext(events), quiet_s))
                except (TimeoutError, StopAsyncIteration):
                    break
        finally:
            await events.aclose()  # type: ignore[attr-defined]
    return got


def read(opts: jetstream.Options, state: SourceState | None = None, **kw: Any) -> list[StreamEvent]:
    return asyncio.run(collect(opts, state or SourceState(source="bluesky-live"), **kw))


def items_of(events: list[StreamEvent]) -> list[RawItem]:
    return [item for event in events for item in event.items]


# -- mapping -------------------------------------------------------------------------


def test_map_a_post_with_link_and_hashtag_facets() -> None:
    got = frame("commit_create_post_link_and_hashtag_facets_images_multilang.json")
    item = got.item
    did, rkey = "did:plc:ynfp6wddjqpl44gordpsqkuw", "3mptbyo7tas2u"
    assert got.time_us == 1783175888400999
    assert item.native_id == f"at://{did}/app.bsky.feed.post/{rkey}"
    assert item.url == f"https://bsky.app/profile/{did}/post/{rkey}"
    assert item.author.handle == did and item.author.url == f"https://bsky.app/profile/{did}"
    assert item.language == "es"
    assert item.published_at == datetime(2026, 7, 4, 14, 38, 6, 71000, tzinfo=UTC)
    full = "https://www.tumblr.com/tempo-tales/765681292369166336/behind-them-timmi-and-wankyu-follow-silently-but?source=share"
    assert f'<a href="{full}">www.tumblr.com/tempo-tales/...</a>' in item.html
    assert item.html.startswith("&quot;Behind them") is False  # quotes kept as text
    assert item.html.startswith('"Behind them, Timmi')
    assert item.extra["links"] == [full]
    assert item.extra["embed"] == "app.bsky.embed.images"
    assert item.thread_id == item.native_id and item.parent_id is None
    assert not item.deleted and item.edited_at is None


def test_map_a_reply_names_its_parent_and_root() -> None:
    event = events_of(GOLDEN)[1]
    item = read_frame(json.dumps(event)).item
    reply = event["commit"]["record"]["reply"]
    assert item.parent_id == reply["parent"]["uri"]
    assert item.thread_id == reply["root"]["uri"]
    assert item.language == "en"


def test_map_created_at_with_an_offset_and_a_region_language() -> None:
    item = frame("commit_create_post_createdat_utc_offset_langs_region.json").item
    assert item.published_at is not None and item.published_at.tzinfo is not None
    assert item.language == "en-US"
    assert item.extra["links"]


def test_map_a_post_without_langs_and_a_link_at_byte_zero() -> None:
    item = frame("commit_create_post_link_facet_no_langs.json").item
    assert item.language is None
    assert item.html.startswith("<a href=")


def test_map_multibyte_text_and_hashtag_facets_leave_the_text_whole() -> None:
    ja = frame("commit_create_post_plain_lang_ja.json").item
    assert ja.language == "ja" and ja.html and "<a" not in ja.html
    tags = frame("commit_create_post_hashtag_facets.json").item
    assert "<a" not in tags.html  # #tag facets are not links
    assert tags.language == "de"


def test_map_a_bad_date_is_none_not_a_failure() -> None:
    event = json.loads(capture_lines("commit_create_post_plain_lang_ja.json")[0])
    event["commit"]["record"]["createdAt"] = "yesterday-ish"
    assert read_frame(json.dumps(event)).item.published_at is None


def test_map_a_deleted_post_is_a_tombstone() -> None:
    got = frame("commit_delete_post.json")
    assert got.item == RawItem(
        native_id="at://did:plc:4smmjsqf6l5jkzczvw6vsrqc/app.bsky.feed.post/3mpt73z3ejc2p",
        deleted=True,
        extra={"author_did": "did:plc:4smmjsqf6l5jkzczvw6vsrqc"},
    )


def test_map_an_updated_post_is_an_edit_at_the_event_time() -> None:
    line = post_line("edited text", time_us=1_783_175_888_400_999, operation="update")
    item = read_frame(line).item
    assert item.edited_at == datetime(2026, 7, 4, 14, 38, 8, 400999, tzinfo=UTC)
    assert item.html == "edited text"


@pytest.mark.parametrize(
    "name",
    [
        "commit_create_like.json",
        "commit_create_repost.json",
        "commit_create_follow.json",
        "commit_create_block.json",
        "commit_delete_follow.json",
        "commit_delete_non_bsky_collection.json",
        "commit_update_non_bsky_collection_percent_escaped_url.json",
        "commit_update_non_bsky_status_null_field.json",
        "commit_update_profile_with_blobs.json",
        "identity_event_no_handle.json",
        "identity_event_no_handle_2.json",
        "account_event_active.json",
        "account_event_active_2.json",
        "docs_rfd_v1_commit_like_with_cursor_field.json",
    ],
)
def test_map_other_kinds_and_collections_give_no_item_but_a_time(name: str) -> None:
    got = frame(name)
    assert got.item is None and got.handle is None
    assert got.time_us == json.loads((capture_lines(name))[0])["time_us"]


def test_map_every_post_of_both_captures() -> None:
    for name in (CAPTURE, GOLDEN):
        posts = post_events(name)
        items = [read_frame(json.dumps(e)).item for e in posts]
        assert all(i is not None and i.native_id.startswith("at://did:") for i in items)
        assert len({i.native_id for i in items if i}) == len(posts)


def test_map_an_identity_event_with_a_handle() -> None:
    got = frame("docs_readme_v1_identity_event_with_handle.json")
    assert got.item is None
    assert (got.did, got.handle) == ("did:plc:ufbl4k27gp6kzas5glhz7fim", "yohenrique.bsky.social")


@pytest.mark.parametrize(
    "text", ["{not json", "[1, 2]", '{"kind": "commit"}', '{"time_us": true}', "\xff"]
)
def test_map_refuses_what_is_no_event(text: str) -> None:
    with pytest.raises(MalformedFrame):
        read_frame(text)


def test_map_hostile_text_is_escaped_and_capped() -> None:
    text = "<script>alert(1)</script> & " + "é" * 5000
    item = read_frame(post_line(text, time_us=1_783_175_888_000_000)).item
    assert "<script>" not in item.html and "&lt;script&gt;" in item.html
    assert len(item.html.encode("utf-8")) < MAX_TEXT_BYTES + 100


def test_map_only_web_links_become_anchors() -> None:
    event = json.loads(post_line("click me or me", time_us=1_783_175_888_000_000))
    event["commit"]["record"]["facets"] = [
        {
            "index": {"byteStart": 0, "byteEnd": 8},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "javascript:alert(1)"}],
        },
        {
            "index": {"byteStart": 12, "byteEnd": 14},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://ok.example/"}],
        },
    ]
    item = read_frame(json.dumps(event)).item
    assert item.html == 'click me or <a href="https://ok.example/">me</a>'
    assert item.extra["links"] == ["https://ok.example/"]


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


# -- options -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"url": "https://jetstream2.us-east.bsky.network/subscribe"}, "ws:// or wss://"),
        ({"url": "wss://j.example/subscribe?wantedCollections=x"}, "no query"),
        ({"collections": ["app.bsky.feed.like"]}, "only app.bsky.feed.post"),
        ({"collections": ["app.bsky.feed.po*"]}, "not a collection NSID"),
        ({"collections": []}, "at least 1"),
        ({"dids": ["alice.bsky.social"]}, "is not a DID"),
        ({"replay": "-5s"}, "replay"),
        ({"interval": "10m"}, "interval"),
    ],
)
def test_options_refuse_what_cannot_be_honoured(values: dict[str, Any], said: str) -> None:
    with pytest.raises(ValidationError, match=said):
        jetstream.Options(**values)


def test_options_defaults() -> None:
    opts = jetstream.Options()
    assert opts.url == "wss://jetstream2.us-east.bsky.network/subscribe"
    assert opts.collections == (POST,) and opts.dids == ()
    assert opts.replay == timedelta(seconds=5) and opts.idle_timeout == timedelta(seconds=60)
    assert opts.appview_url == "https://public.api.bsky.app" and opts.resolve_handles
    assert not opts.compress


# -- enrich --------------------------------------------------------------------------


def profiles_answer(request: Request) -> Response:
    actors = request.args.getlist("actors")
    assert len(actors) <= 25
    profiles = [
        {
            "did": did,
            "handle": f"user{n}.bsky.social",
            "displayName": f"User {n}",
            "followersCount": 100 + n,
        }
        for n, did in enumerate(actors)
        if not did.endswith("gone")
    ]
    return Response(json.dumps({"profiles": profiles}), content_type="application/json")


def enrich(
    items: list[RawItem], appview: str, kept: dict[str, Any] | None = None, **values: Any
) -> list[RawItem]:
    """``jetstream.enrich`` as the daemon calls it; ``kept`` shared between calls is one
    source's context kept across batches (its author cache), a new one another source's."""

    async def run() -> list[RawItem]:
        async with httpx.AsyncClient() as http:
            opts = jetstream.Options(appview_url=appview, **values)
            ctx = StreamContext(
                source="bluesky-live", options=opts, http=http, kept={} if kept is None else kept
            )
            return await jetstream.enrich(ctx, items)

    return asyncio.run(run())


def authored(n: int, suffix: str = "") -> list[RawItem]:
    lines = [
        post_line(f"post {i}", time_us=1_783_175_888_000_000 + i, did=f"did:plc:a{i:04d}{suffix}")
        for i in range(n)
    ]
    return [read_frame(line).item for line in lines]


def test_enrich_resolves_authors_25_a_call_and_caches_them(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PROFILES_PATH).respond_with_handler(profiles_answer)
    items = authored(30)
    source: dict[str, Any] = {}
    got = enrich(items, httpserver.url_for("").rstrip("/"), source)
    assert len(httpserver.log) == 2  # 25 + 5
    assert [len(r.args.getlist("actors")) for r, _ in httpserver.log] == [25, 5]
    first = got[0]
    assert first.author.handle == "user0.bsky.social" and first.author.name == "User 0"
    assert first.author.followers == 100
    assert first.url == items[0].url  # the post's address keeps the DID
    again = enrich(items, httpserver.url_for("").rstrip("/"), source)
    assert len(httpserver.log) == 2 and again == got


def test_enrich_keeps_one_author_cache_per_source(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PROFILES_PATH).respond_with_handler(profiles_answer)
    items = authored(3)
    first: dict[str, Any] = {}
    named = enrich(items, httpserver.url_for("").rstrip("/"), first)
    assert len(httpserver.log) == 1
    # Another source (another context) has a cache of its own: it asks for itself.
    assert enrich(items, httpserver.url_for("").rstrip("/"), {}) == named
    assert len(httpserver.log) == 2
    assert enrich(items, httpserver.url_for("").rstrip("/"), first) == named
    assert len(httpserver.log) == 2


def test_enrich_asks_about_at_most_100_authors_a_batch(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PROFILES_PATH).respond_with_handler(profiles_answer)
    got = enrich(authored(120), httpserver.url_for("").rstrip("/"))
    assert len(httpserver.log) == 4
    named = [i for i in got if i.author.handle and not i.author.handle.startswith("did:")]
    assert len(named) == 100  # the other 20 keep their DID until a later batch


def test_enrich_keeps_the_did_when_the_lookup_fails(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PROFILES_PATH).respond_with_data("busy", status=502)
    items = authored(3)
    assert enrich(items, httpserver.url_for("").rstrip("/")) == items
    assert items[0].author.handle == "did:plc:a0000"


def test_enrich_an_author_the_appview_does_not_show_keeps_the_did(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PROFILES_PATH).respond_with_handler(profiles_answer)
    items = authored(1, suffix="gone")
    assert enrich(items, httpserver.url_for("").rstrip("/")) == items


def test_enrich_can_be_turned_off(httpserver: HTTPServer) -> None:
    items = authored(2)
    assert enrich(items, httpserver.url_for("").rstrip("/"), resolve_handles=False) == items
    assert not httpserver.log


def test_an_identity_event_with_a_handle_names_the_author(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PROFILES_PATH).respond_with_data("down", status=503)
    identity = capture_lines("docs_readme_v1_identity_event_with_handle.json")
    did = "did:plc:ufbl4k27gp6kzas5glhz7fim"
    source: dict[str, Any] = {}
    with JetstreamServer(identity) as server:
        read(options(server.url), kept=source)
    [item] = [read_frame(post_line("hi", time_us=1_725_516_665_234_704, did=did)).item]
    [named] = enrich([item], httpserver.url_for("").rstrip("/"), source)
    assert named.author.handle == "yohenrique.bsky.social"
    assert len(httpserver.log) == 1  # still asked for the name and followers


def test_the_stream_registers_as_a_stream_with_enrich() -> None:
    from listener.sources.registry import source_types

    kind = source_types()["jetstream"]
    assert kind.is_stream and kind.enrich is jetstream.enrich and kind.poll is None
