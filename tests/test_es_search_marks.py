"""Highlights of a word that starts or ends the title or text (trial finding 4): both
engines mark it alike with every caller's markers, the web's and the CLI's control
characters included. The cluster trims control characters off a fragment's ends (osmem
does: a departure from Elasticsearch, which documents no such trim), so the markers it is
asked for are printable ones of the search's own, turned into the caller's after."""

from __future__ import annotations

from pathlib import Path

import pytest

from listener.store import SQLiteStore
from listener.store.base import DEFAULT_HIGHLIGHT
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from listener.store.search import search_where
from listener.store.search_walk import FIRST_PAGE, walk_page
from listener.web.search_views import highlight_marks
from tests.store_helpers import make_mention

_MENTIONS = [
    make_mention(1, title="Acme Corp launches new widget", text="Acme Corp launches new widget"),
    make_mention(2, title="We love Acme", text="We really love Acme"),
    make_mention(3, title="Acme", text="Acme"),
]


@pytest.mark.parametrize("marks", [highlight_marks(), DEFAULT_HIGHLIGHT, ("[", "]")])
def test_a_first_or_last_word_is_marked_as_on_sqlite(
    tmp_path: Path, es_settings: ClusterSettings, marks: tuple[str, str]
) -> None:
    sqlite_store = SQLiteStore(tmp_path / "sqlite.db")
    elastic = ElasticStore(tmp_path / "elastic.db", es_settings)
    try:
        answers = []
        for store in (sqlite_store, elastic):
            store.insert_mentions(_MENTIONS)
            if store is elastic:
                elastic.shared_index.refresh()
            searched = {h.mention.id: (h.title_highlighted, h.snippet)
                        for h in store.search("acme", highlight=marks)}  # fmt: skip
            where = search_where("acme", brand=None, source=None, sentiment=None, since=None,
                                 until=None)  # fmt: skip
            walked = {h.mention.id: (h.title_highlighted, h.snippet)
                      for h in walk_page(store, where, after=FIRST_PAGE, limit=10,
                                         highlight=marks).hits}  # fmt: skip
            answers.append((searched, walked))
        open_mark, close_mark = marks
        first = (f"{open_mark}Acme{close_mark} Corp launches new widget",) * 2
        assert answers[0][0]["news:1"] == first
        marked = f"{open_mark}Acme{close_mark}"
        assert answers[0][0]["news:2"] == (f"We love {marked}", f"We really love {marked}")
        assert answers[1] == answers[0]
    finally:
        elastic.close()
        sqlite_store.close()
