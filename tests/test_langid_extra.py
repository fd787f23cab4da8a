"""The optional py3langid fallback (``listener[langid]``): ours first, py3langid in the gaps."""

from __future__ import annotations

import pytest

from listener.reading import langid_extra
from listener.reading.langid_extra import StatisticalLanguageID, detect_with_fallback
from listener.reading.language import detect_language

pytestmark = pytest.mark.skipif(
    langid_extra.unavailable_reason() is not None,
    reason=f"the langid extra is absent: {langid_extra.unavailable_reason()}",
)


@pytest.fixture(scope="module")
def identifier() -> StatisticalLanguageID:
    return StatisticalLanguageID()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Huduma yenu ni mbaya sana, nimechoka kusubiri kifurushi changu", "sw"),
        ("Minu pakk pole ikka veel kohale jõudnud", "et"),
    ],
)
def test_fills_the_languages_our_lists_do_not_know(
    identifier: StatisticalLanguageID, text: str, language: str
) -> None:
    assert detect_language(text).language is None  # the gap it is there for
    guess = detect_with_fallback(text, identifier)
    assert guess.language == language
    assert guess.confidence >= langid_extra.MIN_PROBABILITY
    assert guess.evidence[-1].startswith(f"py3langid: {language}")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Samsung এর সার্ভিস খুব খারাপ", "bn"),  # script first
        ("mera order abhi tak nahi aaya yaar", "hi-Latn"),  # py3langid never learned it
        ("Pakket is nog steeds niet aangekomen, wat een slechte service", "nl"),
    ],
)
def test_our_answer_stands_where_we_have_one(
    identifier: StatisticalLanguageID, text: str, language: str
) -> None:
    assert detect_with_fallback(text, identifier) == detect_language(text)
    assert detect_language(text).language == language


def test_a_thin_guess_is_not_taken(identifier: StatisticalLanguageID) -> None:
    assert detect_language("lol").language is None
    assert identifier.guess("lol") is None  # a few letters spread the probability thin
    assert detect_with_fallback("lol", identifier).language is None
    assert detect_with_fallback("👍👍", identifier).language is None  # no letters at all
