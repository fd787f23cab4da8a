"""A syndicated copy of a customer's letter is not a second contact (trial finding 10).

Dana wrote to us on X; a site syndicated the letter under her linked Reddit account (the
near-copy stage marks it ``copy_of`` the letter). Her next complaint is her 2nd contact, not
her 3rd; and where her history is listed on the web (author and person pages, the API) the
copy says "copy". A real SQLite store, the real complaint rule, the real web app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx

from listener.models import Author
from listener.store.people import Account
from tests.alert_rules_helpers import NOW, Harness, judged, make_settings
from tests.store_helpers import T0, make_mention
from tests.web_fixtures import WebServer

DANA = (Account("x", "dana"), Account("reddit", "dana_r"))
LETTER = "acme my order never came and nobody answers my emails"


def test_a_copy_of_the_letter_does_not_count_as_a_repeat_contact(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings())
    letter = replace(judged(LETTER, handle="dana", at=NOW - timedelta(days=2)), source_type="x")
    copy = replace(
        judged(LETTER, handle="dana_r", at=NOW - timedelta(days=1), source="r-brand"),
        source_type="reddit",
        copy_of=letter.id,
    )
    h.history([letter, copy])
    h.store.link_accounts(DANA, by="test", name="Dana")
    h.feed([replace(judged("acme still nothing", handle="dana_r"), source_type="reddit")])
    [alert] = h.alerts()
    assert alert.details["prior_contacts"] == 1
    assert "2nd contact in 7 days" in alert.severity_reasons
    assert not any("3rd contact" in r for r in alert.severity_reasons)


def test_a_copy_alone_is_no_earlier_contact(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings())
    copy = replace(
        judged(LETTER, handle="dana", at=NOW - timedelta(days=1)),
        source_type="x",
        copy_of="elsewhere:1",
    )
    h.history([copy])
    h.feed([replace(judged("acme still nothing", handle="dana"), source_type="x")])
    [alert] = h.alerts()
    assert alert.details["prior_contacts"] == 0
    assert not any("contact in 7 days" in r for r in alert.severity_reasons)


def test_the_author_and_person_pages_mark_the_copy(web_server: Callable[..., WebServer]) -> None:
    running = web_server()
    letter = make_mention(
        1, source="x", source_type="x", author=Author(handle="dana"), text=LETTER,
        published_at=T0,
    )  # fmt: skip
    copy = make_mention(
        2, source="reddit", source_type="reddit", author=Author(handle="dana_r"), text=LETTER,
        published_at=T0 + timedelta(hours=1), copy_of=letter.id,
    )  # fmt: skip
    running.store.insert_mentions([letter, copy])
    person = running.store.link_accounts(DANA, by="test")

    api = httpx.get(f"{running.url}/api/v1/people/{person.id}").json()
    assert {item["id"]: item["copy_of"] for item in api["items"]} == {
        "reddit:2": "x:1",
        "x:1": None,
    }
    for page in (f"/people/{person.id}", "/authors/x/dana"):
        html = httpx.get(f"{running.url}{page}").text
        rows = html.split('data-mention="')[1:]
        [copy_row] = [r for r in rows if r.startswith("reddit:2")]
        [letter_row] = [r for r in rows if r.startswith("x:1")]
        assert 'class="badge copy-mark"' in copy_row.split("</li>")[0]
        assert "copy-mark" not in letter_row.split("</li>")[0]
