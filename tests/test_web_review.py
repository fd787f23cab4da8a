"""Findings of the web app's security review, each proved against a real served app.

- A page on the same site but another port (any app on localhost, whatever its port) or a
  sibling subdomain can set our CSRF cookie to a value it knows (cookies are not kept apart by
  port), then post a form carrying that value: the double-submit check alone let it act as
  the person whose browser it is. The browser says where a request comes from
  (``Sec-Fetch-Site``, else ``Origin``): a state change from another page is refused.
- A forged token-list cursor past SQLite's integer range was a 500.
- The inbox's event stream kept sending alerts to a browser whose session had ended.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from contextlib import ExitStack, closing
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer

from listener.store import accounts
from listener.web.inbox_stream import MAX_STREAMS_PER_PERSON
from listener.web.security import CSRF_COOKIE
from tests.inbox_helpers import INBOX_SETTINGS, NOW, alert_about
from tests.web_fixtures import MINIMAL_SETTINGS, WebServer
from tests.web_pages_helpers import signed_in

FORGED = "f" * 43  # a CSRF value the other page chose and set as our cookie


@pytest.fixture
def running(web_server: Any) -> WebServer:
    served: WebServer = web_server(INBOX_SETTINGS)
    alert_about(served.store, 1, at=NOW)
    return served


def alert_state(running: WebServer, alert_id: int = 1) -> str:
    with httpx.Client(base_url=running.url) as http:
        state: str = http.get(f"/api/v1/alerts/{alert_id}").json()["alert"]["state"]
    return state


def forged_post(running: WebServer, headers: dict[str, str]) -> httpx.Response:
    """What a browser sends when another page posts our form with the cookie it tossed."""
    with httpx.Client(base_url=running.url) as http:
        return http.post(
            "/alerts/1/acknowledge",
            data={"csrf_token": FORGED},
            headers={"Cookie": f"{CSRF_COOKIE}={FORGED}", **headers},
        )


# ---- CSRF from a page on the same site -------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:3000"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        # An older browser without Fetch metadata still names the page's origin.
        {"Origin": "http://127.0.0.1:3000"},
    ],
    ids=["other-port", "other-site", "origin-only"],
)
def test_a_form_posted_from_another_page_with_a_tossed_cookie_is_refused(
    running: WebServer, headers: dict[str, str]
) -> None:
    refused = forged_post(running, headers)
    assert refused.status_code == 403, refused.text
    assert "another page" in refused.text
    assert alert_state(running) == "new"


def test_the_same_form_from_our_own_page_is_accepted(running: WebServer) -> None:
    origin = running.url
    accepted = forged_post(running, {"Sec-Fetch-Site": "same-origin", "Origin": origin})
    # Our pages send no Referer (no-referrer), so a browser may say "Origin: null" for them.
    also = forged_post(running, {"Origin": "null"})
    assert accepted.status_code == 303 and also.status_code == 303
    assert alert_state(running) == "acknowledged"


def test_a_bearer_script_is_not_asked_where_it_comes_from(running: WebServer) -> None:
    _token, secret = accounts.create_token(
        running.store, "script", "agent", "admin", datetime.now(UTC)
    )
    with httpx.Client(base_url=running.url) as http:
        acted = http.post(
            "/api/v1/alerts/1/acknowledge",
            json={},
            headers={"Authorization": f"Bearer {secret}", "Origin": "https://a.example"},
        )
    assert acted.status_code == 200, acted.text


@pytest.fixture
def other_port_page() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def test_a_page_on_another_local_port_cannot_act_in_a_real_browser(
    running: WebServer, other_port_page: HTTPServer, browser: Any
) -> None:
    # Any app on this machine (a dev server, another self-hosted tool) shares our cookies:
    # its page sets our CSRF cookie to a value it knows and posts a form with it.
    attack = f"""<!doctype html><html><body>
<form id="f" method="post" action="{running.url}/alerts/1/acknowledge">
<input name="csrf_token" value="{FORGED}"></form>
<script>
document.cookie = "{CSRF_COOKIE}={FORGED}; path=/";
document.getElementById("f").submit();
</script></body></html>"""
    other_port_page.expect_request("/").respond_with_data(attack, content_type="text/html")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(other_port_page.url_for("/"))
        page.wait_for_url(f"{running.url}/**")
        page.wait_for_load_state()
        assert "another page" in page.content()
    finally:
        context.close()
    assert alert_state(running) == "new"


# ---- cursors --------------------------------------------------------------------------


@pytest.mark.parametrize("cursor", ["99999999999999999999", "-1", "abc"])
def test_a_forged_token_cursor_is_a_400(web_server: Any, cursor: str) -> None:
    running: WebServer = web_server()
    with closing(httpx.Client(base_url=running.url)) as http:
        listed = http.get("/api/v1/tokens", params={"cursor": cursor})
        page = http.get("/admin/users", params={"tokens_after": cursor})
    assert listed.status_code == 400, listed.text
    assert listed.headers["content-type"] == "application/problem+json"
    assert page.status_code == 400


# ---- the event stream -----------------------------------------------------------------


def test_the_inbox_stream_ends_when_the_session_ends(running: WebServer) -> None:
    http = signed_in(running, "viewer1", "viewer")
    session = http.cookies.get("listener_session")
    assert session
    with (
        closing(http),
        http.stream("GET", "/inbox/events", params={"after": 1}, timeout=15) as stream,
    ):
        assert stream.status_code == 200
        accounts.end_session(running.store, session)
        started = time.monotonic()
        alert_about(running.store, 2, at=NOW)
        body = b"".join(stream.iter_bytes())  # the server ends it
    assert time.monotonic() - started < 10
    assert b"event: alert" not in body


# ---- /metrics behind a proxy ----------------------------------------------------------


@pytest.mark.parametrize(
    ("web", "relayed"),
    [("  trust_proxy: true\n", {}), ("  host: 127.0.0.1\n", {"X-Forwarded-For": "203.0.113.9"})],
    ids=["trust-proxy", "relayed-request"],
)
def test_metrics_without_a_token_are_not_served_to_the_world_through_a_proxy(
    web_server: Any, web: str, relayed: dict[str, str]
) -> None:
    # On a loopback host a proxy in front relays every other machine's request: /metrics
    # (source names, error counts, traffic per route) was open to them all without a token.
    running: WebServer = web_server(MINIMAL_SETTINGS + "web:\n" + web)
    answer = httpx.get(running.url + "/metrics", headers=relayed)
    assert answer.status_code == 403 and "set web.metrics_token" in answer.text
    assert httpx.get(web_server().url + "/metrics").status_code == 200  # no proxy: still open


# ---- how many event streams one person holds open -------------------------------------


def test_one_person_cannot_hold_open_more_than_twenty_event_streams(running: WebServer) -> None:
    # Each open stream asks the store every second: one account's script held thousands.
    http = signed_in(running, "viewer2", "viewer")
    with closing(http), ExitStack() as streams:
        for _ in range(MAX_STREAMS_PER_PERSON):
            opened = streams.enter_context(http.stream("GET", "/inbox/events", timeout=15))
            assert opened.status_code == 200
        refused = http.get("/inbox/events")
        other = signed_in(running, "viewer3", "viewer")
        with closing(other), other.stream("GET", "/inbox/events", timeout=15) as theirs:
            assert theirs.status_code == 200  # the cap is per person
        assert refused.status_code == 429 and "close some tabs" in refused.text
        streams.close()  # the browser closes its tabs
        deadline = time.monotonic() + 10
        while opened_status(http) == 429:
            assert time.monotonic() < deadline, "closed streams were still counted"
            time.sleep(0.2)


def opened_status(http: httpx.Client) -> int:
    with http.stream("GET", "/inbox/events", timeout=15) as opened:
        return opened.status_code


# ---- request bodies -------------------------------------------------------------------


def chunks(total: int) -> Iterator[bytes]:
    """A body sent chunked, announcing no length, as a client streaming it does."""
    piece = b'{"ids": [' + b" " * 65536
    sent = 0
    while sent < total:
        yield piece
        sent += len(piece)


@pytest.mark.parametrize("chunked", [False, True], ids=["with-length", "chunked"])
def test_a_body_past_a_mebibyte_is_refused_before_anyone_is_asked_for(
    running: WebServer, chunked: bool
) -> None:
    # The body is read before the route asks who is there: a made-up bearer token (no CSRF
    # check, no account) made the app read and hold a body of any size.
    size = 3 << 20
    body: Any = chunks(size) if chunked else b'{"ids": [' + b" " * size + b"1]}"
    with httpx.Client(base_url=running.url) as http:
        answer = http.post(
            "/api/v1/alerts/bulk",
            content=body,
            headers={"Authorization": "Bearer made-up", "Content-Type": "application/json"},
        )
    assert answer.status_code == 413, answer.text
    assert answer.headers["content-type"] == "application/problem+json"


def test_a_chunked_form_past_a_mebibyte_is_refused(running: WebServer) -> None:
    with httpx.Client(base_url=running.url) as http:
        http.get("/healthz")
        answer = http.post(
            "/alerts/1/assign",
            content=(b"assignee=" + b"x" * 65536 for _ in range(40)),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert answer.status_code == 413, answer.text
    assert alert_state(running) == "new"


def test_a_forged_author_cursor_past_sqlites_integers_is_a_400(running: WebServer) -> None:
    forged = base64.urlsafe_b64encode(b"2026-01-01T00:00:00+00:00|99999999999999999999999")
    with httpx.Client(base_url=running.url) as http:
        api = http.get("/api/v1/authors/rss/user1", params={"cursor": forged.decode()})
        page = http.get("/authors/rss/user1", params={"cursor": forged.decode()})
    assert api.status_code == 400, api.text
    assert page.status_code == 400
