"""Long names in a real browser (Chromium; trial findings 7 and 9): a 250-character name
with no space wraps inside its table cell on the dashboard's "Top authors by reach", on
/people and on the author and person pages instead of stretching the page, and the /people
table's headers sit over their cells."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from listener.models import Author
from listener.store.people import Account
from tests.store_helpers import make_mention
from tests.test_web_dashboard import HOUR_10, NOW, SETTINGS
from tests.web_fixtures import WebServer

Serve = Callable[..., WebServer]
LONG = "Jordan" + "x" * 244  # 250 characters, no break opportunity
VIEWPORT = 1280


def _store(running: WebServer) -> int:
    author = Author(handle="j" * 120, name=LONG, followers=50_000)
    running.store.insert_mentions(
        [
            make_mention(
                n,
                source="news",
                source_type="reddit",
                brands=("Acme",),
                author=author,
                published_at=HOUR_10 + timedelta(minutes=n),
            )
            for n in range(1, 4)
        ]
    )
    person = running.store.link_accounts(
        [Account("reddit", "j" * 120), Account("x", "jpike")], by="test", name=LONG
    )
    return person.id


def _page_width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_a_long_name_wraps_instead_of_widening_the_page(web_server: Serve, page: Any) -> None:
    running = web_server(SETTINGS, clock=lambda: NOW)
    person_id = _store(running)
    page.set_viewport_size({"width": VIEWPORT, "height": 900})
    for path in (
        "/dashboard?brand=Acme&range=24h",
        "/people",
        f"/people/{person_id}",
        f"/authors/reddit/{'j' * 120}",
    ):
        page.goto(running.url + path)
        assert LONG in page.locator("main").inner_text(), path
        assert _page_width(page) <= VIEWPORT, path


def test_the_people_table_headers_sit_over_their_cells(web_server: Serve, page: Any) -> None:
    running = web_server(SETTINGS, clock=lambda: NOW)
    _store(running)
    page.goto(running.url + "/people")
    heads = page.locator(".people-table thead th")
    cells = page.locator(".people-table tbody tr").first.locator("td")
    assert heads.count() == cells.count() == 4
    for n in range(4):
        head, cell = heads.nth(n).bounding_box(), cells.nth(n).bounding_box()
        assert head is not None and cell is not None
        assert abs(head["x"] - cell["x"]) < 1 and abs(head["width"] - cell["width"]) < 1
        # The words start at the same place: no centred header over left-aligned cells.
        align = "getComputedStyle(el).textAlign"
        assert heads.nth(n).evaluate(f"el => {align}") == cells.nth(n).evaluate(f"el => {align}")
