"""Two daemons, one shared index: each has its own SQLite file, both claim dedupe keys in the
same ``<prefix>-keys`` index inside their write transactions, so the same post, the same
article from two sources, or the same text for a brand is stored once, also when both
insert at the same moment. Recheck with the pipeline's own dedupe stage, as the daemon does."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from listener.models import Author, Mention
from listener.pipeline.dedupe import DedupeLookups, dedupe
from listener.pipeline.types import BatchReport
from listener.store.elasticsearch.claims import content_key, id_key, url_key
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from listener.store.people import Account
from listener.store.rows import ts
from tests.store_helpers import T0, make_mention

WINDOW_START = T0 - timedelta(days=1)  # the dedupe window's start: T0's mentions are in it


@pytest.fixture
def two(
    tmp_path: Path, es_settings: ClusterSettings
) -> Iterator[tuple[ElasticStore, ElasticStore]]:
    with (
        ElasticStore(tmp_path / "a.db", es_settings) as a,
        ElasticStore(tmp_path / "b.db", es_settings) as b,
    ):
        assert a.writer_id != b.writer_id
        yield a, b


def store_checked(
    store: ElasticStore, batch: Sequence[Mention], *, since: datetime = WINDOW_START
) -> list[Mention]:
    """Insert as the pipeline does: its dedupe stage again inside the write transaction."""
    source = batch[0].source

    def recheck(lookups: DedupeLookups) -> Sequence[Mention]:
        return dedupe(batch, lookups, source=source, since=since, report=BatchReport())

    return store.insert_mentions(batch, recheck=recheck)


def in_index(store: ElasticStore) -> list[str]:
    index = store.shared_index
    index.refresh()
    body = index.cluster.call(
        lambda es: es.search(index=index.mentions_index, size=100, query={"match_all": {}})
    ).body
    return sorted(hit["_id"] for hit in body["hits"]["hits"])


def key_holder(store: ElasticStore, key: str) -> str:
    index = store.shared_index
    body = index.cluster.call(lambda es: es.get(index=index.keys_index, id=key)).body
    return str(body["_source"]["mention_id"])


def test_the_same_post_is_stored_by_the_first_daemon_only(
    two: tuple[ElasticStore, ElasticStore],
) -> None:
    a, b = two
    m = make_mention(1)
    assert store_checked(a, [m]) == [m]
    assert store_checked(b, [m]) == []
    assert b.existing_ids([m.id]) == set()  # not in b's file either
    assert in_index(a) == [m.id]


def test_without_a_recheck_the_id_alone_is_claimed(
    two: tuple[ElasticStore, ElasticStore],
) -> None:
    a, b = two
    m = make_mention(1)
    assert a.insert_mentions([m]) == [m]
    assert b.insert_mentions([m]) == []
    # Same canonical URL and text, another id: without a recheck SQLite stores it too.
    other = make_mention(2, canonical_url=m.canonical_url, content_hash=m.content_hash)
    assert b.insert_mentions([other]) == [other]


def test_one_article_from_two_daemons_sources_is_stored_once(
    two: tuple[ElasticStore, ElasticStore],
) -> None:
    a, b = two
    news = make_mention(1, source="news")
    alert = make_mention(7, source="alerts", canonical_url=news.canonical_url)
    assert store_checked(a, [news]) == [news]
    assert store_checked(b, [alert]) == []
    assert key_holder(a, url_key(news.canonical_url or "")) == news.id


def test_one_url_twice_from_the_same_source_is_no_duplicate(
    two: tuple[ElasticStore, ElasticStore],
) -> None:
    # A comments feed links every comment to the post's page: within one source the native
    # id names a post, as SQLite's existing_canonical_urls(exclude_source=…) says.
    a, b = two
    post = make_mention(1, source="comments")
    comment = make_mention(2, source="comments", canonical_url=post.canonical_url)
    assert store_checked(a, [post]) == [post]
    assert store_checked(b, [comment]) == [comment]
    assert in_index(a) == sorted([post.id, comment.id])


def test_the_same_text_for_a_brand_within_the_window_is_stored_once(
    two: tuple[ElasticStore, ElasticStore],
) -> None:
    a, b = two
    first = make_mention(1, source="news", content_hash="same")
    repost = make_mention(2, source="blog", content_hash="same")
    assert store_checked(a, [first]) == [first]
    assert store_checked(b, [repost]) == []
    # Another brand's pair is new: stored, as SQLite stores it (not every pair was seen).
    both = make_mention(3, source="blog", content_hash="same", brands=("acme", "globex"))
    assert store_checked(b, [both]) == [both]


def test_a_content_claim_older_than_the_window_is_taken_over(
    two: tuple[ElasticStore, ElasticStore],
) -> None:
    a, b = two
    first = make_mention(1, source="news", content_hash="same")
    later = make_mention(2, source="blog", content_hash="same", fetched_at=T0 + timedelta(days=3))
    assert store_checked(a, [first]) == [first]
    # b's window starts after first's fetch: the claim is stale, not a duplicate.
    assert store_checked(b, [later], since=T0 + timedelta(days=2)) == [later]
    assert key_holder(b, content_key("acme", "same")) == later.id


def test_a_claim_this_store_left_before_a_crash_is_its_own(
    two: tuple[ElasticStore, ElasticStore],
) -> None:
    a, b = two
    m = make_mention(1)
    index = a.shared_index
    # What a crash between the claim and the commit leaves: a's key, no local row.
    left = {"kind": "id", "mention_id": m.id, "source": m.source, "writer": a.writer_id,
            "seen_at": ts(m.fetched_at)}  # fmt: skip
    index.cluster.call(lambda es: es.create(index=index.keys_index, id=id_key(m.id), document=left))
    assert store_checked(b, [m]) == []  # b: someone else's
    assert store_checked(a, [m]) == [m]  # a: its own, taken back


def test_keys_of_a_mention_not_stored_are_released(
    two: tuple[ElasticStore, ElasticStore],
) -> None:
    a, b = two
    first = make_mention(1, source="news", content_hash="same")
    assert store_checked(a, [first]) == [first]
    # b's mention claims its id and URL, then loses on content: it is not stored, and its
    # id and URL must not stand in another daemon's way.
    dropped = make_mention(5, source="blog", content_hash="same")
    assert store_checked(b, [dropped]) == []
    assert store_checked(a, [dropped]) == []  # still the same text: a's own claim holds it
    renamed = make_mention(6, source="blog", canonical_url=dropped.canonical_url)
    assert store_checked(a, [renamed]) == [renamed]  # the URL claim did not survive


def test_a_failed_local_commit_releases_the_claims(
    two: tuple[ElasticStore, ElasticStore],
) -> None:
    a, b = two
    m = make_mention(1)

    def refuse(*_: object) -> None:
        import sqlite3

        raise sqlite3.OperationalError("disk I/O error")  # a database error: batch undone

    with pytest.raises(Exception, match="disk I/O"):
        a.insert_mentions([m], on_stored=refuse)
    assert a.existing_ids([m.id]) == set()
    assert store_checked(b, [m]) == [m]  # a's claims were released


@pytest.mark.parametrize("round_", range(4))
def test_two_daemons_storing_one_article_at_once_store_it_once(
    two: tuple[ElasticStore, ElasticStore], round_: int
) -> None:
    a, b = two
    article = [make_mention(10 + round_, source="news")]
    copy = [make_mention(50 + round_, source="alerts", canonical_url=article[0].canonical_url)]
    start = threading.Barrier(2)
    stored: dict[str, list[Mention]] = {}

    def run(name: str, store: ElasticStore, batch: list[Mention]) -> None:
        start.wait()
        stored[name] = store_checked(store, batch)

    threads = [
        threading.Thread(target=run, args=("a", a, article)),
        threading.Thread(target=run, args=("b", b, copy)),
        threading.Thread(target=run, args=("a2", b, article)),
    ]
    start = threading.Barrier(len(threads))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # A thread that raised leaves no entry: every one must have reported.
    assert set(stored) == {"a", "b", "a2"}, stored
    winners = [m.id for batch in stored.values() for m in batch]
    assert len(winners) == 1, stored
    assert in_index(a) == winners


def claimed_ids(store: ElasticStore) -> set[str]:
    index = store.shared_index
    index.refresh()
    body = index.cluster.call(lambda es: es.search(index=index.keys_index, size=500)).body
    return {hit["_source"]["mention_id"] for hit in body["hits"]["hits"]}


def test_the_stores_erasure_reaches_what_other_daemons_stored(
    two: tuple[ElasticStore, ElasticStore],
) -> None:
    a, b = two
    ann_here = make_mention(1, source="feed-a", author=Author(handle="ann"))
    ann_there = make_mention(2, source="feed-b", author=Author(handle="Ann"))
    bob = make_mention(3, source="feed-a", author=Author(handle="bob"))
    store_checked(a, [ann_here, bob])
    store_checked(b, [ann_there])
    a.erase_accounts([Account("rss", "ann")], asked_by="dpo", reason="request 7")
    assert in_index(a) == [bob.id] and claimed_ids(a) == {bob.id}
    assert a.index_pending() == 0


def test_pruned_mentions_claims_go_with_their_documents(
    two: tuple[ElasticStore, ElasticStore],
) -> None:
    a, b = two
    old, new = make_mention(1), make_mention(2, published_at=T0 + timedelta(days=30))
    store_checked(a, [old, new])
    a.prune_published_before(T0 + timedelta(days=1))
    assert in_index(a) == [new.id] and claimed_ids(a) == {new.id}
    # Its URL and text are free again for every daemon, as on SQLite after a prune.
    again = make_mention(7, source="other", canonical_url=old.canonical_url)
    assert store_checked(b, [again]) == [again]


def test_content_claims_older_than_the_window_are_forgotten_with_the_hashes(
    two: tuple[ElasticStore, ElasticStore],
) -> None:
    a, _ = two
    old = make_mention(1, content_hash="old")
    new = make_mention(2, content_hash="new", fetched_at=T0 + timedelta(days=2))
    store_checked(a, [old, new])
    a.forget_content_hashes(T0 + timedelta(days=1))
    index = a.shared_index
    index.refresh()
    body = index.cluster.call(
        lambda es: es.search(index=index.keys_index, size=50, query={"term": {"kind": "content"}})
    ).body
    assert [hit["_source"]["mention_id"] for hit in body["hits"]["hits"]] == [new.id]
    # Ids and URLs stay claimed, as SQLite keeps the rows that answer for them.
    assert claimed_ids(a) == {old.id, new.id}
