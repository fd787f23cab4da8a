"""The author page and /api/v1/authors: every mention by one handle on one network, from
all its sources, newest first in keyset pages, with their alerts, tags and reach."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx

from listener.models import Author
from tests.alert_helpers import raise_alert
from tests.store_helpers import T0, make_mention
from tests.web_fixtures import WebServer
from tests.web_pages_helpers import HOSTILE_NAME, HOSTILE_TEXT, HOSTILE_URL

SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: {db}
sources:
  - name: news
    type: rss
    interval: 1h
    url: http://127.0.0.1:9/news.xml
  - name: blog
    type: rss
    interval: 1h
    url: http://127.0.0.1:9/blog.xml
alerts:
  authors:
    - handle: "@Bob"
      tags: [vip, loyal]
      note: ordered every month since 2019
"""


def _by_bob(n: int, source: str, **overrides: Any) -> Any:
    # Handles compare without case: "Bob" and "bob" are one author.
    author = Author(handle="Bob" if n % 2 else "bob", name="Bob Baker", followers=100 + n)
    return make_mention(n, source=source, author=author, **overrides)


def test_mentions_from_two_sources_newest_first_in_keyset_pages(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server(SETTINGS)
    # Published out of insertion order, two of them at the same instant.
    mentions = [
        _by_bob(1, "news"),
        _by_bob(2, "blog", published_at=T0 + timedelta(hours=5)),
        _by_bob(3, "news", published_at=T0 + timedelta(hours=5)),
        _by_bob(4, "blog"),
        _by_bob(5, "news", published_at=T0 - timedelta(days=3)),
        make_mention(6, source="news", author=Author(handle="someone-else")),
    ]
    running.store.insert_mentions(mentions)
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        answer = httpx.get(f"{running.url}/api/v1/authors/rss/bob", params=params)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ["news:3", "blog:2", "blog:4", "news:1", "news:5"]
    assert pages == 3
    assert {item["source"] for item in body["items"]} == {"news"}
    first = httpx.get(f"{running.url}/api/v1/authors/rss/BOB").json()
    assert first["record"]["mention_count"] == 5
    assert first["record"]["name"] == "Bob Baker"
    assert first["tags"] == ["vip", "loyal"]
    assert first["note"] == "ordered every month since 2019"
    assert "from any of its sources" in first["scope"]


def test_the_alerts_of_their_mentions_are_listed_and_linked(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server(SETTINGS)
    running.store.insert_mentions([_by_bob(1, "news"), _by_bob(2, "blog")])
    alert, _ = raise_alert(running.store, 1, at=T0, mention_ids=["blog:2"], title="Parcel late")
    body = httpx.get(f"{running.url}/api/v1/authors/rss/bob").json()
    assert [a["id"] for a in body["alerts"]] == [alert.id]
    by_id = {item["id"]: item for item in body["items"]}
    assert [a["page"] for a in by_id["blog:2"]["alerts"]] == [f"/alerts/{alert.id}"]
    assert by_id["news:1"]["alerts"] == []
    page = httpx.get(f"{running.url}/authors/rss/bob").text
    assert f'href="/alerts/{alert.id}"' in page and "Parcel late" in page
    assert "vip" in page and "101 followers" not in page  # the newest followers count shows
    assert "102 followers" in page


def test_the_same_handle_on_another_network_is_listed_apart(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server(SETTINGS)
    running.store.insert_mentions(
        [
            _by_bob(1, "news"),
            _by_bob(2, "hn", source_type="hackernews"),
        ]
    )
    body = httpx.get(f"{running.url}/api/v1/authors/hackernews/bob").json()
    assert [item["id"] for item in body["items"]] == ["hn:2"]
    assert [(r["source_type"], r["page"]) for r in body["elsewhere"]] == [
        ("rss", "/authors/rss/Bob")
    ]
    page = httpx.get(f"{running.url}/authors/hackernews/bob").text
    assert "may be someone else" in page


def test_unknown_authors_and_foreign_cursors_are_refused(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server(SETTINGS)
    running.store.insert_mentions([_by_bob(1, "news")])
    assert httpx.get(f"{running.url}/api/v1/authors/rss/nobody").status_code == 404
    assert httpx.get(f"{running.url}/authors/rss/nobody").status_code == 404
    bad = httpx.get(f"{running.url}/api/v1/authors/rss/bob", params={"cursor": "not-ours"})
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert httpx.get(f"{running.url}/api/v1/authors/rss/bob?limit=0").status_code == 422


def test_a_handle_with_url_characters_has_a_working_page(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server(SETTINGS)
    handle = "we?ird #one/two"
    running.store.insert_mentions([make_mention(1, author=Author(handle=handle))])
    mention = httpx.get(f"{running.url}/api/v1/mentions/news:1").json()["mention"]
    assert mention["author"]["page"] == "/authors/rss/we%3Fird%20%23one%2Ftwo"
    body = httpx.get(running.url + mention["author"]["page"]).text
    assert "@we?ird #one/two" in body


def test_in_the_browser_older_mentions_load_below_and_hostile_text_stays_text(
    web_server: Callable[..., WebServer], page: Any
) -> None:
    running = web_server(SETTINGS)
    hostile = Author(handle="eve", name=HOSTILE_NAME, url=HOSTILE_URL, followers=5)
    running.store.insert_mentions(
        [
            make_mention(n, source="news" if n % 2 else "blog", author=hostile, text=HOSTILE_TEXT)
            for n in range(1, 6)
        ]
    )
    page.goto(f"{running.url}/authors/rss/eve?limit=2")
    assert page.locator(".author-name").inner_text() == HOSTILE_NAME
    assert HOSTILE_URL in page.locator(".author-facts").inner_text()
    items = page.locator(".timeline-item")
    assert items.count() == 2
    page.get_by_role("link", name="Older mentions").click()
    page.locator(".timeline-item[data-mention='blog:2']").wait_for()
    page.get_by_role("link", name="Older mentions").click()
    page.locator(".timeline-item[data-mention='news:1']").wait_for()
    assert [items.nth(i).get_attribute("data-mention") for i in range(5)] == [
        "news:5", "blog:4", "news:3", "blog:2", "news:1",
    ]  # fmt: skip
    assert page.get_by_role("link", name="Older mentions").count() == 0
    assert page.url.endswith("/authors/rss/eve?limit=2")  # loaded in place, no navigation
    assert items.nth(0).locator(".timeline-text").inner_text() == HOSTILE_TEXT
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("main script, main img, main style, main b").count() == 0


def test_every_page_showing_a_mention_links_its_author_or_says_why_it_cannot(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server(SETTINGS)
    bob = _by_bob(1, "news")
    # A feed names a person without an account: no author page can gather their mentions.
    named = make_mention(2, source="blog", author=Author(handle=None, name="Ann Writer"))
    running.store.insert_mentions([bob, named])
    bob_alert, _ = raise_alert(running.store, 1, at=T0, mention_ids=[bob.id])
    named_alert, _ = raise_alert(running.store, 2, at=T0, mention_ids=[named.id])
    bob_page = 'href="/authors/rss/Bob"'
    no_account = "this source names authors without an account"
    lists = ("/inbox", "/search?q=ordinary")
    for path in (f"/mentions/{bob.id}", f"/alerts/{bob_alert.id}", *lists):
        shown = httpx.get(running.url + path).text
        assert bob_page in shown, path
    assert httpx.get(running.url + "/authors/rss/Bob").status_code == 200
    for path in (f"/mentions/{named.id}", f"/alerts/{named_alert.id}", *lists):
        shown = httpx.get(running.url + path).text
        assert "Ann Writer" in shown, path
        assert no_account in shown.lower(), path
    assert 'href="/authors/rss/None"' not in httpx.get(running.url + "/inbox").text
