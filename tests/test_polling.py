"""Polling end to end: real local feed servers → runner → pipeline → SQLite on disk.

Covers the fetch-loop promises: validators sent and 304 honoured, a restart that neither
duplicates nor misses, one failing feed never stopping another, backoff, Retry-After and
parking.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.config.settings import Settings, load_settings
from listener.pipeline.types import DropReason
from listener.service.daemon import Daemon
from listener.service.runner import PollOutcome, PollSummary
from tests.helpers import RSS_FIXTURES, FeedHandler, SettableClock, rss_feed

GOOGLE_ALERTS = (RSS_FIXTURES / "google_alerts_atom__feedjira.xml").read_bytes()


def settings_for(
    write: Callable[[str], Settings], feeds: dict[str, str], query: str = "slack"
) -> Settings:
    sources = "".join(
        f"  - name: {name}\n    type: rss\n    interval: 10m\n    url: {url}\n"
        for name, url in feeds.items()
    )
    return write(
        f"brands:\n  - name: Slack\n    query: '{query}'\nsources:\n{sources}"
        "storage:\n  sqlite: data/listener.db\n"
    )


def poll(
    settings: Settings, clock: SettableClock, names: list[str] | None = None
) -> list[PollSummary]:
    async def once() -> list[PollSummary]:
        daemon = Daemon(settings, clock=clock)
        try:
            return await daemon.poll_once(names)
        finally:
            await daemon.close()

    return asyncio.run(once())


def test_validators_are_sent_and_a_304_stores_nothing(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    feed = FeedHandler(GOOGLE_ALERTS, content_type="application/atom+xml")
    httpserver.expect_request("/alerts").respond_with_handler(feed)
    settings = settings_for(write_settings, {"alerts": httpserver.url_for("/alerts")})

    [first] = poll(settings, clock)
    assert first.outcome is PollOutcome.OK
    assert len(first.stored) == 20
    assert first.state.etag == feed.etag

    clock.advance(minutes=11)
    [second] = poll(settings, clock)
    assert feed.requests[1].get("If-None-Match") == feed.etag
    assert feed.requests[1].get("If-Modified-Since") == feed.last_modified
    assert second.outcome is PollOutcome.NOT_MODIFIED
    assert second.stored == [] and second.fetched == 0
    assert second.state.items_total == 20  # the running total survives a 304


def test_restart_neither_duplicates_nor_misses(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    # A server that ignores validators re-sends everything: only ids keep duplicates out.
    feed = FeedHandler(
        rss_feed([("a1", "Slack is down", "again"), ("a2", "Slack outage", "for everyone")]),
        honour_validators=False,
    )
    httpserver.expect_request("/feed").respond_with_handler(feed)
    settings = settings_for(write_settings, {"news": httpserver.url_for("/feed")})

    [first] = poll(settings, clock)  # each poll() is a fresh daemon: a restart
    assert [m.native_id for m in first.stored] == ["a1", "a2"]

    feed.body = rss_feed(
        [
            ("a3", "Slack back up", "finally"),
            ("a1", "Slack is down", "again"),
            ("a2", "Slack outage", "x"),
        ]
    )
    clock.advance(minutes=11)
    [second] = poll(settings, clock)
    assert [m.native_id for m in second.stored] == ["a3"]
    assert second.dropped == {DropReason.ALREADY_STORED: 2}
    assert second.state.items_total == 3


def test_a_failing_feed_never_stops_another(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    broken = FeedHandler(b"", status=500)
    healthy = FeedHandler(rss_feed([("h1", "Slack rocks", "love it")]))
    httpserver.expect_request("/broken").respond_with_handler(broken)
    httpserver.expect_request("/healthy").respond_with_handler(healthy)
    settings = settings_for(
        write_settings,
        {"broken": httpserver.url_for("/broken"), "healthy": httpserver.url_for("/healthy")},
    )

    summaries = {s.source: s for s in poll(settings, clock)}
    assert summaries["broken"].outcome is PollOutcome.TRANSIENT_ERROR
    assert "500" in (summaries["broken"].error or "")
    assert summaries["healthy"].outcome is PollOutcome.OK
    assert len(summaries["healthy"].stored) == 1


def test_errors_back_off_exponentially_and_recovery_resets(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    feed = FeedHandler(rss_feed([("r1", "Slack", "hello")]), status=503)
    httpserver.expect_request("/feed").respond_with_handler(feed)
    settings = settings_for(write_settings, {"news": httpserver.url_for("/feed")})

    delays = []
    for _ in range(3):
        [summary] = poll(settings, clock)
        assert summary.state.next_check_at is not None
        delays.append((summary.state.next_check_at - clock.now).total_seconds())
        clock.advance(hours=6)
    assert summary.state.error_count == 3
    # 10 min interval, 1 min base step, up to 10% earlier: about 1, 2, 4 minutes.
    assert 54 <= delays[0] <= 60 and 108 <= delays[1] <= 120 and 216 <= delays[2] <= 240

    feed.status = 200
    [recovered] = poll(settings, clock)
    assert recovered.outcome is PollOutcome.OK
    assert recovered.state.error_count == 0 and recovered.state.last_error is None


def test_retry_after_on_429_stretches_the_next_check(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    feed = FeedHandler(b"", status=429, headers={"Retry-After": "7200"})
    httpserver.expect_request("/feed").respond_with_handler(feed)
    settings = settings_for(write_settings, {"news": httpserver.url_for("/feed")})

    [summary] = poll(settings, clock)
    assert summary.outcome is PollOutcome.RATE_LIMITED
    assert summary.state.next_check_at is not None
    assert summary.state.next_check_at - clock.now >= timedelta(hours=2)


def test_not_found_parks_the_source_and_the_tick_leaves_it_alone(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    feed = FeedHandler(b"", status=404)
    httpserver.expect_request("/gone").respond_with_handler(feed)
    settings = settings_for(write_settings, {"gone": httpserver.url_for("/gone")})

    [summary] = poll(settings, clock)
    assert summary.outcome is PollOutcome.PARKED
    assert summary.state.parked_reason and "404" in summary.state.parked_reason
    assert summary.state.next_check_at is None

    async def tick_a_day_later() -> None:
        clock.advance(days=1)
        daemon = Daemon(settings, clock=clock)
        try:
            await daemon.tick()
            await daemon.wait_for_polls()
        finally:
            await daemon.close()

    asyncio.run(tick_a_day_later())
    assert len(feed.requests) == 1  # parked: never polled again by the scheduler


def test_tick_polls_only_due_sources(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    feed = FeedHandler(rss_feed([("t1", "Slack", "tick")]))
    httpserver.expect_request("/feed").respond_with_handler(feed)
    settings = settings_for(write_settings, {"news": httpserver.url_for("/feed")})

    async def ticks() -> int:
        daemon = Daemon(settings, clock=clock)
        try:
            await daemon.tick()  # never polled: due now
            await daemon.wait_for_polls()
            clock.advance(minutes=1)
            await daemon.tick()  # next check is ~10 minutes away
            await daemon.wait_for_polls()
            stored = daemon.store.count_mentions()
        finally:
            await daemon.close()
        return stored

    assert asyncio.run(ticks()) == 1
    assert len(feed.requests) == 1


def test_drops_are_counted_by_reason_in_metrics(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    feed = FeedHandler(
        rss_feed(
            [
                ("m1", "Slack is great", "x"),
                ("m2", "Nothing to see", "unrelated"),
                ("m3", "Slack is great", "x"),  # same text as m1: a repost
            ]
        )
    )
    httpserver.expect_request("/feed").respond_with_handler(feed)
    settings = settings_for(write_settings, {"news": httpserver.url_for("/feed")})

    async def once() -> Daemon:
        daemon = Daemon(settings, clock=clock)
        await daemon.poll_once()
        await daemon.close()
        return daemon

    daemon = asyncio.run(once())
    value = daemon.metrics.value
    assert value("listener_items_dropped_total", source="news", reason="not_matched") == 1
    assert value("listener_items_dropped_total", source="news", reason="duplicate_content") == 1
    assert value("listener_mentions_stored_total", source="news") == 1
    assert value("listener_polls_total", source="news", outcome="ok") == 1


def test_a_hung_source_is_abandoned_at_the_poll_timeout(
    write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    # The kernel completes the handshake on a listening socket; nobody ever answers.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/feed"
        settings = write_settings(
            "brands:\n  - name: Slack\n    query: slack\n"
            f"sources:\n  - name: hung\n    type: rss\n    interval: 10m\n    url: {url}\n"
            "storage:\n  sqlite: data/listener.db\n"
            "scheduler:\n  poll_timeout: 10s\n  http_timeout: 60s\n"
        )
        started = time.monotonic()
        [summary] = poll(settings, clock)
    assert 9 <= time.monotonic() - started < 30
    assert summary.outcome is PollOutcome.TRANSIENT_ERROR
    assert summary.error == "poll took longer than 10 s; abandoned"
    assert summary.state.error_count == 1


def test_the_tick_forgets_content_hashes_older_than_the_dedupe_window(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    feed = FeedHandler(rss_feed([("p1", "Slack", "pruned later")]))
    httpserver.expect_request("/feed").respond_with_handler(feed)
    settings = settings_for(write_settings, {"news": httpserver.url_for("/feed")})
    [summary] = poll(settings, clock)
    pair = ("Slack", summary.stored[0].content_hash)

    async def tick_at(days: float) -> set[tuple[str, str]]:
        clock.advance(days=days)
        daemon = Daemon(settings, clock=clock)
        try:
            await daemon.tick()
            await daemon.wait_for_polls()
            return daemon.store.recent_content_hashes([pair], since=clock.now - timedelta(days=30))
        finally:
            await daemon.close()

    assert asyncio.run(tick_at(6)) == {pair}  # inside the 7-day window: kept
    assert asyncio.run(tick_at(2)) == set()  # 8 days later: forgotten


def test_the_tick_never_runs_more_polls_than_the_concurrency_limit_even_across_a_reload(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(10)
        return Response(rss_feed([("x", "Slack", "slow")]), content_type="application/xml")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    feeds = {f"s{i}": httpserver.url_for("/slow") + f"?{i}" for i in range(3)}
    settings = settings_for(write_settings, feeds)
    path = settings.config_path
    path.write_text(path.read_text() + "scheduler:\n  concurrency: 1\n", encoding="utf-8")

    async def scenario() -> tuple[list[str], list[str], list[str]]:
        daemon = Daemon(load_settings(path), clock=clock)
        try:
            await daemon.tick()
            first = daemon.polls_in_flight
            # A reload (any edit) must not grant a fresh set of slots.
            path.write_text(path.read_text().replace("query: 'slack'", "query: 'slack OR x'"))
            os.utime(path, ns=(0, path.stat().st_mtime_ns + 10**9))
            await daemon.tick()
            second = daemon.polls_in_flight
            release.set()
            await daemon.wait_for_polls()
            await daemon.tick()
            third = daemon.polls_in_flight
            await daemon.wait_for_polls()
            return first, second, third
        finally:
            await daemon.close()

    first, second, third = asyncio.run(scenario())
    assert first == ["s0"] and second == ["s0"] and third == ["s1"]
