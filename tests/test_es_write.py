"""The Elasticsearch engine's write path on a real test cluster (osmem-server, or the cluster
LISTENER_TEST_ES_URL names): every local write reaches the mentions index through the
outbox, in order, and nothing is dropped without a trace."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from listener.models import Judgments
from listener.store.elasticsearch.documents import mention_of, order_key
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from tests.store_helpers import T0, make_mention


@pytest.fixture
def store(tmp_path: Path, es_settings: ClusterSettings) -> Iterator[ElasticStore]:
    with ElasticStore(tmp_path / "listener.db", es_settings) as s:
        yield s


def indexed(store: ElasticStore, mention_id: str) -> dict[str, Any] | None:
    index = store.shared_index
    index.refresh()
    found = index.cluster.call(
        lambda es: es.options(ignore_status=404).get(index=index.mentions_index, id=mention_id)
    ).body
    return found.get("_source") if found.get("found") else None


def index_count(store: ElasticStore) -> int:
    index = store.shared_index
    index.refresh()
    body = index.cluster.call(lambda es: es.count(index=index.mentions_index)).body
    return int(body["count"])


def test_an_insert_reaches_the_index_whole_and_leaves_nothing_queued(store: ElasticStore) -> None:
    m = make_mention(1)
    assert store.insert_mentions([m]) == [m]
    source = indexed(store, m.id)
    assert source is not None and mention_of(source) == m
    assert store.index_pending() == 0 and store.index_last_error() is None


def test_every_kind_of_local_write_is_sent(store: ElasticStore) -> None:
    a, b, c = make_mention(1), make_mention(2), make_mention(3)
    store.insert_mentions([a, b, c])
    # A change of judgments (labels write the same row), an edit, a tombstone.
    store.update_judgments(a.id, Judgments(sentiment=-0.8, complaint=True))
    store.revise_mentions([replace(b, text="new words", edited_at=T0)])
    store.tombstone_mentions([c.id], T0 + timedelta(hours=1))
    assert store.index_pending() == 0
    doc_a, doc_b, doc_c = (indexed(store, x.id) for x in (a, b, c))
    assert doc_a is not None and doc_a["complaint"] is True
    assert doc_b is not None and doc_b["text"] == "new words"
    assert doc_c is not None and doc_c["live"] is False and doc_c["text"] == ""


def test_a_queued_mention_deleted_locally_is_deleted_from_the_index(
    tmp_path: Path, store: ElasticStore
) -> None:
    m = make_mention(1)
    store.insert_mentions([m])
    assert indexed(store, m.id) is not None
    # Erasure and retention delete mention rows; any delete of the row queues a delete.
    with store._write() as conn:  # the store's own writer: its triggers see this
        conn.execute("DELETE FROM mentions WHERE id = ?", (m.id,))
    assert indexed(store, m.id) is None
    assert store.index_pending() == 0


def test_the_outbox_is_empty_on_the_embedded_engine(tmp_path: Path) -> None:
    from listener.store import SQLiteStore

    with SQLiteStore(tmp_path / "plain.db") as plain:
        plain.insert_mentions([make_mention(1)])
    raw = sqlite3.connect(tmp_path / "plain.db")
    assert raw.execute("SELECT count(*) FROM index_outbox").fetchone()[0] == 0
    raw.close()


def test_order_keys_are_exact_as_json_doubles_and_newest_first() -> None:
    # Some servers (osmem-server) read JSON numbers as doubles: a key past 2**53 would
    # collide with its neighbours and break search_after (the walk repeated a page).
    late = datetime(2200, 1, 1, tzinfo=UTC)
    assert order_key(late, 2**20 - 1) < 2**53
    assert float(order_key(T0, 7)) != float(order_key(T0, 8))
    one_batch = [order_key(T0, seq) for seq in (5, 6, 7)]
    assert one_batch == sorted(one_batch)  # same fetch: the store's insert order
    assert order_key(T0 + timedelta(seconds=1), 1) > order_key(T0, 2**20 - 1)


def test_a_row_that_makes_no_document_is_parked_and_the_queue_goes_on(
    store: ElasticStore,
) -> None:
    broken, fine = make_mention(1), make_mention(2)
    store.insert_mentions([broken])
    with store._write() as conn:  # damage written past the store's API, then a good write
        conn.execute("UPDATE mentions SET published_at = 'not a time' WHERE id = ?", (broken.id,))
    store.insert_mentions([fine])
    assert store.index_pending() == 0
    (parked,) = store.index_rejected()
    assert parked.mention_id == broken.id and parked.status == 0
    assert "could not build its document" in parked.reason
    assert indexed(store, fine.id) is not None
