"""A feed longer than a poll takes (2,500 entries, ``max_entries`` 1000), served by a real
local server that changes it between polls: entries new at the top are read at the next poll,
not after the walk through the rest, and the walk, anchored on identity, skips none."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.models import SourceState
from listener.sources.base import PollResult
from tests.rss_helpers import poll_feed

MAX_ENTRIES = 1000
START = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class LiveFeed:
    """A feed served from a list that the test changes between polls. Entries are numbered
    in the order they were published; ``oldest_first`` writes them in that order."""

    count: int
    oldest_first: bool = False
    padding: int = 0  # bytes of text per entry: a large feed is parsed in a worker
    ill_formed: bool = False  # a stray "&": expat gives up, feedparser reads it whole
    published: list[int] = field(default_factory=list)  # in publication order
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.published = list(range(self.count))
        self.next_number = self.count

    def publish(self, how_many: int) -> list[str]:
        """New entries, newer than all others (at the top, or the end when oldest-first)."""
        new = list(range(self.next_number, self.next_number + how_many))
        self.next_number += how_many
        self.published += new
        return [guid(n) for n in new]

    def remove(self, numbers: list[int]) -> None:
        self.published = [n for n in self.published if n not in set(numbers)]

    def body(self) -> bytes:
        order = self.published if self.oldest_first else self.published[::-1]
        pad = "x" * self.padding
        items = "".join(
            f"<item><guid>{guid(n)}</guid><title>post {n} {pad}</title>"
            f"<link>https://example.org/{n}</link>"
            f"<pubDate>{format_datetime(START + timedelta(minutes=n))}</pubDate></item>"
            for n in order
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{'a & b' if self.ill_formed else 'long'}</title>{items}</channel></rss>"
        ).encode()

    def etag(self) -> str:
        return f'"{len(self.published)}-{self.next_number}"'

    def handle(self, request: Request) -> Response:
        self.requests.append(request)
        if request.headers.get("If-None-Match") == self.etag():
            return Response(status=304, headers={"ETag": self.etag()})
        headers = {"ETag": self.etag()}
        return Response(self.body(), content_type="application/rss+xml", headers=headers)


def guid(n: int) -> str:
    return f"g{n}"


@dataclass
class Poller:
    """Polls as the runner does: the validators and the cursor a poll returns are what the
    next poll starts from (a cursor of None keeps the old one)."""

    url: str
    state: SourceState = field(default_factory=lambda: SourceState(source="test"))

    def poll(self) -> PollResult:
        result = poll_feed(self.url, self.state, max_entries=MAX_ENTRIES)
        self.state = replace(
            self.state,
            etag=result.etag,
            last_modified=result.last_modified,
            cursor=result.cursor if result.cursor is not None else self.state.cursor,
        )
        return result

    @property
    def walking(self) -> bool:
        return bool(self.state.cursor)


def serve(httpserver: HTTPServer, feed: LiveFeed) -> Poller:
    httpserver.expect_request("/long").respond_with_handler(feed.handle)
    return Poller(httpserver.url_for("/long"))


def ids(result: PollResult) -> list[str]:
    return [item.native_id for item in result.items]


@pytest.mark.parametrize("oldest_first", [False, True], ids=["newest-first", "oldest-first"])
@pytest.mark.parametrize("padding", [0, 200], ids=["parsed-here", "parsed-in-a-worker"])
def test_new_entries_at_the_top_are_read_at_the_next_poll_and_the_walk_skips_none(
    httpserver: HTTPServer, oldest_first: bool, padding: int
) -> None:
    feed = LiveFeed(2500, oldest_first=oldest_first, padding=padding)
    poller = serve(httpserver, feed)
    if padding:
        assert len(feed.body()) > 256 * 1024  # over IN_PROCESS_MAX_BYTES: the worker's path
    seen: list[str] = []

    first = poller.poll()
    # The newest 1000, whichever end of the document they are written at.
    assert sorted(ids(first)) == sorted(guid(n) for n in range(1500, 2500))
    seen += ids(first)
    polls = 1
    while poller.walking:
        new = feed.publish(7)
        result = poller.poll()
        polls += 1
        assert set(new) <= set(ids(result)), "a new entry waited for the walk"
        assert len(result.items) <= MAX_ENTRIES
        seen += ids(result)
        assert polls < 10
    assert polls == 3  # 2,500 old entries and the new ones, 1000 a poll
    everything = [guid(n) for n in feed.published]
    assert sorted(seen) == sorted(everything)  # each exactly once: none skipped, none again


def test_a_feed_that_did_not_change_after_the_walk_is_a_304(httpserver: HTTPServer) -> None:
    feed = LiveFeed(2500)
    poller = serve(httpserver, feed)
    while True:
        poller.poll()
        if not poller.walking:
            break
    # The walk sent no validators (a 304 would have ended it); once over, they are kept.
    assert [r.headers.get("If-None-Match") for r in feed.requests] == [None, None, None]
    assert poller.poll().not_modified
    assert feed.requests[-1].headers.get("If-None-Match") == feed.etag()


def test_entries_removed_above_the_walk_do_not_make_it_skip(httpserver: HTTPServer) -> None:
    # By position, removing read entries would move unread ones above the walk's position.
    feed = LiveFeed(2500)
    poller = serve(httpserver, feed)
    seen = ids(poller.poll())
    feed.remove(list(range(1600, 2300)))  # 700 entries read at the first poll
    second = ids(poller.poll())
    # 300 read entries are left above the walk, which goes on at g1499 (by position, at the
    # 1000th entry: g799, skipping 700).
    assert second[0] == guid(1499) and len(second) == MAX_ENTRIES
    assert json.loads(poller.state.cursor or "{}")["entries_read"] == 300 + MAX_ENTRIES
    seen += second
    while poller.walking:
        seen += ids(poller.poll())
    assert set(seen) >= {guid(n) for n in feed.published}
    assert len(seen) == len(set(seen))


def test_removing_the_very_entries_the_walk_stopped_at_skips_none(
    httpserver: HTTPServer,
) -> None:
    feed = LiveFeed(2500)
    poller = serve(httpserver, feed)
    seen = ids(poller.poll())  # 2499 … 1500: the walk goes on at 1499
    feed.remove([1500, 1501, 1502])  # the last three it read
    while poller.walking:
        seen += ids(poller.poll())
    assert set(seen) >= {guid(n) for n in feed.published}
    assert len(seen) == len(set(seen))


def test_more_new_entries_than_a_poll_takes_are_read_top_first_and_none_skipped(
    httpserver: HTTPServer,
) -> None:
    feed = LiveFeed(2500)
    poller = serve(httpserver, feed)
    seen = ids(poller.poll())
    new = feed.publish(1200)  # a burst: more than one poll's budget
    burst = poller.poll()
    assert ids(burst) == new[::-1][:MAX_ENTRIES]  # the newest thousand, newest first
    seen += ids(burst)
    while poller.walking:
        seen += ids(poller.poll())
    # The walk started again below the burst: entries may come twice, none is missed.
    assert set(seen) == {guid(n) for n in feed.published}


def test_new_entries_fill_the_budget_before_the_walk(httpserver: HTTPServer) -> None:
    feed = LiveFeed(2500)
    poller = serve(httpserver, feed)
    poller.poll()
    new = feed.publish(400)
    result = poller.poll()
    assert ids(result)[:400] == new[::-1]  # document order: the new ones on top
    assert ids(result)[400:] == [guid(n) for n in range(1499, 1499 - 600, -1)]
    assert json.loads(poller.state.cursor or "{}")["entries_read"] == 400 + 1000 + 600


def test_an_ill_formed_long_feed_is_walked_the_same_way(httpserver: HTTPServer) -> None:
    feed = LiveFeed(2500, ill_formed=True)
    poller = serve(httpserver, feed)
    first = poller.poll()
    assert first.problems  # reported ill-formed, read anyway
    seen = ids(first)
    while poller.walking:
        new = feed.publish(3)
        result = poller.poll()
        assert set(new) <= set(ids(result))
        seen += ids(result)
    assert sorted(seen) == sorted(guid(n) for n in feed.published)


@pytest.mark.parametrize(
    "cursor",
    ["", "[]", '{"entries_read": true}', '{"entries_read": -3}', '{"after": ["x"]}', "{"],
)
def test_a_cursor_that_holds_no_walk_reads_from_the_top(
    httpserver: HTTPServer, cursor: str
) -> None:
    poller = serve(httpserver, LiveFeed(1500))
    poller.state = replace(poller.state, cursor=cursor)
    assert ids(poller.poll()) == [guid(n) for n in range(1499, 499, -1)]


def test_exactly_a_budget_of_new_entries_pauses_the_walk_without_losing_its_place(
    httpserver: HTTPServer,
) -> None:
    feed = LiveFeed(2500)
    poller = serve(httpserver, feed)
    seen = ids(poller.poll())
    new = feed.publish(MAX_ENTRIES)
    assert ids(poller.poll()) == new[::-1]
    seen += new
    while poller.walking:
        seen += ids(poller.poll())
    assert sorted(seen) == sorted(guid(n) for n in feed.published)  # each exactly once
