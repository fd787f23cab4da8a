"""How posts are rewritten before VADER scores them, and what that changes in the verdict."""

from __future__ import annotations

from listener.models import SentimentLabel
from listener.sentiment import judge_sentiment
from listener.vader_reading import (
    MUTE,
    for_vader,
    join_phrases,
    mute_like_preposition,
    mute_names,
    split_hashtags,
)

LEXICON = frozenset({"super", "united", "good", "happy", "great", "like"})


def label(text: str) -> SentimentLabel:
    return judge_sentiment(text, language="en").label


def test_a_camel_case_hashtag_is_read_as_its_words() -> None:
    assert split_hashtags("day 3 without wifi #NotHappy") == "day 3 without wifi not happy"


def test_a_negative_hashtag_makes_a_bland_post_negative() -> None:
    assert label("Third router this month #NotHappy") is SentimentLabel.NEGATIVE
    assert label("waiting on hold again #fail") is SentimentLabel.NEGATIVE


def test_cant_wait_is_eagerness_not_negation() -> None:
    assert join_phrases("I can't wait for Friday") == "I cantwait for Friday"
    assert join_phrases("cannot  wait") == "cantwait"
    assert label("Concert tomorrow, can't wait") is SentimentLabel.POSITIVE
    assert label("So looking forward to the new season") is SentimentLabel.POSITIVE


def test_like_as_a_preposition_does_not_score() -> None:
    assert mute_like_preposition("it looks like rain") == f"it looks like{MUTE} rain"
    assert label("It looks like rain on Sunday") is SentimentLabel.NEUTRAL


def test_like_as_a_verb_keeps_its_score() -> None:
    assert mute_like_preposition("I like it") == "I like it"
    assert mute_like_preposition("we don't like it") == "we don't like it"


def test_lexicon_words_inside_a_name_do_not_score() -> None:
    text = "Watching the Super Bowl with Manchester United fans"
    assert mute_names(text, LEXICON) == (
        f"Watching the Super{MUTE} Bowl with Manchester United{MUTE} fans"
    )
    assert label("Watching the Super Bowl tonight") is SentimentLabel.NEUTRAL


def test_a_capital_that_starts_a_sentence_is_no_name() -> None:
    assert mute_names("Great Service today", LEXICON) == "Great Service today"
    assert mute_names("Thanks. Good Morning", LEXICON) == "Thanks. Good Morning"
    assert mute_names("@user Happy Birthday Niall", LEXICON) == "@user Happy Birthday Niall"


def test_every_rule_applies_together() -> None:
    assert for_vader("#cantWait to see the Super Bowl", LEXICON) == (
        f"cantwait to see the Super{MUTE} Bowl"
    )


def test_our_own_words_count() -> None:
    assert label("Flight canceled again, what a ripoff") is SentimentLabel.NEGATIVE
    assert label("So stoked for the launch") is SentimentLabel.POSITIVE
