"""Closing a Cluster gives back every file descriptor it opened (its event loop's selector
included): a daemon that opens and closes stores, e.g. each CLI command in one process,
does not leak a descriptor pair per store (review finding 15)."""

from __future__ import annotations

import os

from listener.store.elasticsearch.cluster import Cluster
from listener.store.elasticsearch.settings import ClusterSettings


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_closing_clusters_leaks_no_descriptors(es_settings: ClusterSettings) -> None:
    Cluster(es_settings).close()  # warms the client's imports and pools once
    before = _open_descriptors()
    for _ in range(10):
        cluster = Cluster(es_settings)
        cluster.call(lambda es: es.info())
        cluster.close()
    assert _open_descriptors() - before < 5
