"""Putting the index template in place and creating the two indices (being extended: the
template's state for `listener check`, the ICU plugin's detection)."""

from __future__ import annotations

from listener.store.elasticsearch.cluster import Cluster
from listener.store.elasticsearch.mapping import (
    index_names,
    keys_properties,
    mentions_template,
)


def ensure_indices(cluster: Cluster) -> None:
    """Put the mentions template and create the mentions and keys indices where missing."""
    s = cluster.settings
    mentions, keys = index_names(s.index_prefix)
    body = mentions_template(s.index_prefix, shards=s.shards, replicas=s.replicas, icu=False)
    cluster.call(lambda es: es.indices.put_index_template(name=mentions, **body))
    if not cluster.call(lambda es: es.indices.exists(index=mentions)):
        cluster.call(lambda es: es.indices.create(index=mentions))
    if not cluster.call(lambda es: es.indices.exists(index=keys)):
        settings = {"number_of_shards": s.shards, "number_of_replicas": s.replicas}
        mappings = {"dynamic": "strict", "properties": keys_properties()}
        cluster.call(lambda es: es.indices.create(index=keys, settings=settings, mappings=mappings))
