"""Another daemon's later change does not undo an erasure (review finding 8): daemon a
stored ann's mention, daemon b erases ann (the documents go from the cluster; a's row stays
in a's file), then a labels and re-judges that mention: a change of a document the cluster
held replaces it only where it still stands, so ann's document stays absent, and a's queue
is acknowledged (nothing left to send). A change of a standing document still goes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from listener.models import Author, Mention
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from listener.store.people import Account
from tests.store_helpers import T0, make_mention


@pytest.fixture
def daemons(
    tmp_path: Path, es_settings: ClusterSettings
) -> Iterator[tuple[ElasticStore, ElasticStore]]:
    with (
        ElasticStore(tmp_path / "a.db", es_settings) as a,
        ElasticStore(tmp_path / "b.db", es_settings) as b,
    ):
        yield a, b


def by(handle: str, n: int) -> Mention:
    return make_mention(n, source="feed-a", author=Author(handle=handle, name=f"{handle} name"))


def documents(store: ElasticStore) -> dict[str, bool | None]:
    """id -> the document's complaint judgment."""
    index = store.shared_index
    index.refresh()
    body = store.cluster.call(lambda es: es.search(index=index.mentions_index, size=100)).body
    return {h["_id"]: h["_source"]["complaint"] for h in body["hits"]["hits"]}


def test_a_change_after_another_daemons_erasure_does_not_bring_the_document_back(
    daemons: tuple[ElasticStore, ElasticStore],
) -> None:
    a, b = daemons
    ann, bob = by("ann", 1), by("bob", 2)
    assert a.insert_mentions([ann, bob])
    assert set(documents(a)) == {ann.id, bob.id}

    b.erase_accounts([Account("rss", "ann")], asked_by="dpo", reason="request 7")
    assert set(documents(a)) == {bob.id}

    # a still holds ann's row: its label and new judgments queue changes of that mention.
    a.set_complaint_label(ann.id, True, by="kim", at=T0)
    a.update_judgments(ann.id, replace(ann.judgments, sentiment=-0.5))
    a.set_complaint_label(bob.id, True, by="kim", at=T0)
    report = a.drain_index()

    assert report.error is None
    assert documents(a) == {bob.id: True}  # ann stays erased; bob's label went
    assert a.index_pending() == 0  # ann's changes acknowledged, not kept for ever
