"""Review of the long-feed walk (issue 13): hostile bytes in an entry and a hostile cursor,
each against a real local server through a real poll."""

from __future__ import annotations

import json

from pytest_httpserver import HTTPServer

from listener.models import SourceState
from tests.rss_helpers import poll_feed
from tests.test_source_rss_long_feed import LiveFeed, guid, ids, serve


def _feed(first_entry: str, count: int) -> bytes:
    items = "".join(
        f"<item><title>post {n}</title><guid>urn:g{n}</guid></item>" for n in range(count)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"{first_entry}{items}</channel></rss>"
    ).encode()


def test_an_entry_full_of_unclosed_tag_starts_is_walked_in_linear_time(
    httpserver: HTTPServer,
) -> None:
    # "<id " 250,000 times in a CDATA, before the entry's guid: each search for an id (or a
    # date) used to run on to the next ">" from every one of them — quadratic, far past the
    # worker's 60 s (the poll then failed), and unstoppable in a document parsed in-process.
    hostile = "<id " * 250_000
    entry = f"<item><description><![CDATA[{hostile}]]></description>"
    entry += "<guid>urn:big</guid></item>"
    httpserver.expect_request("/feed").respond_with_data(
        _feed(entry, 30), content_type="application/rss+xml"
    )
    result = poll_feed(httpserver.url_for("/feed"), max_entries=10)
    expected = ["urn:big", *[f"urn:g{n}" for n in range(9)]]
    assert [item.native_id for item in result.items] == expected
    assert json.loads(result.cursor or "{}")["entries_read"] == 10


def test_a_corrupt_cursor_nested_past_the_recursion_limit_reads_from_the_top(
    httpserver: HTTPServer,
) -> None:
    # The cursor is stored JSON; a corrupt one (here nested 100,000 deep: json raises
    # RecursionError, not ValueError) must not fail every poll of the source.
    httpserver.expect_request("/feed").respond_with_data(
        _feed("", 5), content_type="application/rss+xml"
    )
    state = SourceState(source="test", cursor="[" * 100_000)
    result = poll_feed(httpserver.url_for("/feed"), state, max_entries=10)
    assert [item.native_id for item in result.items] == [f"urn:g{n}" for n in range(5)]
    assert result.cursor == ""


def test_the_entry_the_walk_stopped_at_bumped_to_the_top_does_not_send_the_walk_back(
    httpserver: HTTPServer,
) -> None:
    # Feeds sorted by update (forums, issue trackers) move an updated entry to the top. When
    # that entry was the walk's anchor, it was found above the old top and the walk resumed
    # right under the top: a whole poll spent again on entries already read, and a walk that
    # never reaches the feed's end if that keeps happening.
    feed = LiveFeed(2500)
    poller = serve(httpserver, feed)
    seen = ids(poller.poll())  # 2499 … 1500: the walk goes on at 1499
    feed.published.remove(1500)
    feed.published.append(1500)  # updated: now the feed's first entry
    second = ids(poller.poll())
    assert second == [guid(1500), *[guid(n) for n in range(1499, 1499 - 999, -1)]]
    seen += second
    while poller.walking:
        seen += ids(poller.poll())
    assert set(seen) == {guid(n) for n in feed.published}
