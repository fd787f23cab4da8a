"""The web app's JSON twins on both engines, served by a real server over a daemon's store
that did not store the mentions: the search API (hits, highlights escaped once, facets,
cursor pages) and a mention by id."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from listener.config.settings import load_settings
from listener.metrics import Metrics
from listener.store import SQLiteStore
from listener.web.context import WebContext
from tests.contract.mentions import NEWEST_FIRST, fill
from tests.web_fixtures import MINIMAL_SETTINGS, WebServer, serve_context
from tests.web_pages_helpers import token_client


@pytest.fixture
def api(store: SQLiteStore, writer: SQLiteStore, tmp_path: Path) -> Iterator[httpx.Client]:
    fill(writer)
    path = tmp_path / "settings.yaml"
    path.write_text(MINIMAL_SETTINGS.format(db=tmp_path / "listener.db"), encoding="utf-8")
    context = WebContext(settings=load_settings(path, environ={}), store=store, metrics=Metrics())
    running: WebServer = serve_context(context)
    try:
        with closing(token_client(running, "script", "viewer")) as client:
            yield client
    finally:
        running.stop()


def searched(api: httpx.Client, **params: Any) -> dict[str, Any]:
    answer = api.get("/api/v1/search", params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_the_search_api_finds_and_highlights(api: httpx.Client) -> None:
    body = searched(api, q="anvil")
    assert [hit["id"] for hit in body["items"]] == ["news:1"]
    assert "<mark>anvil</mark>" in body["items"][0]["snippet_html"]
    hostile = searched(api, q="bold")["items"][0]["snippet_html"]
    # The text's own markup is escaped once, the highlight is the page's own.
    assert "&lt;b&gt;<mark>bold</mark>&lt;/b&gt;" in hostile


def test_the_search_api_pages_newest_first_by_cursor(api: httpx.Client) -> None:
    ids: list[str] = []
    cursor = None
    for _ in range(10):
        body = searched(api, sort="newest", limit=5, **({"cursor": cursor} if cursor else {}))
        ids += [hit["id"] for hit in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert ids == NEWEST_FIRST


def test_the_search_api_counts_facets_and_refuses_a_bad_query(api: httpx.Client) -> None:
    body = searched(api, q="acme", complaint="yes")
    assert [hit["id"] for hit in body["items"]] == ["news:2"]
    facets = {
        g["name"]: [(v["value"], v["count"]) for v in g["values"]] for g in body["facets"]["groups"]
    }
    assert (body["facets"]["counted"], body["facets"]["capped"]) == (1, False)
    assert facets["topic"] == [("quality", 1)] and facets["urgency"] == [("high", 1)]
    refused = api.get("/api/v1/search", params={"q": "(acme"})
    assert refused.status_code == 400 and "unbalanced parenthesis" in refused.text


def test_a_mention_by_id(api: httpx.Client) -> None:
    answer = api.get("/api/v1/mentions/reddit-main:3")
    assert answer.status_code == 200, answer.text
    assert "Café crème" in answer.text
    assert api.get("/api/v1/mentions/news:404").status_code == 404
