"""What add_alert and fold_into return is built from what they wrote, not read back: it must
equal the stored row as every later read gives it (drafts, details, reasons, mentions)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from listener.models import AlertKind, ReplyDraft, Severity
from listener.store import SQLiteStore, open_store
from listener.store.alert_contract import NewAlert
from listener.store.alert_rows import drafts_json
from tests.store_helpers import T0

DRAFT = ReplyDraft(
    "acknowledge",
    "Hi Dana — I'm sorry about your order.",
    "en",
    "drafted in English",
    {"length": 38, "ok": True, "banned_phrases": [], "topic_present": None, "nested": {"a": [1]}},
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with open_store(tmp_path / "listener.db") as s:
        yield s


def test_a_raised_alert_equals_its_row_read_back(store: SQLiteStore) -> None:
    new = NewAlert(
        key="complaint:news:1",
        kind=AlertKind.COMPLAINT,
        rule="complaints",
        brand="acme",
        severity=Severity.HIGH,
        title="Complaint from @dana",
        created_at=T0,
        # A repeated id is stored once, as the alert's mentions hold it.
        mention_ids=("news:1", "news:2", "news:1"),
        severity_reasons=("reach 120k", "author tagged vip"),
        details={"tags": ["vip"], "prior_contacts": 2, "nested": {"ü": ("a", None)}},
        drafts=(DRAFT, dataclasses.replace(DRAFT, approach="take_private", note=None)),
    )
    with store.alert_transaction() as tx:
        returned = tx.add_alert(new)
        assert returned is not None
        read_back = tx.alert_by_key(new.key)
    assert returned == read_back == store.get_alert(returned.id)
    assert returned.mention_ids == ("news:1", "news:2")
    assert returned.details["nested"] == {"ü": ["a", None]}  # as JSON gives it back


def test_a_fold_returns_the_alert_as_stored(store: SQLiteStore) -> None:
    later = T0 + timedelta(minutes=5, microseconds=7)
    with store.alert_transaction() as tx:
        raised = tx.add_alert(
            NewAlert(
                key="incident:acme",
                kind=AlertKind.INCIDENT,
                rule="spikes",
                brand="acme",
                severity=Severity.NORMAL,
                title="Spike",
                created_at=T0,
                mention_ids=("news:1",),
                severity_reasons=("12 in 1 hour",),
                details={"count": 1},
            )
        )
        assert raised is not None
        quiet = tx.fold_into(raised.id, ["news:1", "news:2", "news:2"], at=later)
        assert quiet == tx.alert_by_key("incident:acme")
        worse = tx.fold_into(
            raised.id,
            ["news:3"],
            at=later + timedelta(seconds=1),
            severity=Severity.CRITICAL,
            severity_reasons=["threat", "12 in 1 hour"],
            details={"count": 3, "terms": ("late",)},
        )
        assert worse == tx.alert_by_key("incident:acme")
        lower = tx.fold_into(raised.id, [], at=later, severity=Severity.LOW)
        assert lower == tx.alert_by_key("incident:acme")
    assert worse.mention_ids == ("news:1", "news:2", "news:3")
    assert (worse.folded, worse.severity) == (2, Severity.CRITICAL)
    assert worse.severity_reasons == ("12 in 1 hour", "threat")
    assert worse.details == {"count": 3, "terms": ["late"]}
    assert lower.severity is Severity.CRITICAL


def test_drafts_json_keeps_the_fields_in_order_as_asdict_did() -> None:
    assert drafts_json([DRAFT]) == (
        '[{"approach":"acknowledge","text":"Hi Dana — I\'m sorry about your order.",'
        '"language":"en","note":"drafted in English","lint":{"length":38,"ok":true,'
        '"banned_phrases":[],"topic_present":null,"nested":{"a":[1]}}}]'
    )
