"""A stream runner that fails does not die quietly: the supervisor drops it (``wake`` no longer
claims it listens), logs it and starts it again, at once on "Reconnect now"; a runner whose
stored state cannot be read at its start tries again instead of staying dead. The real
jetstream type against the local Jetstream server, a real SQLite store; the failures are
made from outside (a clock that breaks, a state row another connection spoiled)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from listener.config.settings import Settings
from listener.models import StreamStatus
from listener.service.stream_supervisor import StreamSupervisor
from listener.service.streams import StreamRunner
from listener.sources.registry import get_source_type
from tests.jetstream_server import JetstreamServer, post_line
from tests.stream_runner_server import running, world
from tests.wait_helpers import until


def sky_settings(server: JetstreamServer) -> str:
    return (
        "brands:\n  - name: Acme\n    query: acme\n"
        f"sources:\n  - {{name: sky, type: jetstream, url: '{server.url}',"
        " resolve_handles: false, batch_window: 20ms}\n"
        "storage:\n  sqlite: data/listener.db\n"
    )


def now_us() -> int:
    return int(time.time() * 1_000_000)


class BreakableClock:
    """The wall clock, until the test breaks it (every call raises, as a bug would)."""

    def __init__(self) -> None:
        self.broken = False

    def __call__(self) -> datetime:
        if self.broken:
            raise RuntimeError("the clock broke")
        return datetime.now(UTC)


def test_a_runner_that_fails_is_dropped_logged_and_started_again_on_wake(
    write_settings: Callable[[str], Settings], caplog: pytest.LogCaptureFixture
) -> None:
    clock = BreakableClock()

    async def scenario(server: JetstreamServer) -> None:
        async with world(write_settings, sky_settings(server), clock=clock) as w:
            supervisor = StreamSupervisor(w.setup)
            supervisor.start(w.settings)
            try:
                assert await until(lambda: supervisor.running == ["sky"])
                first = supervisor.runner("sky")
                assert first is not None
                assert await until(lambda: first.health.status is StreamStatus.CONNECTED)
                clock.broken = True
                assert await until(lambda: supervisor.running == [])
                assert "stream runner failed; starting it again" in caplog.text
                assert first.health.status is StreamStatus.STOPPED
                assert first.health.last_error == "the clock broke"
                clock.broken = False
                assert supervisor.wake("sky") is True  # starts it now, not after its backoff
                assert await until(lambda: supervisor.running == ["sky"], timeout_s=0.9)
                second = supervisor.runner("sky")
                assert second is not None and second is not first
                assert await until(lambda: second.health.status is StreamStatus.CONNECTED)
                server.inject(post_line("acme works again", time_us=now_us()))
                assert await until(lambda: len(w.stored_ids()) == 1)
            finally:
                await supervisor.stop(2.0)

    with caplog.at_level(logging.ERROR), JetstreamServer(without_cursor="live") as server:
        asyncio.run(scenario(server))


def test_a_runner_whose_state_cannot_be_read_at_start_tries_again(
    write_settings: Callable[[str], Settings], caplog: pytest.LogCaptureFixture
) -> None:
    resume_at = now_us() - 5_000_000

    async def scenario(server: JetstreamServer) -> None:
        async with world(write_settings, sky_settings(server)) as w:
            outside = sqlite3.connect(w.settings.storage.sqlite, isolation_level=None)
            # Another process left a row this version cannot read (a date that is none).
            outside.execute(
                "INSERT INTO source_state (source, cursor, next_check_at, error_count,"
                " items_total, last_new_items) VALUES ('sky', ?, 'not a date', 0, 0, 0)",
                (str(resume_at),),
            )
            source = w.settings.sources[0]
            runner = StreamRunner(source, get_source_type("jetstream"), w.setup)
            async with running(runner):
                assert await until(lambda: "could not read the stream's state" in caplog.text)
                assert server.connections == 0
                outside.execute("UPDATE source_state SET next_check_at = NULL")
                outside.close()
                assert await until(lambda: w.stored_ids() != [], timeout_s=5)
                await asyncio.sleep(0.2)
            # It resumed from the stored cursor once the row could be read (the source asks
            # a little before it): the post from long before the cursor is not read again.
            assert server.params(0)["cursor"] != []
            assert len(w.stored_ids()) == 1

    history = [
        post_line("acme long before the cursor", time_us=resume_at - 600_000_000),
        post_line("acme while the row was spoiled", time_us=resume_at + 1_000_000),
    ]
    with caplog.at_level(logging.WARNING), JetstreamServer(history) as server:
        asyncio.run(scenario(server))
