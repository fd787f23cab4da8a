"""``bench/web.py --engine elasticsearch``: the web bench's store copy opened as an
``ElasticStore`` on a cluster, its mentions copied into the cluster first by ``listener
reindex``'s own ``ToCluster`` (every mention, tombstones too, checked by id at the end), so
the app's mention reads (search, facets, the dashboard's panels, author pages) are answered
by the index while alerts and accounts stay in the copy, as on a daemon with
``storage.elasticsearch`` set."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from listener.store.elasticsearch.reindex_to_cluster import ToCluster
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore


def indexed_store(db: Path, cluster: ClusterSettings) -> ElasticStore:
    """An ``ElasticStore`` on the SQLite copy at ``db`` whose mentions the cluster holds."""
    store = ElasticStore(db, cluster)
    try:
        started = time.perf_counter()
        report = ToCluster(store, store.cluster, page_size=cluster.bulk_docs).run()
        store.shared_index.refresh()
        if not report.counts_match or report.rejected:
            raise SystemExit(
                f"the index does not hold the store's mentions: here {report.source}, there"
                f" {report.target}; {len(report.rejected)} refused; {report.differences[:3]}"
            )
        print(
            f"indexed {report.copied_now:,} mentions ({report.target}) into"
            f" {cluster.index_prefix}-mentions in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    except BaseException:
        store.close()
        raise
    return store
