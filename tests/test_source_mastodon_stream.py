"""The mastodon_stream source against a local Mastodon streaming server (WebSocket and SSE on
one port, tests/mastodon_stream_server.py) replaying the captures in
tests/fixtures/mastodon_stream/ (provenance in its README.md).

Each test connects the way the daemon would: one ``stream()`` generator per connection, read
until it ends, raises, or brings nothing for ``idle_timeout``; the position of the last
event is the next connection's cursor.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from listener.config.settings import Settings, SourceSettings
from listener.metrics import Metrics
from listener.models import RawItem, SourceState
from listener.pipeline.run import Pipeline
from listener.service.stream_setup import StreamSetup
from listener.service.streams import StreamRunner
from listener.sources import mastodon_stream
from listener.sources.errors import (
    PermanentError,
    RateLimited,
    ServerRefused,
    SourceError,
    TransientError,
)
from listener.sources.mastodon import snowflake_at
from listener.sources.registry import get_source_type
from listener.sources.streaming import StreamContext, StreamEvent
from listener.store import SQLiteStore, open_store
from tests.mastodon_stream_server import (
    HERE,
    TOKEN,
    Event,
    MastodonStreamServer,
    Session,
    Verbatim,
    delete,
    sse_capture,
    status_of,
    statuses,
    update,
    ws_capture,
)
from tests.stream_runner_server import FAST

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
# Statuses posted 1 ms apart from a second after the (fixed) clock's now: after the connect.
FIRST_ID = snowflake_at(NOW + timedelta(seconds=1))
EDITED_ID = "117024236332527350"  # the status updated, edited and deleted in the capture
DIRECT_ID = "117024236559579118"
BASE = status_of("sse_update_public__mastodonpy.txt")


def ids(n: int, start: int = 0) -> list[int]:
    return [FIRST_ID + ((start + i) << 16) for i in range(n)]


@dataclass
class Outcome:
    events: list[StreamEvent] = field(default_factory=list)
    error: SourceError | None = None
    idle: bool = False  # nothing came for idle_timeout: the daemon would end the connection

    @property
    def items(self) -> list[RawItem]:
        return [item for event in self.events for item in event.items]

    @property
    def ids(self) -> list[str]:
        return [item.native_id for item in self.items]

    @property
    def position(self) -> str | None:
        positions = [e.position for e in self.events if e.position is not None]
        return positions[-1] if positions else None

    def state(self, before: SourceState | None = None) -> SourceState:
        """The state the daemon saves after this connection."""
        cursor = self.position or (before.cursor if before else None)
        return SourceState(source="test", cursor=cursor)


def connect(
    server: MastodonStreamServer,
    state: SourceState | None = None,
    *,
    until: Callable[[Outcome], bool] = lambda outcome: False,
    now: datetime | Callable[[], datetime] = NOW,
    max_response_bytes: int = 10 * 1024 * 1024,
    **options: Any,
) -> Outcome:
    """One connection of the source, read until it ends, raises, goes idle, or ``until``."""
    options.setdefault("instance_url", server.url)
    options.setdefault("access_token", TOKEN)
    opts = mastodon_stream.Options(**options)
    outcome = Outcome()

    async def main() -> None:
        async with httpx.AsyncClient() as http:
            ctx = StreamContext(
                source="test",
                options=opts,
                http=http,
                clock=now if callable(now) else lambda: now,
                max_response_bytes=max_response_bytes,
            )
            events = mastodon_stream.stream(ctx, state or SourceState(source="test"))
            try:
                while not until(outcome):
                    async with asyncio.timeout(opts.idle_timeout.total_seconds()):
                        outcome.events.append(await anext(events))
            except StopAsyncIteration:
                pass
            except TimeoutError:
                outcome.idle = True
            except SourceError as exc:
                outcome.error = exc
            finally:
                await events.aclose()

    asyncio.run(asyncio.wait_for(main(), 60))
    return outcome


def has_items(n: int) -> Callable[[Outcome], bool]:
    return lambda outcome: len(outcome.items) >= n


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
    # Notifications came as events without posts (as did the first connect's position);
    # ":)" and ":" as keep-alives.
    empty = [e for e in outcome.events if not e.items and not e.opened and not e.keepalive]
    assert [e.position for e in empty] == [str(snowflake_at(NOW)), None, None]
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
        if len(outcome.events) == 2:  # opened, and the first connect's position "now"
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
    assert "12x" in skipped.problem


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


# --- faults ----------------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["websocket", "sse"])
def test_a_drop_ends_the_connection_as_transient(
    server: MastodonStreamServer, transport: str
) -> None:
    posted = statuses(BASE, ids(2))
    server.play(Session([*(update(s) for s in posted), delete(posted[0]["id"])], "drop"))
    outcome = connect(server, timelines=["public"], transport=transport)
    assert outcome.ids == [posted[0]["id"], posted[1]["id"], posted[0]["id"]]
    assert outcome.items[-1].deleted
    assert type(outcome.error) is TransientError and "dropped" in str(outcome.error)


@pytest.mark.parametrize("transport", ["auto", "websocket", "sse"])
def test_a_refused_token_parks_the_source_and_says_why(
    server: MastodonStreamServer, transport: str
) -> None:
    outcome = connect(server, timelines=["public"], transport=transport, access_token="wrong")
    assert isinstance(outcome.error, PermanentError)
    assert "HTTP 401" in str(outcome.error) and "Invalid access token" in str(outcome.error)
    assert "access_token" in str(outcome.error) and "4.2" in str(outcome.error)
    assert "wrong" not in str(outcome.error)
    # A refused token is no reason to try SSE.
    assert len(server.recorded.connections) == 1


@pytest.mark.parametrize("transport", ["websocket", "sse"])
def test_a_malformed_event_is_skipped_with_a_warning(
    server: MastodonStreamServer, transport: str, caplog: pytest.LogCaptureFixture
) -> None:
    good = statuses(BASE, ids(2))
    broken = [
        Event("update", '{"id": "1", "content": '),  # cut short
        Event("update", '{"id": "not a number"}'),
        Event("delete", "null"),
        Verbatim(b"event: update\ndata: [1, 2]\n\n" if transport == "sse" else b"{not json"),
    ]
    server.play(Session([update(good[0]), *broken, update(good[1])], "close"))
    with caplog.at_level(logging.WARNING, "listener.sources"):
        outcome = connect(server, timelines=["public"], transport=transport)
    assert outcome.error is None and outcome.ids == [good[0]["id"], good[1]["id"]]
    assert caplog.text.count("skipped a malformed stream event") == 4


@pytest.mark.parametrize("transport", ["websocket", "sse"])
def test_a_server_that_stops_sending_ends_the_connection(
    server: MastodonStreamServer, transport: str
) -> None:
    server.play(Session([update(statuses(BASE, ids(1))[0])], "stall"))
    outcome = connect(server, timelines=["public"], transport=transport, idle_timeout="2s")
    assert len(outcome.items) == 1
    if transport == "websocket":  # the source's ping found no pong within 2 x 1/3 of it
        assert isinstance(outcome.error, TransientError) and "no answer to a ping" in str(
            outcome.error
        )
    else:  # no :thump for idle_timeout: the read timeout and the daemon's race; both end it
        assert isinstance(outcome.error, TransientError) or outcome.idle


@pytest.mark.parametrize("transport", ["websocket", "sse"])
def test_a_quiet_live_stream_shows_keepalives(server: MastodonStreamServer, transport: str) -> None:
    server.thump_s = 0.2
    server.play(Session([], "open"))
    beats = lambda outcome: sum(e.keepalive for e in outcome.events) >= 3  # noqa: E731
    outcome = connect(
        server, timelines=["public"], transport=transport, idle_timeout="2s", until=beats
    )
    assert outcome.error is None and not outcome.idle


@pytest.mark.parametrize("transport", ["websocket", "sse"])
def test_a_burst_of_ten_thousand_events_arrives_whole(
    server: MastodonStreamServer, transport: str
) -> None:
    burst = statuses(BASE, ids(10_000))
    server.play(Session([update(s) for s in burst], "close"))
    outcome = connect(server, timelines=["public"], transport=transport)
    assert outcome.error is None
    assert outcome.ids == [s["id"] for s in burst]
    assert outcome.position == burst[-1]["id"]


@pytest.mark.parametrize(
    ("status", "headers", "error"),
    [
        (503, {"Retry-After": "30"}, ServerRefused),
        (429, {"Retry-After": "120"}, RateLimited),
    ],
)
@pytest.mark.parametrize("transport", ["websocket", "sse"])
def test_a_busy_server_is_retried_later(
    server: MastodonStreamServer, transport: str, status: int, headers: dict[str, str], error: type
) -> None:
    server.refuse = (status, headers, b"")
    outcome = connect(server, timelines=["public"], transport=transport)
    assert type(outcome.error) is error
    assert outcome.error.retry_after_s == float(headers["Retry-After"])


def test_an_unknown_sse_channel_parks_the_source(server: MastodonStreamServer) -> None:
    server.sse_channels.discard("public/remote")  # a server that does not know the channel
    outcome = connect(server, timelines=["public:remote"], transport="sse")
    assert isinstance(outcome.error, PermanentError)
    assert "HTTP 400" in str(outcome.error) and "Unknown channel requested" in str(outcome.error)
    assert "check timelines" in str(outcome.error)


def test_no_streaming_api_at_the_address_parks_the_source(server: MastodonStreamServer) -> None:
    outcome = connect(
        server, streaming_url=server.url + "/nowhere", timelines=["public"], transport="sse"
    )
    assert isinstance(outcome.error, PermanentError) and "check streaming_url" in str(outcome.error)


def test_an_unknown_stream_inside_the_socket_parks_the_source(server: MastodonStreamServer) -> None:
    server.play(Session([ws_capture("ws_error_unknown_stream_type__docs.json")]))
    outcome = connect(server, timelines=["public"], transport="websocket")
    assert isinstance(outcome.error, PermanentError)
    assert "Unknown stream type" in str(outcome.error)


def test_an_sse_line_over_the_cap_ends_the_connection(server: MastodonStreamServer) -> None:
    server.play(Session([Verbatim(b"data: " + b"x" * 300_000)], "open"))
    outcome = connect(server, timelines=["public"], transport="sse", max_response_bytes=100_000)
    assert isinstance(outcome.error, TransientError) and "100000 bytes" in str(outcome.error)


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
