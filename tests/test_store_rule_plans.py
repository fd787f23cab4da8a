"""The spike rule's counts of negative mentions read the partial index of live negative
mentions (schema 9), never each mention's row, and still leave out tombstones and other
sentiments, on a real file."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from listener.models import Judgments, SentimentLabel
from listener.store import open_store
from listener.store.rule_reads import counts_sql
from tests.store_helpers import T0, make_mention


def test_negative_counts_come_from_the_partial_index(tmp_path: Path) -> None:
    path = tmp_path / "listener.db"
    negative = Judgments(sentiment=-0.7, sentiment_label=SentimentLabel.NEGATIVE)
    with open_store(path) as store:
        store.insert_mentions(
            [
                make_mention(1, judgments=negative),
                make_mention(2, judgments=negative),
                make_mention(3, judgments=negative, brands=("globex",)),
                make_mention(4),
            ]
        )
        store.tombstone_mentions(["news:2"], T0 + timedelta(hours=1))
        with store.alert_transaction() as tx:
            counts = tx.mention_counts(
                "acme", T0, T0 + timedelta(hours=1), bucket=timedelta(hours=1), negative_only=True
            )
            everything = tx.mention_counts(
                "acme", T0, T0 + timedelta(hours=1), bucket=timedelta(hours=1), negative_only=False
            )
            between = tx.mentions_between(
                "acme", T0, T0 + timedelta(hours=1), negative_only=True, limit=10
            )
    assert counts == {T0: 1} and everything == {T0: 2}
    assert [m.id for m in between] == ["news:1"]

    raw = sqlite3.connect(path)
    try:
        params = {"brand": "acme", "since": "2024", "until": "2025", "start": 0, "step": 1}
        plan = [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + counts_sql(True), params)]
    finally:
        raw.close()
    assert any(s.startswith("SEARCH m USING COVERING INDEX mentions_negative") for s in plan), plan
