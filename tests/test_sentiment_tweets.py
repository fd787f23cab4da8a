"""Rules chosen on the development set of ``bench/sentiment_dev.py``: how tweets are read."""

from __future__ import annotations

from listener.models import SentimentLabel
from listener.reading.vader_reading import plain_apostrophes
from listener.sentiment import (
    LINK_WEIGHT,
    POSITIVE_BAND,
    judge_sentiment,
    only_asks,
    shares_a_link,
)


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


def test_a_text_of_questions_only_asks() -> None:
    assert only_asks("Is the new album any good?")
    assert only_asks("@user is it any good? http://t.co/x.y #music")
    assert not only_asks("Great show. Anyone going tomorrow?")
    assert not only_asks("Really?!")
    assert not only_asks("A plain statement")


def test_a_question_leans_where_a_statement_says() -> None:
    asked = judge_sentiment("Is the new album any good?", language="en")
    said = judge_sentiment("The new album is good", language="en")
    assert asked.score is not None and said.score is not None
    assert 0 < asked.score < said.score
    assert asked.label is SentimentLabel.NEUTRAL
    assert said.label is SentimentLabel.POSITIVE


def test_an_exclamation_mark_makes_faint_praise_meant() -> None:
    plain = judge_sentiment("The show tonight was fine", language="en")
    meant = judge_sentiment("The show tonight was fine!", language="en")
    assert plain.score is not None and 0.05 <= plain.score < POSITIVE_BAND
    assert plain.label is SentimentLabel.NEUTRAL
    assert meant.label is SentimentLabel.POSITIVE


def test_an_exclamation_mark_does_not_make_a_negative_post_positive() -> None:
    assert label("Flight delayed again!") is SentimentLabel.NEGATIVE


def test_a_shared_headline_is_not_the_posters_feeling() -> None:
    assert shares_a_link("Storm damage worse than feared http://t.co/abc")
    assert not shares_a_link("I can't believe this http://t.co/abc")
    assert not shares_a_link("Storm damage worse than feared!! http://t.co/abc")
    assert not shares_a_link("Storm damage worse than feared")
    shared = judge_sentiment("Great win for the home side http://t.co/abc", language="en")
    said = judge_sentiment("Great win for the home side", language="en")
    assert shared.score is not None and said.score is not None
    assert abs(shared.score - said.score * LINK_WEIGHT) < 1e-3
