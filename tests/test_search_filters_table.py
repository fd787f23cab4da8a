"""Ranked search checks its filters on ``mention_filters`` (schema 10), a narrow row per live
mention: the plan reads it instead of the wide mentions rows, the store keeps it equal to
the mentions through inserts, judgments, labels, edits and tombstones, the migration fills
it, and its brand keys find exactly what ``mention_brands`` (COLLATE NOCASE) finds.

Real store files; plans read with EXPLAIN and EXPLAIN QUERY PLAN.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from listener.models import Finding, Judgments, SentimentLabel, Urgency
from listener.store import SQLiteStore, open_store
from listener.store import rows as store_rows
from listener.store.schema import MIGRATIONS
from listener.store.search import build_search
from tests.store_helpers import T0, make_mention

NEGATIVE = Judgments(sentiment=-0.6, sentiment_label=SentimentLabel.NEGATIVE)
POSITIVE = Judgments(sentiment=0.6, sentiment_label=SentimentLabel.POSITIVE)

# What every live mention's mention_filters row must hold, read from its mentions row and
# its mention_brands rows (the brand keys as the search makes them, in brand order).
_EXPECTED_FILTERS = """
SELECT m.seq, m.published_at, m.source, m.source_type, m.lang, m.sentiment_label,
       m.complaint, m.urgency
FROM mentions m WHERE m.deleted_at IS NULL ORDER BY m.seq"""
_STORED_FILTERS = """
SELECT seq, published_at, source, source_type, lang, sentiment_label, complaint, urgency
FROM mention_filters ORDER BY seq"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with open_store(tmp_path / "filters.db") as opened:
        yield opened


def _query(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return [tuple(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def _assert_filters_match_mentions(path: Path) -> None:
    assert _query(path, _STORED_FILTERS) == _query(path, _EXPECTED_FILTERS)


def _compiled(query: str | None, **filters: Any) -> tuple[str, tuple[Any, ...]]:
    args: dict[str, Any] = {
        "brand": None, "source": None, "sentiment": None, "since": None, "until": None,
        "limit": 20, "offset": 0, "highlight": ("[", "]"),
    }  # fmt: skip
    args.update(filters)
    compiled = build_search(query, **args)
    return compiled.sql, compiled.params


# -- the plan ----------------------------------------------------------------------------


def _opened_tables(path: Path, sql: str, params: tuple[Any, ...]) -> list[str]:
    """The tables (by name) the statement's bytecode opens for reading, one per OpenRead."""
    conn = sqlite3.connect(path)
    try:
        roots = dict(conn.execute("SELECT rootpage, name FROM sqlite_schema WHERE rootpage > 0"))
        program = conn.execute("EXPLAIN " + sql, params).fetchall()
    finally:
        conn.close()
    # EXPLAIN rows: addr, opcode, p1, p2 (the root page for OpenRead), p3, p4, p5, comment.
    return [roots[row[3]] for row in program if row[1] == "OpenRead"]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"brand": "acme", "sentiment": "negative", "since": T0},
        {"source": "news", "complaint": True, "urgency": "high", "language": "en"},
    ],
    ids=["no filter", "brand+sentiment+since", "source+complaint+urgency+language"],
)
def test_ranked_filter_check_reads_the_narrow_table(
    store: SQLiteStore, filters: dict[str, Any]
) -> None:
    store.insert_mentions([make_mention(1, text="an acme anvil")])
    sql, params = _compiled("anvil", **filters)
    opened = _opened_tables(store.path, sql, params)
    # The candidates' filters are checked on mention_filters; the wide mentions table is
    # opened once, for the page's rows at the top, and mention_brands not at all.
    assert opened.count("mention_filters") == 1
    assert opened.count("mentions") == 1
    assert "mention_brands" not in opened
    plan = _query(store.path, "EXPLAIN QUERY PLAN " + sql, params)
    walk_id = next(node for node, _, _, detail in plan if detail == "CO-ROUTINE hit")
    walk = [detail for _, parent, _, detail in plan if parent == walk_id]
    assert walk[0].startswith("SCAN mentions_fts VIRTUAL TABLE")
    assert walk[1] == "SEARCH m USING INTEGER PRIMARY KEY (rowid=?)"
    # No per-match subquery: the brand is in the row, not looked up in mention_brands.
    assert not any("CORRELATED" in detail for _, _, _, detail in plan)
    assert not any(" b USING " in detail for _, _, _, detail in plan)


def test_newest_first_search_still_reads_mentions(store: SQLiteStore) -> None:
    store.insert_mentions([make_mention(1, text="an acme anvil")])
    sql, params = _compiled(None, brand="acme")
    opened = _opened_tables(store.path, sql, params)
    assert "mention_filters" not in opened and "mentions" in opened


# -- kept equal to the mentions ----------------------------------------------------------


def test_every_write_keeps_the_filters_equal_to_the_mentions(store: SQLiteStore) -> None:
    mentions = [
        make_mention(n, brands=("acme", "Globex") if n % 2 else ("acme",), judgments=POSITIVE)
        for n in range(1, 7)
    ]
    store.insert_mentions(mentions)
    # Stored already deleted: never listed by a search, so no filters row.
    store.insert_mentions([make_mention(7, deleted_at=T0 + timedelta(days=1))])
    _assert_filters_match_mentions(store.path)
    assert _query(store.path, "SELECT count(*) FROM mention_filters") == [(6,)]

    store.update_judgments("news:1", replace(NEGATIVE, urgency=Urgency.HIGH, complaint=True))
    store.set_complaint_label("news:2", True, by="ana", at=T0)
    edited = replace(
        mentions[2],
        language="pt-BR",
        brands=("Initech",),
        judgments=NEGATIVE,
        edited_at=T0 + timedelta(hours=1),
    )
    assert store.revise_mentions([edited]) == 1
    assert store.tombstone_mentions(["news:4"], T0 + timedelta(hours=2)) == 1
    _assert_filters_match_mentions(store.path)
    assert _query(
        store.path, "SELECT sentiment_label, complaint, urgency FROM mention_filters WHERE seq = 1"
    ) == [("negative", 1, "high")]
    assert _query(store.path, "SELECT complaint FROM mention_filters WHERE seq = 2") == [(1,)]
    assert _query(store.path, "SELECT lang, brand_keys FROM mention_filters WHERE seq = 3") == [
        ("pt-BR", "\x1finitech\x1f")
    ]
    assert _query(store.path, "SELECT count(*) FROM mention_filters WHERE seq = 4") == [(0,)]
    # And searches see it: the edit's new brand, not its old one; the tombstone nowhere.
    assert [h.mention.id for h in store.search("ordinary", brand="initech")] == ["news:3"]
    assert "news:3" not in [h.mention.id for h in store.search("ordinary", brand="globex")]
    assert "news:4" not in [h.mention.id for h in store.search("ordinary", limit=50)]


def test_a_mention_deleted_outright_takes_its_filters_row_along(store: SQLiteStore) -> None:
    store.insert_mentions([make_mention(1), make_mention(2)])
    conn = sqlite3.connect(store.path)
    with conn:
        conn.execute("PRAGMA foreign_keys = ON")  # as every store connection has it
        conn.execute("DELETE FROM mentions WHERE id = 'news:1'")
    conn.close()
    assert _query(store.path, "SELECT seq FROM mention_filters") == [(2,)]


def test_the_migration_fills_the_filters_of_an_existing_store(tmp_path: Path) -> None:
    path = tmp_path / "v9.db"
    mentions = [
        make_mention(
            n,
            text=f"the anvil story {n}",
            brands=(("Acme",), ("globex", "ACME"), ())[n % 3],
            judgments=(NEGATIVE, POSITIVE)[n % 2],
            language=("en", None, "fr")[n % 3],
        )
        for n in range(1, 31)
    ]
    # The rows as a schema-9 listener wrote them: mention, FTS row, brands.
    SQLiteStore(path, migrations=MIGRATIONS[:9]).close()
    conn = sqlite3.connect(path)
    with conn:
        for m in mentions:
            row = store_rows.mention_to_row(m)
            seq = conn.execute(store_rows.INSERT_MENTION, row).lastrowid
            conn.execute(store_rows.INSERT_FTS, (seq, *store_rows.fts_values(row)))
            conn.executemany(store_rows.INSERT_BRAND, store_rows.brand_rows([m]))
        conn.execute(
            "UPDATE mentions SET deleted_at = ?, title = '', body = '' WHERE id = 'news:5'",
            (store_rows.ts(T0),),
        )
    conn.close()
    with SQLiteStore(path) as migrated:
        assert migrated.schema_version >= 10  # later migrations keep what 10 built
        _assert_filters_match_mentions(path)
        assert _query(
            path, "SELECT brand_keys FROM mention_filters WHERE seq <= 3 ORDER BY seq"
        ) == [("\x1fglobex\x1facme\x1f",), ("\x1f",), ("\x1facme\x1f",)]
        found = {h.mention.id for h in migrated.search("anvil", brand="acme", limit=50)}
        plain = {h.mention.id for h in migrated.search(None, brand="acme", limit=50)}
        assert found == plain and len(found) == 20


# -- brand keys find what mention_brands finds -------------------------------------------

# COLLATE NOCASE folds ASCII letters only; the separator and escape characters, and a
# brand that is a part of another, must not make a key match another brand.
ODD_BRANDS = (
    ("Acme",), ("ACME", "globex"), ("acme corp",), ("Émile",), ("émile",), ("a\x1fb",),
    ("b",), ("a\x1eb",), ("a\x1esb",), ("x\x1f",), ("",), (),
)  # fmt: skip


@pytest.mark.parametrize(
    "brand",
    ["acme", "Acme", "ACME", "acme corp", "corp", "émile", "Émile", "ÉMILE", "b", "a", "a\x1fb",
     "a\x1eb", "a\x1esb", "x", "x\x1f", "", "%", "globex"],
)  # fmt: skip
def test_ranked_brand_filter_finds_what_mention_brands_finds(
    store: SQLiteStore, brand: str
) -> None:
    store.insert_mentions(
        [make_mention(n, text="anvil", brands=b) for n, b in enumerate(ODD_BRANDS, start=1)]
    )
    ranked = {h.mention.id for h in store.search("anvil", brand=brand, limit=50)}
    # The plain search filters through mention_brands, whose brand column is NOCASE.
    plain = {h.mention.id for h in store.search(None, brand=brand, limit=50)}
    assert ranked == plain
    expected = {
        f"news:{n}"
        for n, brands in enumerate(ODD_BRANDS, start=1)
        if any(_nocase(b) == _nocase(brand) for b in brands)
    }
    assert ranked == expected


def _nocase(text: str) -> str:
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in text)


@pytest.mark.parametrize(
    "filters",
    [{"feeling": "angry"}, {"topic": "Delivery"}, {"flag": "threat", "brand": "acme"}],
    ids=lambda f: "+".join(f),
)
def test_ranked_tag_filters_find_what_the_plain_search_finds(
    store: SQLiteStore, filters: dict[str, Any]
) -> None:
    # Tags are kept by mention id, which mention_filters does not hold: the candidates
    # reach them through the mention's seq.
    angry = Judgments(feelings=(Finding("angry"),), topics=(Finding("delivery"),))
    threat = Judgments(flags=(Finding("threat"),), topics=(Finding("billing"),))
    store.insert_mentions(
        [
            make_mention(n, text="anvil", judgments=(angry, threat, Judgments())[n % 3])
            for n in range(1, 13)
        ]
    )
    ranked = {h.mention.id for h in store.search("anvil", limit=50, **filters)}
    plain = {h.mention.id for h in store.search(None, limit=50, **filters)}
    assert ranked == plain and len(ranked) == 4
