"""Composing a delivery's message from a real store: the lead mention and its evidence, the
author's history and tags, a wave's examples, and what a gone mention leaves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from alerts.compose import DELETED_TEXT, compose
from alerts.message import MESSAGE_TEXT_CHARS, JudgmentLine
from listener.config.settings import Settings
from listener.models import (
    AlertKind,
    Author,
    Finding,
    Flag,
    Judgments,
    Mention,
    SentimentLabel,
    Urgency,
)
from listener.store import Store, open_store
from tests.alert_helpers import raise_alert
from tests.helpers import SettableClock
from tests.store_helpers import T0, make_mention

SETTINGS = """\
brands:
  - name: acme
    query: acme
alerts:
  enabled: true
  channels:
    - {name: hooks, type: console}
  authors:
    - {handle: "@DANA", source_type: rss, tags: [loyal], note: "customer since 2019"}
    - {handle: dana, tags: [press]}
    - {handle: dana, source_type: x, tags: [vip]}
"""

ANGRY = Judgments(
    sentiment=-0.62,
    sentiment_label=SentimentLabel.NEGATIVE,
    sentiment_evidence=("😡",),
    language="en",
    complaint=True,
    complaint_score=0.81,
    complaint_evidence=("'still waiting'",),
    complaint_by="rules+learned",
    feelings=(Finding("frustrated", ("still waiting",)),),
    topics=(Finding("delivery", ("parcel",)),),
    urgency=Urgency.HIGH,
    urgency_evidence=("'lawyer'",),
    flags=(Finding(Flag.THREAT, ("'you will regret'",)),),
    reach=1234,
    reach_evidence=("1,200 followers",),
)


@pytest.fixture
def settings(write_settings: Callable[[str], Settings]) -> Settings:
    return write_settings(SETTINGS)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "l.db") as opened:
        yield opened


def _dana(n: int) -> Mention:
    return make_mention(n, author=Author(handle="Dana", name="Dana K"))


def test_the_lead_mention_carries_every_judgment_with_its_evidence(
    store: Store, settings: Settings, clock: SettableClock
) -> None:
    long_text = "acme " + "never arrived " * 400
    store.insert_mentions([make_mention(1, text=long_text, judgments=ANGRY)])
    alert, (row,) = raise_alert(store, 1, at=clock(), mention_ids=("news:1",))

    message = compose(store, settings, alert, row)

    assert message.idempotency_key == row.key
    assert message.mention is not None
    assert len(message.mention.text) == MESSAGE_TEXT_CHARS
    assert message.mention.text.endswith("…")
    lines = {line.label: line.evidence for line in message.mention.judgments}
    assert lines == {
        "sentiment negative -0.62": ("😡",),
        "complaint 0.81 (by rules+learned)": ("'still waiting'",),
        "feeling frustrated": ("still waiting",),
        "topic delivery": ("parcel",),
        "urgency high": ("'lawyer'",),
        "flag threat": ("'you will regret'",),
        "reach 1,234": ("1,200 followers",),
        "language en": (),
    }
    # No base_url: the link is the post itself.
    assert message.link == "https://example.com/a/1?utm_source=x"
    assert message.examples == ()


def test_the_authors_history_and_tags_come_with_the_alert(
    store: Store, settings: Settings, clock: SettableClock
) -> None:
    store.insert_mentions([_dana(n) for n in (1, 2, 3, 4)])
    alert, (row,) = raise_alert(store, 1, at=clock(), mention_ids=("news:3",))

    history = compose(store, settings, alert, row).history

    assert history is not None
    # Earlier mentions only, newest first; the one after the alert's mention is not history.
    assert [item.published_at for item in history.recent] == [
        T0 + timedelta(minutes=2),
        T0 + timedelta(minutes=1),
    ]
    assert history.recent[0].excerpt == "Some ordinary text for post 2."
    assert history.mention_count >= 2
    assert history.first_seen_at == T0 + timedelta(minutes=1)
    # "@DANA" on rss and "dana" on any source match; "dana" on x does not.
    assert history.tags == ("loyal", "press")
    assert history.note == "customer since 2019"


def test_a_mention_deleted_at_its_source_says_so_instead_of_its_words(
    store: Store, settings: Settings, clock: SettableClock
) -> None:
    store.insert_mentions([make_mention(1, text="acme is awful", judgments=ANGRY)])
    store.tombstone_mentions(["news:1"], at=clock())
    alert, (row,) = raise_alert(store, 1, at=clock(), mention_ids=("news:1",))

    mention = compose(store, settings, alert, row).mention

    assert mention is not None
    assert mention.text == DELETED_TEXT
    assert mention.title == ""
    assert mention.judgments == ()


def test_a_missing_mention_does_not_stop_the_message(
    store: Store, settings: Settings, clock: SettableClock
) -> None:
    alert, (row,) = raise_alert(store, 1, at=clock(), mention_ids=("news:404",))

    message = compose(store, settings, alert, row)

    assert message.mention is None and message.history is None
    assert message.title == "Alert number 1"
    assert message.link is None


def test_with_a_base_url_the_link_is_the_alert_page(
    store: Store, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    settings = write_settings(SETTINGS + "  base_url: https://listener.example.org/\n")
    store.insert_mentions([make_mention(1)])
    alert, (row,) = raise_alert(store, 1, at=clock(), mention_ids=("news:1",))

    assert compose(store, settings, alert, row).link == (
        f"https://listener.example.org/alerts/{alert.id}"
    )


def test_an_incident_shows_its_chosen_examples_and_skips_gone_ones(
    store: Store, settings: Settings, clock: SettableClock
) -> None:
    store.insert_mentions([make_mention(n) for n in range(1, 9)])
    ids = tuple(f"news:{n}" for n in range(1, 9))
    chosen = ["news:7", "news:404", "news:2"]
    alert, (row,) = raise_alert(
        store, 1, at=clock(), kind=AlertKind.INCIDENT, mention_ids=ids,
        details={"terms": ["refund"], "example_ids": chosen},
    )  # fmt: skip
    wave, (wave_row,) = raise_alert(store, 2, at=clock(), kind=AlertKind.INCIDENT, mention_ids=ids)

    message = compose(store, settings, alert, row)
    assert [m.id for m in message.examples] == ["news:7", "news:2"]
    assert message.mention is None
    assert message.details["terms"] == ["refund"]
    # Without chosen examples: the alert's first five mentions.
    examples = compose(store, settings, wave, wave_row).examples
    assert [m.id for m in examples] == [f"news:{n}" for n in range(1, 6)]


def test_judgment_lines_say_not_a_complaint_when_judged_so(
    store: Store, settings: Settings, clock: SettableClock
) -> None:
    calm = Judgments(
        sentiment_label=SentimentLabel.NEUTRAL, complaint_score=0.1, complaint_by="rules"
    )
    store.insert_mentions([make_mention(1, judgments=calm)])
    alert, (row,) = raise_alert(store, 1, at=clock(), mention_ids=("news:1",))
    mention = compose(store, settings, alert, row).mention
    assert mention is not None
    assert JudgmentLine("not a complaint 0.10 (by rules)") in mention.judgments
    assert JudgmentLine("sentiment neutral") in mention.judgments


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("acme parcel never came…", ""),  # the post's first words: said once, in the text
        ("Parcel trouble", "Parcel trouble"),  # a real headline stays
    ],
)
def test_a_title_that_only_repeats_the_texts_first_words_is_not_shown_twice(
    store: Store, settings: Settings, clock: SettableClock, title: str, shown: str
) -> None:
    store.insert_mentions([make_mention(1, title=title, text="acme parcel never came, again")])
    alert, (row,) = raise_alert(store, 1, at=clock(), mention_ids=("news:1",))

    message = compose(store, settings, alert, row)

    assert message.mention is not None and message.mention.title == shown
