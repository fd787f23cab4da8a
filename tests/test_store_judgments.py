"""Judgments in the SQLite store: round-trips, schema 3, re-judging, labels, models, filters."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from listener.models import Finding, Flag, Judgments, SentimentLabel, Urgency
from listener.store import SearchHit, SQLiteStore, StoreError, UnknownMention, open_store
from listener.store import rows as store_rows
from listener.store.schema import MIGRATIONS
from tests.store_helpers import T0, make_mention, write_old_database

LATEST = MIGRATIONS[-1][0]

FULL = Judgments(
    sentiment=-0.62,
    sentiment_label=SentimentLabel.NEGATIVE,
    model="judges-1",
    sentiment_evidence=("😡", "sarcasm: 'nice work' + 'days late'"),
    language="hi-Latn",
    script="Latin",
    complaint=True,
    complaint_score=0.81,
    complaint_evidence=("'still waiting'", "learned: 0.77"),
    complaint_by="rules+learned",
    feelings=(Finding("frustrated", ("still waiting",)), Finding("angry", ("😡", "worst"))),
    topics=(Finding("delivery", ("parcel", "late")), Finding("Billing", ())),
    urgency=Urgency.HIGH,
    urgency_evidence=("'lawyer'",),
    flags=(Finding(Flag.THREAT, ("'you will regret'",)),),
    reach=1234,
    reach_evidence=("1,200 followers", "34 likes"),
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with open_store(tmp_path / "listener.db") as s:
        yield s


def ids(hits: list[SearchHit]) -> list[str]:
    return [h.mention.id for h in hits]


def tags(path: Path, mention_id: str) -> set[tuple[str, str]]:
    raw = sqlite3.connect(path)
    found = raw.execute(
        "SELECT kind, value FROM mention_tags WHERE mention_id = ?", (mention_id,)
    ).fetchall()
    raw.close()
    return set(found)


def columns(path: Path, mention_id: str) -> tuple[object, ...]:
    raw = sqlite3.connect(path)
    row: tuple[object, ...] = raw.execute(
        "SELECT complaint, complaint_score, urgency, reach, sentiment, sentiment_label"
        " FROM mentions WHERE id = ?",
        (mention_id,),
    ).fetchone()
    raw.close()
    return row


# -- round-trips -------------------------------------------------------------------------


def test_fully_populated_judgments_round_trip_exactly(store: SQLiteStore) -> None:
    store.insert_mentions([make_mention(1, judgments=FULL)])
    loaded = store.get_mention("news:1")
    assert loaded is not None
    j = loaded.judgments
    assert j == FULL
    assert isinstance(j.sentiment_label, SentimentLabel) and isinstance(j.urgency, Urgency)
    assert isinstance(j.feelings, tuple) and isinstance(j.feelings[0], Finding)
    assert isinstance(j.feelings[0].evidence, tuple) and isinstance(j.reach_evidence, tuple)
    assert j.flagged(Flag.THREAT) and j.topic_names() == ("delivery", "Billing")
    assert columns(store.path, "news:1") == (1, 0.81, "high", 1234, -0.62, "negative")
    assert tags(store.path, "news:1") == {
        ("feeling", "frustrated"), ("feeling", "angry"),
        ("topic", "delivery"), ("topic", "billing"), ("flag", "threat"),
    }  # fmt: skip


def test_older_smaller_judgments_json_loads_with_defaults() -> None:
    old = '{"sentiment":0.4,"sentiment_label":"positive","model":"vader-3.3"}'
    assert store_rows.judgments_from_json(old) == Judgments(
        sentiment=0.4, sentiment_label=SentimentLabel.POSITIVE, model="vader-3.3"
    )
    assert store_rows.judgments_from_json("{}") == Judgments()


def test_judgments_from_a_newer_listener_keep_what_this_one_knows() -> None:
    newer = json.dumps(
        {
            "urgency": "critical",
            "sentiment_label": "ecstatic",
            "topics": [{"name": "delivery", "evidence": ["late"], "weight": 2}, {"x": 1}],
            "sarcasm": 0.9,
        }
    )
    assert store_rows.judgments_from_json(newer) == Judgments(
        topics=(Finding("delivery", ("late",)),)
    )


# -- schema 3 ----------------------------------------------------------------------------


def test_version_2_database_with_mentions_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    sentiment = Judgments(sentiment=-0.5, sentiment_label=SentimentLabel.NEGATIVE, model="vader")
    old = [make_mention(1, judgments=sentiment), make_mention(2, brands=("globex",))]
    write_old_database(path, 2, old)

    with open_store(path) as s:
        assert s.schema_version == LATEST >= 3
        assert [s.get_mention(m.id) for m in old] == old
        assert columns(path, "news:1") == (0, None, "normal", 0, -0.5, "negative")
        assert ids(s.search(None, complaint=False)) == ["news:2", "news:1"]
        assert ids(s.search(None, urgency="normal", sentiment="negative")) == ["news:1"]
        assert s.search(None, complaint=True) == []
        assert s.labelled_mentions() == [] and s.complaint_models() == {}
        # Everything of schema 3 works on the migrated rows.
        s.update_judgments("news:2", FULL)
        assert ids(s.search(None, topic="delivery")) == ["news:2"]
        s.set_complaint_label("news:1", True, by="ann", at=T0)
        assert ids(s.search(None, complaint=True)) == ["news:2", "news:1"]

    raw = sqlite3.connect(path)
    indexes = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"mentions_complaint", "mention_tags_mention"} <= indexes
    raw.close()


def test_migration_backfills_columns_and_tags_from_richer_json(tmp_path: Path) -> None:
    path = tmp_path / "v2-rich.db"
    write_old_database(
        path, 2, [make_mention(1)], judgments_json=store_rows.judgments_to_json(FULL)
    )
    with open_store(path) as s:
        assert columns(path, "news:1")[:4] == (1, 0.81, "high", 1234)
        assert tags(path, "news:1") == tags_of(FULL)
        assert ids(s.search(None, complaint=True, feeling="angry", flag="threat")) == ["news:1"]
        loaded = s.get_mention("news:1")
        assert loaded is not None and loaded.judgments == FULL


def tags_of(j: Judgments) -> set[tuple[str, str]]:
    return {(kind, value) for _, kind, value in store_rows.tag_rows("x", j)}


def test_deleting_a_mention_deletes_its_tags_and_label(store: SQLiteStore) -> None:
    store.insert_mentions([make_mention(1, judgments=FULL)])
    store.set_complaint_label("news:1", False, by="ann", at=T0)
    raw = sqlite3.connect(store.path)
    raw.execute("PRAGMA foreign_keys = ON")
    with raw:
        raw.execute("DELETE FROM mention_brands WHERE mention_id = 'news:1'")
        raw.execute("DELETE FROM mentions WHERE id = 'news:1'")
    assert raw.execute("SELECT count(*) FROM mention_tags").fetchone()[0] == 0
    assert raw.execute("SELECT count(*) FROM complaint_labels").fetchone()[0] == 0
    raw.close()


# -- re-judging --------------------------------------------------------------------------


def test_update_judgments_rewrites_json_columns_and_tags(store: SQLiteStore) -> None:
    store.insert_mentions([make_mention(1, judgments=FULL), make_mention(2)])
    calmer = Judgments(
        sentiment=0.1,
        sentiment_label=SentimentLabel.NEUTRAL,
        topics=(Finding("billing", ("invoice",)),),
        urgency=Urgency.LOW,
    )
    updated = store.update_judgments("news:1", calmer)
    assert updated == make_mention(1, judgments=calmer) == store.get_mention("news:1")
    assert columns(store.path, "news:1") == (0, None, "low", 0, 0.1, "neutral")
    assert tags(store.path, "news:1") == {("topic", "billing")}
    assert ids(store.search(None, feeling="angry")) == []
    assert ids(store.search(None, topic="billing")) == ["news:1"]
    # Text search is untouched by re-judging.
    assert ids(store.search("ordinary post 1")) == ["news:1"]
    assert tags(store.path, "news:2") == set()


def test_unknown_ids_are_a_clear_error(store: SQLiteStore) -> None:
    with pytest.raises(UnknownMention, match="no mention with id 'news:9'") as caught:
        store.update_judgments("news:9", FULL)
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, StoreError)
    assert str(caught.value) == "no mention with id 'news:9'"
    with pytest.raises(KeyError):
        store.set_complaint_label("news:9", True, by="ann", at=T0)
    assert store.labelled_mentions() == []


# -- labels ------------------------------------------------------------------------------


def test_a_label_makes_a_person_the_judge_of_the_complaint(store: SQLiteStore) -> None:
    store.insert_mentions([make_mention(1, judgments=FULL)])
    first = store.set_complaint_label("news:1", False, by="ann", at=T0)
    j = first.judgments
    assert (j.complaint, j.complaint_score, j.complaint_by) == (False, 0.0, "person")
    assert j.complaint_evidence == ("marked not a complaint by ann", *FULL.complaint_evidence)
    judges_had = dict(complaint=True, complaint_score=0.81, complaint_by="rules+learned")
    assert dataclasses.replace(j, **judges_had, complaint_evidence=FULL.complaint_evidence) == FULL
    assert store.get_mention("news:1") == first
    assert ids(store.search(None, complaint=False)) == ["news:1"]

    # A second verdict replaces the first, in the label and in the evidence.
    second = store.set_complaint_label("news:1", True, by="bob", at=T0 + timedelta(hours=1))
    assert second.judgments.complaint_evidence == (
        "marked a complaint by bob", *FULL.complaint_evidence,
    )  # fmt: skip
    assert (second.judgments.complaint, second.judgments.complaint_score) == (True, 1.0)
    assert columns(store.path, "news:1")[:2] == (1, 1.0)
    [labelled] = store.labelled_mentions()
    assert labelled.mention == second
    assert (labelled.is_complaint, labelled.labeled_by) == (True, "bob")
    assert labelled.labeled_at == T0 + timedelta(hours=1)


def test_labelled_mentions_by_brand_oldest_label_first(store: SQLiteStore) -> None:
    store.insert_mentions(
        [
            make_mention(1, brands=("acme",)),
            make_mention(2, brands=("acme", "globex")),
            make_mention(3, brands=("globex",)),
            make_mention(4, brands=("acme",)),  # never labelled
        ]
    )
    store.set_complaint_label("news:3", True, by="ann", at=T0 + timedelta(minutes=1))
    store.set_complaint_label("news:2", False, by="ann", at=T0 + timedelta(minutes=3))
    store.set_complaint_label("news:1", True, by="bob", at=T0 + timedelta(minutes=2))

    everything = store.labelled_mentions()
    assert [(x.mention.id, x.is_complaint) for x in everything] == [
        ("news:3", True), ("news:1", True), ("news:2", False),
    ]  # fmt: skip
    assert [x.mention.id for x in store.labelled_mentions("acme")] == ["news:1", "news:2"]
    assert [x.mention.id for x in store.labelled_mentions("GLOBEX")] == ["news:3", "news:2"]
    assert store.labelled_mentions("initech") == []
    with pytest.raises(ValueError, match="who set it"):
        store.set_complaint_label("news:4", True, by=" ", at=T0)


# -- learned models ----------------------------------------------------------------------


def test_complaint_models_are_stored_per_brand_and_replaced(store: SQLiteStore) -> None:
    assert store.complaint_models() == {}
    store.save_complaint_model("acme", b"\x00v1", labels=30, positives=12, trained_at=T0)
    store.save_complaint_model("globex", b"g", labels=40, positives=5, trained_at=T0)
    later = T0 + timedelta(days=1)
    store.save_complaint_model("acme", b"\x00v2\xff", labels=31, positives=13, trained_at=later)
    models = store.complaint_models()
    assert set(models) == {"acme", "globex"}
    acme = models["acme"]
    assert (acme.brand, acme.model, acme.labels, acme.positives) == ("acme", b"\x00v2\xff", 31, 13)
    assert acme.trained_at == later and isinstance(acme.model, bytes)


# -- search filters ----------------------------------------------------------------------


def test_search_filters_on_judgments(store: SQLiteStore) -> None:
    angry_delivery = FULL
    confused_billing = Judgments(
        feelings=(Finding("confused", ("how do i",)),),
        topics=(Finding("billing", ("invoice",)),),
        urgency=Urgency.LOW,
        flags=(Finding(Flag.SPAM, ("giveaway",)), Finding(Flag.BOT, ())),
    )
    store.insert_mentions(
        [
            make_mention(1, judgments=angry_delivery, language="hi-Latn"),
            make_mention(2, judgments=confused_billing, language="hi"),
            make_mention(3, language="hin"),
            make_mention(4, language="en-GB", text="another delivery story"),
        ]
    )
    assert ids(store.search(None, complaint=True)) == ["news:1"]
    assert ids(store.search(None, complaint=False)) == ["news:4", "news:3", "news:2"]
    assert ids(store.search(None, feeling="Frustrated")) == ["news:1"]
    assert ids(store.search(None, topic="BILLING")) == ["news:2", "news:1"]  # stored "Billing"
    assert ids(store.search(None, topic=" delivery ")) == ["news:1"]
    assert ids(store.search("delivery", topic="delivery")) == []  # news:1's text lacks it
    assert ids(store.search("delivery")) == ["news:4"]
    assert ids(store.search(None, language="hi")) == ["news:2", "news:1"]  # not "hin"
    assert ids(store.search(None, language="HI-latn")) == ["news:1"]
    assert ids(store.search(None, language="en")) == ["news:4"]
    assert ids(store.search(None, urgency="high")) == ["news:1"]
    assert ids(store.search(None, urgency="normal")) == ["news:4", "news:3"]
    assert ids(store.search(None, flag="spam")) == ["news:2"]
    assert ids(store.search(None, flag="BOT", topic="billing", urgency="low")) == ["news:2"]
    assert store.search(None, flag="abuse") == []
    assert ids(store.search(None, complaint=True, language="hi", feeling="angry")) == ["news:1"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"urgency": "urgent"}, "urgency must be one of low, normal, high, not 'urgent'"),
        ({"flag": "rude"}, "flag must be one of spam, bot, abuse, threat, press, not 'rude'"),
        ({"feeling": " "}, "feeling must not be empty"),
        ({"topic": ""}, "topic must not be empty"),
        ({"language": ""}, "language must not be empty"),
    ],
)
def test_bad_filter_values_name_what_is_allowed(
    store: SQLiteStore, arguments: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        store.search(None, **arguments)  # type: ignore[arg-type]
