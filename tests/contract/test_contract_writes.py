"""Writes on both engines: insert returns what was new, the dedupe recheck's guarantees
(an id, another source's canonical URL, a brand's content hash in the window are stored
once), also between two daemons writing at once, and every later change of a mention
(edit, tombstone, judgments, a person's label) followed by the reads.

Two daemons are two stores sharing what a daemon's store shares: on SQLite one file, on
Elasticsearch one index prefix (each daemon its own SQLite file)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pytest

from listener.models import Judgments, Mention, SentimentLabel
from listener.pipeline.dedupe import dedupe
from listener.pipeline.types import BatchReport, DropReason
from listener.store import SQLiteStore
from listener.store.base import DuplicateLookups, Revision, UnknownMention
from tests.contract.conftest import OpenStore
from tests.contract.mentions import (
    BY_ID,
    EDITED,
    EDITED_AT,
    MENTIONS,
    T0,
    WINDOW_START,
    edited,
    fill,
    settle,
    through_dedupe,
)  # fmt: skip
from tests.store_helpers import T0 as MADE_AT
from tests.store_helpers import make_mention


def test_insert_returns_only_new_mentions_in_their_order(store: SQLiteStore) -> None:
    first = [make_mention(n) for n in (3, 1, 2)]
    assert store.insert_mentions(first) == first
    again = [make_mention(4), first[1], make_mention(5)]
    assert [m.id for m in store.insert_mentions(again)] == ["news:4", "news:5"]
    settle(store)
    assert store.count_mentions() == 5


def test_every_field_reads_back_as_stored(store: SQLiteStore, writer: SQLiteStore) -> None:
    fill(writer)  # another daemon's mentions, read through the shared index
    for m in MENTIONS:
        if m.id not in ("news:8", EDITED):
            assert store.get_mention(m.id) == m, m.id
    assert store.get_mention(EDITED) == edited(BY_ID[EDITED])
    assert store.get_mention("news:404") is None
    assert store.count_mentions() == len(MENTIONS) - 1  # the tombstone left out


def test_revisions_say_where_each_mention_stands(store: SQLiteStore) -> None:
    fill(store)
    assert store.mention_revisions(["news:1", EDITED, "news:8", "news:404"]) == {
        "news:1": Revision(None, None),
        EDITED: Revision(EDITED_AT, None),
        "news:8": Revision(None, T0 + timedelta(days=1)),
    }


def test_an_older_edit_never_rolls_a_newer_one_back(store: SQLiteStore) -> None:
    fill(store)
    older = edited(BY_ID[EDITED])
    older = make_mention(
        9, text="Acme stale words", html="Acme stale words",
        edited_at=EDITED_AT - timedelta(hours=1), published_at=older.published_at,
        fetched_at=older.fetched_at, author=older.author,
        title="", brands=older.brands, matched_terms=older.matched_terms,
    )  # fmt: skip
    assert store.revise_mentions([older]) == 0
    assert store.tombstone_mentions(["news:8"], T0 + timedelta(days=3)) == 0  # already
    settle(store)
    assert {h.mention.id for h in store.search("stale")} == set()
    assert {h.mention.id for h in store.search("thoughts")} == {EDITED}


def test_an_id_a_url_from_another_source_and_a_recent_hash_are_stored_once(
    store: SQLiteStore,
) -> None:
    head = make_mention(1, content_hash="shared-hash")
    assert through_dedupe(store, [head], source="news")[0] == [head]
    same_id = make_mention(1, text="another copy of it")
    same_url_other_source = make_mention(1, source="alerts", content_hash="own-hash")
    same_hash = make_mention(2, content_hash="shared-hash")
    stored, report = through_dedupe(store, [same_id], source="news")
    stored_b, report_b = through_dedupe(store, [same_url_other_source], source="alerts")
    stored_c, report_c = through_dedupe(store, [same_hash], source="news")
    assert stored == stored_b == stored_c == []
    assert report.dropped == {DropReason.ALREADY_STORED: 1}
    assert report_b.dropped == {DropReason.DUPLICATE_URL: 1}
    assert report_c.dropped == {DropReason.DUPLICATE_CONTENT: 1}
    assert store.count_mentions() == 1


def test_what_is_not_a_duplicate_is_stored(store: SQLiteStore) -> None:
    assert through_dedupe(store, [make_mention(1, content_hash="h")], source="news")[0]
    # Within one source a canonical URL does not identify a mention (a comments feed may
    # give all its comments one), and a hash seen before the window is not a duplicate.
    same_source_url = make_mention(2, canonical_url="https://example.com/a/1")
    long_ago = MADE_AT - timedelta(days=30)
    old = make_mention(3, content_hash="old", published_at=long_ago, fetched_at=long_ago)
    assert through_dedupe(store, [old], source="news")[0] == [old]
    store.forget_content_hashes(WINDOW_START)
    again = make_mention(4, content_hash="old")
    stored, _ = through_dedupe(store, [same_source_url, again], source="news")
    assert stored == [same_source_url, again]
    assert store.count_mentions() == 4


def test_two_daemons_store_the_same_article_once(
    store: SQLiteStore, open_store: OpenStore, peer_path: Path
) -> None:
    peer = open_store(peer_path)
    article = make_mention(1, content_hash="same-words")
    assert through_dedupe(store, [article], source="news")[0] == [article]
    copies = [
        make_mention(1),  # the same post again
        make_mention(1, source="alerts", content_hash="other"),  # its URL, from another source
        make_mention(7, content_hash="same-words", canonical_url="https://x.test/7"),  # its words
    ]
    for copy in copies:
        assert through_dedupe(peer, [copy], source=copy.source)[0] == [], copy.id
    settle(peer)
    assert peer.count_mentions() == store.count_mentions() == 1
    # A daemon reads what another stored (the shared index; on SQLite, the one file).
    assert peer.get_mention("news:1") == article
    assert [h.mention.id for h in peer.search("ordinary")] == ["news:1"]


def test_two_daemons_racing_store_each_shared_article_once(
    store: SQLiteStore, open_store: OpenStore, peer_path: Path
) -> None:
    # Both check before either inserts (the barrier), so only the recheck inside the
    # write (and, between daemons on Elasticsearch, the claims) can stop the second copy.
    peer = open_store(peer_path)
    barrier = threading.Barrier(2, timeout=20)
    stored: dict[str, list[Mention]] = {}
    errors: list[BaseException] = []

    def poll(daemon: SQLiteStore, source: str, numbers: range) -> None:
        try:
            batch = [make_mention(n, source=source, content_hash=f"{source}{n}") for n in numbers]
            report = BatchReport()
            fresh = dedupe(batch, daemon, source=source, since=WINDOW_START, report=report)
            barrier.wait()

            def recheck(lookups: DuplicateLookups) -> Sequence[Mention]:
                return dedupe(fresh, lookups, source=source, since=WINDOW_START, report=report)

            stored[source] = daemon.insert_mentions(fresh, recheck=recheck)
        except BaseException as exc:  # reported below
            errors.append(exc)
            barrier.abort()

    threads = [
        threading.Thread(target=poll, args=(store, "news", range(0, 40))),
        threading.Thread(target=poll, args=(peer, "alerts", range(20, 60))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(stored["news"]) + len(stored["alerts"]) == 60
    settle(store)
    settle(peer)
    assert store.count_mentions() == peer.count_mentions() == 60
    urls = [h.mention.canonical_url for h in store.search(None, limit=100)]
    assert len(urls) == len(set(urls)) == 60


def test_new_judgments_and_a_persons_label_are_what_the_reads_see(store: SQLiteStore) -> None:
    fill(store)
    negative = Judgments(sentiment=-0.7, sentiment_label=SentimentLabel.NEGATIVE, language="fr")
    assert store.update_judgments("reddit-main:3", negative).judgments == negative
    labelled = store.set_complaint_label("news:1", True, by="ann", at=T0 + timedelta(days=1))
    assert labelled.judgments.complaint_by == "person" and labelled.judgments.complaint
    settle(store)
    assert store.get_mention("news:1") == labelled
    negatives = [h.mention.id for h in store.search(None, sentiment="negative")]
    assert negatives == ["reddit-main:4", "reddit-main:3", "news:2"]
    assert {h.mention.id for h in store.search(None, complaint=True)} == {
        "news:1", "news:2", "reddit-main:4",
    }  # fmt: skip
    [record] = store.labelled_mentions("Acme")
    assert (record.mention.id, record.is_complaint, record.labeled_by) == ("news:1", True, "ann")
    with pytest.raises(UnknownMention):
        store.update_judgments("news:404", negative)


def test_a_heads_copies_are_read_by_every_daemon(store: SQLiteStore, writer: SQLiteStore) -> None:
    # A near-copy carries its head's id (copy_of); the pages list the head's copies
    # ("also on N sources") whichever daemon stored them.
    head = make_mention(1)
    copy = make_mention(2, source="alerts", copy_of="news:1", title="Post number 1 again")
    writer.insert_mentions([head, copy])
    settle(writer)
    [ref] = store.copies_of(["news:1"])["news:1"]
    assert (ref.mention_id, ref.source, ref.title, ref.on_head_source) == (
        "alerts:2", "alerts", "Post number 1 again", False,
    )  # fmt: skip
    assert store.copies_of(["alerts:2"]) == {"alerts:2": []}


def test_a_person_labels_a_mention_another_daemon_stored(
    store: SQLiteStore, writer: SQLiteStore
) -> None:
    # The web's label buttons are on every search hit, whichever daemon stored it.
    fill(writer)
    labelled = store.set_complaint_label("news:1", True, by="ann", at=T0 + timedelta(days=1))
    assert labelled.judgments.complaint_by == "person"
    settle(store)
    assert {h.mention.id for h in writer.search(None, complaint=True)} == {
        "news:1", "news:2", "reddit-main:4",
    }  # fmt: skip
