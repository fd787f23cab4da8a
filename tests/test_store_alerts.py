"""Alerts in the SQLite store, on real database files: raising, folding, finding, lifecycle,
the rules' mention reads, and the on_stored hook's transaction."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from listener.models import (
    AlertKind,
    AlertState,
    Author,
    Judgments,
    Mention,
    ReplyDraft,
    SentimentLabel,
    Severity,
    SourceState,
)
from listener.store import SQLiteStore, open_store
from listener.store.alert_contract import AlertTx, NewAlert
from listener.store.base import UnknownAlert
from listener.store.schema import MIGRATIONS
from tests.store_helpers import T0, make_mention


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with open_store(tmp_path / "listener.db") as s:
        yield s


def new_alert(key: str = "complaint:news:1", **overrides: Any) -> NewAlert:
    values: dict[str, Any] = {
        "key": key,
        "kind": AlertKind.COMPLAINT,
        "rule": "complaints",
        "brand": "acme",
        "severity": Severity.NORMAL,
        "title": "A complaint",
        "created_at": T0,
        "mention_ids": ("news:1",),
    }
    values.update(overrides)
    return NewAlert(**values)


def raise_alert(store: SQLiteStore, alert: NewAlert) -> int:
    with store.alert_transaction() as tx:
        stored = tx.add_alert(alert)
    assert stored is not None
    return stored.id


# -- raising and folding ----------------------------------------------------------------


def test_add_alert_round_trips_and_is_idempotent_by_key(store: SQLiteStore) -> None:
    draft = ReplyDraft("acknowledge", "Sorry, Dana.", "en", note=None, lint={"stock": []})
    alert = new_alert(
        severity_reasons=("reach 120k",), details={"terms": ["late"]}, drafts=(draft,)
    )
    with store.alert_transaction() as tx:
        first = tx.add_alert(alert)
        again = tx.add_alert(dataclasses.replace(alert, title="other"))
    assert first is not None and again is None
    stored = store.get_alert(first.id)
    assert stored == first
    assert stored.state is AlertState.NEW and stored.updated_at == T0
    assert stored.mention_ids == ("news:1",) and stored.drafts == (draft,)
    assert stored.details == {"terms": ["late"]} and stored.severity_reasons == ("reach 120k",)
    assert [e.what for e in store.alert_events(first.id)] == ["raised"]
    assert store.list_alerts() == [stored]


def test_fold_into_appends_skips_held_and_raises_severity_only_upward(store: SQLiteStore) -> None:
    alert_id = raise_alert(store, new_alert(mention_ids=("news:1", "news:2")))
    at = T0 + timedelta(minutes=5)
    with store.alert_transaction() as tx:
        tx.fold_into(alert_id, ["news:2", "news:3", "news:3"], at=at, severity=Severity.LOW)
        folded = tx.fold_into(
            alert_id,
            ["news:4"],
            at=at + timedelta(minutes=1),
            severity=Severity.HIGH,
            severity_reasons=["reach 120k"],
            details={"replies": 2},
        )
    assert folded.mention_ids == ("news:1", "news:2", "news:3", "news:4")
    assert folded.folded == 2
    assert folded.severity is Severity.HIGH and folded.severity_reasons == ("reach 120k",)
    assert folded.details == {"replies": 2}
    assert folded.updated_at == at + timedelta(minutes=1)
    events = store.alert_events(alert_id)
    assert [e.what for e in events] == ["raised", "folded", "folded"]
    assert events[1].detail is not None and "news:3" in events[1].detail
    assert events[2].detail is not None and "normal -> high" in events[2].detail
    # A lower severity later leaves it high.
    with store.alert_transaction() as tx:
        again = tx.fold_into(alert_id, [], at=at, severity=Severity.NORMAL, severity_reasons=["x"])
    assert again.severity is Severity.HIGH and again.severity_reasons == ("reach 120k",)


def test_fold_into_an_unknown_alert_raises(store: SQLiteStore) -> None:
    with pytest.raises(UnknownAlert), store.alert_transaction() as tx:
        tx.fold_into(99, ["news:1"], at=T0)


# -- finding an open alert ----------------------------------------------------------------


def _stored_with_alert(store: SQLiteStore, mention: Mention, **alert: Any) -> int:
    store.insert_mentions([mention])
    return raise_alert(store, new_alert(key=f"complaint:{mention.id}", **alert))


def test_find_open_alert_by_author_ignores_case_but_not_source_type(store: SQLiteStore) -> None:
    lead = make_mention(1, author=Author(handle="DanaK"), source_type="mastodon")
    alert_id = _stored_with_alert(store, lead, mention_ids=(lead.id,))
    base: dict[str, Any] = {"kinds": [AlertKind.COMPLAINT], "brand": "acme", "since": T0}
    with store.alert_transaction() as tx:
        found = tx.find_open_alert(**base, author=("mastodon", "danak"))
        other_network = tx.find_open_alert(**base, author=("rss", "danak"))
        other_person = tx.find_open_alert(**base, author=("mastodon", "dana"))
    assert found is not None and found.id == alert_id
    assert other_network is None and other_person is None


def test_find_open_alert_by_thread_matches_thread_root_or_parent(store: SQLiteStore) -> None:
    root = make_mention(1, native_id="100", thread_id="100")
    reply = make_mention(2, native_id="101", thread_id="100", parent_id="100")
    toot = make_mention(3, native_id="200", parent_id="150")  # Mastodon: no thread_id
    store.insert_mentions([root, reply, toot])
    reply_alert = raise_alert(store, new_alert(key="c:2", mention_ids=(reply.id,)))
    toot_alert = raise_alert(
        store, new_alert(key="c:3", mention_ids=(toot.id,), created_at=T0 - timedelta(hours=1))
    )
    base: dict[str, Any] = {
        "kinds": [AlertKind.COMPLAINT],
        "brand": "acme",
        "since": T0 - timedelta(days=1),
    }
    with store.alert_transaction() as tx:
        by_thread = tx.find_open_alert(**base, thread_id="100")
        by_native = tx.find_open_alert(**base, thread_id="101")
        by_parent = tx.find_open_alert(**base, thread_id="150")
        none = tx.find_open_alert(**base, thread_id="999")
        either = tx.find_open_alert(**base, thread_id="999", author=("rss", "USER3"))
    assert by_thread is not None and by_thread.id == reply_alert
    assert by_native is not None and by_native.id == reply_alert
    assert by_parent is not None and by_parent.id == toot_alert
    assert none is None
    assert either is not None and either.id == toot_alert


def test_find_open_alert_respects_since_kind_brand_rule_and_state(store: SQLiteStore) -> None:
    m = make_mention(1)
    alert_id = _stored_with_alert(store, m, mention_ids=(m.id,))
    author = ("rss", "user1")

    def find(**kw: Any) -> int | None:
        args: dict[str, Any] = {
            "kinds": [AlertKind.COMPLAINT],
            "brand": "acme",
            "since": T0,
            "author": author,
        }
        args.update(kw)
        with store.alert_transaction() as tx:
            found = tx.find_open_alert(**args)
        return None if found is None else found.id

    assert find() == alert_id
    assert find(rule="complaints") == alert_id
    assert find(rule="other") is None
    assert find(since=T0 + timedelta(seconds=1)) is None
    assert find(kinds=[AlertKind.INCIDENT]) is None
    assert find(brand="globex") is None
    assert find(brand=None) is None
    store.set_alert_state(alert_id, AlertState.REPLIED, at=T0)
    assert find() == alert_id
    store.set_alert_state(alert_id, AlertState.RESOLVED, at=T0)
    assert find() is None
    store.set_alert_state(alert_id, AlertState.IGNORED, at=T0)
    assert find() is None


# -- lifecycle ------------------------------------------------------------------------------


def test_lifecycle_sets_first_timestamps_and_reopening_clears_closed_at(
    store: SQLiteStore,
) -> None:
    alert_id = raise_alert(store, new_alert())
    t = [T0 + timedelta(minutes=k) for k in range(6)]
    acked = store.set_alert_state(alert_id, AlertState.ACKNOWLEDGED, at=t[1], by="dana")
    replied = store.set_alert_state(alert_id, AlertState.REPLIED, at=t[2], by="dana")
    resolved = store.set_alert_state(alert_id, AlertState.RESOLVED, at=t[3])
    assert acked.acknowledged_at == t[1] and acked.replied_at is None
    assert replied.replied_at == t[2] and replied.closed_at is None
    assert resolved.closed_at == t[3] and resolved.state is AlertState.RESOLVED
    reopened = store.set_alert_state(alert_id, AlertState.ACKNOWLEDGED, at=t[4], by="sam")
    assert reopened.closed_at is None and reopened.acknowledged_at == t[1]
    assert reopened.replied_at == t[2] and reopened.updated_at == t[4]
    closed = store.set_alert_state(alert_id, AlertState.IGNORED, at=t[5])
    assert closed.closed_at == t[5]
    events = store.alert_events(alert_id)
    assert [(e.what, e.by) for e in events] == [
        ("raised", None),
        ("acknowledged", "dana"),
        ("replied", "dana"),
        ("resolved", None),
        ("reopened", "sam"),
        ("ignored", None),
    ]
    # The same state again records nothing.
    store.set_alert_state(alert_id, AlertState.IGNORED, at=t[5])
    assert len(store.alert_events(alert_id)) == 6


def test_unknown_alert_id_raises(store: SQLiteStore) -> None:
    with pytest.raises(UnknownAlert, match="no alert with id 42"):
        store.set_alert_state(42, AlertState.RESOLVED, at=T0)
    with pytest.raises(UnknownAlert):
        store.assign_alert(42, "dana", at=T0)
    assert store.get_alert(42) is None


def test_assign_and_unassign_are_recorded(store: SQLiteStore) -> None:
    alert_id = raise_alert(store, new_alert())
    assigned = store.assign_alert(alert_id, "dana", at=T0 + timedelta(minutes=1), by="lead")
    assert assigned.assignee == "dana"
    assert [a.id for a in store.list_alerts(assignee="dana")] == [alert_id]
    cleared = store.assign_alert(alert_id, None, at=T0 + timedelta(minutes=2), by="lead")
    assert cleared.assignee is None
    events = store.alert_events(alert_id)[1:]
    assert [(e.what, e.by, e.detail) for e in events] == [
        ("assigned", "lead", "assignee: dana"),
        ("unassigned", "lead", None),
    ]


def test_list_alerts_filters_newest_first(store: SQLiteStore) -> None:
    a = raise_alert(store, new_alert("a"))
    b = raise_alert(store, new_alert("b", created_at=T0 + timedelta(hours=1), brand="globex"))
    c = raise_alert(
        store, new_alert("c", created_at=T0 + timedelta(hours=2), kind=AlertKind.INCIDENT)
    )
    store.set_alert_state(a, AlertState.RESOLVED, at=T0)
    assert [x.id for x in store.list_alerts()] == [c, b, a]
    assert [x.id for x in store.list_alerts(states=[AlertState.NEW])] == [c, b]
    assert [x.id for x in store.list_alerts(kinds=[AlertKind.INCIDENT])] == [c]
    assert [x.id for x in store.list_alerts(brand="acme")] == [c, a]
    assert [x.id for x in store.list_alerts(since=T0 + timedelta(hours=1))] == [c, b]
    assert [x.id for x in store.list_alerts(limit=1, offset=1)] == [b]


def test_escalation_and_time_based_reads(store: SQLiteStore) -> None:
    old = raise_alert(store, new_alert("old"))
    raise_alert(store, new_alert("fresh", created_at=T0 + timedelta(hours=2)))
    raise_alert(store, new_alert("digest", kind=AlertKind.DIGEST, brand=None))
    with store.alert_transaction() as tx:
        due = tx.unacknowledged_alerts(
            created_before=T0 + timedelta(hours=1), kinds=[AlertKind.COMPLAINT]
        )
        assert [x.id for x in due] == [old]
        tx.mark_escalated(old, T0 + timedelta(hours=1))
        assert (
            tx.unacknowledged_alerts(
                created_before=T0 + timedelta(hours=1), kinds=[AlertKind.COMPLAINT]
            )
            == []
        )
        between = tx.alerts_between(T0, T0 + timedelta(hours=3))
        assert [x.key for x in between] == ["old", "fresh"]
        assert [x.key for x in tx.open_alerts(brand="acme")] == ["old", "fresh"]
    escalated = store.get_alert(old)
    assert escalated is not None and escalated.escalated_at == T0 + timedelta(hours=1)


# -- the on_stored hook ----------------------------------------------------------------------


def test_on_stored_writes_alerts_in_the_mentions_transaction(tmp_path: Path) -> None:
    path = tmp_path / "listener.db"
    with open_store(path) as writer, open_store(path) as other:
        seen_inside: list[int | None] = []

        def raise_for_new(tx: AlertTx, new: list[Mention]) -> None:
            alert = tx.add_alert(new_alert(f"complaint:{new[0].id}", mention_ids=(new[0].id,)))
            assert alert is not None
            # Another process's connection must not see it before COMMIT.
            seen_inside.append(other.count_mentions())
            seen_inside.append(len(other.list_alerts()))

        stored = writer.insert_mentions([make_mention(1)], on_stored=raise_for_new)
        assert [m.id for m in stored] == ["news:1"]
        assert seen_inside == [0, 0]
        assert [a.mention_ids for a in other.list_alerts()] == [("news:1",)]


def test_on_stored_failure_rolls_back_mentions_and_alerts(store: SQLiteStore) -> None:
    # A failure of the database; a rule's own bug costs only its mention's alert
    # (test_review_delivery_hook.py).
    def fail(tx: AlertTx, new: list[Mention]) -> None:
        tx.add_alert(new_alert(mention_ids=(new[0].id,)))
        raise sqlite3.OperationalError("disk I/O error")

    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        store.insert_mentions([make_mention(1)], on_stored=fail)
    assert store.get_mention("news:1") is None and store.list_alerts() == []
    # The retried batch stores the mention as new, so its alert is raised then.
    calls: list[list[str]] = []
    store.insert_mentions(
        [make_mention(1)], on_stored=lambda tx, new: calls.append([m.id for m in new])
    )
    store.insert_mentions(
        [make_mention(1)], on_stored=lambda tx, new: calls.append([m.id for m in new])
    )
    assert calls == [["news:1"]]


# -- what the rules read of mentions -----------------------------------------------------------


def test_mention_counts_buckets_brand_negative_and_tombstones(store: SQLiteStore) -> None:
    negative = Judgments(sentiment=-0.6, sentiment_label=SentimentLabel.NEGATIVE)
    bucket = timedelta(minutes=10)
    mentions = [
        make_mention(1, published_at=T0, judgments=negative),
        make_mention(2, published_at=T0 + bucket - timedelta(microseconds=1)),
        make_mention(3, published_at=T0 + bucket, judgments=negative),  # on the boundary
        make_mention(4, published_at=T0 + 2 * bucket + timedelta(minutes=1), judgments=negative),
        make_mention(5, published_at=T0 + bucket, brands=("globex",)),
        make_mention(6, published_at=T0 + bucket, judgments=negative),  # tombstoned below
        make_mention(7, published_at=T0 + 3 * bucket),  # at until: outside
        make_mention(8, published_at=T0 - timedelta(microseconds=1)),  # before since
    ]
    store.insert_mentions(mentions)
    store.tombstone_mentions(["news:6"], T0 + timedelta(hours=1))
    until = T0 + 3 * bucket
    with store.alert_transaction() as tx:
        counts = tx.mention_counts("acme", T0, until, bucket=bucket, negative_only=False)
        negatives = tx.mention_counts("acme", T0, until, bucket=bucket, negative_only=True)
        globex = tx.mention_counts("GLOBEX", T0, until, bucket=bucket, negative_only=False)
        recent = tx.mentions_between("acme", T0, until, negative_only=True, limit=2)
    assert counts == {T0: 2, T0 + bucket: 1, T0 + 2 * bucket: 1}
    assert negatives == {T0: 1, T0 + bucket: 1, T0 + 2 * bucket: 1}
    assert globex == {T0 + bucket: 1}
    assert [m.id for m in recent] == ["news:4", "news:3"]


def test_author_mentions_newest_first_before_a_time(store: SQLiteStore) -> None:
    dana = Author(handle="Dana")
    store.insert_mentions(
        [make_mention(n, author=dana if n != 3 else Author(handle="sam")) for n in range(1, 6)]
    )
    store.tombstone_mentions(["news:2"], T0 + timedelta(hours=1))
    before = T0 + timedelta(minutes=5)  # news:5 was published then: left out
    found = store.author_mentions("rss", "DANA", before=before)
    assert [m.id for m in found] == ["news:4", "news:1"]
    with store.alert_transaction() as tx:
        assert [m.id for m in tx.author_mentions("rss", "dana", before=before, limit=1)] == [
            "news:4"
        ]
        assert tx.author_mentions("mastodon", "dana", before=before) == []


# -- migration -----------------------------------------------------------------------------------


def test_a_schema_4_database_keeps_its_data_and_gains_alerts(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    mention = make_mention(1)
    with SQLiteStore(path, migrations=MIGRATIONS[:4]) as old:
        old.insert_mentions([mention])
        # Schema 4's own statement: the store's upsert writes empty_polls, which it lacks.
        raw = sqlite3.connect(path)
        with raw:
            raw.execute(
                "INSERT INTO source_state (source, etag, error_count, items_total,"
                " last_new_items) VALUES ('news', '\"v1\"', 0, 7, 2)"
            )
        raw.close()
    with SQLiteStore(path) as store:
        assert store.schema_version == MIGRATIONS[-1][0] >= 5
        assert store.get_mention(mention.id) == mention
        assert store.load_source_state("news") == SourceState(
            source="news", etag='"v1"', items_total=7, last_new_items=2, empty_polls=0
        )
        store.save_source_state(SourceState(source="news", empty_polls=3))
        state = store.load_source_state("news")
        assert state is not None and state.empty_polls == 3
        assert raise_alert(store, new_alert(mention_ids=(mention.id,))) == 1
