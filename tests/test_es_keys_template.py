"""The keys index has a strict template too (review finding 6, part): when the cluster
loses ``<prefix>-keys`` (restarted empty) and a claim makes it again by auto-create, its
``mention_id`` stays a keyword (a dynamic mapping made it analysed text, and the erasure's
exact match on it found nothing), and a field it does not know is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from elasticsearch import BadRequestError

from listener.store.elasticsearch.erasure import forget_claims
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from tests.store_helpers import make_mention


def keys_fields(store: ElasticStore) -> dict[str, Any]:
    keys = store.shared_index.keys_index
    body = store.cluster.call(lambda es: es.indices.get_mapping(index=keys)).body
    properties: dict[str, Any] = body[keys]["mappings"]["properties"]
    return properties


def test_a_keys_index_the_cluster_makes_again_keeps_its_mapping(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    with ElasticStore(tmp_path / "listener.db", es_settings) as store:
        keys = store.shared_index.keys_index
        store.cluster.call(lambda es: es.indices.delete(index=keys))  # the cluster lost it

        m = make_mention(1)
        assert store.insert_mentions([m]) == [m]  # its claims make the index again
        fields = keys_fields(store)
        assert fields["mention_id"]["type"] == "keyword"  # could be false: text when dynamic
        store.shared_index.refresh()
        assert forget_claims(store.cluster, keys, [m.id]) >= 1  # matched exactly

        with pytest.raises(BadRequestError):  # strict: an unknown field is refused
            store.cluster.call(
                lambda es: es.index(index=keys, id="x", document={"mention_id": "a", "nope": 1})
            )
