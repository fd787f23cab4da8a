"""What the Elasticsearch engine relies on in the cluster itself, checked on the test
cluster, and where osmem-server departs from Elasticsearch's documented behaviour (each
departure named here is listed in the README: "Elasticsearch: what was verified against
what")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from elasticsearch import ConflictError

from listener.store.elasticsearch.cluster import Cluster
from listener.store.elasticsearch.mapping import mention_properties
from listener.store.elasticsearch.settings import ClusterSettings


@pytest.fixture
def cluster(es_settings: ClusterSettings) -> Iterator[Cluster]:
    opened = Cluster(es_settings)
    yield opened
    opened.close()


def test_an_opensearch_flavoured_server_is_sent_plain_json(
    cluster: Cluster, es_settings: ClusterSettings
) -> None:
    if cluster.info is None or cluster.info.distribution != "opensearch":
        pytest.skip("the test cluster is Elasticsearch: it takes the compatibility media type")
    assert cluster.flavour == "opensearch"
    # elasticsearch-py 8 sends this media type to Elasticsearch; osmem (as OpenSearch)
    # answers 406, so the engine sends application/json to this flavour.
    compatible = "application/vnd.elasticsearch+json; compatible-with=8"
    answer = httpx.put(
        f"{es_settings.urls[0]}/{es_settings.index_prefix}-probe",
        content=b"{}",
        headers={"Content-Type": compatible, "Accept": compatible},
    )
    assert answer.status_code == 406
    made = cluster.call(lambda es: es.indices.create(index=f"{es_settings.index_prefix}-plain"))
    assert made.body["acknowledged"] is True


def test_a_write_is_searchable_after_a_refresh(
    cluster: Cluster, es_settings: ClusterSettings
) -> None:
    index = f"{es_settings.index_prefix}-visible"
    cluster.call(lambda es: es.index(index=index, id="1", document={"a": 1}, refresh=False))
    # Departure: osmem counts the document at once; Elasticsearch shows it only after the
    # next refresh (refresh_interval, 1 s by default). The suite never relies on osmem's
    # immediacy: it calls ElasticIndex.refresh() before reading what it wrote.
    cluster.call(lambda es: es.indices.refresh(index=index))
    assert cluster.call(lambda es: es.count(index=index)).body["count"] == 1


def test_a_second_create_of_one_id_is_a_conflict(
    cluster: Cluster, es_settings: ClusterSettings
) -> None:
    # What makes creates idempotent (mention documents, dedupe claims): 409, never a copy.
    index = f"{es_settings.index_prefix}-create"
    cluster.call(lambda es: es.create(index=index, id="k", document={"a": 1}))
    with pytest.raises(ConflictError):
        cluster.call(lambda es: es.create(index=index, id="k", document={"a": 2}))
    got = cluster.call(lambda es: es.get(index=index, id="k")).body
    assert got["_source"] == {"a": 1}


def _normalizers(properties: dict[str, Any]) -> list[str]:
    found = []
    for name, spec in properties.items():
        if "normalizer" in spec:
            found.append(name)
        found += [f"{name}.{n}" for n in _normalizers(spec.get("properties", {}))]
        found += [f"{name}.{n}" for n in _normalizers(spec.get("fields", {}))]
    return found


def test_the_mapping_relies_on_no_keyword_normalizer() -> None:
    # Departure: osmem applies a keyword field's normalizer to queries but not to what
    # terms aggregations, sorts and cardinality read (Acme and ACME stay two buckets,
    # where Elasticsearch makes one "acme"). The documents carry their lowercase keys
    # themselves (brand_keys, author.handle_key), so both count the same.
    assert _normalizers(mention_properties()) == []
    assert _normalizers(mention_properties(icu=True)) == []
