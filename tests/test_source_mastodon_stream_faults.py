"""mastodon_stream's faults on both transports: drops, a refused token, malformed events, a
silent or stalled server, keep-alives, a burst, a busy server, unknown channels and streams,
and a line over the cap. The local server is tests/mastodon_stream_server.py."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from listener.sources.errors import (
    PermanentError,
    RateLimited,
    ServerRefused,
    TransientError,
)
from tests.mastodon_stream_client import (
    BASE,
    connect,
    ids,
)
from tests.mastodon_stream_events import (
    Event,
    Session,
    Verbatim,
    delete,
    statuses,
    update,
    ws_capture,
)
from tests.mastodon_stream_server import MastodonStreamServer


@pytest.fixture
def server() -> Iterator[MastodonStreamServer]:
    with MastodonStreamServer() as running:
        yield running


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
