"""Hostile and huge feeds through the rss source, served by a real local server: poison
references and a broken declaration cost only themselves, deep nesting is refused before
feedparser, a long feed is read a window per poll, and a parse that runs over is stopped
(its worker process killed)."""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.models import SourceState
from listener.sources import rss
from listener.sources.errors import TransientError
from listener.sources.feed_document import MAX_DEPTH
from listener.sources.feed_worker import ParseFailed, parse_in_worker
from tests.rss_helpers import poll_feed


def rss_doc(
    entries: list[str], declaration: bytes = b'<?xml version="1.0" encoding="utf-8"?>'
) -> bytes:
    items = "".join(
        f"<item><guid>g{n}</guid><title>{title}</title><link>https://example.org/{n}</link></item>"
        for n, title in enumerate(entries)
    )
    return (
        declaration
        + f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    )


def serve(httpserver: HTTPServer, body: bytes, path: str = "/feed") -> str:
    httpserver.expect_request(path).respond_with_data(body, content_type="application/rss+xml")
    return httpserver.url_for(path)


@pytest.mark.parametrize(
    ("poison", "problem"),
    [
        ("beyond Unicode &#1114112; here", "invalid characters"),
        ("a lone surrogate &#xD800; here", "invalid characters"),
        ("a decimal surrogate &#56320; here", "invalid characters"),
    ],
)
def test_a_reference_to_no_character_costs_only_that_character(
    httpserver: HTTPServer, poison: str, problem: str
) -> None:
    result = poll_feed(serve(httpserver, rss_doc(["fine", poison, "also fine"])))
    titles = [item.title for item in result.items]
    assert titles[0] == "fine" and titles[2] == "also fine"
    assert titles[1] is not None and "\ufffd" in titles[1]
    assert len(result.problems) == 1 and problem in result.problems[0]


@pytest.mark.parametrize(
    "declaration",
    [
        b'<?xml version="1.0" encoding="ut\xff8"?>',
        b'<?xml version="1.0" encoding="\x80"?>',
        b"<?xml version='1.0' encoding='utf-8\xfe'?>",
    ],
)
def test_a_garbage_byte_in_the_encoding_declaration_still_gives_the_entries(
    httpserver: HTTPServer, declaration: bytes
) -> None:
    result = poll_feed(serve(httpserver, rss_doc(["one", "two"], declaration)))
    assert [item.title for item in result.items] == ["one", "two"]
    assert any("encoding name" in problem for problem in result.problems)


def test_the_same_poison_is_worded_the_same_each_poll_so_it_is_logged_once(
    httpserver: HTTPServer,
) -> None:
    url = serve(httpserver, rss_doc(["&#1114112;", "ok"]))
    assert poll_feed(url).problems == poll_feed(url).problems


def nested(depth: int, size: int = 0) -> bytes:
    """A feed whose one entry's description nests ``depth`` elements (padded to ``size``)."""
    inner = b"<b>" * depth + b"deep" + b"</b>" * depth
    padding = b"<!--" + b"x" * max(size - len(inner) - 200, 0) + b"-->"
    return (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><guid>a</guid><title>ok</title><description>"
        + inner
        + b"</description></item>"
        + padding
        + b"</channel></rss>"
    )


def test_a_feed_nested_deeper_than_any_real_one_is_refused_before_parsing(
    httpserver: HTTPServer,
) -> None:
    with pytest.raises(TransientError, match=f"more than {MAX_DEPTH} deep"):
        poll_feed(serve(httpserver, nested(MAX_DEPTH * 4)))


def test_a_deeply_nested_feed_just_under_the_size_cap_is_refused_too(
    httpserver: HTTPServer,
) -> None:
    # The case that took 129 s and 1.7 GB in one feedparser call: 9.9 MB, nested throughout.
    depth = (9_900_000 - 200) // 7
    with pytest.raises(TransientError, match="deep"):
        poll_feed(serve(httpserver, nested(depth)))


def test_an_ill_formed_deep_feed_is_refused_as_well(httpserver: HTTPServer) -> None:
    # expat stops at the stray "&"; the nesting after it is counted roughly, as feedparser's
    # loose parser would see it.
    body = nested(MAX_DEPTH * 4).replace(b"<title>ok</title>", b"<title>a & b</title>")
    with pytest.raises(TransientError, match="deep"):
        poll_feed(serve(httpserver, body))


def test_nesting_within_the_limit_is_read(httpserver: HTTPServer) -> None:
    result = poll_feed(serve(httpserver, nested(MAX_DEPTH // 2)))
    assert [item.title for item in result.items] == ["ok"]
    assert result.items[0].html.count("<b>") == MAX_DEPTH // 2


def long_feed(count: int, body_bytes: int = 0) -> bytes:
    pad = "x" * body_bytes
    return rss_doc([f"post {n} {pad}" for n in range(count)])


@pytest.mark.parametrize("body_bytes", [0, 12_000])  # parsed here, and in a worker process
def test_a_long_feed_is_read_a_window_per_poll_until_the_walk_ends(
    httpserver: HTTPServer, body_bytes: int
) -> None:
    requests: list[Request] = []
    body = long_feed(25, body_bytes)

    def handler(request: Request) -> Response:
        requests.append(request)
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(body, content_type="application/rss+xml", headers={"ETag": '"v1"'})

    httpserver.expect_request("/long").respond_with_handler(handler)
    url = httpserver.url_for("/long")
    state = SourceState(source="test")
    read: list[str] = []
    cursors: list[str | None] = []
    for _ in range(3):
        result = poll_feed(url, state, max_entries=10)
        read += [item.native_id for item in result.items]
        cursors.append(result.cursor)
        state = replace(state, etag=result.etag, cursor=result.cursor or state.cursor)
        if result.cursor == "":
            state = replace(state, cursor=None)
    assert read == [f"g{n}" for n in range(25)]
    assert [json.loads(c)["entries_read"] for c in cursors[:2] if c] == [10, 20]
    assert cursors[2] == ""  # the walk is over
    # Validators only once the end was reached: a 304 mid-walk would have skipped the rest.
    assert [r.headers.get("If-None-Match") for r in requests] == [None, None, None]
    assert state.etag == '"v1"'
    assert poll_feed(url, state, max_entries=10).not_modified


def test_a_feed_that_shrank_below_the_walk_starts_again_from_the_top(
    httpserver: HTTPServer,
) -> None:
    state = SourceState(source="test", cursor=json.dumps({"entries_read": 40}))
    result = poll_feed(serve(httpserver, long_feed(5)), state, max_entries=10)
    assert [item.native_id for item in result.items] == [f"g{n}" for n in range(5)]
    assert result.cursor == ""


@pytest.mark.parametrize("bad", [0, -1, 10_001, "lots"])
def test_max_entries_is_validated(bad: object) -> None:
    with pytest.raises(ValidationError, match="max_entries"):
        rss.Options(url="https://example.org/feed", max_entries=bad)


def feed_workers() -> set[int]:
    """This process's children that are feed parse workers, still running."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == os.getpid() and b"feed_worker" in cmdline and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def test_a_parse_that_runs_over_is_stopped_and_its_worker_killed() -> None:
    # Tens of seconds of feedparser, in a worker (over 256 KiB): far past the timeout on
    # any machine, so the test does not depend on this one's speed.
    body = long_feed(200_000)
    before = feed_workers()

    async def parse() -> None:
        await parse_in_worker(
            body, "https://example.org/feed", None, skip=0, limit=200_000, timeout_s=0.5
        )

    with pytest.raises(ParseFailed, match=r"longer than 0\.5 s"):
        asyncio.run(parse())
    assert feed_workers() <= before  # the worker that ran over is gone, not parsing on


def test_a_cancelled_poll_kills_its_parse() -> None:
    body = long_feed(200_000)  # far longer to parse than the half second before the cancel
    before = feed_workers()

    async def parse_then_give_up() -> None:
        task = asyncio.create_task(
            parse_in_worker(body, "https://example.org/feed", None, skip=0, limit=200_000)
        )
        await asyncio.sleep(0.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(parse_then_give_up())
    assert feed_workers() <= before


def test_an_ill_formed_feed_with_much_html_in_cdata_is_not_taken_for_deep_nesting(
    httpserver: HTTPServer,
) -> None:
    html = "<p>line<br>" * (MAX_DEPTH * 2)  # unclosed <p> and <br>: HTML, inside CDATA
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>a & b</title>'
        f"<item><guid>a</guid><title>ok</title><description><![CDATA[{html}]]></description>"
        "</item></channel></rss>"
    ).encode()
    result = poll_feed(serve(httpserver, body))
    assert [item.title for item in result.items] == ["ok"]
    assert result.problems  # reported ill-formed, read anyway
