"""A cluster restarted empty while daemons run (the trial's osmem restart): the template and
both indices are gone, a daemon's next write lets the cluster auto-create the mentions index
with dynamic mappings, and another daemon could store an article twice for want of claims.
The daemon's upkeep notices within its look, removes the auto-made index, puts listener's
back and sends its journal again with the claims. Real cluster, real files; the wipe is made
with the cluster's own API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from listener.service.index_upkeep import IndexUpkeep
from listener.store.elasticsearch.mapping import index_names
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from listener.store.elasticsearch.watch import lost_indices
from tests.store_helpers import make_mention


def _wipe(store: ElasticStore) -> None:
    mentions, keys = index_names(store.cluster.settings.index_prefix)
    es_call = store.cluster.call
    es_call(lambda es: es.indices.delete(index=f"{mentions},{keys}"))
    es_call(lambda es: es.indices.delete_index_template(name=mentions))
    es_call(lambda es: es.indices.delete_index_template(name=keys))
    # A write after the loss: the cluster makes the index itself, every string a text field.
    es_call(lambda es: es.index(index=mentions, id="stray", document={"title": "x"}))


def test_the_upkeep_puts_a_wiped_index_back_and_resends_the_journal(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    a = ElasticStore(tmp_path / "a.db", es_settings)
    b = ElasticStore(tmp_path / "b.db", es_settings)
    try:
        stored = a.insert_mentions(
            [make_mention(n, text=f"Acme order {n} late") for n in (1, 2, 3)]
        )
        assert len(stored) == 3
        assert lost_indices(a.cluster) is None
        _wipe(a)
        problem = lost_indices(a.cluster)
        assert problem is not None and "template" in problem and "made by the cluster" in problem

        async def tick() -> None:
            upkeep = IndexUpkeep(a)
            await upkeep.send(datetime.now(UTC))
            await upkeep.settle()

        asyncio.run(tick())

        assert lost_indices(a.cluster) is None
        a.shared_index.refresh()
        assert a.shared_index.count_mentions() == 3  # the journal, and not the stray document
        assert [h.mention.id for h in b.search("acme", limit=10)]  # search works again
        # The claims came back with the documents: the other daemon stores nothing twice.
        assert b.insert_mentions([make_mention(2, text="Acme order 2 late")]) == []
    finally:
        a.close()
        b.close()
