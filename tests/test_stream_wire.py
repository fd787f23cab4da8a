"""The helpers every stream source shares (listener.sources.stream_wire): the capped line
reader, the strict reading of a saved position, and what a refused connect means."""

from __future__ import annotations

import logging

import httpx
import pytest

from listener.sources.errors import (
    PermanentError,
    RateLimited,
    ServerRefused,
    TransientError,
)
from listener.sources.stream_wire import (
    LineReader,
    SavedPosition,
    refusal_error,
    saved_position,
)
from listener.sources.streaming import StreamContext, StreamOptions


def test_lines_split_across_chunks_with_their_cr_dropped() -> None:
    reader = LineReader(100, "the stream")
    assert reader.feed(b"one\r\ntw") == [b"one"]
    assert reader.feed(b"o\n\nthr") == [b"two", b""]
    assert reader.feed(b"ee") == []
    assert reader.rest() == b"three" and reader.rest() is None


@pytest.mark.parametrize(
    "chunks", [[b"x" * 11 + b"\n"], [b"x" * 6, b"x" * 6], [b"ok\n" + b"x" * 11]]
)
def test_a_line_over_the_cap_ends_the_connection_complete_or_not(chunks: list[bytes]) -> None:
    reader = LineReader(10, "the stream")
    with pytest.raises(TransientError, match="a line from the stream passed 10 bytes"):
        for chunk in chunks:
            reader.feed(chunk)


def test_a_line_at_the_cap_is_read() -> None:
    assert LineReader(10, "s").feed(b"x" * 10 + b"\n") == [b"x" * 10]


def test_a_long_line_in_small_chunks_is_searched_once() -> None:
    # What was searched is remembered: the search starts where the last one stopped.
    reader = LineReader(1 << 20, "s")
    for _ in range(100):
        reader.feed(b"x" * 1000)
        assert reader.scanned == len(reader.pending)
    assert reader.feed(b"\n") == [b"x" * 100_000] and reader.scanned == 0


def _ctx() -> StreamContext[StreamOptions]:
    return StreamContext(source="s", options=StreamOptions(), http=httpx.AsyncClient())


@pytest.mark.parametrize("cursor", ["²", "1_000", "-5", "1 2", "0x10", "1" * 21, "١٢"])
def test_a_saved_position_in_anything_but_ascii_digits_is_none(
    cursor: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        assert saved_position(_ctx(), cursor, ceiling=10**30, unit="an id") == SavedPosition()
    assert "is not an id" in caplog.text


def test_a_saved_position_is_read_and_one_past_the_ceiling_said_future() -> None:
    assert saved_position(_ctx(), None, ceiling=100, unit="an id") == SavedPosition()
    assert saved_position(_ctx(), " 42 ", ceiling=100, unit="an id") == SavedPosition(42)
    assert saved_position(_ctx(), "100", ceiling=100, unit="an id") == SavedPosition(100)
    assert saved_position(_ctx(), "101", ceiling=100, unit="an id") == SavedPosition(101, True)


@pytest.mark.parametrize(
    ("status", "kind", "said"),
    [
        (401, PermanentError, "check the token"),
        (403, PermanentError, "check the token"),
        (429, RateLimited, "HTTP"),
        (400, PermanentError, "check the options"),
        (404, PermanentError, "check the options"),
        (503, ServerRefused, "HTTP"),
        (302, ServerRefused, "unexpected"),
    ],
)
def test_a_refusal_is_the_error_its_status_means(
    status: int, kind: type[Exception], said: str
) -> None:
    error = refusal_error(
        status,
        f"HTTP {status}",
        retry_after_s=7.0,
        auth_advice="check the token",
        client_advice="check the options",
    )
    assert type(error) is kind and said in str(error)
    if isinstance(error, RateLimited | ServerRefused):
        assert error.retry_after_s == 7.0


def test_a_4xx_a_mapping_does_not_name_is_the_server_s_trouble() -> None:
    error = refusal_error(
        418, "HTTP 418", retry_after_s=None, auth_advice="a", client_advice={400: "timelines"}
    )
    assert type(error) is ServerRefused and str(error).startswith("unexpected")
    named = refusal_error(
        400, "HTTP 400", retry_after_s=None, auth_advice="a", client_advice={400: "timelines"}
    )
    assert type(named) is PermanentError and "timelines" in str(named)
