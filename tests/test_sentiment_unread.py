"""Text VADER cannot read, wholly or partly, is never called neutral."""

from __future__ import annotations

import pytest

from listener.judging.judge import Judge
from listener.models import SentimentLabel
from listener.reading.language import detect_language, script_shares
from listener.sentiment import judge_sentiment


def test_bengali_with_a_latin_brand_name_is_read_as_bengali() -> None:
    # Bengali syllables take fewer code points than the English name: Latin leads the count.
    guess = detect_language("OnePlus 5T এর review চাই")
    assert (guess.script, guess.language) == ("Latin", "bn")
    assert "read as Bengali script" in guess.evidence[-1]


def test_latin_text_with_a_stray_foreign_name_stays_undecided() -> None:
    assert detect_language("Tokyo 東京 trip").language is None  # Han is under a quarter


def test_script_shares_count_letters_not_handles_or_urls() -> None:
    assert script_shares("@user india চুর https://t.co/x") == pytest.approx(
        {"Latin": 5 / 8, "Bengali": 3 / 8}
    )
    assert script_shares("@user 123 !!") == {}


@pytest.mark.parametrize(
    "text",
    [
        "India চুর",  # language detected as Bengali
        "Independence Day / স্বাধীনতা দিবস",  # bilingual: the English half alone is neutral
        "नया फ़ोन today",
        "Order number 1234 ఇంకా రాలేదు",
    ],
)
def test_mixed_indic_and_latin_text_is_never_neutral(text: str) -> None:
    assert Judge().judge_text(text).sentiment_label is not SentimentLabel.NEUTRAL


def test_a_feed_declaring_english_does_not_make_mixed_bengali_neutral() -> None:
    sentiment = judge_sentiment("India চুর", language="en")
    assert sentiment.label is SentimentLabel.UNKNOWN
    assert sentiment.score is None
    assert sentiment.evidence == ("not scored: the model cannot read the Bengali words",)


def test_the_bengali_words_of_a_mixed_post_are_read_by_the_cue_lists() -> None:
    sentiment = judge_sentiment("Samsung service খুব খারাপ", language="en")
    assert sentiment.label is SentimentLabel.NEGATIVE
    assert sentiment.score is None
    assert sentiment.evidence[0].startswith("bn cue words")


def test_a_clear_english_verdict_in_a_mixed_post_stands() -> None:
    sentiment = judge_sentiment("Terrible awful service খুব", language="en")
    assert sentiment.label is SentimentLabel.NEGATIVE
    assert sentiment.score is not None


def test_a_neutral_english_post_is_still_neutral() -> None:
    assert judge_sentiment("The store opens at nine", language="en").label is (
        SentimentLabel.NEUTRAL
    )


@pytest.mark.parametrize("text", ['""""', "...", "12345"])
def test_text_without_words_or_emoji_is_unknown(text: str) -> None:
    sentiment = judge_sentiment(text, language=None)
    assert sentiment.label is SentimentLabel.UNKNOWN
    assert sentiment.evidence == ("not scored: no words to read",)


def test_an_emoji_alone_is_read() -> None:
    assert judge_sentiment("😡", language=None).label is SentimentLabel.NEGATIVE
