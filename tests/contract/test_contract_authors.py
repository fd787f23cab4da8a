"""Authors on both engines: the record of a handle on a network (any case, with or
without its @), counts and times over their mentions, the latest name and followers, and
their history newest first in keyset pages, alone and merged across a person's accounts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from listener.store import SQLiteStore
from listener.store.author_reads import (
    MentionKey,
    accounts_mentions_page,
    author_mentions_page,
    author_records,
)
from listener.store.rule_reads import SourceTypes
from tests.contract.mentions import T0, fill


@pytest.fixture
def filled(store: SQLiteStore, writer: SQLiteStore) -> SQLiteStore:
    """``store``, reading what another daemon (``writer``) stored."""
    fill(writer)
    return store


def test_an_authors_record_over_their_mentions(filled: SQLiteStore) -> None:
    [record] = author_records(filled, ["rss", "reddit"], "@WILE")
    assert (record.source_type, record.handle, record.name) == ("rss", "wile", "Wile")
    assert record.mention_count == 3  # "wile" and "Wile" are one author
    assert record.followers == 30  # the latest fetched mention that said (news:6 did not)
    assert (record.first_seen_at, record.last_seen_at) == (
        T0 + timedelta(hours=1),
        T0 + timedelta(hours=6),
    )
    assert filled.get_author("rss", "Wile") == record
    assert filled.get_author("reddit", "wile") is None  # another network: someone else
    assert author_records(filled, ["rss"], "nobody") == []


def test_a_tombstoned_mentions_author_on_record(engine: str, filled: SQLiteStore) -> None:
    gone = filled.get_author("rss", "user8")
    if engine == "sqlite":
        # The post is gone, the fact that they wrote one stays (the authors table).
        assert gone is not None and gone.mention_count == 1
    else:
        # Documented difference (listener/store/elasticsearch/authors.py): a tombstone's
        # document no longer names its author, and only the daemon that stored it adds it
        # back from its own authors row; this daemon did not store it.
        assert gone is None


def pages_of(
    filled: SQLiteStore, source_type: SourceTypes, handle: str, limit: int
) -> list[list[str]]:
    pages: list[list[str]] = []
    after: MentionKey | None = None
    while True:
        found, after = author_mentions_page(filled, source_type, handle, after=after, limit=limit)
        pages.append([m.id for m in found])
        if after is None:
            return pages


def test_an_authors_history_newest_first_in_keyset_pages(filled: SQLiteStore) -> None:
    assert pages_of(filled, "rss", "wile", 2) == [["news:6", "news:2"], ["news:1"]]
    assert pages_of(filled, "rss", "@Wile", 3) == [["news:6", "news:2", "news:1"]]
    assert pages_of(filled, ("mastodon", "mastodon_stream"), "taro", 5) == [["masto:5"]]
    assert pages_of(filled, "rss", "user8", 5) == [[]]  # a tombstone is not in the history


def test_a_persons_accounts_merged_newest_first(filled: SQLiteStore) -> None:
    accounts: list[tuple[SourceTypes, str]] = [
        ("rss", "wile"),
        ("reddit", "hank"),
        (("mastodon", "mastodon_stream"), "taro"),
        ("rss", "WILE"),  # named twice: each mention still once
    ]
    found, after = accounts_mentions_page(filled, accounts, after=None, limit=3)
    assert [m.id for m in found] == ["news:6", "masto:5", "reddit-main:4"]
    assert after is not None
    found, after = accounts_mentions_page(filled, accounts, after=after, limit=3)
    assert [m.id for m in found] == ["news:2", "news:1"]
    assert after is None
