"""Ranked search is top-k: its plans never score, read or sort every match, and where the
matches fit the window it returns exactly what ranking every match would.

Plans are read with EXPLAIN QUERY PLAN on a real store file; the reference ranking is the
one-statement query ranked search used before it was made top-k.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from listener.models import Judgments, SentimentLabel
from listener.query import QueryError, to_fts5
from listener.query.fts import MAX_SEARCH_CHARS, MAX_SEARCH_TERMS
from listener.store import SQLiteStore, open_store
from listener.store.rows import ts
from listener.store.search import RANKED_WINDOW, build_search
from tests.store_helpers import T0, make_mention

NEGATIVE = Judgments(sentiment=-0.6, sentiment_label=SentimentLabel.NEGATIVE)
POSITIVE = Judgments(sentiment=0.6, sentiment_label=SentimentLabel.POSITIVE)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with open_store(tmp_path / "search.db") as opened:
        yield opened


# -- plans -------------------------------------------------------------------------------

Plan = dict[int, tuple[int, str]]  # node id -> (parent id, detail)


def plan_of(path: Path, query: str | None, **filters: Any) -> Plan:
    compiled = build_search(
        query,
        brand=filters.get("brand"),
        source=filters.get("source"),
        sentiment=filters.get("sentiment"),
        since=filters.get("since"),
        until=filters.get("until"),
        limit=20,
        offset=0,
        highlight=("[", "]"),
    )
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("EXPLAIN QUERY PLAN " + compiled.sql, compiled.params).fetchall()
    finally:
        conn.close()
    return {node: (parent, detail) for node, parent, _, detail in rows}


def children(plan: Plan, parent: int) -> list[str]:
    return [detail for _, (up, detail) in sorted(plan.items()) if up == parent]


def node_id(plan: Plan, detail_start: str) -> int:
    (found,) = [n for n, (_, detail) in plan.items() if detail.startswith(detail_start)]
    return found


FILTERS: list[dict[str, Any]] = [
    {},
    {"brand": "acme"},
    {"sentiment": "negative"},
    {"since": T0, "until": T0 + timedelta(days=1)},
    {"brand": "acme", "sentiment": "negative", "source": "news", "since": T0},
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: "+".join(f) or "no filter")
@pytest.mark.parametrize("query", ["anvil", 'acme OR "acme anvil" OR #acme -job'])
def test_ranked_plan_walks_matches_in_rowid_order_and_reads_only_the_page(
    store: SQLiteStore, query: str, filters: dict[str, Any]
) -> None:
    store.insert_mentions([make_mention(1, text="an acme anvil")])
    plan = plan_of(store.path, query, **filters)
    # 1. the candidates: FTS5 drives, newest first, so LIMIT stops the walk. A sort here
    #    (a temp B-tree) would mean every match was read before the first was returned.
    walk = children(plan, node_id(plan, "CO-ROUTINE hit"))
    assert walk[0].startswith("SCAN mentions_fts VIRTUAL TABLE")
    assert walk[1] == "SEARCH m USING INTEGER PRIMARY KEY (rowid=?)"
    assert not any("TEMP B-TREE" in step for step in walk)
    # Only the window (at most RANKED_WINDOW rows) is sorted by score.
    page = children(plan, node_id(plan, "MATERIALIZE page"))
    assert page == ["CO-ROUTINE hit", "SCAN hit", "USE TEMP B-TREE FOR ORDER BY"]
    # 2. whole rows are read (and snippets made) only at the top, joined to the page.
    top = [s for s in children(plan, 0) if not s.startswith(("MATERIALIZE", "SCALAR"))]
    assert top[0].startswith("SCAN mentions_fts VIRTUAL TABLE")
    assert "SCAN page" in top
    assert top[top.index("SCAN page") + 1] == "SEARCH m USING INTEGER PRIMARY KEY (rowid=?)"
    assert not any(step.split()[:2] == ["SCAN", "m"] for step in top)  # no walk over mentions


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: "+".join(f) or "no filter")
def test_newest_first_plan_uses_the_date_order_and_sorts_nothing(
    store: SQLiteStore, filters: dict[str, Any]
) -> None:
    plan = plan_of(store.path, None, **filters)
    steps = [detail for _, detail in plan.values()]
    assert not any("TEMP B-TREE" in step for step in steps)
    assert not any(step.startswith("SCAN mentions_fts") for step in steps)
    assert any(step.startswith(("SCAN m USING INDEX", "SEARCH m USING INDEX")) for step in steps)


# -- results: identical to ranking every match, while the matches fit the window ---------

_EVERY_MATCH = """
SELECT m.id FROM mentions_fts JOIN mentions m ON m.seq = mentions_fts.rowid
WHERE m.deleted_at IS NULL AND mentions_fts MATCH ?{where}
ORDER BY bm25(mentions_fts, 5.0, 1.0, 0.5, 2.0, 2.0), m.published_at DESC, m.seq DESC
LIMIT ? OFFSET ?"""

WORDS = ("acme", "anvil", "late", "parcel", "refund", "broken", "great", "thanks", "the", "a")


def _random_store(store: SQLiteStore, count: int) -> None:
    rng = random.Random(7)
    mentions = []
    for n in range(1, count + 1):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12)))
        mentions.append(
            make_mention(
                n,
                title=rng.choice(["", "Anvil news", "Refund", text[:20]]),
                text=text,
                # Equal dates and equal scores on purpose: the tie-breaks must agree too.
                published_at=T0 + timedelta(hours=rng.randint(0, 48)),
                brands=rng.choice([("acme",), ("globex",), ("acme", "globex")]),
                judgments=rng.choice([NEGATIVE, POSITIVE]),
            )
        )
    store.insert_mentions(mentions)


@pytest.mark.parametrize("query", ["anvil", "the", "acme OR refund", '"late parcel" -broken'])
def test_ranking_within_the_window_is_ranking_every_match(store: SQLiteStore, query: str) -> None:
    _random_store(store, 400)
    fts = build_search(
        query, brand=None, source=None, sentiment=None, since=None, until=None,
        limit=1, offset=0, highlight=("", ""),
    ).params[-1]  # fmt: skip
    conn = sqlite3.connect(store.path)
    try:
        for offset in (0, 20, 35):
            expected = [
                r[0] for r in conn.execute(_EVERY_MATCH.format(where=""), (fts, 20, offset))
            ]
            found = [h.mention.id for h in store.search(query, limit=20, offset=offset)]
            assert found == expected
        since = ts(T0 + timedelta(hours=12))
        brand = (
            " AND EXISTS (SELECT 1 FROM mention_brands b WHERE b.mention_id = m.id"
            " AND b.brand = 'globex') AND m.sentiment_label = 'negative' AND m.published_at >= ?"
        )
        expected = [
            r[0] for r in conn.execute(_EVERY_MATCH.format(where=brand), (fts, since, 50, 0))
        ]
        found = [
            h.mention.id
            for h in store.search(
                query,
                brand="globex",
                sentiment="negative",
                since=T0 + timedelta(hours=12),
                limit=50,
            )
        ]
        assert found == expected and expected
    finally:
        conn.close()


def test_beyond_the_window_relevance_ranks_the_newest_matches(store: SQLiteStore) -> None:
    # The oldest mention is the best match (the word in its title), but it is older than
    # the RANKED_WINDOW newest matches: a word in that many posts is ranked among the newest.
    best = make_mention(1, title="anvil anvil", text="anvil")
    others = [
        make_mention(n, text=f"an anvil and a long story {n}") for n in range(2, 2 + RANKED_WINDOW)
    ]
    store.insert_mentions([best, *others])
    hits = store.search("anvil", limit=5)
    assert len(hits) == 5 and "news:1" not in [h.mention.id for h in hits]
    # With one match fewer, it is inside the window again and comes first.
    store.tombstone_mentions(["news:2"], T0 + timedelta(days=1))
    assert store.search("anvil", limit=1)[0].mention.id == "news:1"


def test_paging_past_the_window_still_finds_the_older_matches(store: SQLiteStore) -> None:
    store.insert_mentions([make_mention(n, text="anvil") for n in range(1, RANKED_WINDOW + 31)])
    last_page = store.search("anvil", limit=20, offset=RANKED_WINDOW + 20)
    assert len(last_page) == 10
    assert all(h.snippet == "\x02anvil\x03" for h in last_page)


# -- long queries ------------------------------------------------------------------------


def test_a_20000_word_query_is_refused_with_the_limit(store: SQLiteStore) -> None:
    store.insert_mentions([make_mention(1, text="the anvil")])
    with pytest.raises(QueryError) as caught:
        store.search(" ".join(["the", "anvil"] * 10_000))
    assert f"at most {MAX_SEARCH_CHARS:,} characters" in caught.value.message
    assert caught.value.column == MAX_SEARCH_CHARS + 1


def test_too_many_terms_are_refused_and_the_limit_itself_answers(store: SQLiteStore) -> None:
    store.insert_mentions([make_mention(1, text="the anvil")])
    at_limit = " ".join(["the"] * MAX_SEARCH_TERMS)
    assert [h.mention.id for h in store.search(at_limit)] == ["news:1"]
    with pytest.raises(QueryError) as caught:
        store.search(at_limit + ' "the anvil"')
    assert f"at most {MAX_SEARCH_TERMS}" in caught.value.message
    assert caught.value.column == len(at_limit) + 2  # the phrase that went past it


def test_a_repeated_word_is_searched_once(store: SQLiteStore) -> None:
    store.insert_mentions([make_mention(1, text="the anvil"), make_mention(2, text="the end")])
    once = [(h.mention.id, h.score) for h in store.search("the")]
    assert [(h.mention.id, h.score) for h in store.search("the the the")] == once
    assert to_fts5("the the OR (the the)") == to_fts5("the")
    assert to_fts5("anvil -the -the") == to_fts5("anvil -the")


def test_paging_through_every_match_shows_each_once_in_one_order(store: SQLiteStore) -> None:
    """Pages cut one list: the window's matches by score, then the older ones newest first.
    (A deep page once ranked a wider window, so pages repeated some results and skipped
    others: 200 of 1,200 were never shown.)"""
    total = RANKED_WINDOW + 200
    store.insert_mentions(
        [make_mention(n, text="widget " * (1 + n % 3) + f"story {n}") for n in range(1, total + 1)]
    )
    seen: list[str] = []
    for offset in range(0, total + 20, 20):
        seen += [h.mention.id for h in store.search("widget", limit=20, offset=offset)]
    assert len(seen) == total and len(set(seen)) == total
    # The first pages are the window's ranking, unchanged by how deep one pages.
    first = [h.mention.id for h in store.search("widget", limit=RANKED_WINDOW)]
    assert seen[:RANKED_WINDOW] == first
    # A page that straddles the window's end agrees with the pages around it.
    straddle = store.search("widget", limit=20, offset=RANKED_WINDOW - 10)
    assert [h.mention.id for h in straddle] == seen[RANKED_WINDOW - 10 : RANKED_WINDOW + 10]
    # Past the window: newest first, all older than the window's matches.
    older = seen[RANKED_WINDOW:]
    assert older == sorted(older, key=lambda i: int(i.split(":")[1]), reverse=True)
    assert max(int(i.split(":")[1]) for i in older) < min(int(i.split(":")[1]) for i in first)
