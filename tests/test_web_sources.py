"""The sources page and /api/v1/sources: the health table `listener sources` prints, with
errors in words and secrets blanked, "poll now" and "unpark", and who may press them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer

from listener.config.settings import load_settings
from listener.metrics import Metrics
from listener.models import SourceState
from listener.store import open_store
from listener.web.context import WebContext
from tests.daemon_process import daemon_web_client, listener_run, wait_for
from tests.helpers import FeedHandler, rss_feed
from tests.web_fixtures import WebServer, free_port, serve_context
from tests.web_pages_helpers import HOSTILE_TEXT, browser_client, signed_in, token_client

SECRET = "feed-token-9f8e7d6c5b"
SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: {db}
sources:
  - name: news
    type: rss
    interval: 1h
    url: http://127.0.0.1:9/feed.xml?token=${{FEED_TOKEN}}
  - name: blog
    type: rss
    interval: 30m
    url: http://127.0.0.1:9/blog.xml
  - name: old
    type: rss
    interval: 30m
    enabled: false
    url: http://127.0.0.1:9/old.xml
"""


@pytest.fixture
def sources_app(tmp_path: Path) -> Iterator[WebServer]:
    """The app over settings whose feed URL carries a ${FEED_TOKEN} secret."""
    path = tmp_path / "settings.yaml"
    path.write_text(SETTINGS.format(db=tmp_path / "listener.db"), encoding="utf-8")
    settings = load_settings(path, environ={"FEED_TOKEN": SECRET})
    store = open_store(settings.storage.sqlite)
    running = serve_context(WebContext(settings=settings, store=store, metrics=Metrics()))
    yield running
    running.stop()
    store.close()


def _failing(running: WebServer, error: str) -> None:
    # Times from the moment of the test, not of the module's import: in a long suite the
    # import is minutes earlier, and "next check in 20 min" had come closer than 15.
    now = datetime.now(UTC)
    running.store.save_source_state(
        SourceState(
            source="news",
            error_count=3,
            last_error=error,
            last_attempt_at=now - timedelta(minutes=1),
            next_check_at=now + timedelta(minutes=20),
        )
    )


def _parked(running: WebServer) -> None:
    now = datetime.now(UTC)
    running.store.save_source_state(
        SourceState(
            source="blog",
            parked_reason="HTTP 404 Not Found from 127.0.0.1: check the url in settings.yaml",
            last_success_at=now - timedelta(hours=2),
            items_total=1234,
            last_new_items=5,
        )
    )


def test_a_failing_source_shows_its_error_in_words_and_no_secret_anywhere(
    sources_app: WebServer,
) -> None:
    # Stored before redaction existed, or echoed by a server: the secret is in the text.
    _failing(sources_app, f"HTTP 500 Internal Server Error from /feed.xml?token={SECRET}")
    _parked(sources_app)
    page = httpx.get(f"{sources_app.url}/sources").text
    api = httpx.get(f"{sources_app.url}/api/v1/sources")
    assert api.status_code == 200
    for shown in (page, api.text):
        assert SECRET not in shown
        assert "HTTP 500 Internal Server Error from /feed.xml?token=REDACTED" in shown
        assert "HTTP 404 Not Found from 127.0.0.1: check the url in settings.yaml" in shown
    rows = {row["name"]: row for row in api.json()["items"]}
    assert list(rows) == ["news", "blog", "old"]
    assert rows["news"]["status"] == "failing" and rows["news"]["paused"] is True
    assert rows["news"]["error_count"] == 3
    assert rows["blog"]["status"] == "parked" and rows["blog"]["items_total"] == 1234
    assert rows["old"]["status"] == "disabled"
    assert api.json()["next_cursor"] is None
    assert (
        "3 failures in a row" in page and "1,234" in page and "parked: waits for a person" in page
    )


def test_poll_now_makes_the_source_due_and_unpark_clears_the_reason(
    sources_app: WebServer,
) -> None:
    _failing(sources_app, "HTTP 503 Service Unavailable")
    _parked(sources_app)
    client = browser_client(sources_app)
    before = datetime.now(UTC)
    answer = client.post("/api/v1/sources/news/poll")
    assert answer.status_code == 200, answer.text
    assert answer.json()["by"] == "store"  # `listener web` alone: the store only
    state = sources_app.store.load_source_state("news")
    assert state is not None and state.next_check_at is not None
    assert before <= state.next_check_at <= datetime.now(UTC)
    assert state.error_count == 3  # only the schedule changed
    # A parked source is not polled by asking: it must be unparked, deliberately.
    refused = client.post("/api/v1/sources/blog/poll")
    assert refused.status_code == 409 and "unpark" in refused.json()["detail"]
    assert client.post("/api/v1/sources/old/poll").status_code == 409
    assert client.post("/api/v1/sources/nothing/poll").status_code == 404
    unparked = client.post("/api/v1/sources/blog/unpark")
    assert unparked.json() == {
        "source": "blog",
        "was_parked": True,
        "message": "blog unparked; the running daemon polls it within seconds",
    }
    state = sources_app.store.load_source_state("blog")
    assert state is not None and state.parked_reason is None and state.next_check_at is None
    assert state.items_total == 1234
    assert client.post("/api/v1/sources/blog/unpark").json()["was_parked"] is False


def test_refusing_to_poll_a_parked_source_shows_no_secret(sources_app: WebServer) -> None:
    sources_app.store.save_source_state(
        SourceState(source="news", parked_reason=f"HTTP 401 for /feed.xml?token={SECRET}")
    )
    refused = browser_client(sources_app).post("/api/v1/sources/news/poll")
    assert refused.status_code == 409
    assert SECRET not in refused.text and "token=REDACTED" in refused.text


def test_without_javascript_the_buttons_post_and_come_back(sources_app: WebServer) -> None:
    _parked(sources_app)
    client = browser_client(sources_app)
    token = client.headers.pop("X-CSRF-Token")  # a plain form carries it as a field
    for path in ("/sources/news/poll", "/sources/blog/unpark"):
        answer = client.post(path, data={"csrf_token": token})
        assert answer.status_code == 303 and answer.headers["location"] == "/sources"
    state = sources_app.store.load_source_state("blog")
    assert state is not None and state.parked_reason is None


def test_the_refresh_asks_for_the_table_alone(sources_app: WebServer) -> None:
    _failing(sources_app, "HTTP 503 Service Unavailable")
    part = httpx.get(
        f"{sources_app.url}/sources", headers={"HX-Request": "true", "HX-Target": "sources-table"}
    ).text
    assert part.lstrip().startswith('<div id="sources-table"')
    assert 'hx-trigger="every 10s"' in part and "<html" not in part
    assert "HTTP 503 Service Unavailable" in part


def test_a_viewer_sees_no_buttons_and_the_api_refuses_them(sources_app: WebServer) -> None:
    _parked(sources_app)
    viewer = signed_in(sources_app, "vera", "viewer")
    page = viewer.get("/sources").text
    assert "Poll now" not in page and "Unpark" not in page and "HTTP 404" in page
    assert viewer.post("/sources/news/poll").status_code == 403
    assert viewer.post("/api/v1/sources/blog/unpark").status_code == 403
    script = token_client(sources_app, "reader", "viewer")
    assert script.get("/api/v1/sources").status_code == 200
    assert script.post("/api/v1/sources/news/poll").status_code == 403
    assert script.post("/api/v1/sources/blog/unpark").status_code == 403
    state = sources_app.store.load_source_state("blog")
    assert state is not None and state.parked_reason
    agent = token_client(sources_app, "ops", "agent")
    assert agent.post("/api/v1/sources/blog/unpark").json()["was_parked"] is True


def test_in_the_browser_poll_now_and_unpark_update_the_table(
    sources_app: WebServer, page: Any
) -> None:
    _failing(sources_app, "HTTP 503 Service Unavailable")
    _parked(sources_app)
    page.goto(f"{sources_app.url}/sources")
    news = page.locator("tr[data-source='news']")
    shown = news.locator(".next-check time")
    assert _when(shown) > datetime.now(UTC) + timedelta(minutes=15)
    assert shown.get_attribute("title")  # the exact time on hover
    news.get_by_role("button", name="Poll now").click()
    page.locator("#sources-table .notice >> text=news is polled at the running daemon").wait_for()
    assert _when(page.locator("tr[data-source='news'] .next-check time")) <= datetime.now(UTC)
    assert page.locator("tr[data-source='news'] .next-check").inner_text().strip() == "just now"
    page.locator("tr[data-source='blog']").get_by_role("button", name="Unpark").click()
    page.locator("#sources-table .notice >> text=blog unparked").wait_for()
    assert page.locator("tr[data-source='blog'] .status").inner_text() == "ok"
    state = sources_app.store.load_source_state("blog")
    assert state is not None and state.parked_reason is None


def test_hostile_error_text_shows_as_text_and_nothing_runs(
    sources_app: WebServer, page: Any
) -> None:
    _failing(sources_app, "HTTP 500: " + HOSTILE_TEXT)
    page.goto(f"{sources_app.url}/sources")
    assert page.locator(".source-problem .error-words").inner_text() == "HTTP 500: " + HOSTILE_TEXT
    assert (
        page.locator("#sources-table script, #sources-table img, #sources-table style").count() == 0
    )
    assert page.evaluate("getComputedStyle(document.body).display") != "none"


def _when(time_element: Any) -> datetime:
    return datetime.fromisoformat(time_element.get_attribute("datetime"))


def test_poll_now_on_a_running_daemon_polls_the_source(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    feed = FeedHandler(rss_feed([("a1", "Acme is late", "my acme parcel is late")]))
    httpserver.expect_request("/feed.xml").respond_with_handler(feed)
    port = free_port()
    config = tmp_path / "settings.yaml"
    config.write_text(
        f"brands:\n  - name: Acme\n    query: acme\n"
        f"storage:\n  sqlite: {tmp_path / 'listener.db'}\n"
        f"web:\n  port: {port}\n"
        f"sources:\n  - name: news\n    type: rss\n    interval: 1h\n"
        f"    url: {httpserver.url_for('/feed.xml')}\n",
        encoding="utf-8",
    )
    with listener_run(config):
        assert wait_for(lambda: len(feed.requests) == 1, 20), "the daemon never polled"
        with daemon_web_client(port, timeout_s=10) as client:
            assert wait_for(lambda: _polled_once(client), 10)
            asked = client.post("/api/v1/sources/news/poll")
            assert asked.status_code == 200, asked.text
            assert asked.json()["by"] == "daemon"
            # The interval is an hour: only the button can explain a second request now.
            assert wait_for(lambda: len(feed.requests) == 2, 5), "poll now did not poll"


def _polled_once(client: httpx.Client) -> bool:
    rows = client.get("/api/v1/sources").json()["items"]
    return bool(rows and rows[0]["last_success_at"])


def test_the_items_column_says_what_its_numbers_mean(sources_app: WebServer) -> None:
    _parked(sources_app)
    page = " ".join(httpx.get(f"{sources_app.url}/sources").text.split())
    assert "1,234 in all<br><span class=\"muted small\">5 new last poll</span>" in page
    assert "(+5)" not in page
    assert 'title="Items this source has stored in all, and how many of them the last poll' in page
