"""The daemon's wake-ups between its 2 s ticks, run for real (``Daemon.run``) against a local
feed and webhook with a clock the test sets: a source due between two ticks is polled when
it falls due, not at the next tick; a poll that stored a complaint has its alert sent at
once, not at the next tick; and so a jittered poll is never later than its interval after
the previous poll's start. (The jitter's bounds themselves: ``test_scheduler_latency``.)

The clock is settable and also runs: the wake-up timer waits on the event loop's real
time, so a clock that stood still would never bring a source due. The test sets where it
stands (a source due in half a second, or a poll's due time two seconds ahead); the timing
assertions are in real seconds, each far from the tick they tell apart.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import partial
from itertools import pairwise

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.config.settings import Settings
from listener.models import SourceState
from listener.service.daemon import TICK_SECONDS, Daemon
from tests.helpers import rss_feed
from tests.wait_helpers import Hook, until

INTERVAL = timedelta(seconds=30)
COMPLAINT = "My Acme order never arrived and nobody answers. Really frustrated."


class RunningClock:
    """A clock the test sets that runs on from where it was set, at real speed."""

    def __init__(self, start: datetime) -> None:
        self.set(start)

    def set(self, when: datetime) -> None:
        self._set, self._at = when, time.monotonic()

    def __call__(self) -> datetime:
        return self._set + timedelta(seconds=time.monotonic() - self._at)


class Feed:
    """Serves a feed, noting when each poll came (real time and the daemon's clock)."""

    def __init__(self, clock: RunningClock, body: bytes, delay_s: float = 0.0) -> None:
        self.clock, self.body, self.delay_s = clock, body, delay_s
        self.polled_at: list[float] = []
        self.polled_on_clock: list[datetime] = []

    def __call__(self, request: Request) -> Response:
        self.polled_at.append(time.monotonic())
        self.polled_on_clock.append(self.clock())
        time.sleep(self.delay_s)
        return Response(self.body, content_type="application/xml")


def settings_for(write: Callable[[str], Settings], server: HTTPServer, extra: str = "") -> Settings:
    return write(
        "brands:\n  - name: Acme\n    query: acme\n"
        "sources:\n"
        f"  - {{name: news, type: rss, interval: 30s, url: '{server.url_for('/feed')}'}}\n"
        "storage:\n  sqlite: data/listener.db\n" + extra
    )


def test_a_source_due_between_two_ticks_is_polled_when_it_falls_due(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings]
) -> None:
    clock = RunningClock(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    feed = Feed(clock, rss_feed([("a", "Acme", "hello")]))
    httpserver.expect_request("/feed").respond_with_handler(feed)
    settings = settings_for(write_settings, httpserver)

    async def scenario() -> float:
        daemon = Daemon(settings, clock=clock)
        # Polled before: due again half a second from now, between the first two ticks.
        due = SourceState(source="news", next_check_at=clock() + timedelta(seconds=0.5))
        await asyncio.to_thread(daemon.store.save_source_state, due)
        stop = asyncio.Event()
        started = time.monotonic()  # the first tick comes at once, the second 2 s later
        running = asyncio.create_task(daemon.run(stop))
        await until(lambda: bool(feed.polled_at), 2 * TICK_SECONDS)
        stop.set()
        await running
        return started

    started = asyncio.run(scenario())
    assert feed.polled_at, "never polled"
    after_s = feed.polled_at[0] - started
    assert after_s >= 0.45  # not by the first tick: it was not due yet
    assert after_s < TICK_SECONDS - 0.5, f"polled {after_s:.2f} s in: at a tick, not when due"


def test_a_poll_that_stores_a_complaint_sends_its_alert_without_waiting_for_a_tick(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings]
) -> None:
    clock = RunningClock(datetime.now(UTC))
    published = format_datetime(clock() - timedelta(minutes=1), usegmt=True)
    body = rss_feed([("c1", "Acme order", COMPLAINT)]).replace(
        b"Sun, 22 Nov 2026 09:00:00 GMT", published.encode()
    )
    # The feed answers after 0.3 s, so the first tick's own flush is over before the
    # complaint is stored: only the poll itself can send it before the second tick.
    feed = Feed(clock, rss_feed([("n1", "Acme", "a quiet note about acme")]), delay_s=0.3)
    hook = Hook()
    httpserver.expect_request("/feed").respond_with_handler(feed)
    httpserver.expect_request("/hook", method="POST").respond_with_handler(hook)
    alerts = (
        "alerts:\n  enabled: true\n"
        f"  channels: [{{name: hook, type: webhook, url: '{httpserver.url_for('/hook')}'}}]\n"
    )
    settings = settings_for(write_settings, httpserver, alerts)

    async def scenario() -> float:
        daemon = Daemon(settings, clock=clock)
        # A first poll warms the judges (loaded once per process) and stores a quiet note.
        await daemon.poll_once()
        assert not hook.received_at
        feed.body = body
        clock.set(clock() + INTERVAL)  # the source is due again
        stop = asyncio.Event()
        started = time.monotonic()
        running = asyncio.create_task(daemon.run(stop))
        await until(lambda: bool(hook.received_at), 2 * TICK_SECONDS)
        stop.set()
        await running
        return started

    started = asyncio.run(scenario())
    assert hook.received_at, "the alert never came"
    assert "news.example.org/c1" in hook.bodies[0]  # the complaint's alert
    polled, sent = feed.polled_at[-1] - started, hook.received_at[0] - started
    assert polled < 0.5  # by the first tick
    assert sent < TICK_SECONDS - 0.5, f"sent {sent:.2f} s in: at the next tick, not at once"


def test_a_jittered_poll_comes_when_due_and_never_later_than_the_interval(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings]
) -> None:
    clock = RunningClock(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    feed = Feed(clock, rss_feed([("a", "Acme", "hello")]))
    httpserver.expect_request("/feed").respond_with_handler(feed)
    settings = settings_for(write_settings, httpserver, "scheduler:\n  jitter: 0.5\n")
    due_at: list[datetime] = []

    async def scenario() -> None:
        daemon = Daemon(settings, clock=clock, rng=random.Random(13))
        stop = asyncio.Event()
        running = asyncio.create_task(daemon.run(stop))
        try:
            for polls in range(1, 5):
                came = await until(partial(seen_polls, feed, polls), 3 * TICK_SECONDS)
                assert came, f"poll {polls} never came"
                if polls == 4:
                    break
                state = await saved_after(daemon, feed.polled_on_clock[-1])
                assert state.next_check_at is not None
                due_at.append(state.next_check_at)
                # Skip to two and a half seconds before it: more than a tick, so the poll
                # comes by a wake-up whatever the ticks' phase.
                clock.set(state.next_check_at - timedelta(seconds=2.5))
        finally:
            stop.set()
            await running

    asyncio.run(scenario())
    starts = feed.polled_on_clock
    for previous, current in pairwise(starts):
        assert current - previous <= INTERVAL + timedelta(seconds=0.25), (previous, current)
    for due, polled in zip(due_at, starts[1:], strict=True):
        late = (polled - due).total_seconds()
        assert -0.05 <= late <= 0.25, f"polled {late:+.2f} s from its due time"
    # The jitter did move the checks (each drawn anew), earlier than the interval.
    gaps = {round((b - a).total_seconds()) for a, b in pairwise(starts)}
    assert len(gaps) > 1 and max(gaps) <= INTERVAL.total_seconds()


def seen_polls(feed: Feed, times: int) -> bool:
    return len(feed.polled_on_clock) >= times


async def saved_after(daemon: Daemon, polled: datetime) -> SourceState:
    """The source's state once the poll that started at ``polled`` has saved it."""
    for _ in range(500):
        state = await asyncio.to_thread(daemon.store.load_source_state, "news")
        if state and state.next_check_at and state.next_check_at > polled:
            return state
        await asyncio.sleep(0.01)
    raise AssertionError("the poll's state was never saved")
