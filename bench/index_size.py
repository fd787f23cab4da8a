"""How big a mention is in the index: the figure docs/scaling.md sizes clusters from.

    python bench/index_size.py [--size 10000] [--es-url URL] [--json]

Indexes ``--size`` of ``bench/stores.py``'s mentions (real tweets, judged, with authors,
brands and sources as the bench stores have them) as ``documents.document_of`` makes them,
into the mentions index of a fresh prefix (the template's mapping: text fields, keywords,
nested judgments, the mention kept whole in ``stored``), in ``_bulk`` requests of the
engine's default size; then reads the index's primary store size from ``_stats`` and prints
bytes per mention beside the documents' JSON size.

Against osmem-server (the default when no ``--es-url`` is given) the store size is
osmem's own in-memory accounting, not Lucene's on-disk segments: docs/scaling.md says how
it estimates Elasticsearch's from it. The indexing rate printed is that of this client and
that server on this machine (wall clock; the server is another process), not a cluster's.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from es_local import bench_settings, local_cluster
from store_shape import Shape
from stores import _mentions, load_texts

from listener.store.elasticsearch.cluster import Cluster
from listener.store.elasticsearch.documents import document_of
from listener.store.elasticsearch.mapping import index_names
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.template import ensure_indices


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="mentions to index")
    parser.add_argument("--es-url", help="a cluster to measure (default: a local osmem-server)")
    parser.add_argument("--json", action="store_true", help="print a JSON object last")
    args = parser.parse_args()
    documents = [
        document_of(m, seq=n) for n, m in enumerate(_mentions(args.size, load_texts(), Shape()))
    ]
    json_bytes = sum(len(json.dumps(d, ensure_ascii=False).encode()) for d in documents)
    with local_cluster(args.es_url) as (url, what):
        settings = bench_settings(url)
        cluster = Cluster(settings)
        try:
            ensure_indices(cluster)
            seconds, slowest = index_all(cluster, settings, documents)
            mentions_index, _ = index_names(settings.index_prefix)
            cluster.call(lambda es: es.indices.refresh(index=mentions_index))
            stats = cluster.call(lambda es: es.indices.stats(index=mentions_index)).body
            cluster.call(lambda es: es.indices.delete(index=f"{settings.index_prefix}-*"))
        finally:
            cluster.close()
    primaries = stats["_all"]["primaries"]
    store_bytes = int(primaries["store"]["size_in_bytes"])
    figures = {
        "mentions": len(documents),
        "json_bytes_per_mention": round(json_bytes / len(documents)),
        "store_bytes_per_mention": round(store_bytes / len(documents)),
        # Elasticsearch counts each nested judgment as a document of its own in _stats.
        "index_docs_with_nested": int(primaries["docs"]["count"]),
        "bulk_docs_per_s": round(len(documents) / seconds),
        "slowest_bulk_s": round(slowest, 2),
    }
    print(f"index size: {len(documents):,} mentions into {what}")
    print(f"  documents' JSON            {figures['json_bytes_per_mention']:>8,} bytes/mention")
    print(f"  primary store (_stats)     {figures['store_bytes_per_mention']:>8,} bytes/mention")
    print(f"  documents incl. nested     {figures['index_docs_with_nested']:>8,}")
    print(f"  _bulk indexing, wall clock {figures['bulk_docs_per_s']:>8,} mentions/s")
    print(f"  slowest _bulk request      {figures['slowest_bulk_s']:>8} s")
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    return 0


def index_all(
    cluster: Cluster, settings: ClusterSettings, documents: list[dict[str, object]]
) -> tuple[float, float]:
    """(seconds to send ``documents`` in ``_bulk`` requests of ``settings.bulk_docs``, the
    slowest request's seconds)."""
    mentions_index, _ = index_names(settings.index_prefix)
    started = time.perf_counter()
    slowest = 0.0
    for offset in range(0, len(documents), settings.bulk_docs):
        operations: list[dict[str, object]] = []
        for document in documents[offset : offset + settings.bulk_docs]:
            operations += [{"create": {"_index": mentions_index, "_id": document["id"]}}, document]
        sent = time.perf_counter()
        answer = cluster.call(lambda es, ops=operations: es.bulk(operations=ops)).body
        slowest = max(slowest, time.perf_counter() - sent)
        if answer.get("errors"):
            # 409: the client retried a request that timed out but had been applied.
            failed = [
                i for i in answer["items"] if i["create"].get("status", 201) not in (201, 409)
            ]
        else:
            failed = []
        if failed:
            raise SystemExit(f"{len(failed)} documents refused, first: {failed[0]}")
    return time.perf_counter() - started, slowest


if __name__ == "__main__":
    sys.exit(main())
