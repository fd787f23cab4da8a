"""The Elasticsearch engine's test cluster: the cluster ``LISTENER_TEST_ES_URL`` names, or
else a real local osmem-server (an in-memory OpenSearch-compatible server, a static binary
from PyPI) started once per session. Each test gets its own index prefix, so tests never
see each other's mentions. Without either, the tests that need a cluster skip and say why.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from listener.store.elasticsearch.settings import ClusterSettings

ES_URL_VARIABLE = "LISTENER_TEST_ES_URL"


def _cluster_url() -> Iterator[tuple[str, str]]:
    named = os.environ.get(ES_URL_VARIABLE)
    if named:
        yield named, f"the cluster {ES_URL_VARIABLE} names"
        return
    try:
        from osmem_server import OsmemServer
    except ImportError:
        pytest.skip(f"no test cluster: set {ES_URL_VARIABLE} or install osmem-server")
    server = OsmemServer.start()
    try:
        yield server.url, f"osmem-server {server.version} (in-memory, OpenSearch-compatible)"
    finally:
        server.close()


@pytest.fixture(scope="session")
def es_cluster_url() -> Iterator[tuple[str, str]]:
    """(url, what it is) of the session's test cluster."""
    yield from _cluster_url()


@pytest.fixture
def es_settings(es_cluster_url: tuple[str, str]) -> ClusterSettings:
    """Settings for the test cluster with an index prefix of this test's own."""
    url, _ = es_cluster_url
    return ClusterSettings(urls=(url,), index_prefix=f"t{uuid.uuid4().hex[:12]}", replicas=0)
