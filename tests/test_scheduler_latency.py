"""A new post waits at most one interval to be read: jitter only ever brings a poll
forward, and the interval is counted from when the poll started, not from when it ended.
(The whole path, feed to webhook, is measured by ``bench/latency.py``.)"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.config.settings import Settings
from listener.service.daemon import Daemon
from listener.service.scheduler import SchedulePolicy, next_check_after_success
from tests.helpers import SettableClock, rss_feed

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def policy(interval: timedelta, jitter: float) -> SchedulePolicy:
    return SchedulePolicy(
        interval=interval,
        jitter=jitter,
        backoff_base=timedelta(minutes=1),
        backoff_max=timedelta(hours=6),
        max_interval=timedelta(hours=24),
    )


def test_jitter_never_schedules_a_check_later_than_the_interval() -> None:
    rng = random.Random(7)
    for jitter in (0.0, 0.1, 0.5):
        thirty = policy(timedelta(seconds=30), jitter)
        delays = [
            (next_check_after_success(thirty, NOW, None, rng) - NOW).total_seconds()
            for _ in range(2000)
        ]
        assert max(delays) <= 30.0
        assert min(delays) >= 30.0 * (1 - jitter)
        if jitter:
            assert max(delays) - min(delays) > 30.0 * jitter * 0.9  # still spread


def test_a_server_hint_still_stretches_the_check_past_the_interval() -> None:
    when = next_check_after_success(policy(timedelta(seconds=30), 0.1), NOW, 600, random.Random())
    assert when == NOW + timedelta(minutes=10)


def test_the_next_check_counts_from_the_start_of_a_slow_poll(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    started = clock.now

    def slow_feed(request: Request) -> Response:
        clock.advance(seconds=20)  # the fetch takes 20 s of the source's 30 s
        return Response(rss_feed([("a", "Slack", "hello")]), content_type="application/xml")

    httpserver.expect_request("/feed").respond_with_handler(slow_feed)
    settings = write_settings(
        "brands:\n  - name: Slack\n    query: 'slack'\nsources:\n"
        "  - name: news\n    type: rss\n    interval: 30s\n"
        f"    url: {httpserver.url_for('/feed')}\n"
        "storage:\n  sqlite: data/listener.db\n"
    )

    async def once() -> datetime | None:
        daemon = Daemon(settings, clock=clock)
        try:
            [summary] = await daemon.poll_once()
            return summary.state.next_check_at
        finally:
            await daemon.close()

    next_check = asyncio.run(once())
    assert next_check is not None
    assert started + timedelta(seconds=27) <= next_check <= started + timedelta(seconds=30)
    assert clock.now == started + timedelta(seconds=20)
