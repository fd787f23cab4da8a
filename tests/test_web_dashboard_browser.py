"""The dashboard in a real browser (Chromium; the ``page`` fixture fails a test on any console
error or dialog): the tables show the store's known counts, a click on a chart's bar and on
a table's number each land on a search whose count is that number, changing the range or
the brand updates the URL and the panels, and hostile text is shown as text."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from listener.models import Author, Engagement, Finding, Judgments, SentimentLabel
from tests.store_helpers import make_mention
from tests.test_web_dashboard import HOUR_10, NOW, SETTINGS, fill
from tests.web_fixtures import WebServer
from tests.web_pages_helpers import HOSTILE_NAME, HOSTILE_TEXT, HOSTILE_URL

Serve = Callable[..., WebServer]


def _search_count(page: Any) -> int:
    text = page.locator(".search-count strong").inner_text()
    return int(text.replace(",", "").rstrip("+"))


def _cell(page: Any, table: str, row_label: str, column: int) -> Any:
    row = page.locator(f"#{table} tbody tr", has=page.locator("th", has_text=row_label))
    return row.locator("td").nth(column)


def test_tables_show_the_counts_and_a_bar_and_a_number_lead_to_their_mentions(
    web_server: Serve, page: Any
) -> None:
    running = web_server(SETTINGS, clock=lambda: NOW)
    fill(running)
    page.goto(running.url + "/dashboard?brand=Acme&range=24h")
    # Negative, neutral, positive, unknown, total at 10:00.
    cells = [_cell(page, "volume-table", "5 Dec 10:00", n).inner_text() for n in range(5)]
    assert cells == ["3", "1", "2", "0", "6"]
    assert page.locator("[data-tile=mentions] [data-value]").inner_text() == "11"
    chart = page.locator(".chart[data-chart=volume][data-drawn=true]")
    chart.wait_for()
    # The 24 hourly buckets run from 13:00 yesterday; 10:00 today is the 22nd (index 21),
    # and the x axis spans the first bucket's start to the last one's end.
    over = chart.locator(".u-over")
    box = over.bounding_box()
    assert box is not None
    over.click(position={"x": box["width"] * 21.5 / 24, "y": box["height"] - 3})
    page.wait_for_url(re.compile(r"/search\?.*since=2026-12-05T10%3A00Z"))
    assert "brand=Acme" in page.url
    assert _search_count(page) == 6

    page.go_back()
    page.wait_for_url("**/dashboard?brand=Acme&range=24h")
    # The complaints chart draws the previous period's line beside this period's.
    complaints_chart = page.locator(".chart[data-chart=complaints][data-drawn=true]")
    complaints_chart.wait_for()
    drawn = complaints_chart.get_attribute("data-drawn-series") or ""
    assert drawn.split("|") == ["Complaints", "Complaint rate", "previous period"]
    assert "previous period" in page.locator("[data-legend=complaints]").inner_text()
    _cell(page, "complaints-table", "5 Dec 10:00", 0).locator("a").click()
    page.wait_for_url(re.compile(r"/search\?.*complaint=yes"))
    assert _search_count(page) == 2


def test_changing_the_range_and_the_brand_updates_the_url_and_the_panels(
    web_server: Serve, page: Any
) -> None:
    running = web_server(SETTINGS, clock=lambda: NOW)
    fill(running)
    page.goto(running.url + "/dashboard")
    # 7 days by day (the default): 8 buckets, clipped to whole hours at the edges.
    assert page.locator("#volume-table tbody tr").count() == 8
    assert page.locator("[data-tile=mentions] [data-value]").inner_text() == "18"
    page.click("a[data-range='24h']")
    page.wait_for_url("**/dashboard?range=24h")
    assert page.locator("#volume-table tbody tr").count() == 24
    assert page.locator("[data-tile=mentions] [data-value]").inner_text() == "13"
    page.select_option("select[name=brand]", "Globex")
    page.wait_for_url(re.compile(r"/dashboard\?brand=Globex&range=24h$"))
    assert page.locator("[data-tile=mentions] [data-value]").inner_text() == "2"
    page.fill("input[name=since]", "2026-12-01")
    page.fill("input[name=until]", "2026-12-05")
    page.click("#dashboard-form button[type=submit]")
    page.wait_for_url(
        re.compile(r"/dashboard\?brand=Globex&range=custom&since=2026-12-01&until=2026-12-05$")
    )
    assert page.locator("#volume-table tbody tr").count() == 4
    assert page.locator(".empty-state", has_text="No mentions in this range").count() == 1


def test_hostile_text_is_shown_as_text(web_server: Serve, page: Any) -> None:
    hostile_brand = '<b onmouseover="alert(1)">Evil</b>{{ 7*7 }}'
    # Settings text is formatted with {db}: its braces are doubled.
    named = hostile_brand.replace("{", "{{").replace("}", "}}")
    settings = SETTINGS.replace("storage:", f"  - name: '{named}'\n    query: evil\nstorage:")
    running = web_server(settings, clock=lambda: NOW)
    running.store.insert_mentions([
        make_mention(
            n, published_at=HOUR_10, brands=(hostile_brand,), title=HOSTILE_TEXT,
            text=HOSTILE_TEXT + f" javascript:alert({n}) <script>alert('term')</script>",
            url=HOSTILE_URL,
            author=Author(handle=f"eve{n}", name=HOSTILE_NAME, url=HOSTILE_URL, followers=1000),
            engagement=Engagement(likes=50 + n),
            judgments=Judgments(
                sentiment_label=SentimentLabel.NEGATIVE,
                topics=(Finding('<img src=x onerror="alert(2)">', ()),),
                feelings=(Finding("{{ 7*7 }}", ()),),
            ),
        )
        for n in range(1, 4)
    ])  # fmt: skip
    page.goto(running.url + "/dashboard?range=24h")
    page.locator("#engaged-table").wait_for()
    assert page.locator("script:not([src])").count() == 0
    assert page.locator("[onerror], [onmouseover]").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    share = page.locator("#share-of-voice-table").inner_text()
    assert hostile_brand in share
    assert '<img src=x onerror="alert(2)">' in page.locator("#topics-table").inner_text()
    feelings = page.locator("#feelings-table").inner_text()
    assert "{{ 7*7 }}" in feelings and "49" not in feelings
    assert HOSTILE_NAME in page.locator("#authors-table").inner_text()
    assert "<script>" in page.locator("#engaged-table").inner_text()
    # The brand's search link carries the name as data, and the search finds its mentions.
    page.locator("#share-of-voice-table a", has_text="Evil").first.click()
    page.wait_for_url(re.compile(r"/search\?.*brand="))
    assert page.locator(".search-count strong").inner_text() == "3"
