"""Rules chosen on the development set of ``bench/sentiment_dev.py``: how tweets are read."""

from __future__ import annotations

from listener.models import SentimentLabel
from listener.sentiment import judge_sentiment
from listener.vader_reading import plain_apostrophes


def label(text: str) -> SentimentLabel:
    return judge_sentiment(text, language="en").label


def test_typographic_and_escaped_apostrophes_read_as_plain_ones() -> None:
    assert plain_apostrophes("I didn’t like it") == "I didn't like it"
    assert plain_apostrophes("I didn\\u2019t like it\\u002c sadly") == "I didn't like it, sadly"
    assert plain_apostrophes("plain text stays") == "plain text stays"


def test_an_escaped_emoji_half_is_left_as_it_was() -> None:
    assert plain_apostrophes("\\ud83d\\ude02 ok") == "\\ud83d\\ude02 ok"


def test_a_negation_with_a_curly_apostrophe_still_negates() -> None:
    assert label("I didn’t like it") is SentimentLabel.NEGATIVE
    assert label("I didn\\u2019t like it") is SentimentLabel.NEGATIVE
