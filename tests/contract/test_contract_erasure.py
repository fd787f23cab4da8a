"""Erasure and retention on both engines: what a daemon erases or prunes is gone from every
daemon's reads (search, counts, authors), and an erased post is not stored again when a
source offers it anew, by that daemon or another."""

from __future__ import annotations

from datetime import timedelta

from listener.pipeline.types import DropReason
from listener.store import SQLiteStore
from listener.store.author_reads import author_records
from listener.store.people_models import Account
from tests.contract.mentions import BY_ID, NEWEST_FIRST, T0, fill, settle, through_dedupe


def ids(store: SQLiteStore, query: str | None = None) -> set[str]:
    return {hit.mention.id for hit in store.search(query, limit=50)}


def test_an_erased_accounts_mentions_are_gone_from_every_daemon(
    store: SQLiteStore, writer: SQLiteStore
) -> None:
    fill(writer)
    report = writer.erase_accounts([Account("rss", "@Wile")], asked_by="dpo", reason="asked")
    assert report.counts["mentions"] == 3
    settle(writer)
    wiles = {"news:1", "news:2", "news:6"}
    for daemon in (store, writer):
        assert ids(daemon) == set(NEWEST_FIRST) - wiles
        assert ids(daemon, "anvil* OR skates") == set()
        assert daemon.count_mentions() == len(NEWEST_FIRST) - 3
        assert author_records(daemon, ["rss"], "wile") == []


def test_an_erased_post_offered_again_is_not_stored_by_the_erasing_daemon(
    store: SQLiteStore, writer: SQLiteStore
) -> None:
    fill(writer)
    writer.erase_accounts([Account("rss", "wile")], asked_by="dpo", reason="asked")
    settle(writer)
    stored, report = through_dedupe(writer, [BY_ID["news:1"]], source="news")
    assert stored == [] and report.dropped == {DropReason.ALREADY_STORED: 1}
    assert ids(store, "anvil") == ids(writer, "anvil") == set()


def test_another_daemon_offered_an_erased_post(
    engine: str, store: SQLiteStore, writer: SQLiteStore
) -> None:
    fill(writer)
    writer.erase_accounts([Account("rss", "wile")], asked_by="dpo", reason="asked")
    settle(writer)
    stored, _ = through_dedupe(store, [BY_ID["news:1"]], source="news")
    if engine == "sqlite":
        # One file: its erasure tombstone keeps the post out for every process.
        assert stored == []
    else:
        # Documented difference (docs/privacy.md, "With storage.elasticsearch"): the
        # tombstone stays in the erasing daemon's file and the cluster gets none, so a
        # daemon that never stored the post stores it anew; the erasure is run on each.
        assert [m.id for m in stored] == ["news:1"]


def test_retention_prunes_from_every_daemons_reads(store: SQLiteStore, writer: SQLiteStore) -> None:
    fill(writer)
    cutoff = T0 + timedelta(hours=7)  # mentions 1 to 6 were published before it
    writer.prune_published_before(cutoff)
    settle(writer)
    kept = [i for i in NEWEST_FIRST if BY_ID[i].published_at >= cutoff]
    for daemon in (store, writer):
        assert [h.mention.id for h in daemon.search(None, limit=50)] == kept
        assert daemon.count_mentions() == len(kept)
        assert ids(daemon, "anvil* OR cafe OR 東京") == set()
