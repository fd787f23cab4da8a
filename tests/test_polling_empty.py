"""Empty polls in a row, counted for the silent-source alert: real local feed server → runner →
SQLite on disk."""

from __future__ import annotations

from collections.abc import Callable

from pytest_httpserver import HTTPServer

from listener.config.settings import Settings
from listener.service.runner import PollOutcome
from listener.store import open_store
from tests.helpers import FeedHandler, SettableClock, rss_feed
from tests.test_polling import poll, settings_for

FIRST = [("a1", "Slack is down", "Slack will not load for me")]
MORE = [*FIRST, ("a2", "Slack again", "Slack lost my messages")]


def test_empty_polls_count_304s_and_repeats_and_reset_when_a_poll_stores_something(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    feed = FeedHandler(rss_feed(FIRST))
    httpserver.expect_request("/feed").respond_with_handler(feed)
    settings = settings_for(write_settings, {"feed": httpserver.url_for("/feed")})

    def next_poll() -> tuple[PollOutcome, int, int]:
        clock.advance(minutes=11)
        [summary] = poll(settings, clock)
        return summary.outcome, len(summary.stored), summary.state.empty_polls

    assert next_poll() == (PollOutcome.OK, 1, 0)
    assert next_poll() == (PollOutcome.NOT_MODIFIED, 0, 1)
    feed.honour_validators = False  # the same items again: nothing new is empty too
    assert next_poll() == (PollOutcome.OK, 0, 2)
    with open_store(settings.storage.sqlite) as store:
        saved = store.load_source_state("feed")
    assert saved is not None and saved.empty_polls == 2
    feed.body = rss_feed(MORE)
    assert next_poll() == (PollOutcome.OK, 1, 0)
