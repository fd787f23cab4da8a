"""Operations: /healthz, /readyz (each check failing for a real reason: a read-only store
file, an outbox stuck for 20 minutes, a scheduler that stopped ticking), /metrics with and
without its token, and "poll now" with and without a daemon in the process."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, HTTPException
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.clock import utcnow
from listener.config.errors import ConfigError
from listener.config.settings import Settings, load_settings
from listener.models import SourceState
from listener.service.daemon import TICK_SECONDS, Daemon
from listener.web.context import Operations, WebContext
from listener.web.ops_actions import poll_now
from listener.web.readiness import OUTBOX_STUCK_AFTER, SCHEDULER_TICK_S
from tests.alert_helpers import raise_alert
from tests.helpers import SettableClock, rss_feed
from tests.web_fixtures import MINIMAL_SETTINGS, WebServer

TOKEN = "metrics-token-0123456789"


def readiness(running: WebServer) -> tuple[int, dict[str, Any]]:
    answer = httpx.get(running.url + "/readyz")
    body = answer.json()
    return answer.status_code, {check["name"]: check for check in body["checks"]} | {
        "ready": body["ready"]
    }


def test_healthz_answers_without_auth(web_server: Callable[..., WebServer]) -> None:
    running = web_server()
    answer = httpx.get(running.url + "/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


def test_readyz_is_ready_on_a_fresh_store_served_alone(
    web_server: Callable[..., WebServer],
) -> None:
    status, checks = readiness(web_server())
    assert status == 200 and checks["ready"] is True
    assert checks["store"]["ok"] and checks["outbox"]["ok"]
    assert "no daemon" in checks["scheduler"]["detail"]


@contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """Make files read-only for real: immutable for root (who ignores permission bits),
    mode 0444 for anyone else."""
    present = [p for p in paths if p.exists()]
    as_root = os.geteuid() == 0
    if as_root:
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: no way to make a file read-only")
        done = subprocess.run(["chattr", "+i", *map(str, present)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"chattr +i is not allowed here: {done.stderr.decode().strip()}")
    else:
        for path in present:
            path.chmod(0o444)
    try:
        yield
    finally:
        if as_root:
            subprocess.run(["chattr", "-i", *map(str, present)], check=True)
        else:
            for path in present:
                path.chmod(0o644)


def test_readyz_is_not_ready_when_the_store_file_is_read_only(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    db = running.store.path
    with read_only(db, Path(f"{db}-wal")):
        status, checks = readiness(running)
    assert status == 503 and checks["ready"] is False
    assert not checks["store"]["ok"]
    assert "cannot write" in checks["store"]["detail"] and "readonly" in checks["store"]["detail"]
    assert readiness(running)[0] == 200  # writable again


def test_readyz_is_not_ready_while_a_delivery_waits_too_long(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    now = utcnow()
    raise_alert(running.store, 1, at=now - timedelta(minutes=5), channels=("slack",))
    assert readiness(running)[0] == 200  # five minutes behind is not stuck
    raise_alert(running.store, 2, at=now - OUTBOX_STUCK_AFTER - timedelta(minutes=5))
    status, checks = readiness(running)
    assert status == 503 and not checks["outbox"]["ok"]
    assert "a delivery to hooks has waited 20 min" in checks["outbox"]["detail"]


def test_readyz_follows_the_daemons_ticks(
    tmp_path: Path, web_server: Callable[..., WebServer], clock: SettableClock
) -> None:
    assert SCHEDULER_TICK_S == TICK_SECONDS  # the web's copy of the daemon's constant
    settings_text = MINIMAL_SETTINGS.format(db=tmp_path / "listener.db")
    (tmp_path / "settings.yaml").write_text(settings_text, encoding="utf-8")
    daemon = Daemon(load_settings(tmp_path / "settings.yaml", environ={}), clock=clock)
    operations: Operations = daemon  # the daemon is what the web app asks
    try:
        running = web_server(settings_text, operations=operations, clock=clock)
        status, checks = readiness(running)
        assert status == 503 and checks["scheduler"]["detail"] == "the scheduler has not ticked yet"
        asyncio.run(daemon.tick())
        status, checks = readiness(running)
        assert status == 200 and checks["scheduler"]["ok"]
        clock.advance(seconds=3 * TICK_SECONDS + 1)
        status, checks = readiness(running)
        assert status == 503
        assert checks["scheduler"]["detail"].startswith("the last tick was 7 s ago")
    finally:
        asyncio.run(daemon.close())


# ---- /metrics ------------------------------------------------------------------------------


def add_item_route(app: FastAPI) -> None:
    @app.get("/api/v1/test/items/{number}")
    async def item(number: int) -> dict[str, int]:
        return {"number": number}


def sample(text: str, name: str, **labels: str) -> float | None:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith(f"{name}{{{wanted}}} "):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_metrics_are_open_on_loopback_and_time_requests_by_route(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server(extend=add_item_route)
    with httpx.Client(base_url=running.url) as http:
        http.get("/api/v1/test/items/1")
        http.get("/api/v1/test/items/2")
        http.get("/no/such/page")
        answer = http.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=")
    text = answer.text
    count = "listener_http_request_duration_seconds_count"
    # One series per route template, not per id.
    assert sample(text, count, method="GET", route="/api/v1/test/items/{number}") == 2.0
    assert sample(text, count, method="GET", route="unmatched") == 1.0
    assert "listener_polls_total" in text or "# TYPE listener_polls counter" in text


def test_metrics_want_the_token_when_one_is_set(web_server: Callable[..., WebServer]) -> None:
    running = web_server(MINIMAL_SETTINGS + f"web:\n  metrics_token: {TOKEN}\n")
    url = running.url + "/metrics"
    missing = httpx.get(url)
    wrong = httpx.get(url, headers={"Authorization": "Bearer not-the-token-at-all"})
    right = httpx.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
    assert missing.status_code == 401 and wrong.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert "web.metrics_token" in missing.text
    assert right.status_code == 200 and "listener_http_request_duration_seconds" in right.text


def test_metrics_without_a_token_are_refused_on_a_reachable_host(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server(MINIMAL_SETTINGS + "web:\n  host: 0.0.0.0\n")
    answer = httpx.get(running.url + "/metrics")
    assert answer.status_code == 403 and "set web.metrics_token" in answer.text


def test_a_short_metrics_token_is_refused_by_the_settings(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    text = MINIMAL_SETTINGS.format(db=tmp_path / "l.db") + "web:\n  metrics_token: ${TOKEN}\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="metrics_token"):
        load_settings(path, environ={"TOKEN": "short"})
    settings = load_settings(path, environ={"TOKEN": TOKEN})
    assert settings.web.metrics_token is not None
    assert settings.web.metrics_token.get_secret_value() == TOKEN
    assert TOKEN in settings.secrets  # blanked in every output


# ---- poll now -----------------------------------------------------------------------------

SOURCE_SETTINGS = (
    "brands:\n  - name: Acme\n    query: acme\n"
    "sources:\n  - name: news\n    type: rss\n    interval: 1h\n    url: {url}\n"
    "storage:\n  sqlite: {db}\n"
)


def test_poll_now_without_a_daemon_makes_the_source_due_in_the_store(
    tmp_path: Path, clock: SettableClock
) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(
        SOURCE_SETTINGS.format(url="http://127.0.0.1:9/feed", db=tmp_path / "l.db"),
        encoding="utf-8",
    )
    settings: Settings = load_settings(path, environ={})
    from listener.metrics import Metrics
    from listener.store import open_store

    with open_store(settings.storage.sqlite) as store:
        later = clock.now + timedelta(hours=1)
        store.save_source_state(SourceState(source="news", next_check_at=later))
        context = WebContext(settings=settings, store=store, metrics=Metrics(), clock=clock)

        asked = asyncio.run(poll_now(context, "news"))
        assert asked.by == "store" and "next tick" in asked.message
        state = store.load_source_state("news")
        assert state is not None and state.next_check_at == clock.now

        with pytest.raises(HTTPException) as unknown:
            asyncio.run(poll_now(context, "nope"))
        assert unknown.value.status_code == 404

        store.save_source_state(replace(state, parked_reason="HTTP 404: the feed is gone"))
        with pytest.raises(HTTPException) as parked:
            asyncio.run(poll_now(context, "news"))
        assert parked.value.status_code == 409 and "unpark" in str(parked.value.detail)


async def until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    for _ in range(int(timeout_s / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)


def test_poll_now_with_the_daemon_polls_at_once(httpserver: HTTPServer, tmp_path: Path) -> None:
    hits: list[float] = []

    def feed(request: Request) -> Response:
        hits.append(time.monotonic())
        return Response(rss_feed([("1", "Acme news", "acme")]), content_type="application/xml")

    httpserver.expect_request("/feed").respond_with_handler(feed)
    path = tmp_path / "settings.yaml"
    path.write_text(
        SOURCE_SETTINGS.format(url=httpserver.url_for("/feed"), db=tmp_path / "l.db"),
        encoding="utf-8",
    )
    settings = load_settings(path, environ={})

    async def scenario() -> tuple[str, float]:
        daemon = Daemon(settings)
        stop = asyncio.Event()
        running = asyncio.create_task(daemon.run(stop))
        try:
            await until(lambda: bool(hits) and not daemon.polls_in_flight)  # the first poll
            await asyncio.sleep(TICK_SECONDS + 0.5)  # a tick passes: nothing is due for an hour
            assert len(hits) == 1
            assert daemon.request_poll("nope") is False
            context = WebContext(
                settings=settings, store=daemon.store, metrics=daemon.metrics, operations=daemon
            )
            asked = await poll_now(context, "news")
            started = time.monotonic()
            await until(lambda: len(hits) >= 2)
            return asked.by, hits[-1] - started
        finally:
            stop.set()
            await running

    by, waited_s = asyncio.run(scenario())
    assert by == "daemon"
    assert len(hits) == 2 and waited_s < 1.0  # now, not at the next tick


def test_a_metrics_refusal_is_plain_text_and_no_created_series_is_exposed(
    web_server: Callable[..., WebServer],
) -> None:
    refusing = web_server(MINIMAL_SETTINGS + f"web:\n  metrics_token: {TOKEN}\n")
    missing = httpx.get(refusing.url + "/metrics", headers={"Accept": "text/html"})
    assert missing.status_code == 401
    assert missing.headers["content-type"].startswith("text/plain")
    assert missing.text == "send Authorization: Bearer <web.metrics_token>\n"
    scraped = httpx.get(refusing.url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert "listener_http_request_duration_seconds_count" in scraped.text
    assert "_created" not in scraped.text
