"""How to reach the cluster, as the store takes it: a plain dataclass, so the store needs no
settings layer (``listener.config.storage.ElasticsearchSettings`` makes one of these)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Flavour = Literal["auto", "elasticsearch", "opensearch"]


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    urls: tuple[str, ...]  # one or more nodes, http(s)://host:port
    index_prefix: str = "listener"  # indices are <prefix>-mentions and <prefix>-keys
    api_key: str | None = None  # sent as "Authorization: ApiKey …"; or basic auth below
    username: str | None = None
    password: str | None = None
    ca_file: Path | None = None  # a PEM bundle to trust for https (self-signed clusters)
    verify_certs: bool = True
    timeout_s: float = 10.0  # per request
    max_retries: int = 3  # per request, on connection errors and 429/502/503/504
    # "auto" reads GET / once: OpenSearch-flavoured servers (``version.distribution``)
    # get plain application/json instead of Elasticsearch's compatibility media type.
    flavour: Flavour = "auto"
    bulk_docs: int = 500  # documents per _bulk request
    bulk_bytes: int = 5_000_000  # and at most this many bytes per request
    shards: int = 1  # the mentions index's primary shards (docs/scaling.md)
    replicas: int = 1
