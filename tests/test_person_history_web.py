"""The web app's alert page shows a linked person's history across networks (issue 18):
the lead's author on Reddit, linked to their Bluesky account, has the Bluesky post in the
alert's author history, marked with its network; an unlinked author's stays their own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import httpx

from listener.models import Author, Mention
from listener.store.people import Account
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
"""


def _post(n: int, source_type: str, handle: str) -> Mention:
    source = {"bluesky": "sky", "reddit": "rdt"}[source_type]
    return make_mention(n, source=source, source_type=source_type, author=Author(handle=handle))


def test_the_alert_page_history_spans_the_persons_networks(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server(SETTINGS)
    running.store.insert_mentions(
        [_post(1, "bluesky", "ann.bsky.social"), _post(2, "reddit", "ann_r"),
         _post(3, "reddit", "someone_else")]
    )  # fmt: skip
    at = T0 + timedelta(hours=1)
    alert, _ = raise_alert(running.store, 1, at=at, mention_ids=["rdt:2"])
    before = httpx.get(f"{running.url}/api/v1/alerts/{alert.id}").json()
    assert [h["id"] for h in before["author_history"]] == ["rdt:2"]

    running.store.link_accounts(
        [Account("reddit", "ann_r"), Account("bluesky", "ann.bsky.social")], by="test"
    )
    body = httpx.get(f"{running.url}/api/v1/alerts/{alert.id}").json()
    history = [(h["id"], h["network"]) for h in body["author_history"]]
    assert history == [("rdt:2", ""), ("sky:1", "bluesky")]
    page = httpx.get(f"{running.url}/alerts/{alert.id}").text
    assert "sky (bluesky)" in page
