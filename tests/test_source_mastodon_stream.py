"""The mastodon_stream source against a local Mastodon streaming server (WebSocket and SSE on
one port, tests/mastodon_stream_server.py) replaying the captures in
tests/fixtures/mastodon_stream/ (provenance in its README.md).

Each test connects the way the daemon would: one ``stream()`` generator per connection, read
until it ends, raises, or brings nothing for ``idle_timeout``; the position of the last
event is the next connection's cursor.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pydantic import ValidationError

from listener.models import RawItem
from listener.sources import mastodon_stream
from listener.sources.errors import (
    PermanentError,
    TransientError,
)
from listener.sources.mastodon import snowflake_at
from tests.mastodon_stream_client import (
    BASE,
    DIRECT_ID,
    EDITED_ID,
    FIRST_ID,
    NOW,
    Outcome,
    connect,
    has_items,
    ids,
)
from tests.mastodon_stream_events import (
    HERE,
    Session,
    sse_capture,
    statuses,
    update,
    ws_capture,
)
from tests.mastodon_stream_server import TOKEN, MastodonStreamServer


@pytest.fixture
def server() -> Iterator[MastodonStreamServer]:
    with MastodonStreamServer() as running:
        yield running


# --- mapping ---------------------------------------------------------------------------


def test_the_captured_sse_body_maps_update_edit_and_delete(server: MastodonStreamServer) -> None:
    """Mastodon.py's real /streaming/user body: two updates, two notifications (not posts), an
    edit of the first status and its deletion, then the cut-off ":" of the capture."""
    server.play(
        Session([sse_capture("sse_capture_user_stream_lifecycle__mastodonpy.txt")], "close")
    )
    outcome = connect(server, hashtags=["test"], transport="sse")
    assert outcome.error is None and not outcome.idle
    assert outcome.ids == [EDITED_ID, DIRECT_ID, EDITED_ID, EDITED_ID]
    first, direct, edit, gone = outcome.items
    assert first.html == "<p>only real cars respond.</p>" and first.edited_at is None
    assert first.author.handle == "mastodonpy_test" and first.language == "ja"
    assert first.published_at == datetime(2026, 8, 2, 5, 22, 17, 399000, tzinfo=UTC)
    assert direct.extra["visibility"] == "direct"
    assert edit.html == "<p>only real animals respond.</p>"
    assert edit.edited_at == datetime(2026, 8, 2, 5, 22, 24, 192000, tzinfo=UTC)
    assert gone == RawItem(native_id=EDITED_ID, deleted=True)
    # The lag shown to operators is measured from the status's own time.
    [at] = {
        e.at for e in outcome.events if e.items and not e.items[0].deleted and e.items[0] is first
    }
    assert at == first.published_at
    # The first connect's position "now" rides on the open (an event of its own would be
    # counted as one read); notifications came as events without posts; ":)" and ":" as
    # keep-alives.
    assert outcome.events[0].opened and outcome.events[0].position == str(snowflake_at(NOW))
    empty = [e for e in outcome.events if not e.items and not e.opened and not e.keepalive]
    assert [e.position for e in empty] == [None, None]
    assert sum(1 for e in outcome.events if e.keepalive) == 2


def test_docs_sse_blocks_map_a_hashtag_update_a_federated_status_and_an_edit(
    server: MastodonStreamServer,
) -> None:
    blocks = [
        "sse_update_hashtag__docs.txt",
        "sse_heartbeat_comment__docs.txt",
        "sse_update_public_federated__docs.txt",
        "sse_status_update_edit_with_hashtags__docs.txt",
        "sse_filters_changed_undefined_data__docs.txt",
        "sse_notification_mention__docs.txt",
        "sse_delete__docs.txt",
    ]
    server.play(Session([sse_capture(name) for name in blocks], "close"))
    # Connected before the first status, read as the months of the docs' examples pass: a
    # position is never recorded past the clock (plus a little skew).
    clock = [datetime(2022, 8, 30, 23, tzinfo=UTC)]

    def months_pass_once_opened(outcome: Outcome) -> bool:
        if len(outcome.events) == 1:  # opened, with the first connect's position "now"
            clock[0] = datetime(2022, 11, 16, tzinfo=UTC)
        return False

    outcome = connect(
        server,
        timelines=["public"],
        transport="sse",
        now=lambda: clock[0],
        until=months_pass_once_opened,
    )
    assert outcome.error is None
    hashtag, federated, edited, gone = outcome.items
    assert hashtag.native_id == "108914430312582020" and hashtag.extra["tags"] == ["test"]
    assert hashtag.url == "https://mastodon.social/@trwnh/108914430312582020"
    assert federated.author.handle == "aiueohisama@mstdn.jp" and "処女" in federated.html
    assert edited.edited_at == datetime(2022, 11, 15, 16, 10, 43, tzinfo=UTC)
    assert len(edited.extra["tags"]) == 4
    assert gone == RawItem(native_id="107214471804101576", deleted=True)
    # The position is the largest id seen, compared as numbers: the federated status, older
    # than the first, does not move it back.
    positions = [e.position for e in outcome.events if e.items and not e.items[0].deleted]
    assert positions == ["108914430312582020", "108914430312582020", "109348684737626801"]


def test_docs_websocket_frames_map_update_and_delete(server: MastodonStreamServer) -> None:
    frames = [
        "ws_update_public__docs.json",
        "ws_filters_changed_no_payload__docs.json",
        "ws_delete_public__docs.json",
    ]
    server.play(Session([ws_capture(name) for name in frames], "close"))
    outcome = connect(server, timelines=["public"], now=datetime(2022, 8, 31, tzinfo=UTC))
    assert outcome.error is None and server.recorded.connections == ["ws"]
    update_item, gone = outcome.items
    assert update_item.native_id == "108913983692647032"  # the payload is JSON inside a string
    assert update_item.parent_id == "108913981098896721"
    assert update_item.author.handle == "tobtobxx@fosstodon.org"
    assert gone == RawItem(native_id="106692867363994015", deleted=True)
    assert outcome.events[0].opened


def test_a_boost_maps_the_boosted_status_and_the_position_follows_the_boost(
    server: MastodonStreamServer,
) -> None:
    """A list carries boosts: the post is the boosted status (older id), the timeline's
    position the boost's own id, live and in a backfill."""
    [boosted] = statuses(BASE, [FIRST_ID - (1 << 30)])
    live_boost, missed_boost = (
        {**BASE, "id": str(i), "content": "", "reblog": boosted} for i in ids(2)
    )
    server.play(Session([update(live_boost)], "drop"), Session([], "close", missed=[missed_boost]))
    first = connect(server, timelines=["list:7"])
    assert first.ids == [boosted["id"]] and first.items[0].extra["boosted_by"] == "mastodonpy_test"
    assert first.position == live_boost["id"]
    second = connect(server, first.state(), timelines=["list:7"])
    assert second.position == missed_boost["id"]
    assert server.recorded.rest[-1] == (
        "/api/v1/timelines/list/7",
        {"min_id": live_boost["id"], "limit": "40"},
    )


# --- transports ------------------------------------------------------------------------


def test_one_socket_subscribes_to_every_timeline_as_the_docs_write_it(
    server: MastodonStreamServer,
) -> None:
    server.play(Session([update(s) for s in statuses(BASE, ids(2))], "close"))
    outcome = connect(
        server, timelines=["public:local", "hashtag:local:foo", "list:7"], hashtags=["#Acme"]
    )
    assert outcome.error is None and len(outcome.items) == 2
    assert server.recorded.connections == ["ws"]
    assert server.recorded.authorizations == [f"Bearer {TOKEN}"]
    assert server.recorded.user_agents == [httpx.AsyncClient().headers["User-Agent"]]
    docs_subscribe = json.loads((HERE / "ws_client_subscribe_hashtag_local__docs.json").read_text())
    assert server.recorded.subscriptions == [
        {"type": "subscribe", "stream": "public:local"},
        docs_subscribe,
        {"type": "subscribe", "stream": "list", "list": "7"},
        {"type": "subscribe", "stream": "hashtag", "tag": "Acme"},
    ]


def test_sse_opens_one_response_per_timeline_and_merges_them(server: MastodonStreamServer) -> None:
    first, second = statuses(BASE, ids(2))
    server.play(Session([update(first)]), Session([update(second)]))
    outcome = connect(
        server,
        timelines=["public:local", "list:7"],
        hashtags=["acme"],
        transport="sse",
        until=has_items(2),
    )
    assert outcome.error is None and sorted(outcome.ids) == sorted([first["id"], second["id"]])
    assert server.recorded.connections == [
        "/api/v1/streaming/public/local",
        "/api/v1/streaming/list?list=7",
        "/api/v1/streaming/hashtag?tag=acme",
    ]


def test_auto_falls_back_to_sse_when_the_socket_cannot_open(
    server: MastodonStreamServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.websocket = False  # a proxy that does not pass WebSockets: 404 on the upgrade
    server.play(Session([update(s) for s in statuses(BASE, ids(2))], "close"))
    with caplog.at_level(logging.WARNING, "listener.sources"):
        outcome = connect(server, timelines=["public"])
    assert outcome.error is None and len(outcome.items) == 2
    assert server.recorded.connections == ["ws", "/api/v1/streaming/public"]
    assert "websocket refused, reading the stream as SSE" in caplog.text


def test_websocket_only_does_not_fall_back(server: MastodonStreamServer) -> None:
    server.websocket = False
    outcome = connect(server, timelines=["public"], transport="websocket")
    assert isinstance(outcome.error, PermanentError) and "HTTP 404" in str(outcome.error)
    assert server.recorded.connections == ["ws"]


def test_the_streaming_host_is_discovered_or_set(server: MastodonStreamServer) -> None:
    server.play(Session([update(statuses(BASE, ids(1))[0])], "close"))
    dead = "http://127.0.0.1:9"  # discard port: the instance itself is never asked
    outcome = connect(
        server,
        instance_url=dead,
        streaming_url=server.url.replace("http", "ws"),
        timelines=["public"],
    )
    assert outcome.error is None and len(outcome.items) == 1
    assert server.recorded.rest == []
    server.announce_streaming = False  # an instance that names no streaming host: itself
    server.play(Session([update(statuses(BASE, ids(1))[0])], "close"))
    outcome = connect(server, timelines=["public"])
    assert outcome.error is None and len(outcome.items) == 1
    assert [path for path, _ in server.recorded.rest] == ["/api/v2/instance"]


def test_an_announced_streaming_host_that_is_no_url_falls_back_to_the_instance(
    server: MastodonStreamServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.announced = "javascript:alert(1)"
    server.play(Session([update(statuses(BASE, ids(1))[0])], "close"))
    with caplog.at_level(logging.WARNING, "listener.sources"):
        outcome = connect(server, timelines=["public"])
    assert outcome.error is None and len(outcome.items) == 1
    assert "announces a streaming URL that is none" in caplog.text


def test_one_sse_response_dropping_ends_them_all(server: MastodonStreamServer) -> None:
    first, second = statuses(BASE, ids(2))
    server.play(Session([update(first)], "drop"), Session([update(second)], "open"))
    outcome = connect(server, timelines=["public", "list:7"], transport="sse")
    assert type(outcome.error) is TransientError and "dropped" in str(outcome.error)
    assert first["id"] in outcome.ids


# --- options ---------------------------------------------------------------------------


def test_options_need_a_token_and_say_why() -> None:
    with pytest.raises(ValidationError, match=r"access_token is required: since Mastodon 4\.2"):
        mastodon_stream.Options(timelines=["public"])


@pytest.mark.parametrize("bad", ["federated", "hashtag:", "list:abc", "hashtag:a b", "user"])
def test_options_refuse_unknown_timelines(bad: str) -> None:
    with pytest.raises(ValidationError, match="is not a timeline"):
        mastodon_stream.Options(timelines=[bad], access_token="t")


def test_options_read_timelines_and_hashtags_as_one_list() -> None:
    options = mastodon_stream.Options(
        timelines=["public", "hashtag:#Acme", "hashtag:local:acme", "list:12"],
        hashtags=["acme", "Acme"],
        access_token="t",
    )
    assert options.all_timelines() == [
        "public",
        "hashtag:Acme",
        "hashtag:local:acme",
        "list:12",
        "hashtag:acme",
    ]
    assert options.idle_timeout == timedelta(seconds=45)
    with pytest.raises(ValidationError, match="give timelines"):
        mastodon_stream.Options(access_token="t")
