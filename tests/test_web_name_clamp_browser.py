"""A hostile author name (markup and 250 unbroken characters) is cut at two lines where it is
shown in a row or a byline — the inbox, the alert page, search hits — in a real Chromium at
1,280 px: it stacked ~800 px down the inbox's Who column and pushed every later alert off
screen. The full name stays in the title; short names keep their one line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from listener.models import Author
from tests.inbox_helpers import INBOX_SETTINGS, alert_about
from tests.web_fixtures import WebServer

Start = Callable[..., WebServer]
HOSTILE_NAME = "<script>alert(1)</script>" + "W" * 250
LONG_HANDLE = "x" * 250


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def inbox(web_server: Start) -> WebServer:
    server = web_server(INBOX_SETTINGS)
    at = now()
    alert_about(server.store, 1, at=at, author=Author(handle="short@news.test", name="Jo Pike"))
    alert_about(
        server.store, 2, at=at, author=Author(handle="hostile@news.test", name=HOSTILE_NAME)
    )
    alert_about(server.store, 3, at=at, author=Author(handle=LONG_HANDLE, name="Long Handle"))
    return server


def line_height(page: Any, selector: str) -> float:
    height: float = page.evaluate(
        "s => parseFloat(getComputedStyle(document.querySelector(s)).lineHeight)"
        " || parseFloat(getComputedStyle(document.querySelector(s)).fontSize) * 1.6",
        selector,
    )
    return height


def box_height(page: Any, locator: Any) -> float:
    box = locator.bounding_box()
    assert box is not None
    height: float = box["height"]
    return height


def test_inbox_rows_cut_a_long_name_and_handle_at_two_lines(inbox: WebServer, page: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{inbox.url}/inbox")
    hostile = page.locator("#alert-row-2 .inbox-who a.author-name")
    short = page.locator("#alert-row-1 .inbox-who a.author-name")
    long_handle = page.locator("#alert-row-3 .inbox-who .handle")
    one_line = box_height(page, short)
    assert box_height(page, hostile) <= 2.2 * one_line
    assert box_height(page, long_handle) <= 2.2 * one_line
    # The row as a whole stays a normal row's height (it was ~800 px).
    assert box_height(page, page.locator("#alert-row-2")) < 160
    # The full name is still there to read, as text and not markup.
    assert hostile.get_attribute("title") == f"{HOSTILE_NAME}: all their mentions"
    assert long_handle.get_attribute("title") == f"@{LONG_HANDLE}"
    # A short name and its site stay on one line.
    short_site = page.locator("#alert-row-1 .inbox-who .handle")
    short_box, site_box = short.bounding_box(), short_site.bounding_box()
    assert short_box is not None and site_box is not None
    assert abs(short_box["y"] - site_box["y"]) < one_line / 2


def test_the_alert_page_and_search_hits_cut_it_too(inbox: WebServer, page: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{inbox.url}/alerts/2")
    names = page.locator("a.author-name", has_text="WWWW")
    assert names.count() >= 1
    one_line = line_height(page, "a.author-name")
    for index in range(names.count()):
        assert box_height(page, names.nth(index)) <= 2.5 * one_line
    page.goto(f"{inbox.url}/search?q=acme")
    hit = page.locator("a.hit-author", has_text="WWWW")
    hit.first.wait_for()
    assert box_height(page, hit.first) <= 2.5 * line_height(page, "a.hit-author")
    assert hit.first.get_attribute("title") == f"{HOSTILE_NAME}: all their mentions"
