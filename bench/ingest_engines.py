"""``bench/ingest.py --engine elasticsearch``: the whole pipeline into SQLite and into an
``ElasticStore`` on a cluster, the same texts, in one run; ``--json`` then prints
``engine_sqlite_per_s``, ``engine_elasticsearch_per_s`` and ``elasticsearch_indexed``.

The cluster is the one ``--es-url`` names, else a local osmem-server started for the run
(``es_local``). Both engines are timed by the wall clock, since the cluster's work happens in
another process this process's CPU time would not see; this process's CPU time is printed
beside it. The Elasticsearch run's time includes what the store does after each batch's
commit (claims inside the transaction, the outbox sent in bulk); once the pipeline is done,
the index is refreshed and counted, so the row says how many stored mentions the index holds.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from es_local import bench_settings, local_cluster

from listener.config.settings import load_settings
from listener.judging.judge import Judge
from listener.models import RawItem
from listener.pipeline.run import Pipeline
from listener.store import SQLiteStore
from listener.store.elasticsearch.mapping import index_names
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore

# Alternating runs, the best of each taken: other work on a shared machine only slows a run.
RUNS = 2


@dataclass(frozen=True)
class EngineRun:
    engine: str
    per_s_wall: float
    per_s_cpu: float  # this process's CPU time only
    stored: int
    indexed: int | None  # live documents in the mentions index after the run (None: SQLite)


def bench_engines(
    texts: list[str], batch: int, es_url: str | None, settings_text: str
) -> tuple[str, list[EngineRun]]:
    """(what the cluster is, the best of ``RUNS`` alternating runs into each engine)."""
    from ingest import items_for  # bench/ingest.py, beside this file

    Judge().judge_text("warm up the lexicons")  # loaded once, outside either engine's time
    items = items_for(texts)
    now = max(i.published_at for i in items if i.published_at) + timedelta(minutes=1)
    best: dict[str, EngineRun] = {}
    with local_cluster(es_url) as (url, what):
        for _ in range(RUNS):
            for engine, cluster in (("sqlite", None), ("elasticsearch", bench_settings(url))):
                run = _run(engine, items, batch, now, settings_text, cluster)
                if engine not in best or run.per_s_wall > best[engine].per_s_wall:
                    best[engine] = run
    return what, list(best.values())


def _run(
    engine: str,
    items: list[RawItem],
    batch: int,
    now: datetime,
    settings_text: str,
    cluster: ClusterSettings | None,
) -> EngineRun:
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "settings.yaml"
        config.write_text(settings_text, encoding="utf-8")
        settings = load_settings(config)
        path = settings.storage.sqlite
        store = SQLiteStore(path) if cluster is None else ElasticStore(path, cluster)
        try:
            pipeline = Pipeline(settings, store, clock=lambda: now)
            stored = 0
            wall, cpu = time.perf_counter(), time.process_time()
            for offset in range(0, len(items), batch):
                stored += len(
                    pipeline.process("bench", "rss", items[offset : offset + batch]).stored
                )
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            indexed = _live_documents(store) if isinstance(store, ElasticStore) else None
        finally:
            store.close()
    return EngineRun(engine, len(items) / wall, len(items) / max(cpu, 1e-9), stored, indexed)


def _live_documents(store: ElasticStore) -> int:
    mentions_index, _ = index_names(store.cluster.settings.index_prefix)
    store.cluster.call(lambda es: es.indices.refresh(index=mentions_index))
    answer = store.cluster.call(
        lambda es: es.count(index=mentions_index, query={"term": {"live": True}})
    )
    return int(answer.body["count"])


def print_engines(what: str, runs: list[EngineRun], texts: int, batch: int) -> None:
    print(f"\nengines: {texts} texts, batches of {batch}, wall clock; the cluster: {what}")
    # The wall clock counts other work on a shared machine: read the figures with this.
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'engine':<16}{'mentions/s':>12}{'CPU /s':>10}{'stored':>8}{'in index':>10}")
    for run in runs:
        indexed = "-" if run.indexed is None else f"{run.indexed:,}"
        print(
            f"{run.engine:<16}{run.per_s_wall:>12,.0f}{run.per_s_cpu:>10,.0f}"
            f"{run.stored:>8,}{indexed:>10}"
        )


def engines_main(texts: list[str], args: argparse.Namespace) -> int:
    from ingest import SETTINGS  # bench/ingest.py, beside this file

    what, runs = bench_engines(texts, args.batch, args.es_url, SETTINGS)
    print_engines(what, runs, len(texts), args.batch)
    if args.json:
        figures = {f"engine_{r.engine}_per_s": round(r.per_s_wall) for r in runs}
        figures["elasticsearch_indexed"] = runs[-1].indexed or 0
        print(json.dumps(figures, sort_keys=True))
    return 0
