"""What a new user's trial of the dashboard found (issue 15): a mistaken custom range is the
dashboard itself with the form as typed and the mistake said in the form's words, partial
buckets are said to be partial, tables fit a 1000 px window, charts count in whole numbers
and read out a hovered bucket, and the page's wording says what an empty or missing figure
means."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from listener.models import Author
from tests.store_helpers import make_mention
from tests.test_web_dashboard import NOW, SETTINGS, fill, served  # noqa: F401  (the fixture)
from tests.web_fixtures import WebServer

Serve = Callable[..., WebServer]


@pytest.fixture
def served_empty_history(web_server: Serve) -> WebServer:
    """Acme's last 24 hours only (nothing before them, no alert): 30 authorless feed items
    about late refunds."""
    running = web_server(SETTINGS, clock=lambda: NOW)
    running.store.insert_mentions([
        make_mention(n, published_at=NOW - timedelta(hours=1 + n % 20), brands=("Acme",),
                     author=Author(), text=f"Acme refund delayed again, parcel {n} lost")
        for n in range(1, 31)
    ])  # fmt: skip
    return running


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


def test_missing_figures_are_said_in_plain_words(served_empty_history: WebServer) -> None:
    with httpx.Client(base_url=served_empty_history.url) as client:
        text = client.get("/dashboard?brand=Acme&range=24h").text
    tiles = text.split('aria-label="Headline figures"')[1].split("</section>")[0]
    # Nothing before this range: the rate's change says so instead of a bare dash.
    complaints = tiles.split('data-tile="complaints"')[1].split("</a>")[0]
    assert "no earlier data to compare" in complaints and "(—)" not in complaints
    assert "nothing to compare with" not in text
    first_response = tiles.split('data-tile="first-response"')[1].split("</a>")[0]
    assert "no alert answered yet" in first_response and "over 0" not in first_response
    # The mentions name no author: the sources are the reason, not the range.
    authors = text.split('id="authors"')[1].split("</section>")[0]
    assert "give no author names" in authors and "widen it" not in authors
    # A bar column's hidden header says what the bar draws, never a bare "Bar".
    assert '<span class="visually-hidden">Bar</span>' not in text
    assert "Mentions as a bar" in text
    rising = text.split('id="rising-terms"')[1].split("</section>")[0]
    assert "link searches this range" in rising
    rows = re.findall(r"<tr data-row>(.*?)</tr>", rising, re.S)
    assert rows, rising
    for row in rows:
        # None of these words was there before: "new", never "×3.3 times as common".
        assert "new (0 before)" in row and "×" not in row


def test_the_tables_fit_a_1000_px_window(web_server: Serve, page: Any) -> None:
    running = web_server(SETTINGS, clock=lambda: NOW)
    fill(running)
    page.set_viewport_size({"width": 1000, "height": 800})
    page.goto(running.url + "/dashboard?range=24h")
    page.locator(".chart[data-chart=volume][data-drawn=true]").wait_for()
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.panel table')].filter(t => {
             const card = t.closest('.panel').getBoundingClientRect();
             const box = t.getBoundingClientRect();
             const scroller = t.closest('.table-scroll');
             return !scroller && box.right > card.right + 0.5;
           }).map(t => t.id)"""
    )
    assert overflowing == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1000


def test_partial_buckets_whole_ticks_a_readout_and_the_newest_hours_in_view(
    web_server: Serve, page: Any
) -> None:
    running = web_server(SETTINGS, clock=lambda: NOW)
    fill(running)
    # 7 days by day at 12:30: the first day starts at 13:00, the last runs until now.
    page.goto(running.url + "/dashboard")
    rows = page.locator("#volume-table tbody tr")
    assert "(from 13:00)" in rows.first.inner_text()
    assert "(so far, 12 h)" in rows.last.inner_text()
    assert page.locator("#volume-table tbody tr[data-partial]").count() == 2
    assert page.locator("#complaints-table tbody tr[data-partial]").count() == 2
    assert "partial" in page.locator("[data-partial-note]").inner_text()
    assert "until now" in page.locator("[data-range-said]").inner_text()
    page.locator(".chart[data-chart=volume][data-drawn=true]").wait_for()

    page.goto(running.url + "/dashboard?brand=Acme&range=24h")
    # The current hour runs until now: it is partial too, and said so.
    assert "(so far, 30 min)" in page.locator("#volume-table tbody tr").last.inner_text()
    chart = page.locator(".chart[data-chart=volume][data-drawn=true]")
    chart.wait_for()
    box = chart.locator(".u-over").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 21.5 / 24, box["y"] + box["height"] - 3)
    readout = page.locator("[data-readout=volume]")
    assert "5 Dec 10:00" in readout.inner_text()
    assert "Negative 3" in readout.inner_text() and "Total 6" in readout.inner_text()
    # Complaints top out at 2: the y axis counts 0, 1, 2, never 0.5.
    complaints = page.locator(".chart[data-chart=complaints][data-drawn=true]")
    complaints.wait_for()
    ticks = (complaints.get_attribute("data-y-ticks") or "").split()
    assert ticks and all(float(t).is_integer() for t in ticks)
    assert len(set(ticks)) == len(ticks)  # no 0.5 rounded into a second 0
    assert "2" in ticks
    # The hourly table's box opens at its end: the newest hour is in view.
    scroller = page.locator("#volume .table-scroll")
    assert scroller.evaluate("box => box.scrollTop") > 0
    newest = page.locator("#volume-table tbody tr").last.bounding_box()
    shown = scroller.bounding_box()
    assert newest is not None and shown is not None
    assert newest["y"] + newest["height"] <= shown["y"] + shown["height"] + 1
