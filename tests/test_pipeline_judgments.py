"""Judgments on the real path: raw items → pipeline → SQLite store → ``listener search``.

The pipeline judges every new mention; the store keeps the judgments and searches on them;
the CLI's filters find exactly the mentions the judges marked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from listener.cli.main import main
from listener.config.settings import Settings
from listener.judging.judge import Judge
from listener.models import Mention, RawItem, SentimentLabel
from listener.pipeline.run import Pipeline
from listener.store import SQLiteStore, open_store
from tests.helpers import SettableClock

SETTINGS = """\
brands:
  - name: Acme
    query: '"acme"'
    own_handles: ['@acmehq']
storage:
  sqlite: data/listener.db
"""

ENGLISH_COMPLAINT = "forum:en-complaint"
PRAISE = "forum:praise"
BENGALI_COMPLAINT = "forum:bn-complaint"
BRITISH_NOTE = "forum:en-gb-note"


def at(hour: int) -> datetime:
    return datetime(2026, 11, 22, hour, 0, tzinfo=UTC)


ITEMS = [
    RawItem(
        "en-complaint",
        html="@acmehq my Acme parcel is a week late and I&#39;m fed up. Where is my refund?",
        published_at=at(8),
    ),
    RawItem(
        "praise", title="Thanks Acme", html="<p>The new anvil is great!</p>", published_at=at(9)
    ),
    # "I ordered from Acme, still haven't received the delivery, I want my money back."
    RawItem(
        "bn-complaint",
        html="Acme থেকে অর্ডার করেছিলাম, ডেলিভারি এখনো পাইনি, টাকা ফেরত চাই",
        published_at=at(10),
    ),
    RawItem(
        "en-gb-note",
        html="Picked up an Acme anvil at the market on Saturday",
        language="en-GB",
        published_at=at(11),
    ),
]


@pytest.fixture
def settings(write_settings: Callable[[str], Settings]) -> Settings:
    return write_settings(SETTINGS)


@pytest.fixture
def store(settings: Settings, clock: SettableClock) -> Iterator[SQLiteStore]:
    with open_store(settings.storage.sqlite) as opened:
        report = Pipeline(settings, opened, clock=clock).process("forum", "rss", ITEMS)
        assert [m.id for m in report.stored] == [
            ENGLISH_COMPLAINT,
            PRAISE,
            BENGALI_COMPLAINT,
            BRITISH_NOTE,
        ]
        yield opened


def stored(store: SQLiteStore, mention_id: str) -> Mention:
    mention = store.get_mention(mention_id)
    assert mention is not None, mention_id
    return mention


# -- what the pipeline stores ----------------------------------------------------------------


def test_an_english_complaint_is_stored_with_its_judgments(store: SQLiteStore) -> None:
    j = stored(store, ENGLISH_COMPLAINT).judgments
    assert j.complaint is True and j.complaint_by == "rules"
    assert j.complaint_evidence == (
        "expectation: 'fed up'",
        "delay: 'late'",
        "refund: 'refund'",
        "whereabouts: 'where is my'",  # issue 16: asking where a thing is, a complaint's sign
        "addressed to @acmehq",  # the brand's own handle, from the settings
        "a question to the brand",
    )
    # "where is my parcel?" asks for a thing owed (whereabouts), no sign of confusion.
    assert j.feeling_names() == ("frustrated",)
    assert j.feelings[0].evidence == ("fed up",)
    assert j.topic_names() == ("delivery", "billing")
    assert j.topics[0].evidence == ("parcel",)


def test_praise_is_stored_positive_and_not_a_complaint(store: SQLiteStore) -> None:
    mention = stored(store, PRAISE)
    j = mention.judgments
    assert j.sentiment_label is SentimentLabel.POSITIVE and j.sentiment is not None
    assert (j.complaint, j.feelings, j.topics, j.flags) == (False, (), (), ())


def test_a_bengali_complaint_is_stored_as_one_without_a_score(store: SQLiteStore) -> None:
    mention = stored(store, BENGALI_COMPLAINT)
    j = mention.judgments
    assert (j.language, j.script) == ("bn", "Bengali")
    assert j.sentiment is None and j.sentiment_label is SentimentLabel.NEGATIVE
    assert j.complaint is True
    assert j.complaint_evidence == (
        "negative tone (cue words)",
        "delay: এখনো, পাইনি",
        "refund: ফেরত",
    )


def test_a_mention_without_a_source_language_gets_the_detected_one(store: SQLiteStore) -> None:
    assert stored(store, ENGLISH_COMPLAINT).language == "en"
    assert stored(store, BENGALI_COMPLAINT).language == "bn"


def test_a_source_language_is_kept_and_judged_by_its_primary_tag(store: SQLiteStore) -> None:
    mention = stored(store, BRITISH_NOTE)
    assert mention.language == "en-gb"  # as the source said (normalised)
    assert mention.judgments.language == "en"
    assert mention.judgments.sentiment is not None


def test_stored_judgments_are_exactly_what_the_judge_says_about_the_mention(
    store: SQLiteStore, settings: Settings
) -> None:
    judge = Judge(settings.judgments, settings.brands)
    for item in ITEMS:
        mention = stored(store, f"forum:{item.native_id}")
        as_received = replace(mention, language=mention.language if item.language else None)
        assert judge.judge(as_received) == mention.judgments, mention.id


def test_romanised_hindi_declared_by_the_source_is_judged_as_such(
    settings: Settings, clock: SettableClock
) -> None:
    with open_store(settings.storage.sqlite) as store:
        item = RawItem(
            "hinglish",
            html="acme bhai mera order abhi tak nahi aaya, paisa wapas chahiye",
            language="hi-Latn",
        )
        [mention] = Pipeline(settings, store, clock=clock).process("forum", "rss", [item]).stored
    assert mention.judgments.sentiment_label is SentimentLabel.NEGATIVE
    assert mention.judgments.complaint is True


# -- listener search on the judgments ------------------------------------------------------


def found_ids(settings: Settings, *args: str) -> list[str]:
    result = CliRunner().invoke(
        main, ["search", "--json", *args, "--config", str(settings.config_path)]
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line)["id"] for line in result.stdout.splitlines()]


@pytest.mark.usefixtures("store")
def test_search_finds_exactly_the_complaints(settings: Settings) -> None:
    assert found_ids(settings, "--complaint") == [BENGALI_COMPLAINT, ENGLISH_COMPLAINT]
    assert found_ids(settings, "--not-complaint") == [BRITISH_NOTE, PRAISE]


@pytest.mark.usefixtures("store")
def test_search_by_feeling_topic_and_language(settings: Settings) -> None:
    assert found_ids(settings, "--feeling", "frustrated") == [ENGLISH_COMPLAINT]
    assert found_ids(settings, "--feeling", "angry") == []
    # Issue 16: the Bengali complaint has a topic too, from the Bengali lists.
    assert found_ids(settings, "--topic", "delivery") == [BENGALI_COMPLAINT, ENGLISH_COMPLAINT]
    assert found_ids(settings, "--lang", "bn") == [BENGALI_COMPLAINT]
    assert found_ids(settings, "--lang", "en") == [BRITISH_NOTE, PRAISE, ENGLISH_COMPLAINT]


@pytest.mark.usefixtures("store")
def test_search_combines_judgment_filters_with_each_other_and_a_query(settings: Settings) -> None:
    assert found_ids(settings, "--complaint", "--lang", "en") == [ENGLISH_COMPLAINT]
    assert found_ids(settings, "--sentiment", "positive") == [PRAISE]
    # A text query ranks by relevance, not by date.
    assert sorted(found_ids(settings, "anvil", "--not-complaint")) == [BRITISH_NOTE, PRAISE]
    assert found_ids(settings, "anvil", "--complaint") == []
    assert found_ids(settings, "refund", "--complaint", "--topic", "billing") == [ENGLISH_COMPLAINT]


@pytest.mark.usefixtures("store")
def test_search_json_carries_the_bengali_complaints_evidence(settings: Settings) -> None:
    result = CliRunner().invoke(
        main, ["search", "--json", "--lang", "bn", "--config", str(settings.config_path)]
    )
    [hit] = [json.loads(line) for line in result.stdout.splitlines()]
    assert hit["sentiment_label"] == "negative" and hit["sentiment"] is None
    assert hit["judgments"]["complaint"] is True
    assert hit["judgments"]["complaint_evidence"] == [
        "negative tone (cue words)",
        "delay: এখনো, পাইনি",
        "refund: ফেরত",
    ]
