"""Search on the Elasticsearch engine answers as the SQLite engine does: the same mentions
written to a SQLiteStore and to the shared index of an ElasticStore (over real HTTP, on the
session's test cluster: osmem-server unless LISTENER_TEST_ES_URL names one), then every
reader the web and CLI call, on both, compared.

The index's documents are written here with ``document_of`` and one ``_bulk`` (refresh),
with the SQLite store's own seq, so the comparison does not depend on the write path.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from listener.models import Finding, Judgments, Mention, SentimentLabel, Urgency
from listener.query import QueryError
from listener.store import SQLiteStore
from listener.store.base import SearchHit
from listener.store.elasticsearch.documents import document_of
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from listener.store.search import search_where
from listener.store.search_export_rows import export_rows
from listener.store.search_facets import facet_counts
from listener.store.search_walk import FIRST_PAGE, walk_page
from listener.store.stats.exact import exact_count
from tests.store_helpers import T0, make_mention

MARKS = ("[", "]")
_FILLERS = 24


def _judged(**values: object) -> Judgments:
    return Judgments(**values)  # type: ignore[arg-type]


def _corpus() -> list[Mention]:
    angry = _judged(
        sentiment=-0.8, sentiment_label=SentimentLabel.NEGATIVE, complaint=True,
        complaint_score=0.9, complaint_by="rules", feelings=(Finding("Angry", ("exploded",)),),
        topics=(Finding("billing", ("refund",)),), urgency=Urgency.HIGH,
    )  # fmt: skip
    happy = _judged(sentiment=0.7, sentiment_label=SentimentLabel.POSITIVE)
    spam = _judged(flags=(Finding("spam", ("giveaway",)),))
    special = [
        make_mention(1, title="Acme anvils are great", judgments=happy,
                     text="I love my Acme anvil #Anvils thanks @acme_support"),
        make_mention(2, text="Le café de Acme est délicieux", language="fr"),
        make_mention(3, title="Refund", text="Acme rocket exploded, refund please!",
                     judgments=angry),
        make_mention(4, text="東京駅でAcmeの新製品を買った", language="ja"),
        make_mention(5, text="Nothing about the brand, just a giveaway", judgments=spam,
                     brands=("Globex",)),
        make_mention(6, source="hn", source_type="hackernews", language="pt-BR",
                     text="The wi-fi at the acme store is down again"),
        make_mention(7, text="acme secret words that will be deleted"),
        make_mention(8, source="bsky", source_type="bluesky",
                     text="talking to @acme@mastodon.social about rockets"),
        make_mention(9, text="acme without a language", language=None),
        make_mention(40, text="Don't order from zorblax.example today", brands=("Globex",),
                     fetched_at=T0 + timedelta(minutes=9, seconds=45)),
    ]  # fmt: skip
    fillers = [
        make_mention(
            10 + i,
            source="news" if i % 3 else "blog",
            text=f"acme filler number {i} about anvils" + (" and rockets" if i % 2 else ""),
            published_at=T0 + timedelta(minutes=5),  # ties: the order's tie-breaks decide
        )
        for i in range(_FILLERS)
    ]
    return special + fillers


@dataclass
class Engines:
    sqlite: SQLiteStore
    elastic: ElasticStore

    @property
    def both(self) -> tuple[SQLiteStore, ElasticStore]:
        return self.sqlite, self.elastic


def _seqs(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT id, seq FROM mentions").fetchall())


@pytest.fixture(scope="module")
def engines(
    tmp_path_factory: pytest.TempPathFactory, es_cluster_url: tuple[str, str]
) -> Iterator[Engines]:
    """Both engines holding the corpus, once for the module: these tests only read."""
    tmp_path = tmp_path_factory.mktemp("engines")
    es_settings = ClusterSettings(
        urls=(es_cluster_url[0],), index_prefix=f"t{uuid.uuid4().hex[:12]}", replicas=0
    )
    sqlite_store = SQLiteStore(tmp_path / "sqlite.db")
    sqlite_store.insert_mentions(_corpus())
    sqlite_store.tombstone_mentions(["news:7"], T0 + timedelta(days=1))
    elastic = ElasticStore(tmp_path / "elastic.db", es_settings)
    seqs = _seqs(tmp_path / "sqlite.db")
    operations: list[dict[str, object]] = []
    for mention_id, seq in seqs.items():
        stored = sqlite_store.get_mention(mention_id)
        assert stored is not None
        operations.append({"index": {"_index": elastic.shared_index.mentions_index,
                                     "_id": mention_id}})  # fmt: skip
        operations.append(document_of(stored, seq=seq))
    answer = elastic.cluster.call(lambda es: es.bulk(operations=operations, refresh=True)).body
    assert not answer["errors"], answer
    try:
        yield Engines(sqlite_store, elastic)
    finally:
        elastic.close()
        sqlite_store.close()


def _ids(hits: list[SearchHit]) -> list[str]:
    return [h.mention.id for h in hits]


# Queries whose matches both engines must agree on (ranked ones compared as sets: each
# engine scores its own way).
_QUERIES = [
    "acme",
    "ACME anvil*",
    '"acme rocket"',
    "cafe",  # folds the accent of "café"
    "délicieux",
    "東京",  # inside a run of Han and kana
    "#anvils",
    "@acme_support",
    "@acme",  # @acme@mastodon.social is a handle of acme on a server
    "wi-fi",
    "acme -filler",
    "acme (rocket OR rockets) -exploded",
    "acme lang:pt",
    "acme (lang:fr OR lang:pt)",
    "acme source:HN",
    "secret",  # the tombstone's words are gone
    "-filler",
    "lang:ja",
    '"*:* OR a^3 ~ \\\\"',
    "nothingmatchesthis",
    "don't",  # one word in the index, two in FTS5
    "zorblax.example",
]


@pytest.mark.parametrize("query", _QUERIES)
def test_search_finds_the_same_mentions(engines: Engines, query: str) -> None:
    sqlite_hits = engines.sqlite.search(query, limit=100)
    elastic_hits = engines.elastic.search(query, limit=100)
    assert sorted(_ids(elastic_hits)) == sorted(_ids(sqlite_hits))
    ranked = any(h.score is not None for h in sqlite_hits)
    if not ranked:  # newest published first in both
        assert _ids(elastic_hits) == _ids(sqlite_hits)
    assert all((h.score is not None) == ranked for h in elastic_hits)


def test_tombstones_are_never_found(engines: Engines) -> None:
    for store in engines.both:
        assert "news:7" not in _ids(store.search(None, limit=100))
        assert "news:7" not in _ids(store.search("secret", limit=100))
    assert engines.elastic.count_mentions() == engines.sqlite.count_mentions() == 33


@pytest.mark.parametrize(
    "filters",
    [
        {"brand": "acme"},
        {"brand": "GLOBEX"},
        {"source": "HN"},
        {"source": "bluesky"},
        {"sentiment": "negative"},
        {"complaint": True},
        {"feeling": "angry"},
        {"topic": "Billing"},
        {"flag": "spam"},
        {"urgency": "high"},
        {"language": "pt"},
        {"language": "unknown"},
        {"since": T0 + timedelta(minutes=5), "until": T0 + timedelta(minutes=8)},
    ],
)
def test_every_filter_alone_and_with_a_query(engines: Engines, filters: dict[str, object]) -> None:
    for query in (None, "acme"):
        expected = engines.sqlite.search(query, limit=100, **filters)  # type: ignore[arg-type]
        found = engines.elastic.search(query, limit=100, **filters)  # type: ignore[arg-type]
        assert sorted(_ids(found)) == sorted(_ids(expected)), (query, filters)
        assert expected or query == "acme", filters  # the corpus holds each filter's match


def test_a_word_inside_one_joined_by_a_dot_is_where_the_engines_differ(engines: Engines) -> None:
    # A known difference of the engines (not osmem's): Elasticsearch's standard tokenizer
    # (UAX #29) keeps "zorblax.example" one word, FTS5's unicode61 splits it; translate.py
    # says why the mapping does not split it (osmem ignores char_filter and elision).
    for query in ("zorblax", '"order from zorblax"'):
        assert _ids(engines.sqlite.search(query)) == ["news:40"]
        assert _ids(engines.elastic.search(query)) == []
    # The whole joined word, and "don't" typed as such, are found by both.
    for query in ("zorblax.example", "don't"):
        assert _ids(engines.elastic.search(query)) == _ids(engines.sqlite.search(query))


def test_bad_values_and_queries_are_refused_as_on_sqlite(engines: Engines) -> None:
    for store in engines.both:
        with pytest.raises(ValueError, match="sentiment must be one of"):
            store.search("acme", sentiment="grumpy")
        with pytest.raises(QueryError, match="cannot be excluded"):
            store.search("acme -lang:en")
        with pytest.raises(ValueError, match="must not be negative"):
            store.search("acme", offset=-1)


def test_offset_pages_cut_one_list_without_repeats_or_gaps(engines: Engines) -> None:
    whole = _ids(engines.elastic.search("acme", limit=100))
    paged: list[str] = []
    for offset in range(0, len(whole), 7):
        paged.extend(_ids(engines.elastic.search("acme", limit=7, offset=offset)))
    assert paged == whole and len(whole) == 31


def test_highlights_mark_words_in_plain_text_with_the_given_markers(engines: Engines) -> None:
    for store in engines.both:
        (hit,) = store.search("refund", highlight=MARKS)
        assert hit.title_highlighted == "[Refund]"
        assert hit.snippet == "Acme rocket exploded, [refund] please!"
        (hit,) = store.search("cafe", highlight=MARKS)
        assert "[café]" in hit.snippet
        assert hit.title_highlighted == "Post number 2"  # no word of it matched
        (hit,) = store.search("<b>x</b> OR giveaway", highlight=MARKS)
        assert hit.snippet == "Nothing about the brand, just a [giveaway]"
    # Without a text query: the text's start, unmarked.
    (plain,) = engines.elastic.search(None, topic="billing", highlight=MARKS)
    assert plain.snippet == "Acme rocket exploded, refund please!" and plain.score is None


def test_a_long_text_gets_a_fragment_with_ellipses(engines: Engines) -> None:
    hits = engines.elastic.search('"filler number 7"', highlight=MARKS)
    assert [h.mention.id for h in hits] == ["news:17"]
    assert "[filler] [number] [7]" in hits[0].snippet.replace("] [", "] [")


def _walk(store: SQLiteStore, query: str | None, limit: int, **filters: object) -> list[str]:
    where = search_where(query, brand=None, source=None, sentiment=None, since=None,
                         until=None, on_filters=True, **filters)  # type: ignore[arg-type]  # fmt: skip
    found: list[str] = []
    after: int | None = FIRST_PAGE
    while after is not None:
        page = walk_page(store, where, after=after, limit=limit, highlight=MARKS)
        assert len(page.hits) <= limit
        found.extend(_ids(page.hits))
        after = page.next_after
    return found


@pytest.mark.parametrize("query", [None, "acme", "anvils -rockets", "東京"])
def test_the_walk_is_newest_stored_first_in_keyset_pages(engines: Engines, query: str) -> None:
    expected = _walk(engines.sqlite, query, 500)
    for limit in (1, 5, 500):
        found = _walk(engines.elastic, query, limit)
        assert found == expected, limit
        assert len(set(found)) == len(found)


def test_facets_count_the_newest_sample_and_say_when_capped(engines: Engines) -> None:
    for query, sample in ((None, 1000), ("acme", 1000), ("acme", 10), ("anvils", 5)):
        where = search_where(query, brand=None, source=None, sentiment=None, since=None,
                             until=None, on_filters=True)  # fmt: skip
        expected = facet_counts(engines.sqlite, where, sample=sample)
        found = facet_counts(engines.elastic, where, sample=sample)
        assert (found.counted, found.capped) == (expected.counted, expected.capped)
        assert found.values == expected.values, (query, sample)
        assert ("pt-BR", 1) in found.values["language"] or sample < 1000


def test_the_export_writes_the_same_records(engines: Engines) -> None:
    for query in (None, "acme -filler"):
        where = search_where(query, brand=None, source=None, sentiment=None, since=None,
                             until=None, on_filters=True)  # fmt: skip
        expected = [r for page in export_rows(engines.sqlite, where, page_size=4) for r in page]
        found = [r for page in export_rows(engines.elastic, where, page_size=4) for r in page]
        assert found == expected and expected


def test_exact_count_and_get_mention(engines: Engines) -> None:
    asked: list[dict[str, Any]] = [
        {}, {"brand": "acme"}, {"source": "news", "language": "en"}, {"topic": "billing"},
        {"since": T0 + timedelta(minutes=2)},
    ]  # fmt: skip
    for filters in asked:
        counted = exact_count(engines.elastic, **filters)
        assert counted == len(engines.sqlite.search(None, limit=1000, **filters))
    # Not in the ElasticStore's own file: read from the index, whole.
    assert engines.elastic.get_mention("news:3") == engines.sqlite.get_mention("news:3")
    assert engines.elastic.get_mention("news:404") is None
    tombstone = engines.elastic.get_mention("news:7")
    assert tombstone is not None and tombstone.deleted_at is not None


def _bulk(store: ElasticStore, operations: list[dict[str, object]]) -> None:
    answer = store.cluster.call(lambda es: es.bulk(operations=operations)).body
    assert not answer["errors"]


def test_pages_past_the_clusters_window_continue_the_same_order(
    tmp_path: Path, es_settings: ClusterSettings, es_cluster_url: tuple[str, str]
) -> None:
    # from + size may not pass 10,000 on a cluster: deeper pages skip ahead by search_after.
    count = 10_030
    with ElasticStore(tmp_path / "deep.db", es_settings) as store:
        index = store.shared_index.mentions_index
        for start in range(0, count, 2_000):
            operations: list[dict[str, object]] = []
            for n in range(start + 1, min(start + 2_000, count) + 1):
                m = make_mention(n, text=f"deep post {n}")
                operations += [{"index": {"_index": index, "_id": m.id}}, document_of(m, seq=n)]
            _bulk(store, operations)
        store.shared_index.refresh()
        # Newest published first: mention n sits at offset count - n.
        deep = store.search(None, limit=20, offset=10_005)
        assert _ids(deep) == [f"news:{count - 10_005 - i}" for i in range(20)]
        assert store.search(None, limit=20, offset=count) == []
        # Relevance: a page across the window's edge is the two pages either side of it.
        across = _ids(store.search("deep", limit=20, offset=9_990))
        before = _ids(store.search("deep", limit=10, offset=9_990))
        after = _ids(store.search("deep", limit=10, offset=10_000))
        if "osmem" in es_cluster_url[1]:
            # osmem departs from Elasticsearch here: it returns a hit's _score rounded in its
            # sort values and does not resume search_after from them (Elasticsearch's
            # search_after on _score is documented), so a relevance page past the window
            # starts over from the top there. Checked on a real cluster only.
            assert len(across) == 20
            return
        assert across == before + after and len(set(across)) == 20
