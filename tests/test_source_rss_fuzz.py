"""A few hundred generated hostile feeds through the rss source from a real local server
(the generator and the promises checked are ``bench/fuzz_feeds.py``'s, which runs more)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings

from bench.fuzz_feeds import FeedServer, HostileFeed, check, hostile_feeds


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    feeds = FeedServer()
    yield feeds
    feeds.close()


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(feed=hostile_feeds())
def test_a_hostile_feed_fails_cleanly_or_gives_every_good_entry(
    server: FeedServer, feed: HostileFeed
) -> None:
    server.body = feed.body
    assert check(server.url, feed) in {"read", "read with problems", "refused"}
