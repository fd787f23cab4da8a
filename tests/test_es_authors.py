"""Authors and their history on the cluster (issue 19): the same mentions written to a
SQLite store and to an ElasticStore, and the author reads of both compared answer for answer,
over real HTTP to the session's test cluster.

The documents reach the cluster the way the outbox sends them (``document_of`` with the local
row number, one bulk, then a refresh), so these tests do not depend on when the write path
sends: they test the reads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from listener.models import Author, Mention
from listener.store import SQLiteStore
from listener.store.author_reads import (
    MentionKey,
    accounts_mentions_page,
    author_mentions_page,
    author_records,
)
from listener.store.elasticsearch.documents import document_of
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.store import ElasticStore
from tests.store_helpers import T0, make_mention

MASTODON = ("mastodon", "mastodon_stream")


def send_local_mentions(store: ElasticStore) -> None:
    """Index every local mention as the outbox would (its document with its row number)."""
    with sqlite3.connect(store.path) as conn:
        seqs = conn.execute("SELECT seq, id FROM mentions ORDER BY seq").fetchall()
    lines: list[dict[str, object]] = []
    for seq, mention_id in seqs:
        m = SQLiteStore.get_mention(store, mention_id)  # the local row, never the index
        assert m is not None
        lines += [{"index": {"_index": store.shared_index.mentions_index, "_id": m.id}},
                  document_of(m, seq=seq)]  # fmt: skip
    index = store.shared_index.mentions_index
    if lines:
        answer = store.cluster.call(lambda es: es.bulk(operations=lines, refresh=True)).body
        assert not answer["errors"], answer
    store.cluster.call(lambda es: es.indices.refresh(index=index))


@pytest.fixture
def both(
    tmp_path: Path, es_settings: ClusterSettings
) -> Iterator[tuple[SQLiteStore, ElasticStore]]:
    local = SQLiteStore(tmp_path / "local.db")
    elastic = ElasticStore(tmp_path / "elastic.db", es_settings)
    try:
        yield local, elastic
    finally:
        local.close()
        elastic.close()


def write(stores: tuple[SQLiteStore, ElasticStore], mentions: Sequence[Mention]) -> None:
    """One mention a batch, as polls bring an author's posts over time."""
    for m in mentions:
        for store in stores:
            store.insert_mentions([m])
    send_local_mentions(stores[1])


def by(handle: str, n: int, *, source_type: str = "mastodon", **author: object) -> Mention:
    return make_mention(
        n,
        source=f"{source_type}-feed",
        source_type=source_type,
        author=Author(handle=handle, **author),  # type: ignore[arg-type]
        published_at=T0 + timedelta(hours=n, microseconds=n * 7),
        fetched_at=T0 + timedelta(hours=n, minutes=1),
    )


def history() -> list[Mention]:
    """Ann on Mastodon (polled and streamed), with a name that goes missing, a follower count
    that changes, a profile that changes; Bob and a copy; an '@'-handle on RSS."""
    return [
        by("Ann", 1, name="Ann A", followers=10, bio="old bio", links=("https://a.example",)),
        by("ann", 2, source_type="mastodon_stream", followers=None, posts=40),
        by("ANN", 3, name=None, followers=25, following=7),
        by("ann", 4, name="Ann B", bio="", following=None),
        by("bob", 5, name="Bob"),
        replace(by("bob", 6, name="Bob"), copy_of="mastodon-feed:5"),
        by("ann", 7, source_type="mastodon_stream", name="Ann S", followers=30),
        # Same time to the microsecond as Ann's 3rd: the row number breaks the tie.
        replace(by("ann", 8), published_at=T0 + timedelta(hours=3, microseconds=21)),
        by("@Cy", 9, source_type="rss", name="Cy"),
    ]


def test_author_records_equal_the_authors_table(both: tuple[SQLiteStore, ElasticStore]) -> None:
    local, elastic = both
    write(both, history())
    for types, handle in [
        (MASTODON, "ann"), (MASTODON, "@ANN"), (["mastodon"], "bob"), (MASTODON, "nobody"),
        (["rss", "mastodon"], "@Cy"), (["rss"], "@cy"),
    ]:  # fmt: skip
        expected = author_records(local, types, handle)
        assert author_records(elastic, types, handle) == expected, (types, handle)
    ann = author_records(elastic, ["mastodon"], "ann")[0]
    # Could be false: the newest name given (Ann B), the newest count fetched (25); the
    # profile is this daemon's authors row's (documents carry none): the bio cleared by an
    # empty one, its links with it, the account's following as last given.
    assert (ann.handle, ann.name, ann.followers, ann.mention_count) == ("ann", "Ann B", 25, 4)
    assert (ann.bio, ann.links, ann.following, ann.posts) == (None, (), 7, None)
    assert ann.first_seen_at == T0 + timedelta(hours=1, microseconds=7)


def test_get_author_keys_the_handle_as_given(both: tuple[SQLiteStore, ElasticStore]) -> None:
    local, elastic = both
    write(both, history())
    for source_type, handle in [("mastodon", "ANN"), ("rss", "@cy"), ("rss", "cy"), ("x", "ann")]:
        assert elastic.get_author(source_type, handle) == local.get_author(source_type, handle)
    assert elastic.get_author("rss", "@CY") is not None


def _walk(store: SQLiteStore, types: Sequence[str], handle: str, limit: int) -> list[str]:
    seen: list[str] = []
    after: MentionKey | None = None
    while True:
        page, after = author_mentions_page(store, types, handle, after=after, limit=limit)
        seen += [m.id for m in page]
        if after is None:
            return seen


def test_history_pages_newest_first_as_sqlite(both: tuple[SQLiteStore, ElasticStore]) -> None:
    local, elastic = both
    write(both, history())
    for limit in (1, 2, 3, 50):
        expected = _walk(local, MASTODON, "Ann", limit)
        assert _walk(elastic, MASTODON, "Ann", limit) == expected
    assert _walk(elastic, MASTODON, "ann", 2) == [
        "mastodon_stream-feed:7", "mastodon-feed:4", "mastodon-feed:8", "mastodon-feed:3",
        "mastodon_stream-feed:2", "mastodon-feed:1",
    ]  # fmt: skip
    page, _ = author_mentions_page(elastic, MASTODON, "ann", after=None, limit=1)
    assert page == author_mentions_page(local, MASTODON, "ann", after=None, limit=1)[0]


def test_a_tombstone_leaves_the_history_not_the_record(
    both: tuple[SQLiteStore, ElasticStore], tmp_path: Path, es_settings: ClusterSettings
) -> None:
    local, elastic = both
    write(both, history())
    for store in both:
        store.tombstone_mentions(["mastodon-feed:4", "rss-feed:9"], T0 + timedelta(days=1))
    send_local_mentions(elastic)
    assert _walk(elastic, MASTODON, "ann", 2) == _walk(local, MASTODON, "ann", 2)
    assert "mastodon-feed:4" not in _walk(elastic, MASTODON, "ann", 2)
    # The tombstone blanks the author in the document as in the row; the daemon that stored
    # it still counts it, from its authors row (could be false: the index alone says 3).
    for types, handle in [(MASTODON, "ann"), (["rss"], "@cy")]:
        assert author_records(elastic, types, handle) == author_records(local, types, handle)
    assert elastic.get_author("rss", "@cy") == local.get_author("rss", "@cy")
    assert author_records(elastic, ["mastodon"], "ann")[0].mention_count == 4
    # Where the engines differ (README): a daemon that did not store it counts what the
    # index still attributes to the author.
    with ElasticStore(tmp_path / "reader.db", es_settings) as reader:
        (seen,) = author_records(reader, ["mastodon"], "ann")
        assert seen.mention_count == 3
        assert reader.get_author("rss", "@cy") is None


def test_a_persons_history_over_accounts(both: tuple[SQLiteStore, ElasticStore]) -> None:
    write(both, history())
    accounts = [(MASTODON, "ann"), ("mastodon", "BOB"), (MASTODON, "ann")]  # ann twice: once
    for limit in (1, 3, 20):
        pages: list[list[str]] = []
        for store in both:
            seen: list[str] = []
            after: MentionKey | None = None
            while True:
                page, after = accounts_mentions_page(store, accounts, after=after, limit=limit)
                seen += [m.id for m in page]
                if after is None:
                    break
            pages.append(seen)
        assert pages[1] == pages[0]
        assert len(pages[1]) == len(set(pages[1])) == 8


def test_a_deep_key_continues_where_the_web_cursor_left(
    both: tuple[SQLiteStore, ElasticStore],
) -> None:
    _, elastic = both
    write(both, history())
    first, key = author_mentions_page(elastic, MASTODON, "ann", after=None, limit=2)
    assert key is not None and 0 <= key.seq < 2**63  # the web's cursor range
    assert key.published_at == first[-1].published_at
    rest, _ = author_mentions_page(elastic, MASTODON, "ann", after=key, limit=10)
    assert [m.id for m in first + rest] == _walk(elastic, MASTODON, "ann", 10)
