"""The benches' cluster: the one ``--es-url`` names, else a local osmem-server (an in-memory
OpenSearch-compatible server from PyPI, installed with the test extras) started for the run
and stopped after it. Each run writes under an index prefix of its own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from listener.store.elasticsearch.settings import ClusterSettings


@contextmanager
def local_cluster(url: str | None) -> Iterator[tuple[str, str]]:
    """(url, what it is) of the cluster to bench against, for the length of the block."""
    if url:
        yield url, f"the cluster at {url}"
        return
    try:
        from osmem_server import OsmemServer
    except ImportError:
        raise SystemExit(
            "no cluster: pass --es-url URL, or install osmem-server (pip install -e '.[test]')"
        ) from None
    server = OsmemServer.start()
    try:
        yield (
            server.url,
            (
                f"osmem-server {server.version} (in-memory, OpenSearch-compatible),"
                " started for this run on this machine"
            ),
        )
    finally:
        server.close()


def bench_settings(url: str) -> ClusterSettings:
    """Settings for ``url`` under a fresh index prefix; one node, so no replicas."""
    prefix = f"bench{uuid.uuid4().hex[:10]}"
    return ClusterSettings(urls=(url,), index_prefix=prefix, replicas=0)
