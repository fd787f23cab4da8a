"""People in a real browser (Chromium via Playwright): "Link" on a suggestion makes one
person whose author page shows both networks' mentions; "Older mentions" continues the
merged history in place; the tags form saves. The page runs no hostile text and logs no
error (the CSP allows no inline script: the forms work as plain posts)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from listener.models import Author
from tests.store_helpers import T0, make_mention
from tests.web_fixtures import WebServer, without_aborts
from tests.web_pages_helpers import HOSTILE_NAME

Serve = Callable[..., WebServer]
SITE = "https://janebakes.example/about"


def _store(running: WebServer) -> None:
    on_x = Author(handle="JaneB", name=HOSTILE_NAME, links=(SITE,))
    on_reddit = Author(handle="jane_bakes", name="Jane", links=(SITE,))
    running.store.insert_mentions(
        [
            make_mention(
                n,
                source="x" if n % 2 else "reddit",
                source_type="x" if n % 2 else "reddit",
                author=on_x if n % 2 else on_reddit,
                published_at=T0 + timedelta(hours=n),
            )
            for n in range(1, 6)
        ]
    )


def test_link_a_suggestion_then_read_one_history_and_tag_the_person(
    web_server: Serve, page: Any
) -> None:
    running = web_server()
    _store(running)
    page.goto(f"{running.url}/authors/x/JaneB?limit=2")
    suggestion = page.locator(".suggestion")
    assert "janebakes.example" in suggestion.inner_text()
    assert page.locator("#author-mentions [data-mention]").count() == 2
    suggestion.get_by_role("button", name="Link").click()
    page.wait_for_url(f"{running.url}/authors/x/JaneB")
    card = page.locator(".person-card")
    assert "@jane_bakes" in card.inner_text() and "reddit" in card.inner_text()
    assert page.locator(".suggestion").count() == 0
    main = page.locator("main").inner_text()
    assert "Erase this person's data (all 2 accounts)" in main  # the local admin sees it

    person = running.store.person_of(["x", "x_stream"], "janeb")
    assert person is not None
    page.goto(f"{running.url}/people/{person.id}?limit=2")
    rows = page.locator("#person-mentions [data-mention]")
    assert rows.count() == 2
    page.get_by_role("link", name="Older mentions").click()
    rows.nth(2).wait_for()  # a locator's wait: a string to evaluate would break the CSP
    page.get_by_role("link", name="Older mentions").click()
    rows.nth(4).wait_for()
    shown = [rows.nth(i).get_attribute("data-mention") for i in range(rows.count())]
    assert shown == ["x:5", "reddit:4", "x:3", "reddit:2", "x:1"]

    card = page.locator(".person-card")
    card.get_by_label("vip").check()
    card.get_by_label("Note").fill("bakes for us <b>weekly</b>")
    card.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{running.url}/people/{person.id}")
    assert "bakes for us <b>weekly</b>" in page.locator(".person-card .note").inner_text()
    saved = running.store.get_person(person.id)
    assert saved is not None and saved.tags == ("vip",)
    assert without_aborts(page.problems.console_errors) == []
    assert page.problems.dialogs == []
