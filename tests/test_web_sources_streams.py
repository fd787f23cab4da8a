"""The sources page and /api/v1/sources with stream sources: each stream's health in a
social media manager's words ("Live — 240 events/s, last post 1 s ago, 0.4 s behind",
"Reconnecting in 8 s after: …", "Parked: … then Unpark", "Not running"), the same facts as
JSON, "Reconnect now" only where it does something, and a server's hostile error shown as
text with no secret in it.

The health rows are written as the daemon writes them, into a real SQLite file; the app is
served on a real port (``listener web`` alone, or with a daemon object in the process)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from listener.config.settings import load_settings
from listener.metrics import Metrics
from listener.service.daemon import Daemon
from listener.store import open_store
from listener.web.context import WebContext
from tests.sources_streams_helpers import (
    HOSTILE_ERROR,
    PARKED_REASON,
    SECRET,
    sample_environ,
    settings_text,
    write_stream_rows,
)
from tests.web_fixtures import WebServer, serve_context
from tests.web_pages_helpers import browser_client, signed_in


def _settings(tmp_path: Path) -> Any:
    path = tmp_path / "settings.yaml"
    path.write_text(settings_text(str(tmp_path / "listener.db")), encoding="utf-8")
    return load_settings(path, environ=sample_environ())


@pytest.fixture
def streams_app(tmp_path: Path) -> Iterator[WebServer]:
    """``listener web`` alone over the store: no daemon in this process."""
    settings = _settings(tmp_path)
    store = open_store(settings.storage.sqlite)
    write_stream_rows(store, datetime.now(UTC))
    running = serve_context(WebContext(settings=settings, store=store, metrics=Metrics()))
    yield running
    running.stop()
    store.close()


@pytest.fixture
def daemon_app(tmp_path: Path) -> Iterator[WebServer]:
    """The app as ``listener run`` serves it: the daemon (not started) in the process."""
    daemon = Daemon(_settings(tmp_path))
    write_stream_rows(daemon.store, datetime.now(UTC))
    running = serve_context(
        WebContext(
            settings=daemon.settings, store=daemon.store, metrics=Metrics(), operations=daemon
        )
    )
    yield running
    running.stop()
    # Not started, its HTTP client never opened a connection: the store is all to close.
    daemon.store.close()


def _rows(running: WebServer) -> dict[str, dict[str, Any]]:
    answer = httpx.get(f"{running.url}/api/v1/sources")
    assert answer.status_code == 200, answer.text
    return {row["name"]: row for row in answer.json()["items"]}


def _words(page: str) -> str:
    return " ".join(page.split())


def test_the_api_gives_each_stream_its_health_and_no_interval(streams_app: WebServer) -> None:
    rows = _rows(streams_app)
    assert rows["news"]["kind"] == "poll" and rows["news"]["interval_s"] == 3600
    assert rows["news"]["stream"] is None
    live = rows["live"]
    assert (live["kind"], live["status"], live["interval_s"]) == ("stream", "connected", None)
    health = live["stream"]
    assert health["headline"] == "Live" and health["events_per_s"] == 240.0
    assert health["lag_s"] == pytest.approx(0.4) and health["reconnects"] == 3
    assert health["connected_for"] == "2 h" and health["events_total"] == 1_728_000
    assert re.fullmatch(
        r"Live — 240 events/s, last post [1-9] s ago, 0.4 s behind", health["sentence"]
    )
    assert live["items_total"] == 1234
    states = {name: row["stream"]["state"] for name, row in rows.items() if row["stream"]}
    assert states == {
        "live": "connected",
        "retrying": "backing_off",
        "refused": "parked",
        "stale": "not_running",
        "halted": "stopped",
        "fresh": "never_started",
        "opening": "connecting",
        "off": "disabled",
    }
    assert rows["refused"]["status"] == "parked"
    assert rows["refused"]["parked_reason"] == PARKED_REASON
    retrying = rows["retrying"]["stream"]
    assert retrying["retry_at"] is not None and retrying["can_reconnect"] is False
    # A stale row's rate is not the stream's now.
    assert rows["stale"]["stream"]["events_per_s"] == 0.0


def test_the_page_says_how_live_each_stream_is_in_words(streams_app: WebServer) -> None:
    page = _words(httpx.get(f"{streams_app.url}/sources").text)
    assert re.search(r"Live — 240 events/s, last post [1-9] s ago, 0.4 s behind</span>", page)
    assert "connected for 2 h" in page and "3 reconnects" in page
    assert re.search(r"Reconnecting in [1-8] s after: connection lost \(GET /subscribe", page)
    assert f"Parked: {PARKED_REASON} — fix it in the settings, then Unpark" in page
    assert (
        "Not running — no word from the daemon for 5 min (it last said: connected);"
        " is `listener run` running?" in page
    )
    assert "Not started yet — `listener run` connects it" in page
    assert "Stopped 10 min ago" in page and "Connecting to the stream" in page
    # The polled source's row is as it was.
    assert 'data-source="news"' in page and "Poll now" in page


def test_a_servers_error_is_text_without_its_secret_or_escapes(streams_app: WebServer) -> None:
    page = httpx.get(f"{streams_app.url}/sources").text
    api = httpx.get(f"{streams_app.url}/api/v1/sources").text
    for shown in (page, api):
        assert SECRET not in shown and "\x1b" not in shown and "\x07" not in shown
    assert "<script>alert('err')" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;err&#39;)&lt;/script&gt;" in page
    error = _rows(streams_app)["retrying"]["stream"]["last_error"]
    assert error == (
        "connection lost (GET /subscribe?token=REDACTED) ]0;pwned[31m"
        "<script>alert('err')</script><img src=x onerror=alert(1)> {{ 7*7 }}"
    )
    # Made safe on the way out: the store keeps what the daemon wrote.
    assert streams_app.store.stream_healths()["retrying"].last_error == HOSTILE_ERROR


def test_without_a_daemon_here_a_stream_offers_no_reconnect(streams_app: WebServer) -> None:
    client = browser_client(streams_app)
    page = client.get("/sources").text
    assert "Reconnect now" not in page
    # The parked stream can be unparked: the daemon reads that from the store.
    assert 'action="/sources/refused/unpark"' in page
    assert (
        'action="/sources/retrying/poll"' not in page and 'action="/sources/live/poll"' not in page
    )
    refused = client.post("/api/v1/sources/retrying/poll")
    assert refused.status_code == 409
    assert "only the daemon's own web app (`listener run`)" in refused.json()["detail"]
    unparked = client.post("/api/v1/sources/refused/unpark").json()
    assert (
        unparked["message"] == "refused unparked; the running daemon reconnects it within seconds"
    )
    state = streams_app.store.load_source_state("refused")
    assert state is not None and state.parked_reason is None
    # Its row still says parked until the daemon sees it: the page says it is coming back.
    assert _rows(streams_app)["refused"]["stream"]["state"] == "connecting"


def test_with_the_daemon_here_reconnect_now_is_offered_where_it_waits(
    daemon_app: WebServer,
) -> None:
    client = browser_client(daemon_app)
    page = _words(client.get("/sources").text)
    forms = re.findall(r'action="/sources/([a-z]+)/poll"', page)
    assert forms == ["news", "retrying"]  # the polled source, and the stream that waits
    assert page.count("Reconnect now") == 1
    assert _rows(daemon_app)["retrying"]["stream"]["can_reconnect"] is True
    asked = client.post("/api/v1/sources/retrying/poll")
    assert asked.status_code == 200, asked.text
    assert asked.json()["by"] == "daemon" and asked.json()["message"] == "retrying reconnects now"
    # A connected stream has no wait to skip: asking is refused, not pretended.
    connected = client.post("/api/v1/sources/live/poll")
    assert connected.status_code == 409
    assert connected.json()["detail"] == "live is connected: there is no reconnect wait to skip"
    assert client.post("/api/v1/sources/stale/poll").status_code == 409
    assert client.post("/api/v1/sources/off/poll").status_code == 409
    assert client.post("/api/v1/sources/refused/poll").status_code == 409
    # Unparked here, the daemon is told at once rather than at its next look at the store.
    unparked = client.post("/api/v1/sources/refused/unpark").json()
    assert unparked == {
        "source": "refused",
        "was_parked": True,
        "message": "refused unparked; reconnecting now",
    }
    assert client.post("/api/v1/sources/nothing/unpark").status_code == 404


def test_a_viewer_sees_the_health_but_no_buttons(daemon_app: WebServer) -> None:
    viewer = signed_in(daemon_app, "vera", "viewer")
    page = viewer.get("/sources").text
    assert "Reconnect now" not in page and "Unpark" in page  # the sentence says it
    assert 'action="/sources/' not in page
    assert viewer.post("/sources/retrying/poll").status_code == 403


def test_the_refresh_brings_the_streams_fresh_health(streams_app: WebServer) -> None:
    part = httpx.get(
        f"{streams_app.url}/sources", headers={"HX-Request": "true", "HX-Target": "sources-table"}
    ).text
    assert part.lstrip().startswith('<div id="sources-table"') and "<html" not in part
    assert 'data-source="live"' in part and "Live — 240 events/s" in part


def test_in_the_browser_the_streams_read_as_sentences(
    daemon_app: WebServer, page: Any, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 1280, "height": 1100})
    page.goto(f"{daemon_app.url}/sources")
    live = page.locator("tr[data-source='live']")
    assert live.locator(".status").inner_text() == "Live"
    assert live.locator(".kind-tag").inner_text() == "stream"
    assert live.locator(".next-check").inner_text().startswith("live")
    sentence = page.locator("tr.stream-health .stream-words").first
    assert re.fullmatch(
        r"Live — 240 events/s, last post [1-9] s ago, 0.4 s behind", sentence.inner_text()
    )
    retrying = page.locator("tr[data-source='retrying']")
    assert retrying.locator(".status").inner_text() == "Reconnecting"
    words = page.locator("tr.stream-health.status-backing_off .stream-words").inner_text()
    assert words.endswith(
        "connection lost (GET /subscribe?token=REDACTED) ]0;pwned[31m"
        "<script>alert('err')</script><img src=x onerror=alert(1)> {{ 7*7 }}"
    )
    assert (
        page.locator("#sources-table script, #sources-table img, #sources-table style").count() == 0
    )
    assert page.locator("tr[data-source='stale'] .status").inner_text() == "Not running"
    # For a person to look at: the layout of the sentences, the badges' colours.
    page.screenshot(path=str(tmp_path / "sources_streams.png"), full_page=True)
    retrying.get_by_role("button", name="Reconnect now").click()
    page.locator("#sources-table .notice >> text=retrying reconnects now").wait_for()
    page.locator("tr[data-source='refused']").get_by_role("button", name="Unpark").click()
    page.locator("#sources-table .notice >> text=refused unparked; reconnecting now").wait_for()
    assert page.locator("tr[data-source='refused'] .status").inner_text() == "Connecting"
