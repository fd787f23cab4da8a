"""The security middleware, over plain HTTP against a real port: the Host check (DNS
rebinding), CSRF on every state change (bearer requests exempt), the headers on every kind of
response, and problem+json errors under /api/v1. The browser half (CSP really blocking inline
script, hostile text shown as text) is at the end."""

from __future__ import annotations

from contextlib import closing
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse

from listener.web.pages import render, templates
from listener.web.security import CONTENT_SECURITY_POLICY, CSRF_COOKIE
from tests.web_fixtures import MINIMAL_SETTINGS, WebServer

HOSTILE = (
    "<script>alert('x')</script><img src=x onerror=alert(1)>"
    '<a href="javascript:alert(2)">click</a>{{ 7*7 }}{% raw %}'
    "<style>body{display:none}</style>"
)


def add_test_routes(app: FastAPI) -> None:
    """Routes only these tests serve, through the same middleware as every other."""

    @app.post("/test/form")
    async def form_echo(request: Request, note: str = Form("")) -> dict[str, Any]:
        return {"note": note, "cookies": sorted(request.cookies)}

    @app.post("/api/v1/test/echo")
    async def api_echo(request: Request) -> dict[str, Any]:
        return {"body": (await request.body()).decode(), "cookies": sorted(request.cookies)}

    @app.delete("/api/v1/test/thing/{number}")
    async def api_delete(number: int) -> dict[str, int]:
        return {"deleted": number}

    @app.get("/api/v1/test/numbers")
    async def api_numbers(limit: int) -> dict[str, int]:
        return {"limit": limit}

    @app.get("/api/v1/test/conflict")
    async def api_conflict() -> None:
        raise HTTPException(409, "already resolved")

    @app.get("/api/v1/test/boom")
    async def api_boom() -> None:
        raise RuntimeError("a bug of ours")

    @app.get("/test/boom")
    async def page_boom() -> None:
        raise RuntimeError("a bug of ours")

    @app.get("/test/hostile")
    async def hostile_page(request: Request) -> HTMLResponse:
        # Internet text as a template's data: the error page shows its detail.
        return render(request, "error.html", {"status": 200, "title": HOSTILE, "detail": HOSTILE})

    @app.get("/test/rows")
    async def rows_page(request: Request) -> HTMLResponse:
        page = templates.env.from_string(
            "{% extends 'base.html' %}{% block content %}<table class='table'><tbody>"
            "{% for n in range(3) %}<tr data-row><td><a href='/test/opened/{{ n }}'>row {{ n }}"
            "</a></td><td><button type='button' data-key='x' data-shortcut-help='x: mark row'"
            " data-copy-target='#text-{{ n }}'>Copy</button><span id='text-{{ n }}'>words {{ n }}"
            "</span></td></tr>{% endfor %}</tbody></table>"
            "<time class='relative' datetime='2020-01-01T00:00:00Z'>2020-01-01</time>"
            "<form method='post' action='/test/form' data-confirm='Really send it?'>"
            "<input type='hidden' name='csrf_token' value='{{ csrf_token }}'>"
            "<input type='text' name='note' value='confirmed'>"
            "<button type='submit' id='send'>Send</button></form>{% endblock %}"
        )
        html = page.render(
            request=request,
            principal=request.state.principal,
            csrf_token=request.state.csrf_token,
        )
        return HTMLResponse(html)

    @app.get("/test/opened/{number}")
    async def opened(number: int) -> HTMLResponse:
        return HTMLResponse(f"<!doctype html><title>opened {number}</title><p>opened {number}")

    @app.get("/test/inline-script")
    async def inline_script() -> HTMLResponse:
        # Deliberately bad: the CSP must stop this script from running.
        return HTMLResponse(
            "<!doctype html><title>bad</title><p id=p>static</p>"
            "<script>document.getElementById('p').textContent='ran'</script>"
        )


@pytest.fixture
def running(web_server: Any) -> WebServer:
    server: WebServer = web_server(extend=add_test_routes)
    return server


def client(running: WebServer, **kwargs: Any) -> httpx.Client:
    return httpx.Client(base_url=running.url, follow_redirects=False, **kwargs)


def with_csrf(running: WebServer) -> tuple[httpx.Client, str]:
    """A client holding the CSRF cookie a first page view gives, and that token."""
    browser = client(running)
    browser.get("/healthz")
    token = browser.cookies.get(CSRF_COOKIE)
    assert token
    return browser, token


# ---- Host ---------------------------------------------------------------------------------


def test_a_request_for_another_host_name_is_refused(running: WebServer) -> None:
    port = urlsplit(running.url).port
    with client(running) as http:
        page = http.get("/nothing-here", headers={"Host": f"attacker.example:{port}"})
        api = http.get("/api/v1/openapi.json", headers={"Host": "attacker.example"})
        ok = http.get("/api/v1/openapi.json", headers={"Host": f"localhost:{port}"})
    assert page.status_code == 400 and "text/html" in page.headers["content-type"]
    assert "web.allowed_hosts" in page.text
    assert api.status_code == 400
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json()["status"] == 400
    assert ok.status_code == 200


def test_allowed_hosts_and_the_alerts_base_url_are_answered(web_server: Any) -> None:
    running = web_server(
        MINIMAL_SETTINGS
        + "web:\n  allowed_hosts: [listener.example.org, 'other.example:8443']\n"
        + "alerts:\n  base_url: https://inbox.example.com\n"
    )
    with client(running) as http:

        def status(host: str) -> int:
            return http.get("/api/v1/openapi.json", headers={"Host": host}).status_code

        assert status("listener.example.org") == 200
        assert status("LISTENER.example.org:9999") == 200  # no port given: any port
        assert status("other.example:8443") == 200
        assert status("other.example:8444") == 400
        assert status("inbox.example.com") == 200
        assert status("inbox.example.com:443") == 200
        assert status("inbox.example.com.attacker.example") == 400
        assert status("[::1]:8650") == 200  # web.port on a loopback name


def test_the_probes_answer_any_host(running: WebServer) -> None:
    # An orchestrator probes the pod's own address, which no setting names.
    with client(running) as http:
        assert http.get("/healthz", headers={"Host": "10.1.2.3:8650"}).status_code == 200


# ---- CSRF ---------------------------------------------------------------------------------


def test_a_post_without_the_csrf_token_is_refused(running: WebServer) -> None:
    browser, _token = with_csrf(running)
    with closing(browser):
        form = browser.post("/test/form", data={"note": "hi"})
        api = browser.post("/api/v1/test/echo", content="{}")
        delete = browser.delete("/api/v1/test/thing/3")
        wrong = browser.post("/api/v1/test/echo", headers={"X-CSRF-Token": "x" * 43})
    assert form.status_code == 403 and "CSRF token is missing" in form.text
    assert api.status_code == 403
    assert api.headers["content-type"] == "application/problem+json"
    assert "X-CSRF-Token" in api.json()["detail"]
    assert delete.status_code == 403
    assert wrong.status_code == 403 and "does not match" in wrong.json()["detail"]


def test_a_post_without_the_cookie_is_refused_even_with_a_token(running: WebServer) -> None:
    # A cross-site page can send any header value it likes in a form field, but not the
    # cookie's value: with no cookie there is nothing to match.
    with client(running) as http:
        refused = http.post("/test/form", data={"note": "hi", "csrf_token": "y" * 43})
    assert refused.status_code == 403 and "cookie is missing" in refused.text


def test_a_post_with_the_token_in_the_header_or_the_form_is_accepted(running: WebServer) -> None:
    browser, token = with_csrf(running)
    with closing(browser):
        by_header = browser.post(
            "/api/v1/test/echo", content='{"a": 1}', headers={"X-CSRF-Token": token}
        )
        by_form = browser.post("/test/form", data={"note": "from a form", "csrf_token": token})
        by_multipart = browser.post(
            "/test/form",
            data={"note": "multipart", "csrf_token": token},
            files={"unused": ("a.txt", b"data")},
        )
        delete = browser.delete("/api/v1/test/thing/3", headers={"X-CSRF-Token": token})
    assert by_header.status_code == 200 and by_header.json()["body"] == '{"a": 1}'
    # The form was read to find the token, and the route still reads all of it.
    assert by_form.status_code == 200 and by_form.json()["note"] == "from a form"
    assert by_multipart.status_code == 200 and by_multipart.json()["note"] == "multipart"
    assert delete.json() == {"deleted": 3}


def test_the_csrf_cookie_is_found_among_other_apps_odd_cookies(running: WebServer) -> None:
    # Every app on localhost shares the Cookie header, whatever its port; one that sets a
    # cookie the standard library's parser rejects must not lock us out.
    token = "t" * 43
    cookie = f'prefs={{"theme": "dark"}}; a b=c; {CSRF_COOKIE}={token}; z=1'
    with client(running) as http:
        sent = http.post(
            "/test/form", data={"note": "ok", "csrf_token": token}, headers={"Cookie": cookie}
        )
    assert sent.status_code == 200 and sent.json()["note"] == "ok"


def test_a_bearer_request_needs_no_csrf_token_and_carries_no_cookies(running: WebServer) -> None:
    browser, _token = with_csrf(running)
    with closing(browser):
        sent = browser.post(
            "/api/v1/test/echo",
            content="{}",
            headers={"Authorization": "Bearer lst_some-token", "Cookie": "listener_session=abc"},
        )
    assert sent.status_code == 200
    # The session cookie is dropped: an exempt request cannot ride on a browser session.
    assert sent.json()["cookies"] == []


def test_the_csrf_cookie_is_httponly_and_samesite_strict(running: WebServer) -> None:
    with client(running) as http:
        first = http.get("/healthz")
        again = http.get("/healthz")
    cookie = first.headers["set-cookie"]
    assert cookie.startswith(f"{CSRF_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    assert "set-cookie" not in again.headers  # kept, not renewed on every request


def test_an_oversized_form_is_refused_before_it_is_parsed(running: WebServer) -> None:
    browser, token = with_csrf(running)
    with closing(browser):
        big = browser.post("/test/form", data={"note": "x" * (2 << 20), "csrf_token": token})
    assert big.status_code == 413


# ---- headers ------------------------------------------------------------------------------


def test_every_kind_of_response_carries_the_security_headers(running: WebServer) -> None:
    browser, token = with_csrf(running)
    with closing(browser):
        responses = {
            "page": browser.get("/test/hostile"),
            "redirect": browser.get("/"),
            "api": browser.get("/api/v1/openapi.json"),
            "static": browser.get("/static/app.css"),
            "vendored": browser.get("/static/vendor/htmx.min.js"),
            "page 404": browser.get("/no/such/page"),
            "api 404": browser.get("/api/v1/no/such/thing"),
            "csrf 403": browser.post("/test/form"),
            "host 400": browser.get("/", headers={"Host": "attacker.example"}),
            "api 500": browser.get("/api/v1/test/boom"),
            "page 500": browser.get("/test/boom"),
            "probe": browser.get("/healthz"),
            "post": browser.post("/api/v1/test/echo", headers={"X-CSRF-Token": token}),
        }
    for kind, response in responses.items():
        headers = response.headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, kind
        assert headers["x-content-type-options"] == "nosniff", kind
        assert headers["referrer-policy"] == "no-referrer", kind
        assert headers["x-frame-options"] == "DENY", kind
        expected_cache = "no-cache" if kind in ("static", "vendored") else "no-store"
        assert headers["cache-control"] == expected_cache, kind
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


# ---- errors -------------------------------------------------------------------------------


def problem(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == response.status_code
    return body


def test_api_errors_are_problem_json(running: WebServer) -> None:
    with client(running) as http:
        missing = problem(http.get("/api/v1/no/such/thing"))
        invalid = problem(http.get("/api/v1/test/numbers", params={"limit": "<b>many</b>"}))
        conflict = problem(http.get("/api/v1/test/conflict"))
        wrong_method = problem(
            http.put("/api/v1/test/numbers", headers={"Authorization": "Bearer x"})
        )
        crash = problem(http.get("/api/v1/test/boom"))
    assert missing["status"] == 404 and missing["title"] == "Not Found"
    assert missing["detail"] == "nothing at /api/v1/no/such/thing"
    assert invalid["status"] == 422 and "limit" in invalid["detail"]
    assert invalid["errors"][0]["loc"] == ["query", "limit"]
    assert "<b>many</b>" not in str(invalid)  # the input is not echoed
    assert conflict == {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": "already resolved",
    }
    assert wrong_method["status"] == 405
    assert crash["status"] == 500 and "a bug of ours" not in crash["detail"]


def test_page_errors_are_a_friendly_html_page(running: WebServer) -> None:
    with client(running) as http:
        missing = http.get("/no/such/page")
        crash = http.get("/test/boom")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert "Not Found" in missing.text and "Go to the inbox" in missing.text
    assert crash.status_code == 500 and "a bug of ours" not in crash.text


def test_the_openapi_document_describes_errors_as_problems(running: WebServer) -> None:
    with client(running) as http:
        document = http.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/test/numbers"]["get"]
    assert operation["responses"]["422"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    assert "default" in operation["responses"]
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_hostile_text_in_a_templates_data_is_escaped(running: WebServer) -> None:
    with client(running) as http:
        html = http.get("/test/hostile").text
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<img src=x onerror" not in html and 'href="javascript:' not in html
    # Data is never a template: the markup is shown as written and never evaluated. (Looked
    # for beside the text around it: the page's random CSRF token may hold a "49" anywhere.)
    assert "{{ 7*7 }}" in html and "</a>49" not in html and "{{ 7*7 }}49" not in html
    assert "&lt;/a&gt;49" not in html


# ---- in the browser -----------------------------------------------------------------------


def test_the_browser_shows_hostile_text_as_text_and_runs_none_of_it(
    running: WebServer, page: Any
) -> None:
    page.goto(running.url + "/test/hostile")
    heading = page.locator("h1").inner_text()
    assert heading == (
        "<script>alert('x')</script><img src=x onerror=alert(1)>"
        '<a href="javascript:alert(2)">click</a>{{ 7*7 }}{% raw %}'
        "<style>body{display:none}</style>"
    )
    assert (
        page.locator("main img").count() == 0
        and page.locator("main a[href^=javascript]").count() == 0
    )
    assert page.locator("body").is_visible()
    # The page fixture fails the test on any dialog or console error.


def test_the_csp_blocks_an_inline_script(running: WebServer, page: Any) -> None:
    page.goto(running.url + "/test/inline-script")
    assert page.locator("#p").inner_text() == "static"
    blocked = [m for m in page.problems.console_errors if "Content Security Policy" in m]
    assert blocked, page.problems.console_errors
    page.problems.console_errors.clear()  # expected here, and only here


def test_the_layout_keyboard_copy_times_and_confirm_work(running: WebServer, page: Any) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(running.url + "/test/rows")
    # The layout: nav, the local operator with their role, no sign-out for the local one.
    assert page.locator("nav.top-nav a").all_inner_texts()[:3] == ["Inbox", "Search", "Sources"]
    assert "admin" in page.locator(".top-user").inner_text()
    # Relative time, exact time on hover.
    when = page.locator("time.relative")
    assert "ago" in when.inner_text() and "2020" in (when.get_attribute("title") or "")
    # j/k move the current row; Enter opens it.
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("j")
    assert page.locator("tr.is-current").inner_text().startswith("row 1")
    # data-key: "x" clicks the current row's button, which copies its text.
    page.keyboard.press("x")
    assert page.evaluate("navigator.clipboard.readText()") == "words 1"
    # "?" lists the page's shortcuts in a dialog, not an alert.
    page.keyboard.press("?")
    help_dialog = page.locator("#shortcuts-dialog")
    assert help_dialog.is_visible() and "mark row" in help_dialog.inner_text()
    page.keyboard.press("Escape")
    assert not help_dialog.is_visible()
    # A confirmed form: Cancel sends nothing, Confirm sends it with its CSRF field.
    page.click("#send")
    assert page.locator("#confirm-dialog").is_visible()
    assert "Really send it?" in page.locator("#confirm-dialog").inner_text()
    page.click("#confirm-dialog button[value=cancel]")
    assert page.url.endswith("/test/rows")
    page.click("#send")
    with page.expect_navigation():
        page.click("[data-confirm-ok]")
    assert '"note":"confirmed"' in page.content()
    page.go_back()
    page.keyboard.press("j")
    page.keyboard.press("j")
    # Enter on a focused button is the button's (it copies row 0), not "open the row".
    page.locator("tr[data-row] button").first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("navigator.clipboard.readText()") == "words 0"
    assert page.url.endswith("/test/rows")
    page.locator("tr[data-row] button").first.blur()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.title() == "opened 1"
