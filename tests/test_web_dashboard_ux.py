"""What a new user's trial of the dashboard found (issue 15): a mistaken custom range is the
dashboard itself with the form as typed and the mistake said in the form's words, partial
buckets are said to be partial, tables fit a 1000 px window, charts count in whole numbers
and read out a hovered bucket, and the page's wording says what an empty or missing figure
means."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx

from tests.test_web_dashboard import NOW, SETTINGS, fill, served  # noqa: F401  (the fixture)
from tests.web_fixtures import WebServer

Serve = Callable[..., WebServer]


def test_a_mistaken_range_is_said_in_the_forms_words_on_the_dashboard(
    served: WebServer,  # noqa: F811
) -> None:
    with httpx.Client(base_url=served.url) as client:
        # Dates typed beside a preset: the address of the mistake says custom.
        sent = client.get("/dashboard?range=24h&since=2026-12-07&until=2026-12-05")
        assert sent.status_code == 303
        assert "range=custom" in sent.headers["location"]
        for query, words in (
            ("since=2026-12-07&until=2026-12-05", "From (7 Dec) must be before Before (5 Dec)"),
            ("since=2023-01-01&until=2026-12-05", "the longest range is 800 days"),
            ("since=2026-13-45&until=2026-12-05", "From must be a date"),
        ):
            page = client.get(f"/dashboard?range=custom&{query}")
            assert page.status_code == 400, query
            form = page.text.split('id="dashboard-form"')[1].split("</form>")[0]
            assert words in form, (query, form)
            assert 'id="range-problem"' in form
            # The fields hold what was typed, a bad date too.
            since = query.split("&")[0].split("=")[1]
            assert f'name="since" value="{since}"' in form
        # The API keeps its problem+json.
        problem = client.get("/api/v1/stats/volume?range=custom&since=2026-12-07&until=2026-12-05")
        assert problem.status_code == 400
        assert problem.headers["content-type"].startswith("application/problem+json")


def test_custom_dates_sent_from_the_form_make_the_range_custom(
    web_server: Serve, page: Any
) -> None:
    running = web_server(SETTINGS, clock=lambda: NOW)
    fill(running)
    page.goto(running.url + "/dashboard?range=24h")
    page.fill("input[name=since]", "2026-12-07")
    page.fill("input[name=until]", "2026-12-05")
    page.click("#dashboard-form button[type=submit]")
    page.wait_for_url(re.compile(r"range=custom&since=2026-12-07&until=2026-12-05$"))
    problem = page.locator("#dashboard-form #range-problem")
    assert "From (7 Dec) must be before Before (5 Dec)" in problem.inner_text()
    assert page.input_value("input[name=since]") == "2026-12-07"
    assert page.input_value("input[name=until]") == "2026-12-05"
    # The page's 400 status is the browser's one console error: the answer, not a fault.
    assert page.problems.console_errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    page.problems.console_errors.clear()
