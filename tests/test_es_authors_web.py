"""The author and person pages read the cluster (issue 19): the web app of one daemon, opened
from settings with ``storage.elasticsearch`` as `listener web` opens it, shows the history
another daemon stored (its own file holds none of it), page after page, and the record's
counts, over a real server and the session's test cluster."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from listener.config.engine import open_configured_store
from listener.config.settings import load_settings
from listener.metrics import Metrics
from listener.models import Author
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from listener.store.people import Account
from listener.web.context import WebContext
from tests.store_helpers import T0, make_mention
from tests.web_fixtures import WebServer, serve_context

SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: {db}
  elasticsearch:
    urls: [{url}]
    index_prefix: {prefix}
    replicas: 0
"""


@pytest.fixture
def reader(tmp_path: Path, es_settings: ClusterSettings) -> Iterator[WebServer]:
    path = tmp_path / "settings.yaml"
    path.write_text(
        SETTINGS.format(
            db=tmp_path / "web.db", url=es_settings.urls[0], prefix=es_settings.index_prefix
        ),
        encoding="utf-8",
    )
    settings = load_settings(path, environ={})
    store = open_configured_store(settings.storage)
    assert isinstance(store, ElasticStore)
    running = serve_context(WebContext(settings=settings, store=store, metrics=Metrics()))
    try:
        yield running
    finally:
        running.stop()
        store.close()


@pytest.fixture
def writer(tmp_path: Path, es_settings: ClusterSettings) -> Iterator[ElasticStore]:
    with ElasticStore(tmp_path / "writer.db", es_settings) as store:
        yield store


def _ids(html: str) -> list[str]:
    # Each history row links to its mention's page.
    return re.findall(r'href="/mentions/([^"?#]+)"', html)


def test_an_author_page_pages_through_another_daemons_mentions(
    reader: WebServer, writer: ElasticStore
) -> None:
    ann = Author(handle="AnnB", name="Ann B")
    writer.insert_mentions(
        [make_mention(n, source="x", source_type="x", author=ann) for n in range(1, 6)]
    )
    writer.shared_index.refresh()
    assert reader.store.count_mentions() == 5
    seen: list[str] = []
    url: str | None = f"{reader.url}/api/v1/authors/x/annb?limit=2"
    while url:
        body = httpx.get(url).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        url = f"{reader.url}/api/v1/authors/x/annb?limit=2&cursor={cursor}" if cursor else None
    assert seen == [f"x:{n}" for n in (5, 4, 3, 2, 1)]
    record = httpx.get(f"{reader.url}/api/v1/authors/x/annb").json()["record"]
    assert (record["handle"], record["name"], record["mention_count"]) == ("AnnB", "Ann B", 5)
    page = httpx.get(f"{reader.url}/authors/x/AnnB")
    assert page.status_code == 200
    assert "Ann B" in page.text and "5 mentions stored" in page.text


def test_a_person_page_merges_accounts_from_the_cluster(
    reader: WebServer, writer: ElasticStore
) -> None:
    writer.insert_mentions(
        [
            make_mention(1, source="x", source_type="x", author=Author(handle="jane")),
            make_mention(2, source="reddit", source_type="reddit",
                         author=Author(handle="jane_bakes"), published_at=T0 + timedelta(hours=1)),
        ]
    )  # fmt: skip
    writer.shared_index.refresh()
    person = reader.store.link_accounts(
        [Account("x", "jane"), Account("reddit", "jane_bakes")], by="test"
    )
    body = httpx.get(f"{reader.url}/api/v1/people/{person.id}").json()
    assert [item["id"] for item in body["items"]] == ["reddit:2", "x:1"]
