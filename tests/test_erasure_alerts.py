"""Erasing one author touches only text written about their erased mentions (the trial of
issue 18): an author with no alerts changes no alert, even when their name is two letters
found inside other words and keys ("Ed" in "Saved", "matched"); a first name shared with
another account ("Jordan" and @jordan-pike) leaves that account's alert and drafts alone.
Real SQLite files, the store's own methods."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from listener.models import Alert, AlertKind, Author, ReplyDraft, Severity
from listener.store import SQLiteStore, open_store
from listener.store.alert_contract import NewAlert
from listener.store.erasure_alerts import DRAFTS_ERASED
from listener.store.people import Account
from tests.store_helpers import T0, make_mention

RECALL_TITLE = (
    "Saved search recalls: mention by @herald-staff@news3.test on news3: Acme Corp is"
    " recalling 12000 rocket anvils sold since March after reports…"
)
PIKE_TITLE = "Complaint from @jordan-pike@news1.test on news1: I ordered an Acme anvil…"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with open_store(tmp_path / "listener.db") as opened:
        opened.insert_mentions(
            [
                make_mention(1, source="news3", text="Acme Corp is recalling 12000 rocket anvils",
                             author=Author(handle="herald-staff@news3.test", name="Herald Staff")),
                make_mention(2, source="masto", source_type="mastodon",
                             text="Acme anvils are fine by me",
                             author=Author(handle="ed_w", name="Ed")),
                make_mention(3, source="news1", text="I ordered an Acme anvil, it arrived cracked",
                             author=Author(handle="jordan-pike@news1.test", name="Jordan Pike")),
                make_mention(4, source="lemmy", source_type="lemmy",
                             text="Acme anvil cracked here too, zorblatt",
                             author=Author(handle="jordan_p@lemmy.test", name="Jordan")),
            ]
        )  # fmt: skip
        with opened.alert_transaction() as tx:
            for alert in (
                NewAlert(
                    key="saved:recalls:news3:1", kind=AlertKind.SAVED_SEARCH, rule="recalls",
                    brand="acme", severity=Severity.LOW, title=RECALL_TITLE,
                    created_at=T0 + timedelta(hours=1), mention_ids=("news3:1",),
                    details={"query": "recall OR recalling", "matched": ["recall", "recalling"],
                             "delivery": "instant"},
                ),
                NewAlert(
                    key="complaint:news1:3", kind=AlertKind.COMPLAINT, rule="complaint",
                    brand="acme", severity=Severity.HIGH, title=PIKE_TITLE,
                    created_at=T0 + timedelta(hours=1), mention_ids=("news1:3",),
                    drafts=(ReplyDraft("acknowledge", "Hi Jordan, sorry about the anvil.", "en"),),
                ),
            ):  # fmt: skip
                tx.add_alert(alert)
        yield opened


def _same(before: Alert | None, after: Alert | None) -> None:
    assert before is not None and after is not None
    assert after.title == before.title
    assert after.details == before.details
    assert after.drafts == before.drafts
    assert after.mention_ids == before.mention_ids


def test_erasing_an_author_without_alerts_changes_no_alert(store: SQLiteStore) -> None:
    before = [store.get_alert(1), store.get_alert(2)]
    report = store.erase_accounts([Account("mastodon", "ed_w")], asked_by="dpo", reason="")
    assert report.counts["mentions"] == 1
    assert "alerts_changed" not in report.counts
    for old, alert_id in zip(before, (1, 2), strict=True):
        _same(old, store.get_alert(alert_id))
    alert = store.get_alert(1)
    assert alert is not None and alert.details["matched"] == ["recall", "recalling"]


def test_a_shared_first_name_leaves_the_other_accounts_alert(store: SQLiteStore) -> None:
    before = store.get_alert(2)
    store.erase_accounts([Account("lemmy", "jordan_p@lemmy.test")], asked_by="dpo", reason="")
    after = store.get_alert(2)
    _same(before, after)
    assert after is not None and [d.text for d in after.drafts] == [
        "Hi Jordan, sorry about the anvil."
    ]
    assert store.alert_events(2)[-1].what != "erasure"


def test_an_alert_led_by_the_erased_mention_loses_its_drafts_and_says_why(
    store: SQLiteStore,
) -> None:
    # The lemmy complaint leads; Jordan Pike's follow-up is folded in and stays.
    with store.alert_transaction() as tx:
        led = tx.add_alert(
            NewAlert(
                key="complaint:lemmy:4", kind=AlertKind.COMPLAINT, rule="complaint", brand="acme",
                severity=Severity.HIGH, created_at=T0 + timedelta(hours=2),
                title="Complaint from @jordan_p@lemmy.test on lemmy: Acme anvil cracked zorblatt",
                mention_ids=("lemmy:4", "news1:3"),
                details={"examples": ["Jordan: zorblatt", "Jordan Pike: arrived cracked"],
                         "example_ids": ["lemmy:4", "news1:3"]},
                drafts=(ReplyDraft("acknowledge", "Hi @jordan_p, sorry!", "en"),),
            )
        )  # fmt: skip
    assert led is not None
    report = store.erase_accounts([Account("lemmy", "jordan_p@lemmy.test")], asked_by="dpo",
                                  reason="")  # fmt: skip
    assert report.counts["drafts_removed"] == 1
    after = store.get_alert(led.id)
    assert after is not None
    assert after.mention_ids == ("news1:3",)
    assert after.title == "Complaint from [erased] on lemmy: Acme anvil cracked [erased]"
    # "Jordan" is also the other author's first name: their line stays whole.
    assert after.details["examples"] == ["Jordan Pike: arrived cracked"]
    assert after.details["example_ids"] == ["news1:3"]
    assert after.drafts == ()
    assert [(e.what, e.detail) for e in store.alert_events(led.id)][-1] == (
        "erasure",
        DRAFTS_ERASED,
    )


def test_a_digest_drops_the_line_of_an_alert_led_by_an_erased_mention(
    store: SQLiteStore,
) -> None:
    with store.alert_transaction() as tx:
        mine = tx.add_alert(
            NewAlert(
                key="complaint:lemmy:4", kind=AlertKind.COMPLAINT, rule="complaint", brand="acme",
                severity=Severity.HIGH, created_at=T0 + timedelta(hours=2),
                title="Complaint on lemmy: Acme anvil cracked here too",
                mention_ids=("lemmy:4",),
            )
        )  # fmt: skip
        assert mine is not None
        lines = [f"[high] Complaint on lemmy: Acme anvil cracked here too (#{mine.id}, new)",
                 f"[high] {PIKE_TITLE} (#2, new)"]  # fmt: skip
        digest = tx.add_alert(
            NewAlert(
                key="digest:acme:1", kind=AlertKind.DIGEST, rule="daily", brand="acme",
                severity=Severity.LOW, title="Acme: daily digest",
                created_at=T0 + timedelta(hours=3),
                details={"complaints": 2,
                         "top_complaints": [{"id": mine.id, "title": "Complaint on lemmy"},
                                            {"id": 2, "title": PIKE_TITLE}],
                         "sections": [{"title": "Top complaints", "lines": lines}],
                         "open_alerts": {"count": 2, "oldest": {
                             "id": mine.id, "title": "Complaint on lemmy: anvil cracked"}}},
            )
        )  # fmt: skip
    assert digest is not None
    store.erase_accounts([Account("lemmy", "jordan_p@lemmy.test")], asked_by="dpo", reason="")
    assert store.get_alert(mine.id) is None
    kept = store.get_alert(digest.id)
    assert kept is not None
    assert kept.details["top_complaints"] == [{"id": 2, "title": PIKE_TITLE}]
    assert kept.details["sections"] == [{"title": "Top complaints", "lines": lines[1:]}]
    # The oldest open alert stands alone (no list to drop it from): its text goes, its keys stay.
    assert kept.details["open_alerts"] == {
        "count": 2,
        "oldest": {"id": mine.id, "title": "[erased]"},
    }


def test_a_two_letter_name_and_short_or_common_words_blank_nothing_else(tmp_path: Path) -> None:
    """'Al' is erased: an unrelated alert saying 'deal' (and 'Al' inside 'Global') survives
    whole; in the alert holding Al's post, a word of theirs of four letters or more that no
    one else wrote goes, their short and common words ('fix', 'over') stay."""
    with open_store(tmp_path / "listener.db") as store:
        store.insert_mentions([
            make_mention(1, text="Acme deal is over, fix the quibblesnort", author=Author(
                handle="al", name="Al")),
            make_mention(2, text="Acme anvils arrived broken", author=Author(
                handle="bea", name="Bea Global")),
            make_mention(3, text="Great Acme deal today", author=Author(handle="cy", name="Cy")),
        ])  # fmt: skip
        with store.alert_transaction() as tx:
            holding = tx.add_alert(
                NewAlert(
                    key="incident:acme",
                    kind=AlertKind.INCIDENT,
                    rule="spike",
                    brand="acme",
                    severity=Severity.HIGH,
                    title="Acme: 2 mentions (over, fix, quibblesnort)",
                    created_at=T0 + timedelta(hours=1),
                    mention_ids=("news:1", "news:2"),
                    details={"terms": ["over", "fix", "quibblesnort", "broken"]},
                )
            )
            unrelated = tx.add_alert(NewAlert(
                key="saved:deals:news:3", kind=AlertKind.SAVED_SEARCH, rule="deals",
                brand="acme", severity=Severity.LOW,
                title="Saved search deals: Great Acme deal today, Al (Global team)",
                created_at=T0 + timedelta(hours=1), mention_ids=("news:3",),
                details={"query": "deal", "matched": ["deal"], "note": "Al says deal"},
            ))  # fmt: skip
        assert holding is not None and unrelated is not None
        before = store.get_alert(unrelated.id)
        store.erase_accounts([Account("rss", "al")], asked_by="dpo", reason="")
        _same(before, store.get_alert(unrelated.id))
        changed = store.get_alert(holding.id)
        assert changed is not None
        assert changed.title == "Acme: 2 mentions (over, fix, [erased])"
        assert changed.details["terms"] == ["over", "fix", "broken"]
