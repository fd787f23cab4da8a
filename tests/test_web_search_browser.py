"""The search page in a real browser: a filter narrows the results in place, the matched word
is highlighted, the CSV download holds the whole result set, a saved search reopens from its
URL, and hostile text in hits shows as text with nothing run (the ``page`` fixture fails the
test on any dialog or console error)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from listener.models import Author, Judgments, SentimentLabel
from tests.store_helpers import make_mention
from tests.web_fixtures import WebServer
from tests.web_pages_helpers import HOSTILE_NAME, HOSTILE_TEXT, HOSTILE_URL

Serve = Callable[..., WebServer]


def _fill(running: WebServer, count: int) -> None:
    running.store.insert_mentions(
        [
            make_mention(
                n,
                text=f"my acme anvil {n} arrived broken" if n % 2 else f"acme rocket {n} flies",
                judgments=Judgments(
                    sentiment_label=SentimentLabel.NEGATIVE if n % 3 else SentimentLabel.POSITIVE
                ),
            )
            for n in range(1, count + 1)
        ]
    )


def test_search_with_a_filter_highlights_and_exports_what_it_shows(
    web_server: Serve, page: Any, tmp_path: Path
) -> None:
    running = web_server()
    _fill(running, 60)
    page.goto(running.url + "/search")
    page.fill("#q", "anvil")
    page.press("#q", "Enter")
    page.wait_for_url("**/search?q=anvil*")
    page.select_option("select[name=sentiment]", "negative")
    page.wait_for_url("**sentiment=negative*")
    marks = page.locator(".hit .snippet mark")
    marks.first.wait_for()
    assert marks.first.inner_text().lower() == "anvil"
    # 30 odd numbers say anvil; of those, the ones not divisible by 3 are negative.
    expected = [n for n in range(1, 61) if n % 2 and n % 3]
    assert page.locator(".search-count").inner_text().startswith(f"{len(expected)} matches")
    for badge in page.locator(".hit .badge-negative").all_inner_texts():
        assert badge == "negative"
    # Back restores the whole page of the search before, not the results block alone.
    page.go_back()
    page.wait_for_url("**/search?q=anvil")
    page.locator(".search-count", has_text="30 matches").wait_for()
    assert page.locator("#search-form").count() == 1
    page.go_forward()
    page.wait_for_url("**sentiment=negative*")
    page.locator(".search-count", has_text=f"{len(expected)} matches").wait_for()

    with page.expect_download() as downloading:
        page.click("a[data-export=csv]")
    download = downloading.value
    assert download.suggested_filename.startswith("listener-search-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert sorted(int(r["native_id"]) if "native_id" in r else int(r["id"].split(":")[1])
                  for r in rows) == expected  # fmt: skip
    assert {r["sentiment_label"] for r in rows} == {"negative"}


def test_a_saved_search_reopens_from_its_url(web_server: Serve, page: Any) -> None:
    running = web_server()
    _fill(running, 20)
    page.goto(running.url + "/search?q=anvil&sentiment=negative")
    page.fill("#save-name", "Broken anvils")
    page.click(".save-search button[type=submit]")
    page.wait_for_url("**/search?saved=Broken%20anvils")
    shown = page.locator(".hit").count()
    assert shown == len([n for n in range(1, 21) if n % 2 and n % 3])

    fresh = page.context.new_page()
    fresh.goto(running.url + "/search?saved=Broken%20anvils")
    assert fresh.input_value("#q") == "anvil"
    assert fresh.input_value("select[name=sentiment]") == "negative"
    assert fresh.locator(".hit").count() == shown
    assert "Broken anvils" in fresh.locator("h1").inner_text()
    fresh.close()

    page.goto(running.url + "/search/saved")
    link = page.locator("a", has_text="Broken anvils")
    assert link.get_attribute("href") == "/search?saved=Broken%20anvils"
    with httpx.Client(base_url=running.url) as client:
        listed = client.get("/api/v1/saved-searches").json()["items"]
    assert [s["name"] for s in listed] == ["Broken anvils"]


def test_hostile_text_in_hits_shows_as_text_and_nothing_runs(web_server: Serve, page: Any) -> None:
    running = web_server()
    running.store.insert_mentions(
        [
            make_mention(
                1,
                title=f"acme {HOSTILE_TEXT}",
                text=f"acme anvil {HOSTILE_TEXT} \x02not a mark\x03 <b style='color:red'>x</b>",
                author=Author(handle="eve<script>", name=HOSTILE_NAME),
                url=HOSTILE_URL,
            )
        ]
    )
    page.goto(running.url + "/search?q=anvil")
    hit = page.locator(".hit").first
    hit.wait_for()
    text = hit.inner_text()
    assert '<script>alert("text")</script>' in text
    assert "{{ 7*7 }}" in text and "49" not in text
    assert '<b onmouseover="alert(1)">Eve</b>' in text
    # Only the real match is marked; the text's own marker characters are not trusted.
    assert [m.lower() for m in hit.locator("mark").all_inner_texts()] == ["anvil"]
    assert hit.locator("script, img, style, b").count() == 0
    # A javascript: URL never becomes a link.
    hrefs = hit.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert all(not h.lower().startswith("javascript:") for h in hrefs)
    assert any(h.startswith("/mentions/") for h in hrefs)
    # A query full of markup is shown back as typed, in the box and in an error.
    page.goto(running.url + "/search?q=" + "%3Cscript%3Ealert(1)%3C%2Fscript%3E%20AND")
    assert page.input_value("#q") == "<script>alert(1)</script> AND"
    assert page.locator(".query-error").count() == 1
    assert "<script>alert(1)</script>" in page.locator(".query-error").inner_text()


CHOICES_SETTINGS = """\
brands:
  - name: Acme
    query: acme
  - name: Globex
    query: globex
storage:
  sqlite: {db}
sources:
  - name: news
    type: rss
    interval: 1h
    url: http://127.0.0.1:9/news.xml
  - name: forum
    type: rss
    interval: 1h
    url: http://127.0.0.1:9/forum.xml
"""


def test_brand_and_source_are_chosen_from_the_configured_ones_and_a_bad_query_has_one_caret(
    web_server: Serve, page: Any
) -> None:
    running = web_server(CHOICES_SETTINGS)
    running.store.insert_mentions(
        [
            make_mention(1, source="news", text="acme anvil one", brands=("Acme",)),
            make_mention(2, source="forum", text="acme anvil two", brands=("Acme",)),
        ]
    )
    page.goto(running.url + "/search?q=anvil")
    brands = page.locator("select[name=brand] option").all_inner_texts()
    sources = page.locator("select[name=source] option").all_inner_texts()
    assert brands == ["any", "Acme", "Globex"] and sources == ["any", "news", "forum"]
    page.select_option("select[name=source]", "forum")
    page.press("#q", "Enter")
    page.wait_for_url("**source=forum*")
    page.locator(".hit").first.wait_for()
    assert page.locator(".hit").count() == 1
    # Let the page's own requests (its facets load after it) finish: leaving mid-request
    # aborts them, and htmx reports an abort as a console error.
    page.wait_for_load_state("networkidle")
    page.goto(running.url + '/search?q=("acme anvil" OR')
    view = page.locator(".caret-view")
    assert view.inner_text().count("^") == 1
    decoration = page.evaluate(
        "getComputedStyle(document.querySelector('.caret-view .error-at')).textDecorationLine"
    )
    assert decoration == "none"  # the caret line is the one mark under the column
