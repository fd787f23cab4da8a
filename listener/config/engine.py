"""Opening the store the settings name: the SQLite file alone, or with the Elasticsearch
cluster of ``storage.elasticsearch`` (``listener.store.elasticsearch``).

Every command that reads or writes mentions opens its store here, so a mention written from
the CLI (a label, an erasure) is queued for the cluster exactly as the daemon's are. Commands
that touch only this daemon's own state (accounts, source state, rollups) keep
``open_store``: they work while the cluster is away.
"""

from __future__ import annotations

from pathlib import Path

from listener.config.storage import ElasticsearchSettings, StorageSettings
from listener.store import SQLiteStore, open_store
from listener.store.elasticsearch.settings import ClusterSettings


def cluster_settings(es: ElasticsearchSettings) -> ClusterSettings:
    """The store's view of the ``storage.elasticsearch`` section (secrets revealed)."""
    return ClusterSettings(
        urls=tuple(es.urls),
        index_prefix=es.index_prefix,
        api_key=es.api_key.get_secret_value() if es.api_key is not None else None,
        username=es.username,
        password=es.password.get_secret_value() if es.password is not None else None,
        ca_file=es.ca_file,
        verify_certs=es.verify_certs,
        timeout_s=es.timeout.total_seconds(),
        max_retries=es.max_retries,
        flavour=es.flavour,
        bulk_docs=es.bulk_docs,
        bulk_bytes=es.bulk_bytes,
        shards=es.shards,
        replicas=es.replicas,
    )


def open_configured_store(storage: StorageSettings) -> SQLiteStore:
    """The store ``storage`` describes: an ``ElasticStore`` when ``elasticsearch`` is set
    (it reaches the cluster at open: ``ClusterError`` says why it could not), else the
    SQLite store."""
    if storage.elasticsearch is None:
        return open_store(storage.sqlite)
    from listener.store.elasticsearch.store import open_elastic_store

    Path(storage.sqlite).parent.mkdir(parents=True, exist_ok=True)
    return open_elastic_store(storage.sqlite, cluster_settings(storage.elasticsearch))
