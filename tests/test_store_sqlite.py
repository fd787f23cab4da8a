"""The SQLite store, on real database files."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from listener.models import Author, Engagement, Judgments, Mention, SentimentLabel, SourceState
from listener.query import FtsQuery, QueryError
from listener.store import (
    DuplicateLookups,
    SchemaTooNewError,
    SearchHit,
    SQLiteStore,
    StoreError,
    open_store,
)
from listener.store import lookups as store_lookups
from listener.store import rows as store_rows
from listener.store import search as store_search
from listener.store.schema import MIGRATIONS
from tests.store_helpers import T0, make_mention, write_old_database

LATEST = MIGRATIONS[-1][0]
MARK = ("\x02", "\x03")


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with open_store(tmp_path / "listener.db") as s:
        yield s


def texts(hits: list[SearchHit]) -> list[str]:
    return [h.mention.id for h in hits]


# -- opening, schema, migrations -------------------------------------------------------


def test_new_database_is_wal_with_latest_schema(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    with open_store(path) as s:
        assert s.schema_version == LATEST
        raw = sqlite3.connect(path)
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST
        raw.close()


def test_opening_an_empty_file_migrates_from_version_zero(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    with open_store(path) as s:
        assert s.count_mentions() == 0
        assert s.schema_version == LATEST


def test_reopen_is_idempotent_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "again.db"
    with open_store(path) as s:
        s.insert_mentions([make_mention(1)])
    for _ in range(2):
        with open_store(path) as s:
            assert s.count_mentions() == 1
            assert s.schema_version == LATEST
            assert texts(s.search("ordinary")) == ["news:1"]


def test_older_database_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with open_store(path) as s:
        s.insert_mentions([make_mention(1)])

    def add_column(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE mentions ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0")

    newer = (
        *MIGRATIONS,
        (LATEST + 1, ("CREATE TABLE notes (id INTEGER PRIMARY KEY)",)),
        (LATEST + 2, add_column),
    )
    with SQLiteStore(path, migrations=newer) as s:
        assert s.schema_version == LATEST + 2
        assert s.get_mention("news:1") == make_mention(1)
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    assert raw.execute("SELECT flagged FROM mentions").fetchall() == [(0,)]
    raw.close()


def test_failed_migration_leaves_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "half.db"
    open_store(path).close()
    broken = (*MIGRATIONS, (LATEST + 1, ("CREATE TABLE notes (id INTEGER)", "THIS IS NOT SQL")))
    with pytest.raises(sqlite3.OperationalError):
        SQLiteStore(path, migrations=broken)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert raw.execute("SELECT name FROM sqlite_master WHERE name = 'notes'").fetchall() == []
    raw.close()


def test_database_from_a_newer_listener_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    open_store(path).close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(SchemaTooNewError, match=r"newer listener \(schema 99\); upgrade listener"):
        open_store(path)


def test_closed_store_refuses_calls(tmp_path: Path) -> None:
    s = open_store(tmp_path / "closed.db")
    s.close()
    s.close()  # twice is harmless
    with pytest.raises(StoreError, match="closed"):
        s.count_mentions()
    with pytest.raises(StoreError, match="closed"):
        s.insert_mentions([make_mention(1)])


def _url_lookup_plan(conn: sqlite3.Connection) -> str:
    """The query plan of the store's own canonical-URL lookup (with exclude_source) on conn."""
    plans: list[str] = []

    class Explain:  # stands in for the connection: EXPLAINs each statement instead of running it
        def execute(self, sql: str, params: Any) -> list[Any]:
            found = conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
            plans.extend(row[3] for row in found)
            return []

    explain: Any = Explain()
    store_lookups.existing_canonical_urls_on(explain, ["https://example.com/a/1"], "news")
    return "\n".join(plans)


def test_version_1_database_gains_the_url_source_index(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    post = "https://blog.example/post/"
    write_old_database(
        path, 1, [make_mention(1, source="blog", canonical_url=post), make_mention(2)]
    )
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    # Before: the URL index alone, so every candidate row is read from the table for its source.
    assert "COVERING" not in _url_lookup_plan(raw)
    raw.close()

    with open_store(path) as s:
        assert s.schema_version == LATEST
        assert s.get_mention("blog:1") == make_mention(1, source="blog", canonical_url=post)
        assert s.existing_canonical_urls([post], exclude_source="blog") == set()
        assert s.existing_canonical_urls([post], exclude_source="news") == {post}
    raw = sqlite3.connect(path)
    indexes = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "mentions_canonical_url_source" in indexes
    assert "mentions_canonical_url" not in indexes  # a prefix of the new one: dropped
    assert "USING COVERING INDEX mentions_canonical_url_source" in _url_lookup_plan(raw)
    raw.close()


# -- mentions --------------------------------------------------------------------------


def test_insert_returns_only_new_rows_in_input_order(store: SQLiteStore) -> None:
    a, b, c = make_mention(1), make_mention(2), make_mention(3)
    assert store.insert_mentions([b, a]) == [b, a]
    assert store.insert_mentions([c, a, b, c]) == [c]
    assert store.insert_mentions([a, b, c]) == []
    assert store.count_mentions() == 3


def test_every_field_round_trips(store: SQLiteStore) -> None:
    plus2 = timezone(timedelta(hours=2))
    full = make_mention(
        7,
        url="https://example.com/x?y=1",
        canonical_url="https://example.com/x",
        author=Author(handle="Zoë_K", name="Zoë Kravitz", url="https://x.test/zoe", followers=42),
        title="Café déjà vu — “quotes” 🎉",
        text="Line with 'quotes', ; semicolons; -- and NUL-free unicode: পরিষেবা नमस्ते",
        html="<p>raw &amp; markup</p>",
        language="pt-BR",
        published_at=datetime(2024, 2, 29, 23, 59, 59, 123456, tzinfo=plus2),
        fetched_at=datetime(2024, 3, 1, 0, 0, 0, 1, tzinfo=UTC),
        engagement=Engagement(likes=3, shares=0, replies=None, views=1_000_000),
        rating=4.5,
        parent_id="news:6",
        thread_id="news:1",
        brands=("acme", "globex"),
        matched_terms=("acme", "#globex"),
        content_hash="f" * 64,
        judgments=Judgments(sentiment=-0.6249, sentiment_label=SentimentLabel.NEGATIVE, model="v"),
    )
    sparse = make_mention(
        8, url=None, canonical_url=None, author=Author(), language=None, brands=(),
        matched_terms=(), title="",
    )  # fmt: skip
    store.insert_mentions([full, sparse])
    for original in (full, sparse):
        loaded = store.get_mention(original.id)
        assert loaded == original
        assert loaded is not None
        for f in dataclasses.fields(Mention):
            assert getattr(loaded, f.name) == getattr(original, f.name), f.name
        assert loaded.published_at.tzinfo is UTC
        assert isinstance(loaded.brands, tuple)
        assert isinstance(loaded.judgments.sentiment_label, SentimentLabel)
    assert store.get_mention("news:404") is None


def test_authors_count_mentions_and_keep_latest_followers(store: SQLiteStore) -> None:
    def by(n: int, handle: str, followers: int | None, fetched_min: int) -> Mention:
        return make_mention(
            n,
            author=Author(handle=handle, name=None if n == 3 else "Ann", followers=followers),
            fetched_at=T0 + timedelta(minutes=fetched_min),
        )

    store.insert_mentions([by(1, "ann", 10, 1), by(2, "Ann", 30, 30)])
    # Fetched earlier but stored later: its follower count is older news.
    store.insert_mentions([by(3, "ANN", 20, 5), by(4, "ann", None, 60)])
    store.insert_mentions([by(1, "ann", 999, 99)])  # already stored: counts nothing
    store.insert_mentions([make_mention(5, author=Author(handle=None, name="Anonymous"))])

    author = store.get_author("rss", "aNN")
    assert author is not None
    assert author.mention_count == 4
    assert author.followers == 30
    assert author.name == "Ann"  # a mention without a name does not erase it
    assert author.first_seen_at == T0 + timedelta(minutes=1)
    assert author.last_seen_at == T0 + timedelta(minutes=4)
    assert store.get_author("reddit", "ann") is None  # the key includes the source type
    assert store.get_author("rss", "Anonymous") is None


def test_existing_ids_and_canonical_urls_in_one_batch(store: SQLiteStore) -> None:
    store.insert_mentions([make_mention(1), make_mention(2, canonical_url=None)])
    many_ids = [f"news:{i}" for i in range(3, 40_000)]  # past any SQLite variable limit
    assert store.existing_ids(["news:1", "news:2", "news:9", *many_ids]) == {"news:1", "news:2"}
    assert store.existing_ids([]) == set()
    assert store.existing_canonical_urls(
        ["https://example.com/a/1", "https://example.com/a/2"]
    ) == {"https://example.com/a/1"}
    assert store.existing_canonical_urls([]) == set()


def test_canonical_urls_stored_by_the_excluded_source_do_not_count(store: SQLiteStore) -> None:
    # A WordPress comments feed links every comment as /post/#comment-N: one canonical URL.
    post, article = "https://blog.example/post/", "https://example.com/a/2"
    store.insert_mentions([make_mention(1, source="blog", canonical_url=post), make_mention(2)])
    assert store.existing_canonical_urls([post, article]) == {post, article}
    assert store.existing_canonical_urls([post, article], exclude_source="blog") == {article}
    assert store.existing_canonical_urls([post, article], exclude_source="news") == {post}
    assert store.existing_canonical_urls([post, article], exclude_source="other") == {
        post, article,
    }  # fmt: skip
    assert store.existing_canonical_urls([], exclude_source="blog") == set()
    # Once another source has stored it too, it counts whichever source asks.
    store.insert_mentions([make_mention(3, canonical_url=post)])
    assert store.existing_canonical_urls([post, article], exclude_source="blog") == {
        post, article,
    }  # fmt: skip


def test_recheck_lookups_answer_like_the_reader_methods(store: SQLiteStore) -> None:
    post = "https://blog.example/post/"
    store.insert_mentions(
        [
            make_mention(1, source="blog", canonical_url=post, content_hash="h"),
            make_mention(2, brands=("acme", "globex")),
        ]
    )
    ids = ["blog:1", "news:2", "news:3"]
    urls = [post, "https://example.com/a/2", "https://example.com/a/3"]
    pairs = [("acme", "h"), ("globex", "hash2"), ("initech", "h")]
    since = T0
    answers: list[tuple[Any, Any]] = []

    def recheck(lookups: DuplicateLookups) -> Sequence[Mention]:
        answers.extend(
            [
                (lookups.existing_ids(ids), store.existing_ids(ids)),
                (lookups.existing_canonical_urls(urls), store.existing_canonical_urls(urls)),
                (
                    lookups.existing_canonical_urls(urls, exclude_source="blog"),
                    store.existing_canonical_urls(urls, exclude_source="blog"),
                ),
                (
                    lookups.recent_content_hashes(pairs, since),
                    store.recent_content_hashes(pairs, since),
                ),
            ]
        )
        return []

    assert store.insert_mentions([make_mention(3)], recheck=recheck) == []
    assert answers == [
        ({"blog:1", "news:2"},) * 2,
        ({post, "https://example.com/a/2"},) * 2,
        ({"https://example.com/a/2"},) * 2,
        ({("acme", "h"), ("globex", "hash2")},) * 2,
    ]
    assert store.count_mentions() == 2


def test_recheck_decides_what_is_inserted_and_in_which_order(store: SQLiteStore) -> None:
    a, b, c, d = (make_mention(n) for n in range(1, 5))
    edited = dataclasses.replace(a, title="Edited by the recheck")
    assert store.insert_mentions([a, b, c], recheck=lambda lookups: [c, edited, d]) == [
        c, edited, d,
    ]  # fmt: skip
    assert store.get_mention("news:1") == edited  # its row was built from what was returned
    assert store.get_mention("news:2") is None
    assert texts(store.search("edited")) == ["news:1"]
    # Ids already stored are still skipped, whatever the recheck returns.
    assert store.insert_mentions([b, c], recheck=lambda lookups: [b, c]) == [b]


def test_a_failing_recheck_stores_nothing(store: SQLiteStore) -> None:
    def recheck(lookups: DuplicateLookups) -> Sequence[Mention]:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        store.insert_mentions([make_mention(1)], recheck=recheck)
    assert store.count_mentions() == 0
    assert store.insert_mentions([make_mention(1)]) == [make_mention(1)]


def test_recheck_lookups_are_only_usable_during_the_recheck(store: SQLiteStore) -> None:
    kept: list[DuplicateLookups] = []

    def recheck(lookups: DuplicateLookups) -> Sequence[Mention]:
        kept.append(lookups)
        return []

    store.insert_mentions([make_mention(1)], recheck=recheck)
    with pytest.raises(StoreError, match="only while the recheck runs"):
        kept[0].existing_ids(["news:1"])


def test_a_recheck_that_writes_through_the_store_fails_instead_of_deadlocking(
    store: SQLiteStore,
) -> None:
    def recheck(lookups: DuplicateLookups) -> Sequence[Mention]:
        store.insert_mentions([make_mention(2)])
        return []

    with pytest.raises(StoreError, match="cannot write through the store"):
        store.insert_mentions([make_mention(1)], recheck=recheck)
    assert store.insert_mentions([make_mention(3)]) == [make_mention(3)]
    assert store.count_mentions() == 1


def test_rows_are_built_outside_the_write_lock(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = store_rows.mention_to_row
    locked: list[bool] = []

    def watched(m: Mention) -> tuple[Any, ...]:
        locked.append(store._write_lock.locked())
        return build(m)

    monkeypatch.setattr(store_rows, "mention_to_row", watched)
    store.insert_mentions([make_mention(1), make_mention(2)])
    store.insert_mentions([make_mention(3), make_mention(4)], recheck=lambda lookups: [])
    batch = [make_mention(5), make_mention(6)]
    assert store.insert_mentions(batch, recheck=lambda lookups: batch[1:]) == batch[1:]
    assert locked == [False] * 6


def test_content_hash_window_respects_since(store: SQLiteStore) -> None:
    seen = T0 + timedelta(minutes=1, seconds=30)  # make_mention(1)'s fetched_at
    store.insert_mentions([make_mention(1, brands=("acme", "globex"), content_hash="h")])
    asked = [("acme", "h"), ("globex", "h"), ("acme", "other"), ("initech", "h")]
    assert store.recent_content_hashes(asked, since=seen) == {("acme", "h"), ("globex", "h")}
    assert store.recent_content_hashes(asked, since=seen - timedelta(days=1)) == {
        ("acme", "h"), ("globex", "h"),
    }  # fmt: skip
    assert store.recent_content_hashes(asked, since=seen + timedelta(microseconds=1)) == set()
    # Seeing the same text again later moves the window forward.
    later = seen + timedelta(hours=5)
    store.insert_mentions([make_mention(2, content_hash="h", fetched_at=later)])
    assert store.recent_content_hashes(asked, since=later) == {("acme", "h")}
    assert store.recent_content_hashes([], since=seen) == set()


def test_forgetting_old_content_hashes_keeps_those_inside_the_window(store: SQLiteStore) -> None:
    early = T0 + timedelta(minutes=1, seconds=30)
    late = early + timedelta(days=10)
    store.insert_mentions([make_mention(1, brands=("acme",), content_hash="old")])
    store.insert_mentions([make_mention(2, brands=("acme",), content_hash="new", fetched_at=late)])
    assert store.forget_content_hashes(before=late - timedelta(days=7)) == 1
    asked = [("acme", "old"), ("acme", "new")]
    assert store.recent_content_hashes(asked, since=T0) == {("acme", "new")}


def test_fts_index_stays_in_sync_with_updates_and_deletes(store: SQLiteStore) -> None:
    store.insert_mentions([make_mention(i) for i in range(1, 6)])
    raw = sqlite3.connect(store.path)
    raw.execute("PRAGMA foreign_keys = ON")
    with raw:
        raw.execute("UPDATE mentions SET body = 'walrus' WHERE id = 'news:1'")
        raw.execute("UPDATE mentions SET sentiment = 0.5 WHERE id = 'news:2'")
        raw.execute("DELETE FROM mentions WHERE id = 'news:3'")
    # FTS5's own check that an external-content index matches its content table.
    raw.execute("INSERT INTO mentions_fts(mentions_fts, rank) VALUES ('integrity-check', 1)")
    assert raw.execute("SELECT count(*) FROM mention_brands").fetchone()[0] == 4
    raw.close()
    assert texts(store.search("walrus")) == ["news:1"]
    assert texts(store.search("ordinary")) == ["news:5", "news:4", "news:2"]


# -- source state ----------------------------------------------------------------------


def test_source_state_round_trips(store: SQLiteStore) -> None:
    full = SourceState(
        source="news",
        etag='W/"abc"',
        last_modified="Wed, 01 May 2024 12:00:00 GMT",
        cursor='{"after": "t3_x"}',
        next_check_at=T0 + timedelta(minutes=5, microseconds=7),
        last_attempt_at=T0,
        last_success_at=T0 - timedelta(hours=1),
        error_count=2,
        last_error="HTTP 503",
        parked_reason=None,
        items_total=120,
        last_new_items=4,
    )
    assert store.load_source_state("news") is None
    store.save_source_state(full)
    store.save_source_state(SourceState(source="blog"))
    assert store.load_source_state("news") == full
    assert store.load_source_state("blog") == SourceState(source="blog")
    recovered = dataclasses.replace(full, error_count=0, last_error=None, last_success_at=T0)
    store.save_source_state(recovered)
    assert store.source_states() == [SourceState(source="blog"), recovered]


# -- concurrency -----------------------------------------------------------------------


def test_readers_never_see_a_partial_batch(store: SQLiteStore) -> None:
    batch_size, batches = 20, 25
    stop = threading.Event()
    problems: list[str] = []
    observed: list[int] = []

    all_ids = [f"news:{i}" for i in range(batch_size * batches)]

    def read() -> None:
        try:
            while not stop.is_set():
                count = store.count_mentions()
                known = len(store.existing_ids(all_ids))
                found = len(store.search("ordinary", limit=10_000))
                for n in (count, known, found):
                    observed.append(n)
                    if n % batch_size:
                        problems.append(f"saw {n} rows")
                time.sleep(0.001)
        except Exception as exc:  # pragma: no cover - reported below
            problems.append(repr(exc))

    readers = [threading.Thread(target=read) for _ in range(4)]
    for t in readers:
        t.start()
    try:
        for b in range(batches):
            start = b * batch_size
            store.insert_mentions([make_mention(start + i) for i in range(batch_size)])
            time.sleep(0.002)  # let readers interleave with the writer
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert problems == []
    assert store.count_mentions() == batch_size * batches
    assert any(0 < n < batch_size * batches for n in observed), "readers never overlapped"


@pytest.mark.parametrize("second_store", [False, True], ids=["one-store", "two-stores"])
def test_concurrent_sources_store_a_shared_article_once(tmp_path: Path, second_store: bool) -> None:
    # Two sources polled at once carry 30 of the same articles (same canonical URL, own ids
    # and content). Both check before either inserts, so only the recheck can stop the
    # second copy. "two-stores" is a second process's view: its own writer connection.
    path = tmp_path / "race.db"
    first = open_store(path)
    other = open_store(path) if second_store else first
    barrier = threading.Barrier(2, timeout=10)
    prechecked: dict[str, set[str]] = {}
    stored: dict[str, list[Mention]] = {}
    errors: list[BaseException] = []

    def poll(s: SQLiteStore, source: str, numbers: range) -> None:
        try:
            batch = [make_mention(n, source=source, content_hash=f"{source}{n}") for n in numbers]
            urls = [m.canonical_url for m in batch if m.canonical_url]
            prechecked[source] = s.existing_canonical_urls(urls, exclude_source=source)
            barrier.wait()

            def recheck(lookups: DuplicateLookups) -> Sequence[Mention]:
                known = lookups.existing_canonical_urls(urls, exclude_source=source)
                return [m for m in batch if m.canonical_url not in known]

            stored[source] = s.insert_mentions(batch, recheck=recheck)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            barrier.abort()

    threads = [
        threading.Thread(target=poll, args=(first, "news", range(0, 60))),
        threading.Thread(target=poll, args=(other, "alerts", range(30, 90))),
    ]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert prechecked == {"news": set(), "alerts": set()}  # the race really happened
        assert len(stored["news"]) + len(stored["alerts"]) == 90
        assert first.count_mentions() == 90
        raw = sqlite3.connect(path)
        twice = raw.execute(
            "SELECT canonical_url FROM mentions GROUP BY canonical_url HAVING count(*) > 1"
        ).fetchall()
        raw.close()
        assert twice == []
    finally:
        first.close()
        other.close()


def test_recheck_sees_what_another_store_committed(tmp_path: Path) -> None:
    path = tmp_path / "two.db"
    article = make_mention(1)
    url = article.canonical_url
    assert url is not None
    with open_store(path) as daemon, open_store(path) as poll_once:
        assert daemon.existing_canonical_urls([url], exclude_source="news") == set()
        poll_once.insert_mentions([make_mention(1, source="alerts", content_hash="other")])
        seen: list[set[str]] = []

        def recheck(lookups: DuplicateLookups) -> Sequence[Mention]:
            seen.append(lookups.existing_canonical_urls([url], exclude_source="news"))
            return [] if seen[-1] else [article]

        assert daemon.insert_mentions([article], recheck=recheck) == []
        assert seen == [{url}]
        assert daemon.get_mention("news:1") is None
        assert daemon.count_mentions() == 1


# -- search ----------------------------------------------------------------------------


def test_title_match_ranks_above_body_only_match(store: SQLiteStore) -> None:
    in_body = make_mention(1, title="Weekly roundup", text="Shipping news: the anvil arrived late.")
    in_title = make_mention(2, title="Anvil review", text="Shipping news: it arrived late again.")
    newer_body = make_mention(3, title="Another roundup", text="Shipping news: an anvil, late.")
    store.insert_mentions([in_body, in_title, newer_body])
    hits = store.search("anvil")
    assert texts(hits)[0] == "news:2"
    assert set(texts(hits)) == {"news:1", "news:2", "news:3"}
    scores = [h.score for h in hits]
    assert all(s is not None for s in scores)
    assert scores[0] is not None and scores[1] is not None and scores[0] > scores[1]


def test_no_query_lists_everything_newest_first(store: SQLiteStore) -> None:
    long_text = "word " * 100
    store.insert_mentions([make_mention(1), make_mention(3, text=long_text), make_mention(2)])
    for query in (None, "", "   "):
        hits = store.search(query)
        assert texts(hits) == ["news:3", "news:2", "news:1"]
    first = store.search(None)[0]
    assert first.score is None
    assert first.title_highlighted == "Post number 3"
    assert first.snippet.endswith("…") and len(first.snippet) <= 201
    assert long_text.startswith(first.snippet[:-1])
    assert texts(store.search(None, limit=1, offset=1)) == ["news:2"]
    assert store.search(None, limit=0) == []
    with pytest.raises(ValueError):
        store.search(None, limit=-1)


def test_snippet_and_title_mark_the_matched_word(store: SQLiteStore) -> None:
    store.insert_mentions(
        [make_mention(1, title="Acme anvil", text="I bought an anvil from Acme and it broke.")]
    )
    (hit,) = store.search("anvil")
    assert "\x02anvil\x03 from" in hit.snippet
    assert hit.title_highlighted == "Acme \x02anvil\x03"
    (hit,) = store.search("anvil", highlight=("<b>", "</b>"))
    assert "an <b>anvil</b> from" in hit.snippet


def test_brand_source_sentiment_and_time_filters(store: SQLiteStore) -> None:
    neg = Judgments(sentiment=-0.7, sentiment_label=SentimentLabel.NEGATIVE)
    pos = Judgments(sentiment=0.8, sentiment_label=SentimentLabel.POSITIVE)
    store.insert_mentions(
        [
            make_mention(1, brands=("acme",), judgments=neg),
            make_mention(2, brands=("globex",), judgments=pos),
            make_mention(3, brands=("acme", "globex"), judgments=neg),
            make_mention(
                4, id="reddit-main:4", source="reddit-main", source_type="reddit", judgments=pos
            ),
        ]
    )
    assert texts(store.search(None, brand="globex")) == ["news:3", "news:2"]
    assert texts(store.search(None, brand="GLOBEX")) == ["news:3", "news:2"]
    assert texts(store.search(None, brand="initech")) == []
    assert texts(store.search(None, source="reddit")) == ["reddit-main:4"]  # by type
    assert texts(store.search(None, source="Reddit-Main")) == ["reddit-main:4"]  # by name
    assert texts(store.search(None, source="rss")) == ["news:3", "news:2", "news:1"]
    assert texts(store.search(None, sentiment="negative")) == ["news:3", "news:1"]
    assert texts(store.search("ordinary", sentiment="positive")) == ["reddit-main:4", "news:2"]
    assert store.search(None, sentiment="unknown") == []
    with pytest.raises(ValueError, match="sentiment must be one of"):
        store.search(None, sentiment="angry")
    # since is inclusive, until exclusive, both on published_at (T0 + n minutes).
    two, four = T0 + timedelta(minutes=2), T0 + timedelta(minutes=4)
    assert texts(store.search(None, since=two, until=four)) == ["news:3", "news:2"]
    assert texts(store.search("ordinary", since=four)) == ["reddit-main:4"]
    assert texts(store.search(None, brand="acme", sentiment="negative", until=two)) == ["news:1"]


def test_lang_and_source_filters_in_the_query(store: SQLiteStore) -> None:
    store.insert_mentions(
        [
            make_mention(1, language="pt"),
            make_mention(2, language="pt-BR"),
            make_mention(3, language="en"),
            make_mention(4, language=None),
            make_mention(5, language="ptx"),
            make_mention(6, id="r:6", source="r", source_type="reddit", language="en"),
        ]
    )
    assert texts(store.search("ordinary lang:pt")) == ["news:2", "news:1"]
    assert texts(store.search("lang:PT-br")) == ["news:2"]
    assert texts(store.search("ordinary (lang:en OR lang:pt)")) == [
        "r:6", "news:3", "news:2", "news:1",
    ]  # fmt: skip
    assert texts(store.search("ordinary source:reddit")) == ["r:6"]
    assert texts(store.search("source:news lang:en")) == ["news:3"]
    assert texts(store.search("source:r")) == ["r:6"]


def test_pure_negation_keeps_everything_else(store: SQLiteStore) -> None:
    store.insert_mentions(
        [
            make_mention(1, text="Acme is hiring, job offer inside"),
            make_mention(2, text="Acme broke my anvil"),
            make_mention(3, text="Acme job fair", language="fr"),
            make_mention(4, text="Nothing to see"),
        ]
    )
    assert texts(store.search("-job")) == ["news:4", "news:2"]
    assert texts(store.search("NOT job NOT anvil")) == ["news:4"]
    assert texts(store.search("acme -job")) == ["news:2"]
    assert texts(store.search("lang:en -job")) == ["news:4", "news:2"]


def test_handles_and_hashtags(store: SQLiteStore) -> None:
    store.insert_mentions(
        [
            make_mention(1, text="Thanks @Acme for the fix #Launch"),
            make_mention(2, text="acme launch went fine"),
        ]
    )
    assert texts(store.search("@acme")) == ["news:1"]
    assert texts(store.search("#launch")) == ["news:1"]
    assert texts(store.search("launch")) == ["news:2", "news:1"]


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("গ্রাহক পরিষেবা খুব খারাপ ছিল", "পরিষেবা"),  # Bengali: vowel signs inside the word
        ("ग्राहक सेवा बहुत खराब है", "खराब"),  # Devanagari
        ("కస్టమర్ సేవ చాలా బాగుంది", "బాగుంది"),  # Telugu
    ],
)
def test_indic_words_are_found_whole_and_not_as_substrings(
    store: SQLiteStore, text: str, query: str
) -> None:
    store.insert_mentions([make_mention(1, text=text), make_mention(2)])
    (hit,) = store.search(query)
    assert hit.mention.id == "news:1"
    assert f"\x02{query}\x03" in hit.snippet
    # Cut before a vowel sign: the tokenizer without M* would have split the word here.
    prefix = query[:2]
    assert store.search(prefix) == []


def test_diacritics_are_ignored(store: SQLiteStore) -> None:
    store.insert_mentions([make_mention(1, title="Café Zoë", text="Crème brûlée at the café.")])
    for query in ("cafe", "CAFÉ", "creme brulee", "zoe"):
        assert texts(store.search(query)) == ["news:1"], query


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unterminated',
        "NEAR(",
        "NEAR(a b, 2)",
        "*",
        "a*",
        "a OR",
        "OR",
        "AND AND",
        "{title}:x",
        "title:x",
        "^x",
        "(",
        ")",
        "-",
        "a -",
        "'; DROP TABLE mentions; --",
        "x\x00y",
        "@",
        "#",
        "lang:",
        "ordinary OR -x",
    ],
)
def test_hostile_input_is_a_clean_error_or_a_literal_search(store: SQLiteStore, query: str) -> None:
    store.insert_mentions([make_mention(1), make_mention(2, text="NEAR the title x")])
    try:
        hits = store.search(query)
    except QueryError as err:
        assert err.message
        assert err.column >= 1
    else:
        assert all(isinstance(h, SearchHit) for h in hits)
    assert store.count_mentions() == 2


def test_an_fts_syntax_error_surfaces_as_a_query_error(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Simulates a translation bug in to_fts5 (our own seam, not a library internal): the
    # search box must still get a QueryError, not a database error.
    store.insert_mentions([make_mention(1)])
    for broken in (FtsQuery('"unterminated', None, ()), FtsQuery(None, "NEAR(", ())):
        monkeypatch.setattr(store_search, "to_fts5", lambda query, fts=broken: fts)
        with pytest.raises(QueryError, match="search cannot run this query"):
            store.search("anything")
