"""The daemon's stream runners, run for real (``Daemon.run``) against a local websocket stream,
a local webhook and a real SQLite store: a complaint the stream brings is alerted once,
within seconds and without a tick; a settings reload stops the streams that left and starts
the new ones; "poll now" reconnects a stream waiting out a backoff; `poll --once` listens
until the stream has caught up; a stop leaves every stream STOPPED. The stream type is the
test's own, handed to the daemon (``source_types``), under the name ``jetstream``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.cli.main import main
from listener.config.settings import Settings
from listener.models import StreamStatus
from listener.service.daemon import Daemon
from listener.service.stream_supervisor import StreamListenSummary
from listener.sources.base import SourceType
from listener.sources.registry import get_source_type
from listener.sources.streaming import ReconnectPolicy
from tests.jetstream_server import JetstreamServer, capture_lines, post_line
from tests.stream_runner_server import ReplayServer, stream_type

COMPLAINT = "My Acme order never arrived and nobody answers. Really frustrated."


class Hook:
    def __init__(self) -> None:
        self.received_at: list[float] = []
        self.bodies: list[str] = []

    def __call__(self, request: Request) -> Response:
        self.received_at.append(time.monotonic())
        self.bodies.append(request.get_data(as_text=True))
        return Response("ok")


def settings_text(server: ReplayServer, httpserver: HTTPServer, names: tuple[str, ...]) -> str:
    sources = "".join(
        f"  - {{name: {name}, type: jetstream, url: '{server.url}', batch_window: 0}}\n"
        for name in names
    )
    return (
        "brands:\n  - name: Acme\n    query: acme\n"
        + (f"sources:\n{sources}" if names else "sources: []\n")
        + "storage:\n  sqlite: data/listener.db\n"
        + "alerts:\n  enabled: true\n"
        + f"  channels: [{{name: hook, type: webhook, url: '{httpserver.url_for('/hook')}'}}]\n"
    )


def types_with(test_type: SourceType) -> Callable[[str], SourceType]:
    return lambda name: test_type if name == "jetstream" else get_source_type(name)


async def until(condition: Callable[[], bool], timeout_s: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


def cursor_of(daemon: Daemon, name: str) -> str | None:
    state = daemon.store.load_source_state(name)
    return state.cursor if state else None


def fresh_server() -> ReplayServer:
    return ReplayServer(posted_at=datetime.now(UTC) - timedelta(seconds=30))


def test_a_complaint_from_the_stream_reaches_the_webhook_once_within_seconds(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings]
) -> None:
    hook = Hook()
    httpserver.expect_request("/hook", method="POST").respond_with_handler(hook)

    async def scenario() -> float:
        async with fresh_server() as server:
            settings = write_settings(settings_text(server, httpserver, ("live",)))
            daemon = Daemon(settings, source_types=types_with(stream_type(server)))
            stop = asyncio.Event()
            running = asyncio.create_task(daemon.run(stop))
            healths = daemon.store.stream_healths
            assert await until(
                lambda: "live" in healths() and healths()["live"].status == "connected"
            )
            await asyncio.sleep(2.2)  # past the first tick: nothing left for a tick to flush
            sent = time.monotonic()
            server.publish(COMPLAINT)
            assert await until(lambda: bool(hook.received_at), timeout_s=5)
            took = hook.received_at[0] - sent
            await asyncio.sleep(2.5)  # a tick later: still sent once
            assert len(hook.received_at) == 1
            assert "never arrived" in hook.bodies[0]
            stop.set()
            await running
            with_daemon_closed = daemon.store  # closed by run(); read through a new store
            del with_daemon_closed
            from listener.store import open_store

            with open_store(settings.storage.sqlite) as store:
                health = store.stream_healths()["live"]
                state = store.load_source_state("live")
            assert health.status is StreamStatus.STOPPED
            assert state is not None and state.cursor == "1" and state.items_total == 1
            return took

    took = asyncio.run(scenario())
    assert took < 2.0, f"alerted {took:.2f} s after the post was sent"


def test_a_reload_stops_the_streams_that_left_and_starts_the_new_ones(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings]
) -> None:
    async def scenario() -> None:
        async with fresh_server() as server:
            settings = write_settings(settings_text(server, httpserver, ("live", "kept")))
            daemon = Daemon(settings, source_types=types_with(stream_type(server)))
            stop = asyncio.Event()
            running = asyncio.create_task(daemon.run(stop))
            assert await until(lambda: daemon.streams.running == ["kept", "live"])
            kept = daemon.streams.runner("kept")
            write_settings(settings_text(server, httpserver, ("kept", "new")))
            daemon.request_reload()
            assert await until(lambda: daemon.streams.running == ["kept", "new"], timeout_s=6)
            assert daemon.streams.runner("kept") is kept  # unchanged: not restarted
            healths = daemon.store.stream_healths
            assert await until(lambda: healths()["live"].status is StreamStatus.STOPPED)
            server.publish("acme after the reload")
            # Both read it (one stores it: the other's copy is a duplicate of its URL).
            assert await until(
                lambda: [cursor_of(daemon, n) for n in ("kept", "new")] == ["1", "1"]
            )
            stop.set()
            await running

    asyncio.run(scenario())


def test_poll_now_reconnects_a_stream_that_waits_out_a_backoff(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings]
) -> None:
    slow = ReconnectPolicy(http_base_s=30.0, jitter=0.0)

    async def scenario() -> None:
        server = fresh_server()
        server.refuse = 503
        async with server:
            settings = write_settings(settings_text(server, httpserver, ("live",)))
            daemon = Daemon(settings, source_types=types_with(stream_type(server, slow)))
            stop = asyncio.Event()
            running = asyncio.create_task(daemon.run(stop))
            healths = daemon.store.stream_healths
            assert await until(
                lambda: "live" in healths() and healths()["live"].status == "backing_off"
            )
            server.refuse = None
            server.publish("acme while we were refused")
            assert daemon.request_poll("live") is True
            assert await until(lambda: cursor_of(daemon, "live") == "1", timeout_s=2)
            stop.set()
            await running

    asyncio.run(scenario())


def test_poll_once_listens_to_a_stream_until_it_has_caught_up(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings]
) -> None:
    async def scenario() -> tuple[list[StreamListenSummary], float]:
        async with fresh_server() as server:
            for n in range(3):
                server.publish(f"acme number {n}")
            server.publish("nothing for us")
            settings = write_settings(settings_text(server, httpserver, ("live",)))
            daemon = Daemon(settings, source_types=types_with(stream_type(server)))
            started = time.monotonic()
            try:
                summaries = await daemon.poll_once(listen_s=10)
                took = time.monotonic() - started
                server.publish("acme later")
                summaries += await daemon.poll_once(listen_s=10)
            finally:
                await daemon.close()
            assert server.cursors == ["0", "4"]
            return [s for s in summaries if isinstance(s, StreamListenSummary)], took

    (first, second), took = asyncio.run(scenario())
    assert first.fetched == 4 and len(first.stored) == 3 and first.error is None
    assert first.state.cursor == "4" and first.events == 4
    assert 1.9 < first.listened_s < 4 and took < 5, "listens until 2 s quiet, not to the limit"
    assert second.fetched == 1 and len(second.stored) == 1 and second.state.cursor == "5"


# ---- the real jetstream type against B's replay server (tests/jetstream_server.py) --------


def jetstream_settings(server: JetstreamServer, httpserver: HTTPServer) -> str:
    return (
        "brands:\n  - name: Acme\n    query: acme\n"
        "sources:\n"
        f"  - {{name: sky, type: jetstream, url: '{server.url}', resolve_handles: false}}\n"
        "storage:\n  sqlite: data/listener.db\n"
        "alerts:\n  enabled: true\n"
        f"  channels: [{{name: hook, type: webhook, url: '{httpserver.url_for('/hook')}'}}]\n"
    )


def now_us() -> int:
    return int(time.time() * 1_000_000)


def test_the_daemon_with_the_jetstream_type_alerts_a_complaint_once(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings]
) -> None:
    hook = Hook()
    httpserver.expect_request("/hook", method="POST").respond_with_handler(hook)

    async def scenario(server: JetstreamServer) -> float:
        settings = write_settings(jetstream_settings(server, httpserver))
        daemon = Daemon(settings)
        stop = asyncio.Event()
        running = asyncio.create_task(daemon.run(stop))
        healths = daemon.store.stream_healths
        assert await until(lambda: "sky" in healths() and healths()["sky"].status == "connected")
        sent = time.monotonic()
        server.inject(post_line(COMPLAINT, time_us=now_us()))
        assert await until(lambda: bool(hook.received_at), timeout_s=5)
        took = hook.received_at[0] - sent
        server.inject(post_line("a post about the weather", time_us=now_us()))
        await asyncio.sleep(2.5)  # a tick later, and another event read: still sent once
        assert len(hook.received_at) == 1 and "never arrived" in hook.bodies[0]
        stop.set()
        await running
        return took

    with JetstreamServer(capture_lines("capture_v1_golden_10_events.jsonl")) as server:
        took = asyncio.run(scenario(server))
    assert took < 2.0, f"alerted {took:.2f} s after the post was sent"


def test_listener_poll_once_listens_to_a_jetstream_until_it_has_caught_up(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings]
) -> None:
    history = capture_lines("capture_v1_golden_10_events.jsonl")
    history.append(post_line("acme made my day", time_us=now_us()))
    with JetstreamServer(history) as server:
        settings = write_settings(jetstream_settings(server, httpserver))
        config = str(settings.config_path)
        first = CliRunner().invoke(main, ["poll", "--once", "--config", config, "--listen", "8"])
        server.inject(post_line("acme again, later", time_us=now_us()))
        second = CliRunner().invoke(main, ["poll", "--once", "--config", config, "--listen", "8"])
        cursors = [server.params(i).get("cursor") for i in range(len(server.queries))]
    assert first.exit_code == 0, first.output
    assert "sky: ok — listened " in first.output and "(caught up)" in first.output
    assert "new 1" in first.output
    assert second.exit_code == 0 and "new 1" in second.output, second.output
    # The second listen resumed from the cursor the first one saved.
    assert cursors[0] is None and cursors[1] is not None


def test_a_reload_that_leaves_a_stream_alone_hands_it_the_new_pipeline(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings]
) -> None:
    long_post = "acme " + "and then some more words " * 40  # about a thousand characters

    async def scenario() -> tuple[int, int]:
        async with fresh_server() as server:
            text = settings_text(server, httpserver, ("live",))
            settings = write_settings(text)
            daemon = Daemon(settings, source_types=types_with(stream_type(server)))
            stop = asyncio.Event()
            running = asyncio.create_task(daemon.run(stop))
            assert await until(lambda: daemon.streams.running == ["live"])
            runner = daemon.streams.runner("live")
            server.publish(long_post)
            assert await until(lambda: cursor_of(daemon, "live") == "1")
            write_settings(text + "pipeline:\n  max_text_chars: 100\n")
            daemon.request_reload()
            assert await until(lambda: daemon.settings.pipeline.max_text_chars == 100, 5)
            server.publish(long_post.replace("acme", "acme again"))
            assert await until(lambda: cursor_of(daemon, "live") == "2")
            assert daemon.streams.runner("live") is runner  # the same connection, not restarted
            before = daemon.store.get_mention("live:p1")
            after = daemon.store.get_mention("live:p2")
            stop.set()
            await running
            assert before is not None and after is not None
            return len(before.text), len(after.text)

    before, after = asyncio.run(scenario())
    assert before > 900 and after <= 100
