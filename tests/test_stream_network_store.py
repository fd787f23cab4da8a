"""The store reads one author over the source types of one network (a polled type and its
stream) on a real SQLite file: the history newest first across both, keyset pages that
neither skip nor repeat, the follow-up lookup still answered from the link table's key."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from listener.models import AlertKind, Author, Mention
from listener.store import SQLiteStore, open_store
from listener.store.alerts import open_alert_query
from listener.store.author_reads import alerts_of_author, author_mentions_page
from tests.alert_helpers import raise_alert
from tests.store_helpers import T0, make_mention

BLUESKY = ("bluesky", "jetstream")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with open_store(tmp_path / "listener.db") as s:
        yield s


def _by_ann(n: int, source_type: str, minutes: int) -> Mention:
    return make_mention(
        n,
        source="sky-search" if source_type == "bluesky" else "sky-live",
        source_type=source_type,
        author=Author(handle="ann.bsky.social" if n % 2 else "Ann.bsky.social"),
        published_at=T0 + timedelta(minutes=minutes),
    )


def _fill(store: SQLiteStore) -> None:
    # Interleaved in time, two of them at the same instant, plus someone on another network.
    store.insert_mentions(
        [
            _by_ann(1, "bluesky", 10),
            _by_ann(2, "jetstream", 20),
            _by_ann(3, "bluesky", 30),
            _by_ann(4, "jetstream", 30),
            _by_ann(5, "jetstream", 40),
            _by_ann(6, "bluesky", 50),
            make_mention(7, source_type="mastodon", author=Author(handle="ann.bsky.social")),
        ]
    )


def test_author_history_is_newest_first_across_the_networks_types(store: SQLiteStore) -> None:
    _fill(store)
    before = T0 + timedelta(minutes=45)
    both = store.author_mentions(BLUESKY, "ANN.bsky.social", before=before, limit=3)
    assert [m.id for m in both] == ["sky-live:5", "sky-live:4", "sky-search:3"]
    with store.alert_transaction() as tx:
        all_of_them = tx.author_mentions(BLUESKY, "ann.bsky.social", before=before, limit=10)
        one_type = tx.author_mentions("jetstream", "ann.bsky.social", before=before, limit=10)
    assert [m.id for m in all_of_them] == [
        "sky-live:5", "sky-live:4", "sky-search:3", "sky-live:2", "sky-search:1",
    ]  # fmt: skip
    assert [m.source_type for m in one_type] == ["jetstream"] * 3


def test_keyset_pages_over_two_types_neither_skip_nor_repeat(store: SQLiteStore) -> None:
    _fill(store)
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page, after = author_mentions_page(store, BLUESKY, "ann.bsky.social", after=after, limit=2)
        seen += [m.id for m in page]
        pages += 1
        if after is None:
            break
    assert pages == 3
    assert seen == [
        "sky-search:6", "sky-live:5", "sky-live:4", "sky-search:3", "sky-live:2", "sky-search:1",
    ]  # fmt: skip


def test_an_alert_holding_mentions_of_both_types_is_listed_once(store: SQLiteStore) -> None:
    _fill(store)
    raise_alert(store, 1, at=T0 + timedelta(hours=1), mention_ids=["sky-search:1", "sky-live:2"])
    raise_alert(store, 2, at=T0 + timedelta(hours=2), mention_ids=["sky-live:5"])
    found = alerts_of_author(store, BLUESKY, "ann.bsky.social", limit=5)
    assert [a.title for a in found] == ["Alert number 2", "Alert number 1"]
    assert [a.title for a in alerts_of_author(store, BLUESKY, "ann", limit=5)] == []
    assert len(alerts_of_author(store, BLUESKY, "ann.bsky.social", limit=1)) == 1


def test_the_follow_up_lookup_finds_the_author_through_the_other_type(store: SQLiteStore) -> None:
    _fill(store)
    alert, _ = raise_alert(
        store, 1, at=T0 + timedelta(hours=1), mention_ids=["sky-search:1"], brand="acme"
    )
    base: dict[str, Any] = {"kinds": [AlertKind.COMPLAINT], "brand": "acme", "since": T0}
    with store.alert_transaction() as tx:
        by_network = tx.find_open_alert(**base, author=(BLUESKY, "ANN.bsky.social"))
        by_stream_alone = tx.find_open_alert(**base, author=("jetstream", "ann.bsky.social"))
        other_network = tx.find_open_alert(**base, author=(("mastodon",), "ann.bsky.social"))
    assert by_network is not None and by_network.id == alert.id
    assert by_stream_alone is None and other_network is None


def test_the_follow_up_lookup_over_two_types_reads_the_link_tables_key(
    store: SQLiteStore,
) -> None:
    sql, params = open_alert_query(
        kinds=[AlertKind.COMPLAINT], brand="acme", since=T0, rule="complaints",
        author=(BLUESKY, "ann"), thread_id="100",
    )  # fmt: skip
    raw = sqlite3.connect(store.path)
    try:
        plan = [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + sql, params)]
    finally:
        raw.close()
    assert any(s.startswith("SEARCH open_alert_authors USING PRIMARY KEY") for s in plan), plan
    assert not any(s.startswith("SCAN open_alert_authors") for s in plan), plan
    assert not any(("alert_mentions" in s or " mentions" in s) for s in plan), plan
