"""Reading a brand's labels starts from the labels, not from every mention.

Relabelling retrains the brand's model, which reads its labelled mentions: with the brand's
EXISTS filter SQLite had put ``mentions`` in the outer loop and scanned all of them for the
few that carry a label (1.2 s per label at 1M mentions, bench/web.py).
"""

from __future__ import annotations

from pathlib import Path

from listener.store import labelling, open_store
from tests.store_helpers import T0, make_mention


def test_a_brands_labels_are_read_through_the_labels_table(tmp_path: Path) -> None:
    with open_store(tmp_path / "listener.db") as store:
        store.insert_mentions([make_mention(n, brands=("acme",)) for n in range(1, 200)])
        store.set_complaint_label("news:7", True, by="ann", at=T0)
        sql = labelling.SELECT_LABELLED + labelling.LABELLED_BRAND + labelling.LABELLED_ORDER
        with store._read() as conn:
            plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, ("acme",))]
        assert [x.mention.id for x in store.labelled_mentions("acme")] == ["news:7"]
    assert plan[0] == "SCAN l", plan
    assert not any(step.startswith("SCAN m") for step in plan), plan
