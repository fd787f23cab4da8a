"""A search that needs only Latin words also finds them glued to Chinese, Japanese, Korean or
Thai letters (issue 16, item 4): each mention is answered by the index that reads it right,
the letters index for the mentions it holds and the word index for the others
(listener.store.search_both). Ranked search, the newest-first walk, facets, the export, the
command line (a real subprocess) and the web search page; real SQLite files, hand-written
texts (the two sentences are the issue's)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from listener.store import SQLiteStore, open_store
from listener.store.search import RANKED_WINDOW, build_search, pick_statement, search_where
from listener.store.search_export_rows import export_rows
from listener.store.search_facets import facet_counts
from listener.store.search_walk import walk
from tests.store_helpers import make_mention
from tests.web_fixtures import WebServer
from tests.web_search_helpers import api

MARKS = ("[", "]")
TEXTS = {
    1: "Appleの新製品が壊れた",
    2: "我的Apple手机坏了",
    3: "東京駅で会いましょう",
    4: "pineapple juice for everyone",
    5: "acme anvils are great",
    6: "ร้านนี้บริการแย่มาก acme",
    7: "apple pie is great",
    8: "acme loves Appleの iPhone",
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with open_store(tmp_path / "listener.db") as opened:
        opened.insert_mentions([make_mention(n, text=t, title="") for n, t in TEXTS.items()])
        yield opened


def found(store: SQLiteStore, query: str, **filters: object) -> list[int]:
    hits = store.search(query, highlight=MARKS, **filters)  # type: ignore[arg-type]
    numbers = [int(h.mention.native_id) for h in hits]
    assert len(numbers) == len(set(numbers))  # one hit a mention, whichever index found it
    return sorted(numbers)


def walked(store: SQLiteStore, query: str) -> tuple[list[int], list[int], int]:
    """The walk's, the export's and the facets' view of ``query``, one row a read."""
    where = search_where(
        query, brand=None, source=None, sentiment=None, since=None, until=None, on_filters=True
    )
    by_walk = [int(h.mention.native_id) for h in walk(store, where, page_size=1)]
    exported = [int(r["id"].split(":")[1]) for page in export_rows(store, where, page_size=1)
                for r in page]  # fmt: skip
    assert by_walk == sorted(by_walk, reverse=True)  # newest stored first, across both
    assert exported == by_walk
    return sorted(by_walk), sorted(exported), facet_counts(store, where).counted


def test_apple_finds_it_glued_to_letters_and_pineapple_stays_out(store: SQLiteStore) -> None:
    assert found(store, "apple") == [1, 2, 7, 8]
    assert walked(store, "apple") == ([1, 2, 7, 8], [1, 2, 7, 8], 4)
    assert found(store, "pineapple") == [4]
    assert found(store, "apple*") == [1, 2, 7, 8]  # a prefix, not a substring: not pineapple
    hits = {h.mention.native_id: h for h in store.search("apple", highlight=MARKS)}
    # Marked by the index that found each: the letters index's text without its breaks.
    assert hits["1"].snippet == "[Apple]の新製品が壊れた"
    assert hits["2"].snippet == "我的[Apple]手机坏了"
    assert hits["7"].snippet == "[apple] pie is great"
    assert all(h.score is not None and h.score > 0 for h in hits.values())


def test_scores_of_both_indexes_are_merged_into_one_order(store: SQLiteStore) -> None:
    hits = store.search("apple OR acme")
    scores = [h.score for h in hits]
    assert len(hits) == 6 and scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    # A mention in the letters index is found there once, not again by the word index.
    assert found(store, "acme") == [5, 6, 8]


def test_a_negated_latin_word_glued_to_letters_leaves_the_mention_out(
    store: SQLiteStore,
) -> None:
    # The word index alone would keep 8: "appleの" is not "apple" there.
    assert found(store, "acme -apple") == [5, 6]
    assert walked(store, "acme -apple")[0] == [5, 6]
    assert found(store, "-apple") == [3, 4, 5, 6]
    assert walked(store, "-apple")[0] == [3, 4, 5, 6]


def test_alternatives_across_both_indexes_are_searched(store: SQLiteStore) -> None:
    assert found(store, "acme OR 東京") == [3, 5, 6, 8]
    assert walked(store, "acme OR 東京") == ([3, 5, 6, 8], [3, 5, 6, 8], 4)
    assert found(store, "acme -(東京 OR great)") == [6, 8]
    assert found(store, "apple OR 手机") == [1, 2, 7, 8]


def test_filters_apply_on_both_sides(store: SQLiteStore) -> None:
    store.insert_mentions([make_mention(20, text="Appleの話", title="", source="weibo")])
    assert found(store, "apple", source="weibo") == [20]
    assert found(store, "apple", source="news") == [1, 2, 7, 8]


def test_the_word_index_alone_answers_when_the_letters_index_has_nothing_to_say(
    store: SQLiteStore,
) -> None:
    def picked(query: str) -> str:
        compiled = build_search(
            query, brand=None, source=None, sentiment=None, since=None, until=None,
            limit=20, offset=0, highlight=MARKS,
        )  # fmt: skip
        with sqlite3.connect(store.path, isolation_level=None) as conn:
            chosen = pick_statement(conn, compiled)
            if conn.in_transaction:  # the choice and the search share one snapshot
                conn.execute("ROLLBACK")
        return "word" if chosen is compiled else "both" if chosen is compiled.both else "?"

    assert picked("pineapple") == "word"  # no mention of the letters index holds it
    assert picked("apple") == "both"
    assert picked("pineapple -juice") == "both"  # a NOT may leave one of them out
    assert picked("東京") == "word"  # the letters index alone: `word` is its one statement


def test_paging_through_both_indexes_shows_each_match_once(tmp_path: Path) -> None:
    total = RANKED_WINDOW + 40
    with open_store(tmp_path / "many.db") as store:
        store.insert_mentions(
            [
                make_mention(n, title="", text=f"Appleの新製品 {n}" if n % 3 else f"apple {n}")
                for n in range(1, total + 1)
            ]
        )
        seen: list[str] = []
        for offset in range(0, total + 20, 20):
            seen += [h.mention.id for h in store.search("apple", limit=20, offset=offset)]
        assert len(seen) == total and len(set(seen)) == total
        # The window is the newest matches of both indexes together, ranked by score.
        window = store.search("apple", limit=RANKED_WINDOW)
        assert sorted(int(h.mention.native_id) for h in window) == list(
            range(total - RANKED_WINDOW + 1, total + 1)
        )
        assert [h.mention.id for h in window] == seen[:RANKED_WINDOW]
        where = search_where(
            "apple", brand=None, source=None, sentiment=None, since=None, until=None,
            on_filters=True,
        )  # fmt: skip
        assert len(list(walk(store, where, page_size=100))) == total
        counts = facet_counts(store, where)
        assert counts.capped and counts.counted == 1000


def test_listener_search_finds_both_sentences(tmp_path: Path) -> None:
    db = tmp_path / "data" / "listener.db"
    db.parent.mkdir()
    config = tmp_path / "settings.yaml"
    config.write_text(
        f"brands:\n  - name: Apple\n    query: 'apple'\nstorage:\n  sqlite: {db}\n",
        encoding="utf-8",
    )
    with open_store(db) as store:
        store.insert_mentions([make_mention(n, text=t, title="") for n, t in TEXTS.items()])
    done = subprocess.run(
        [sys.executable, "-m", "listener.cli.main", "search", "apple", "--json",
         "--config", str(config)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    ids = sorted(json.loads(line)["id"] for line in done.stdout.splitlines())
    assert ids == ["news:1", "news:2", "news:7", "news:8"]


def test_the_web_search_page_and_its_export_find_both_sentences(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    running.store.insert_mentions([make_mention(n, text=t, title="") for n, t in TEXTS.items()])
    expected = {"news:1", "news:2", "news:7", "news:8"}
    with api(running) as client:
        for sort in ("relevance", "newest"):
            answer = client.get("/api/v1/search", params={"q": "apple", "sort": sort})
            assert answer.status_code == 200, answer.text
            assert {hit["id"] for hit in answer.json()["items"]} == expected
        page = client.get("/search", params={"q": "apple"})
        assert page.status_code == 200
        assert "<mark>Apple</mark>の新製品が壊れた" in page.text
        exported = client.get("/api/v1/export", params={"q": "apple", "format": "jsonl"})
        assert {json.loads(line)["id"] for line in exported.text.splitlines()} == expected


def test_the_plan_over_both_indexes_walks_each_newest_first_and_reads_only_the_page(
    store: SQLiteStore,
) -> None:
    compiled = build_search(
        'apple OR "acme anvils" -job', brand="acme", source=None, sentiment="negative",
        since=None, until=None, limit=20, offset=0, highlight=MARKS,
    ).both  # fmt: skip
    assert compiled is not None
    with sqlite3.connect(store.path) as conn:
        rows = conn.execute("EXPLAIN QUERY PLAN " + compiled.sql, compiled.params).fetchall()
    plan = {node: (parent, detail) for node, parent, _, detail in rows}

    def under(parent: int) -> list[str]:
        return [detail for _, (up, detail) in sorted(plan.items()) if up == parent]

    sides = [
        n
        for n, (_, detail) in sorted(plan.items())
        if detail.startswith(("MATERIALIZE word_hit", "CO-ROUTINE"))
    ]
    walks = [under(side) for side in sides]
    # Each index drives its own side, newest first, so each side's LIMIT stops its walk
    # (the only sorts are of what the LIMITs let through); the word index's side leaves
    # the letters index's mentions out by a rowid seek each, nothing materialised; the
    # letters side stops at the word side's oldest candidate (a rowid bound, "M5>").
    assert [w[0].split(" VIRTUAL")[0] for w in walks] == [
        "SCAN mentions_fts",
        "SCAN mentions_letters",
    ]
    assert walks[1][0].endswith("M5>")
    assert all("SEARCH m USING INTEGER PRIMARY KEY (rowid=?)" in w for w in walks)
    assert not any("TEMP B-TREE" in step for w in walks for step in w)
    assert walks[0][2] == "USING ROWID SEARCH ON TABLE mentions_letters_docsize FOR IN-OPERATOR"
    # Whole rows are read only for the page, at the top.
    top = under(0)
    assert top[-3:-1] == ["SCAN marked", "SEARCH m USING INTEGER PRIMARY KEY (rowid=?)"]
    assert not any(detail.startswith(("SCAN m ", "SCAN mentions ")) for _, detail in plan.values())
