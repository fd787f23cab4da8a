"""``ElasticIndex``: the ``MentionIndex`` the Elasticsearch engine answers, one reader class
per concern (search, the dashboard's statistics, authors, near-copies) over one cluster
connection."""

from __future__ import annotations

from listener.store.elasticsearch.authors import AuthorReads
from listener.store.elasticsearch.cluster import Cluster
from listener.store.elasticsearch.copies import CopyReads
from listener.store.elasticsearch.mapping import index_names
from listener.store.elasticsearch.search import SearchReads
from listener.store.elasticsearch.stats import StatsReads


class ElasticIndex(SearchReads, StatsReads, AuthorReads, CopyReads):
    engine = "elasticsearch"

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.mentions_index, self.keys_index = index_names(cluster.settings.index_prefix)

    def refresh(self) -> None:
        """Make every acknowledged write searchable now. For tests and the end of a reindex:
        the daemon never asks (the index's refresh_interval shows writes within a second)."""
        index = f"{self.mentions_index},{self.keys_index}"
        self.cluster.call(lambda es: es.indices.refresh(index=index))
