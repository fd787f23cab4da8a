"""Taking over a content claim older than the dedupe window: the take-over is written at the
holder's version before the batch's verdict, so when several daemons take over one stale
claim at the same moment exactly one of them stores the text (the others' 409 says the
pair is held by another writer: their mention is a duplicate)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from listener.models import Mention
from listener.pipeline.dedupe import DedupeLookups, dedupe
from listener.pipeline.types import BatchReport
from listener.store.elasticsearch.claims import id_key
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from listener.store.rows import ts
from tests.store_helpers import T0, make_mention


def store_checked(store: ElasticStore, batch: Sequence[Mention], since: datetime) -> list[Mention]:
    source = batch[0].source

    def recheck(lookups: DedupeLookups) -> Sequence[Mention]:
        return dedupe(batch, lookups, source=source, since=since, report=BatchReport())

    return store.insert_mentions(batch, recheck=recheck)


@pytest.mark.parametrize("round_", range(4))
def test_three_daemons_taking_over_one_stale_content_claim_store_the_text_once(
    tmp_path: Path, es_settings: ClusterSettings, round_: int
) -> None:
    stores = [ElasticStore(tmp_path / f"{name}.db", es_settings) for name in "abcd"]
    try:
        first = make_mention(1, source="news", content_hash=f"same{round_}")
        assert store_checked(stores[0], [first], T0 - timedelta(days=1)) == [first]
        later = T0 + timedelta(days=3)
        batches = {
            name: [make_mention(2 + n, source=name, content_hash=f"same{round_}", fetched_at=later)]
            for n, name in enumerate(("blog", "forum", "reddit"))
        }
        start = threading.Barrier(len(batches))
        stored: dict[str, list[Mention]] = {}

        def run(name: str, store: ElasticStore) -> None:
            start.wait()
            # Every window starts after first's fetch: its claim is stale for all three.
            stored[name] = store_checked(store, batches[name], T0 + timedelta(days=2))

        threads = [
            threading.Thread(target=run, args=(name, store))
            for name, store in zip(batches, stores[1:], strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # A thread that raised leaves no entry: every one must have reported.
        assert set(stored) == set(batches), stored
        winners = [m.id for batch in stored.values() for m in batch]
        assert len(winners) == 1, stored
    finally:
        for store in stores:
            store.close()


def test_a_claim_taken_back_is_released_when_the_local_commit_fails(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    with (
        ElasticStore(tmp_path / "a.db", es_settings) as a,
        ElasticStore(tmp_path / "b.db", es_settings) as b,
    ):
        m = make_mention(1)
        index = a.shared_index
        # What a crash between a's claim and its commit leaves: a's key, no local row.
        left = {"kind": "id", "mention_id": m.id, "source": m.source, "writer": a.writer_id,
                "seen_at": ts(m.fetched_at)}  # fmt: skip
        index.cluster.call(
            lambda es: es.create(index=index.keys_index, id=id_key(m.id), document=left)
        )

        def refuse(*_: object) -> None:
            raise sqlite3.OperationalError("disk I/O error")  # a database error: batch undone

        with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
            a.insert_mentions([m], on_stored=refuse)
        assert a.existing_ids([m.id]) == set()
        # a took its old claim back, then rolled back: the claim is gone with the batch.
        assert b.insert_mentions([m]) == [m]
