"""The web app shows one person on one network as one author: the author page of a
``jetstream`` handle holds their ``bluesky`` posts too (one record, counts added up), the
alert page's history does, and a VIP listed under ``bluesky`` is tagged on a stream's post."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx

from listener.models import Author, Mention
from tests.alert_helpers import raise_alert
from tests.store_helpers import T0, make_mention
from tests.web_fixtures import WebServer

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
alerts:
  authors:
    - handle: ann.bsky.social
      source_type: bluesky
      tags: [vip]
"""


def _by_ann(n: int, source_type: str, **overrides: Any) -> Mention:
    source = {"bluesky": "sky-search", "jetstream": "sky-live"}.get(source_type, "news")
    author = Author(handle="ann.bsky.social", name=f"Ann {source_type}", followers=10 * n)
    return make_mention(n, source=source, source_type=source_type, author=author, **overrides)


def test_the_author_page_of_a_stream_handle_holds_the_polled_posts_too(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server(SETTINGS)
    running.store.insert_mentions(
        [
            _by_ann(1, "bluesky"),
            _by_ann(2, "jetstream"),
            _by_ann(3, "bluesky"),
            _by_ann(4, "rss"),  # the same handle on a feed: maybe someone else
        ]
    )
    raise_alert(running.store, 1, at=T0 + timedelta(hours=1), mention_ids=["sky-search:1"])
    body = httpx.get(f"{running.url}/api/v1/authors/jetstream/ann.bsky.social").json()
    assert [item["id"] for item in body["items"]] == ["sky-search:3", "sky-live:2", "sky-search:1"]
    record = body["record"]
    assert record["source_type"] == "jetstream" and record["mention_count"] == 3
    assert record["name"] == "Ann bluesky" and record["followers"] == 30  # the latest seen
    assert record["first_seen_at"].startswith((T0 + timedelta(minutes=1)).isoformat()[:16])
    assert [r["source_type"] for r in body["elsewhere"]] == ["rss"]
    assert [a["title"] for a in body["alerts"]] == ["Alert number 1"]
    assert body["tags"] == ["vip"]
    assert "on bluesky" in body["scope"]
    polled = httpx.get(f"{running.url}/api/v1/authors/bluesky/ann.bsky.social").json()
    assert [item["id"] for item in polled["items"]] == [item["id"] for item in body["items"]]


def test_the_alert_page_history_and_tags_follow_the_network(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server(SETTINGS)
    running.store.insert_mentions(
        [_by_ann(1, "bluesky"), _by_ann(2, "rss"), _by_ann(3, "jetstream")]
    )
    alert, _ = raise_alert(running.store, 1, at=T0 + timedelta(hours=1), mention_ids=["sky-live:3"])
    body = httpx.get(f"{running.url}/api/v1/alerts/{alert.id}").json()
    assert [h["id"] for h in body["author_history"]] == ["sky-live:3", "sky-search:1"]
    lead = body["mention_list"][0]
    assert lead["author"]["tags"] == ["vip"]
