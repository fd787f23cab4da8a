"""Opening the store the settings name: the SQLite file alone, or with the Elasticsearch
cluster of ``storage.elasticsearch`` (``listener.store.elasticsearch``).

Every command that reads or writes mentions opens its store here, so a mention written from
the CLI (a label, an erasure) is queued for the cluster exactly as the daemon's are. Commands
that touch only this daemon's own state (accounts, source state, rollups) keep
``open_store``: they work while the cluster is away.
"""

from __future__ import annotations

from pathlib import Path

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, TlsError, TransportError
from elasticsearch import ApiError, UnsupportedProductError

from listener.config.storage import ElasticsearchSettings, StorageSettings, without_credentials
from listener.store import SQLiteStore, open_store
from listener.store.elasticsearch.cluster import ClusterError
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
    cluster = cluster_settings(storage.elasticsearch)
    try:
        return open_elastic_store(storage.sqlite, cluster)
    except (ApiError, TransportError, UnsupportedProductError) as exc:
        raise ClusterError(
            f"the mention index cannot be used: {cluster_problem(exc, cluster.urls)}"
        ) from None


def cluster_problem(exc: BaseException, urls: tuple[str, ...] | list[str]) -> str | None:
    """One line saying why the cluster at ``urls`` could not be used and what to do, for an
    error of the client or the cluster; None for any other error (a bug keeps its traceback).
    The URLs are named without credentials."""
    where = ", ".join(without_credentials(url) for url in urls)
    if isinstance(exc, ClusterError):
        return str(exc)
    if isinstance(exc, TlsError):
        return (
            f"the TLS handshake with {where} failed: give the cluster's CA as"
            " storage.elasticsearch.ca_file (PEM), or check the URL's scheme"
        )
    if isinstance(exc, ConnectionTimeout):
        return (
            f"{where} did not answer in time: check that it runs,"
            " or raise storage.elasticsearch.timeout"
        )
    if isinstance(exc, TransportConnectionError):
        return f"nothing answers at {where}: start the cluster, or fix storage.elasticsearch.urls"
    if isinstance(exc, UnsupportedProductError):
        return f"{where} is not Elasticsearch or OpenSearch: fix storage.elasticsearch.urls"
    if isinstance(exc, ApiError):
        status = exc.meta.status if exc.meta is not None else exc.status_code
        if status == 401:
            return (
                f"{where} refused the credentials (401): check storage.elasticsearch's"
                " api_key, or username and password"
            )
        if status == 403:
            return (
                f"{where} refused the request (403): the user needs the privileges to manage"
                " the index template and to read and write the <index_prefix>-* indices"
            )
        return f"{where} answered {status} to a request: {str(exc.message)[:200]}"
    return None
