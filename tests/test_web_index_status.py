"""The sources page names the mention index when ``storage.elasticsearch`` is set: engine,
version, URL (without credentials), what is waiting to be sent, what the cluster refused and
the last failure, over a real ElasticStore on the test cluster and a real web server."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from listener.config.engine import open_configured_store
from listener.config.settings import load_settings
from listener.metrics import Metrics
from listener.models import Judgments
from listener.store import open_store
from listener.store.elasticsearch.settings import ClusterSettings
from listener.web.context import WebContext
from tests.store_helpers import make_mention
from tests.web_fixtures import WebServer, serve_context
from tests.web_pages_helpers import browser_client

SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: {db}
{elasticsearch}"""


def _app(tmp_path: Path, elasticsearch: str) -> Iterator[WebServer]:
    path = tmp_path / "settings.yaml"
    text = SETTINGS.format(db=tmp_path / "listener.db", elasticsearch=elasticsearch)
    path.write_text(text, encoding="utf-8")
    settings = load_settings(path, environ={"ES_PASSWORD": "pw-9f8e7d6c5b"})
    store = open_configured_store(settings.storage)
    running = serve_context(WebContext(settings=settings, store=store, metrics=Metrics()))
    yield running
    running.stop()
    store.close()


@pytest.fixture
def es_app(tmp_path: Path, es_settings: ClusterSettings) -> Iterator[WebServer]:
    host = es_settings.urls[0].removeprefix("http://")
    yield from _app(
        tmp_path,
        "  elasticsearch:\n"
        f"    urls: ['http://listener:${{ES_PASSWORD}}@{host}']\n"
        f"    index_prefix: {es_settings.index_prefix}\n    replicas: 0\n",
    )


def test_the_sources_page_names_the_index_and_its_queue(es_app: WebServer) -> None:
    es_app.store.insert_mentions([make_mention(1)])  # sent right after the commit

    page = browser_client(es_app).get("/sources").text

    host = es_app.store.cluster.settings.urls[0]
    assert f"Mentions index: opensearch 3.8.0 at {host}, 0 waiting to be sent</p>" in page or (
        "Mentions index: elasticsearch" in page  # LISTENER_TEST_ES_URL names another cluster
    )
    assert "pw-9f8e7d6c5b" not in page and "listener:" not in page

    # What the outbox holds and a refusal (rows in the real file, as a cluster away leaves).
    with sqlite3.connect(es_app.store.path) as conn:
        conn.executemany(
            "INSERT INTO index_outbox (mention_id, op) VALUES (?, 'index')",
            [("news:7",), ("news:8",)],
        )
        conn.execute(
            "INSERT INTO index_rejected VALUES ('news:9', 400, 'bad <b>field</b>', '2026-12-06')"
        )
    table = browser_client(es_app).get("/sources", headers={"hx-target": "sources-table"}).text

    assert "2 waiting to be sent, 1 refused by the cluster" in table  # the 10 s refresh too


def test_the_embedded_engine_shows_no_index_line(tmp_path: Path) -> None:
    open_store(tmp_path / "listener.db").close()
    for running in _app(tmp_path, ""):
        assert "Mentions index:" not in browser_client(running).get("/sources").text


@pytest.fixture
def doomed() -> Iterator[Any]:
    """A cluster of this test's own, stopped mid-test."""
    osmem = pytest.importorskip("osmem_server")
    server = osmem.OsmemServer.start()
    try:
        yield server
    finally:
        server.close()


def test_a_cluster_gone_away_shows_the_queue_and_the_last_error_without_the_password(
    tmp_path: Path, doomed: Any
) -> None:
    host = doomed.url.removeprefix("http://")
    for running in _app(
        tmp_path,
        f"  elasticsearch:\n    urls: ['http://listener:${{ES_PASSWORD}}@{host}']\n"
        "    replicas: 0\n    max_retries: 0\n",
    ):
        mention = make_mention(1)
        running.store.insert_mentions([mention])
        doomed.close()
        running.store.update_judgments(mention.id, Judgments(sentiment=-0.9, complaint=True))

        page = browser_client(running).get("/sources").text

        assert f"at http://{host}, 1 waiting to be sent; last error: " in page
        assert "index-failing" in page
        assert "pw-9f8e7d6c5b" not in page
