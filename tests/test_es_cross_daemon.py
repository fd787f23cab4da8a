"""Two daemons on one cluster (two ElasticStores, two SQLite files, one index prefix), over
real HTTP to the test cluster: what one daemon does to a mention the OTHER stored."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from listener.models import Author, Judgments
from listener.store.base import UnknownMention
from listener.store.elasticsearch.documents import writer_bits
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from listener.store.erasure import NothingToErase
from listener.store.erasure_words import counts_line
from listener.store.mention_index import SearchAsk
from listener.store.near_prints import other_sources
from listener.store.people_models import Account
from listener.store.search_walk import FIRST_PAGE
from listener.store.stats.scope import scope_for
from tests.contract.mentions import T0, fill
from tests.store_helpers import make_mention


@pytest.fixture
def daemons(
    tmp_path: Path, es_settings: ClusterSettings
) -> Iterator[tuple[ElasticStore, ElasticStore]]:
    """(a, b): a stores, b acts on what a stored."""
    with (
        ElasticStore(tmp_path / "a.db", es_settings) as a,
        ElasticStore(tmp_path / "b.db", es_settings) as b,
    ):
        yield a, b


def complaint_ids(store: ElasticStore) -> set[str]:
    store.shared_index.refresh()
    return {h.mention.id for h in store.shared_index.search(SearchAsk(complaint=True), limit=50)}


def test_a_label_on_another_daemons_mention_reaches_the_index_and_the_other_daemon(
    daemons: tuple[ElasticStore, ElasticStore],
) -> None:
    a, b = daemons
    fill(a)
    scope = scope_for(None, T0 - timedelta(days=1), T0 + timedelta(days=2))
    before = a.shared_index.totals(scope)
    facet_before = complaint_facet(a)
    assert "news:1" not in complaint_ids(a)
    labelled = b.set_complaint_label("news:1", True, by="ann", at=T0 + timedelta(days=1))
    assert labelled.judgments.complaint_by == "person" and labelled.judgments.complaint
    assert b.index_pending() == 0  # sent with the label, nothing left queued
    # The index, read by both daemons: search, the headline's counts, the facet.
    assert "news:1" in complaint_ids(a) and "news:1" in complaint_ids(b)
    assert a.shared_index.totals(scope)[2] == before[2] + 1
    assert a.shared_index.get_mention("news:1") == labelled
    assert complaint_facet(a) == {"yes": facet_before.get("yes", 0) + 1,
                                  "no": facet_before["no"] - 1}  # fmt: skip
    # The label is b's: its models learn from it; a's file has none.
    assert [lm.mention.id for lm in b.labelled_mentions()] == ["news:1"]
    assert a.labelled_mentions() == []
    # Undone the same way, and judgments too.
    b.set_complaint_label("news:1", False, by="ann", at=T0 + timedelta(days=1, hours=1))
    assert "news:1" not in complaint_ids(a)
    b.update_judgments("reddit-main:3", Judgments(complaint=True, complaint_score=0.9))
    assert "reddit-main:3" in complaint_ids(a)
    assert b.index_pending() == 0
    with pytest.raises(UnknownMention):
        b.set_complaint_label("news:404", True, by="ann", at=T0)


def complaint_facet(store: ElasticStore) -> dict[str, int]:
    store.shared_index.refresh()
    return dict(store.shared_index.facet_counts(SearchAsk(), sample=100).values["complaint"])


def test_a_heads_copies_are_read_from_every_daemons_documents(
    daemons: tuple[ElasticStore, ElasticStore],
) -> None:
    a, b = daemons
    head = make_mention(1)
    a.insert_mentions([head, make_mention(2, source="alerts", copy_of="news:1", title="Again")])
    # b stores two more copies of a's head: one on the head's own source, one tombstoned.
    later = head.fetched_at + timedelta(minutes=5)
    b.insert_mentions([
        make_mention(3, copy_of="news:1", title="Rerun", fetched_at=later),
        make_mention(4, source="blog", copy_of="news:1", fetched_at=later),
    ])  # fmt: skip
    b.tombstone_mentions(["blog:4"], later)
    a.shared_index.refresh()
    for reader in (a, b):
        refs = reader.copies_of(["news:1", "alerts:2", "news:1"])
        assert set(refs) == {"news:1", "alerts:2"} and refs["alerts:2"] == []
        assert [(r.mention_id, r.source, r.title, r.on_head_source) for r in refs["news:1"]] == [
            ("alerts:2", "alerts", "Again", False),
            ("news:3", "news", "Rerun", True),
        ]
        assert other_sources(refs["news:1"]) == 1
    assert a.copies_of([]) == {}


def walked_ids(store: ElasticStore, limit: int) -> list[str]:
    store.shared_index.refresh()
    ids: list[str] = []
    after: int | None = FIRST_PAGE
    while after is not None:
        page = store.shared_index.walk_page(SearchAsk(), after=after, limit=limit)
        ids += [h.mention.id for h in page.hits]
        after = page.next_after
    return ids


def test_two_daemons_in_one_second_with_equal_seqs_are_each_walked_once(
    tmp_path: Path, es_settings: ClusterSettings
) -> None:
    with ElasticStore(tmp_path / "a.db", es_settings) as a:
        # Writer ids are random per store file: one in 256 pairs shares the bits the key
        # keeps (the residual risk documents.order_key states); this test wants two that
        # do not, so it opens another file for b in that case.
        for attempt in range(5):
            b = ElasticStore(tmp_path / f"b{attempt}.db", es_settings)
            if writer_bits(b.writer_id) != writer_bits(a.writer_id):
                break
            b.close()
        with b:
            same_second = T0.replace(microsecond=0)
            # Each file's seqs are 1, 2, 3: equal low bits, one second, two daemons.
            a.insert_mentions([make_mention(n, fetched_at=same_second) for n in (1, 2, 3)])
            b.insert_mentions([make_mention(n, fetched_at=same_second) for n in (4, 5, 6)])
            for limit in (1, 2, 3, 4, 5):  # a page boundary between every pair
                walked = walked_ids(a, limit)
                assert sorted(walked) == [f"news:{n}" for n in range(1, 7)], limit
            # Within the second, each daemon's own insert order, newest first.
            walked = walked_ids(b, 6)
            assert [i for i in walked if i in ("news:1", "news:2", "news:3")] == [
                "news:3", "news:2", "news:1",
            ]  # fmt: skip


def test_erasing_a_person_only_another_daemon_stored_is_done_audited_and_said(
    daemons: tuple[ElasticStore, ElasticStore],
) -> None:
    a, b = daemons
    ann = Author(handle="ann", name="Ann")
    a.insert_mentions([make_mention(n, author=ann) for n in (1, 2)] + [make_mention(3)])
    a.shared_index.refresh()
    accounts = [Account("rss", "@Ann")]
    # b's file holds none of them: the preview counts the cluster's documents.
    assert b.preview_erasure(accounts) == {"index_documents": 2}
    report = b.erase_accounts(accounts, asked_by="dpo", reason="asked")
    assert report.counts["index_documents"] == 2
    # Their id claims (stored without the pipeline's recheck: no URL or content claim).
    assert report.counts["index_claims"] == 2
    assert "mentions" not in report.counts  # none were b's rows
    assert counts_line(report.counts) == (
        "2 duplicate-check keys in the shared index, 2 mentions in the shared index (any daemon's)"
    )  # what the CLI and the web's done page print
    [audit] = b.erasure_audit()
    assert (audit.id, audit.counts, audit.asked_by) == (report.audit_id, report.counts, "dpo")
    a.shared_index.refresh()
    assert {h.mention.id for h in a.shared_index.search(SearchAsk(), limit=10)} == {"news:3"}
    # Nothing left anywhere: the preview is empty and the erasure says nothing matched.
    assert b.preview_erasure(accounts) == {}
    with pytest.raises(NothingToErase):
        b.erase_person(404, asked_by="dpo", reason="again", accounts=accounts)


def test_erasing_a_person_counts_the_cluster_beside_the_local_rows(
    daemons: tuple[ElasticStore, ElasticStore],
) -> None:
    a, b = daemons
    ann = Author(handle="ann", name="Ann")
    a.insert_mentions([make_mention(1, author=ann)])
    b.insert_mentions([make_mention(2, author=ann)])
    a.shared_index.refresh()
    accounts = [Account("rss", "ann")]
    assert b.preview_erasure(accounts)["index_documents"] == 2
    assert b.preview_erasure(accounts)["mentions"] == 1
    report = b.erase_person(7, asked_by="dpo", reason="asked", accounts=accounts)
    assert (report.counts["mentions"], report.counts["index_documents"]) == (1, 2)
    assert b.index_pending() == 0  # the local delete found the document gone (404: done)
