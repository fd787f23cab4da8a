"""``ElasticStore``: the SQLite store with its mention reads answered by the shared index
(being written: the outbox, claims and bulk sending; see this package's docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from listener.store.elasticsearch.cluster import Cluster
from listener.store.elasticsearch.index import ElasticIndex
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.template import ensure_indices
from listener.store.schema import MIGRATIONS, Migration
from listener.store.sqlite import SQLiteStore


class ElasticStore(SQLiteStore):
    """A daemon's store when ``storage.elasticsearch`` is set."""

    shared_index: ElasticIndex  # type: ignore[assignment]  # until its readers are all written

    def __init__(
        self,
        path: str | Path,
        cluster: ClusterSettings,
        *,
        migrations: Sequence[Migration] = MIGRATIONS,
    ) -> None:
        super().__init__(path, migrations=migrations)
        try:
            self.cluster = Cluster(cluster)
            ensure_indices(self.cluster)
        except BaseException:
            super().close()
            raise
        self.shared_index = ElasticIndex(self.cluster)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.cluster.close()


def open_elastic_store(path: str | Path, cluster: ClusterSettings) -> ElasticStore:
    """The store of a daemon whose mentions are indexed in the cluster ``cluster`` names."""
    return ElasticStore(path, cluster)
