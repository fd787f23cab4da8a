"""The store's erasure on its own: an incident that keeps other people's mentions loses only
the erased person's (ids, terms, title words, drafts); a deletion at the source leaves a
tombstone without the author's identity; the audit holds counts, never the person."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from listener.models import AlertKind, Author, ReplyDraft, Severity
from listener.store import SQLiteStore, open_store
from listener.store.alert_contract import NewAlert
from listener.store.erasure import NothingToErase
from listener.store.erasure_words import counts_line
from listener.store.people import Account
from tests.store_helpers import T0, make_mention


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with open_store(tmp_path / "listener.db") as opened:
        opened.insert_mentions(
            [
                make_mention(1, text="Acme crashed again, gribblewort everywhere",
                             author=Author(handle="Pell_Ada", name="Ada Pell")),
                make_mention(2, text="Acme crashed on my phone too",
                             author=Author(handle="bob", name="Bob B")),
                make_mention(3, text="Acme crashed, refund please",
                             author=Author(handle="cy", name="Cy C")),
            ]
        )  # fmt: skip
        with opened.alert_transaction() as tx:
            tx.add_alert(
                NewAlert(
                    key="incident:acme", kind=AlertKind.INCIDENT, rule="spike", brand="acme",
                    severity=Severity.HIGH, title="Acme: 3 mentions (crashed, gribblewort)",
                    created_at=T0 + timedelta(hours=1),
                    mention_ids=("news:1", "news:2", "news:3"),
                    details={"count": 3, "measure": "mentions",
                             "terms": ["crashed", "gribblewort"],
                             "example_ids": ["news:1", "news:2"]},
                    drafts=(ReplyDraft("acknowledge", "Hi @Pell_Ada, sorry!", "en"),
                            ReplyDraft("acknowledge", "Sorry for the crash.", "en")),
                )
            )  # fmt: skip
        yield opened


def test_an_alert_keeping_other_mentions_loses_only_the_person(store: SQLiteStore) -> None:
    report = store.erase_accounts([Account("rss", "@pell_ada")], asked_by="dpo", reason="asked")
    assert report.counts["mentions"] == 1
    assert report.counts["alerts_changed"] == 1
    alert = store.get_alert(1)
    assert alert is not None
    assert alert.mention_ids == ("news:2", "news:3")
    assert alert.details["terms"] == ["crashed"]  # a word others wrote too stays
    assert alert.details["example_ids"] == ["news:2"]
    assert alert.details["count"] == 3 and alert.details["measure"] == "mentions"
    assert "gribblewort" not in alert.title and "crashed" in alert.title
    assert [d.text for d in alert.drafts] == ["Sorry for the crash."]


def test_the_audit_holds_counts_not_the_person(store: SQLiteStore, tmp_path: Path) -> None:
    store.erase_accounts([Account("rss", "pell_ada")], asked_by="dpo", reason="ticket 7")
    (entry,) = store.erasure_audit()
    assert (entry.scope, entry.asked_by, entry.reason) == ("author", "dpo", "ticket 7")
    assert entry.counts["mentions"] == 1 and entry.counts["authors"] == 1
    text = repr(entry).lower()
    assert "pell" not in text and "ada" not in text and "gribblewort" not in text


def test_nothing_matched_raises_and_writes_nothing(store: SQLiteStore) -> None:
    with pytest.raises(NothingToErase):
        store.erase_accounts([Account("rss", "nobody")], asked_by="dpo", reason="")
    assert store.erasure_audit() == []
    assert store.preview_erasure([Account("rss", "nobody")]) == {}


def test_a_preview_counts_without_erasing(store: SQLiteStore) -> None:
    counts = store.preview_erasure([Account("rss", "Pell_Ada")])
    assert counts["mentions"] == 1 and counts["alerts_changed"] == 1
    assert store.get_mention("news:1") is not None


def test_a_deletion_at_the_source_drops_the_authors_identity(store: SQLiteStore) -> None:
    assert store.tombstone_mentions(["news:1"], T0 + timedelta(days=1)) == 1
    with sqlite3.connect(Path(store.path)) as conn:
        row = conn.execute(
            "SELECT author_handle, author_name, author_url, author_followers, author, url,"
            " canonical_url, title, body FROM mentions WHERE id = 'news:1'"
        ).fetchone()
        indexed = conn.execute(
            "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'author: ada'"
        ).fetchone()
    conn.close()
    assert row == (None, None, None, None, "", None, None, "", "")
    assert indexed == (0,)
    # Still known: the post never comes back.
    assert store.existing_ids(["news:1"]) == {"news:1"}


def test_a_digest_listing_the_persons_complaint_drops_only_that_line(store: SQLiteStore) -> None:
    mine = "Complaint from @Pell_Ada on news: Acme crashed again"
    theirs = "Complaint from @bob on news: Acme crashed on my phone"
    with store.alert_transaction() as tx:
        digest = tx.add_alert(
            NewAlert(
                key="digest:acme:1", kind=AlertKind.DIGEST, rule="daily", brand="acme",
                severity=Severity.LOW,
                title="Acme: daily digest", created_at=T0 + timedelta(hours=2),
                details={"complaints": 2,
                         "top_complaints": [{"id": 7, "title": mine}, {"id": 8, "title": theirs}],
                         "sections": [{"title": "Top complaints", "lines": [mine, theirs]}]},
            )
        )  # fmt: skip
    assert digest is not None
    store.erase_accounts([Account("rss", "pell_ada")], asked_by="dpo", reason="asked")
    kept = store.get_alert(digest.id)
    assert kept is not None
    assert kept.details["top_complaints"] == [{"id": 8, "title": theirs}]
    assert kept.details["sections"] == [{"title": "Top complaints", "lines": [theirs]}]
    assert kept.details["complaints"] == 2


def test_erasure_clears_saved_searches_delivery_errors_cursors_and_stream_errors(
    store: SQLiteStore,
) -> None:
    """The traces outside mentions and alerts' text: a saved search typed naming the person
    goes (another stays), the changed alert's delivery error, a cursor at the erased post's
    native id and a stream error naming them are cleared."""
    db = Path(store.path)
    with sqlite3.connect(db) as conn:
        (native,) = conn.execute("SELECT native_id FROM mentions WHERE id = 'news:1'").fetchone()
        for name, query in (("Ada watch", "from @Pell_Ada"), ("Pell_Ada", "acme"),
                            ("Crashes", "crashed OR crash")):  # fmt: skip
            conn.execute(
                "INSERT INTO saved_searches VALUES (?, ?, '{}', 'ana', '2026-01-01', 'ana',"
                " '2026-01-01')",
                (name, query),
            )
        conn.execute(
            "INSERT INTO deliveries (alert_id, channel, event, key, status, created_at,"
            " not_before, last_error) VALUES (1, 'hook', 'raised', 'k1', 'failed', '2026-01-01',"
            " '2026-01-01', 'HTTP 400: bad text \"Hi @Pell_Ada, sorry!\"')"
        )
        conn.execute(
            "INSERT INTO source_state (source, cursor, error_count, items_total, last_new_items)"
            " VALUES ('news', ?, 0, 0, 0), ('other', ?, 0, 0, 0)",
            (native, native),
        )
        conn.execute(
            "INSERT INTO stream_health (source, status, updated_at, last_error) VALUES"
            " ('s1', 'down', '2026-01-01', 'rejected filter for @pell_ada'),"
            " ('s2', 'down', '2026-01-01', 'HTTP 503')"
        )
    conn.close()
    preview = store.preview_erasure([Account("rss", "Pell_Ada")])
    report = store.erase_accounts([Account("rss", "Pell_Ada")], asked_by="dpo", reason="")
    assert report.counts["saved_searches"] == preview["saved_searches"] == 2
    assert "2 saved searches naming them" in counts_line(report.counts)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name FROM saved_searches").fetchall() == [("Crashes",)]
        assert conn.execute("SELECT last_error FROM deliveries").fetchall() == [(None,)]
        cursors = conn.execute("SELECT source, cursor FROM source_state ORDER BY source")
        assert cursors.fetchall() == [("news", None), ("other", native)]
        errors = conn.execute("SELECT source, last_error FROM stream_health ORDER BY source")
        assert errors.fetchall() == [("s1", None), ("s2", "HTTP 503")]
    conn.close()
