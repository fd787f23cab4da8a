"""Search finds words of Chinese, Japanese, Korean and Thai inside runs of letters, through
the letters index beside the word index (listener.store.letters): hits, ranks, snippets and
highlights, edits and tombstones, the migration of an older store, and the walks (export,
facets) that read a search. Real SQLite files; hand-written texts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from listener.models import Mention
from listener.query import to_fts5
from listener.store import SQLiteStore, open_store
from listener.store.letters import LETTERS_SCHEMA, LETTERS_TABLE
from listener.store.schema import FTS_TOKENIZE, MIGRATIONS
from listener.store.search import search_where
from listener.store.search_export_rows import export_rows
from listener.store.search_facets import facet_counts
from listener.store.search_walk import walk
from tests.store_helpers import T0, make_mention

MARKS = ("[", "]")
TEXTS = {
    1: "Appleの新製品が壊れた",
    2: "我的Apple手机坏了",
    3: "東京駅で会いましょう",
    4: "pineapple juice for everyone",
    5: "acme anvils are great",
    6: "ร้านนี้บริการแย่มาก acme",
    7: "삼성이 최고예요",
    8: "東京の天気は晴れ",
}


def mentions() -> list[Mention]:
    return [make_mention(n, text=text, title="") for n, text in TEXTS.items()]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with open_store(tmp_path / "listener.db") as opened:
        opened.insert_mentions(mentions())
        yield opened


def found(store: SQLiteStore, query: str) -> list[int]:
    return sorted(int(h.mention.native_id) for h in store.search(query, highlight=MARKS))


@pytest.mark.parametrize(
    ("query", "numbers"),
    [
        ("東京", [3, 8]),  # a two-letter word, the common case
        ("東", [3, 8]),
        ("東京駅", [3]),
        ("新製品", [1]),
        ("手机", [2]),
        ("บริการ", [6]),
        ("삼성", [7]),
        ('"apple 手机"', [2]),  # a Latin word against the letters, in a phrase
        ("apple 壊れた", [1]),
        ("東京 -天気", [3]),
        ("東京 lang:en", [3, 8]),
        ("東京駅 OR 天気", [3, 8]),
        ("京都", []),
    ],
)
def test_words_inside_runs_of_letters_are_found(
    store: SQLiteStore, query: str, numbers: list[int]
) -> None:
    assert found(store, query) == numbers


def test_latin_searches_also_read_the_letters_index(store: SQLiteStore) -> None:
    assert to_fts5("acme").letters is False  # written for the word index (and the letters')
    assert found(store, "acme") == [5, 6]
    # Appleの is a word in the letters index; pineapple is not apple in either.
    assert found(store, "apple") == [1, 2]
    # A negated word of those letters leaves out only the mentions that hold it.
    assert found(store, "acme -บริการ") == [5]
    assert found(store, "-東京") == [1, 2, 4, 5, 6, 7]


def test_alternatives_across_both_indexes_are_searched(store: SQLiteStore) -> None:
    # Once refused; each mention is now answered by the index that reads it right.
    assert found(store, "acme OR 東京") == [3, 5, 6, 8]
    assert found(store, "acme -(東京 OR x)") == [5, 6]
    assert found(store, "東京 OR apple") == [1, 2, 3, 8]


def test_snippets_and_highlights_mark_the_word_and_show_the_text_as_written(
    store: SQLiteStore,
) -> None:
    (hit,) = store.search("新製品", highlight=MARKS)
    assert hit.snippet == "Appleの[新製品]が壊れた"
    assert hit.score is not None and hit.score > 0
    (hit,) = store.search("บริการ", highlight=MARKS)
    assert hit.snippet == "ร้านนี้[บริการ]แย่มาก acme"
    titled = make_mention(20, title="任天堂の新作", text="発売日が決まった")
    store.insert_mentions([titled])
    (hit,) = store.search("任天堂", highlight=MARKS)
    assert hit.title_highlighted == "[任天堂]の新作"
    assert hit.mention.title == "任天堂の新作"


def test_a_long_text_gets_a_snippet_around_the_hit(store: SQLiteStore) -> None:
    text = "今日は雨でした。" * 20 + "任天堂の新作が出ました。" + "明日は晴れるでしょう。" * 20
    store.insert_mentions([make_mention(21, title="", text=text)])
    (hit,) = store.search("任天堂", highlight=MARKS)
    assert hit.snippet is not None and "[任天堂]の新作" in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert 40 <= len(hit.snippet) <= 100  # 64 letters, the marks and punctuation
    assert "\x1f" not in hit.snippet


def test_bm25_ranks_a_title_hit_first(store: SQLiteStore) -> None:
    store.insert_mentions(
        [
            make_mention(30, title="", text="今日は任天堂の話、任天堂の店へ"),
            make_mention(31, title="任天堂", text="新しい発表"),
        ]
    )
    assert [h.mention.native_id for h in store.search("任天堂")] == ["31", "30"]


def test_an_edit_reindexes_and_a_tombstone_removes(store: SQLiteStore) -> None:
    edited = make_mention(
        3, text="大阪駅で会いましょう", title="", edited_at=T0 + timedelta(hours=1)
    )
    assert store.revise_mentions([edited]) == 1
    assert found(store, "大阪") == [3]
    assert found(store, "東京") == [8]
    assert store.tombstone_mentions(["news:8"], T0 + timedelta(hours=2)) == 1
    assert found(store, "東京") == []
    # An edit to Latin text leaves nothing in the letters index.
    latin = make_mention(1, text="plain words now", title="", edited_at=T0 + timedelta(hours=1))
    assert store.revise_mentions([latin]) == 1
    assert found(store, "新製品") == []
    with sqlite3.connect(store.path) as raw:
        rows = raw.execute(f"SELECT rowid FROM {LETTERS_TABLE} ORDER BY rowid").fetchall()
    assert [seq for (seq,) in rows] == [2, 3, 6, 7]


def test_only_mentions_with_such_letters_are_in_the_letters_index(store: SQLiteStore) -> None:
    with sqlite3.connect(store.path) as raw:
        rows = raw.execute(f"SELECT rowid FROM {LETTERS_TABLE} ORDER BY rowid").fetchall()
    assert [seq for (seq,) in rows] == [1, 2, 3, 6, 7, 8]


def test_an_older_store_is_migrated_and_its_mentions_indexed(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with SQLiteStore(path, migrations=MIGRATIONS[: LETTERS_SCHEMA - 1]) as old:
        assert old.schema_version == LETTERS_SCHEMA - 1
        old.insert_mentions(mentions())
        old.tombstone_mentions(["news:8"], T0 + timedelta(hours=1))
    with open_store(path) as new:
        assert new.schema_version == MIGRATIONS[-1][0] >= LETTERS_SCHEMA
        assert found(new, "東京") == [3]  # the tombstone stays out
        assert found(new, "acme") == [5, 6]
        (hit,) = new.search("手机", highlight=MARKS)
        assert hit.snippet == "我的Apple[手机]坏了"
        new.insert_mentions([make_mention(40, title="", text="东京很热")])
        assert found(new, "东京") == [40]


def test_the_walks_of_a_search_read_the_letters_index(store: SQLiteStore) -> None:
    where = search_where(
        "東京", brand=None, source=None, sentiment=None, since=None, until=None, on_filters=True
    )
    assert where.table == LETTERS_TABLE
    assert sorted(int(h.mention.native_id) for h in walk(store, where)) == [3, 8]
    assert all("\x1f" not in (h.snippet or "") for h in walk(store, where))
    (page,) = export_rows(store, where)
    assert sorted(r["text"] for r in page) == sorted([TEXTS[3], TEXTS[8]])
    assert facet_counts(store, where).counted == 2


def test_both_indexes_use_one_tokenizer(store: SQLiteStore) -> None:
    with sqlite3.connect(store.path) as raw:
        sql = dict(raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
    assert f'tokenize="{FTS_TOKENIZE}"' in sql["mentions_fts"]
    assert f'tokenize="{FTS_TOKENIZE}"' in sql[LETTERS_TABLE]
