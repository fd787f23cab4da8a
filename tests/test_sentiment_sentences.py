"""A negation or a booster does not reach across a sentence's end (issue 16).

VADER's "never" flips a sentiment word up to three words later, full stop or not, so
"my order never came. Angry." scored positive. Our sentiment uses ``FastVader``'s opt-in
``sentences`` path; its default path stays VADER's (``tests/test_vader_fast.py``).
"""

from __future__ import annotations

from functools import cache

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from listener.judging.judge import Judge
from listener.models import SentimentLabel
from listener.reading.vader_fast import FastVader
from listener.sentiment import judge_sentiment


@cache
def _scorers() -> tuple[FastVader, FastVader]:
    reference = SentimentIntensityAnalyzer()
    return (
        FastVader(reference.lexicon, reference.emojis),
        FastVader(reference.lexicon, reference.emojis, sentences=True),
    )


def vader(text: str) -> float:
    return _scorers()[0].compound(text)


def bounded(text: str) -> float:
    return _scorers()[1].compound(text)


def label(text: str) -> SentimentLabel:
    return judge_sentiment(text, language="en").label


@pytest.mark.parametrize(
    "text", ["my order never came. Angry.", "Never again. Angry!", "It never came, angry"]
)
def test_a_negation_in_the_sentence_before_does_not_flip_anger(text: str) -> None:
    assert vader(text) > 0  # VADER's reading, the bug
    assert label(text) is SentimentLabel.NEGATIVE
    assert Judge().judge_text(text).sentiment_label == "negative"


def test_a_negated_problem_then_praise_is_positive() -> None:
    assert label("not bad. Happy.") is SentimentLabel.POSITIVE


@pytest.mark.parametrize("text", ["It's not good.", "I can't say I'm happy"])
def test_a_negation_inside_its_sentence_still_negates(text: str) -> None:
    assert label(text) is SentimentLabel.NEGATIVE
    assert bounded(text) == vader(text)


def test_a_line_break_ends_a_sentence() -> None:
    assert vader("my order never came\nAngry") > 0
    assert bounded("my order never came\nAngry") < 0
    assert bounded("my order never came\r\n\r\nAngry") < 0


@pytest.mark.parametrize(
    "text",
    [
        "not e.g. good",  # an abbreviation's dots end no sentence
        "not 4.5 good",  # nor a decimal's
        "not https://example.com/a. good",  # nor a link's
    ],
)
def test_dots_that_end_no_sentence_leave_the_negation_alone(text: str) -> None:
    assert bounded(text) == vader(text) < 0


def test_a_booster_stops_at_a_sentence_end_but_crosses_a_comma() -> None:
    assert vader("Really. Good") != vader("Good")
    assert bounded("Really. Good") == bounded("Good")
    assert bounded("really, really good") == vader("really, really good") > vader("good")


def test_capitals_are_judged_as_before() -> None:
    # All in capitals: no word stands out, so neither path adds VADER's capitals boost.
    assert bounded("NEVER AGAIN. ANGRY!") == bounded("never again. angry!") < 0
    # Some in capitals: the shouted word is boosted on both paths alike.
    assert bounded("so ANGRY today") == vader("so ANGRY today") < vader("so angry today")


def test_the_default_path_is_vaders() -> None:
    assert (
        vader("my order never came. Angry.")
        == SentimentIntensityAnalyzer().polarity_scores("my order never came. Angry.")["compound"]
    )
