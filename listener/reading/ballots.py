"""Function-word and tell-tale-letter votes for Latin-script languages, packed for speed.

One int holds a vote count (in 1/``UNITS``) per language, ``_FIELD`` bits each: a text's
ballots add up with one C-level ``sum()`` and unpack with one memoryview cast
(``counts_per_language``), instead of a Python loop per token and language. A capped text
cannot overflow a field.
"""

from __future__ import annotations

import sys

from listener.reading.lexicon.function_words import (
    FUNCTION_WORDS,
    LANGUAGE_NAMES,
    LETTER_CUES,
    word_weights,
)

LETTER_VOTE = 0.5  # a tell-tale letter is weaker evidence than a function word
UNITS = 20  # votes are counted in twentieths

LANGUAGES = tuple(FUNCTION_WORDS)


_FIELD = 16  # bits per language in a packed ballot


def _pack(votes: dict[str, float]) -> int:
    return sum(
        round(share * UNITS) << (_FIELD * LANGUAGES.index(lang)) for lang, share in votes.items()
    )


def _ballots() -> tuple[dict[str, int], dict[str, int]]:
    """Packed votes of each function word, and of each tell-tale letter."""
    words = {word: _pack(shares) for word, shares in word_weights().items()}
    for word in list(words):
        words.setdefault(word + "'", words[word])  # "it'" in 'get it' quoted
    cues = {c.upper(): langs for c, langs in LETTER_CUES.items() if not c.upper().isascii()}
    cues |= LETTER_CUES  # capitals too, but not "ı".upper(), which is ASCII "I"
    letters = {
        c: _pack({lang: LETTER_VOTE / len(langs) for lang in langs}) for c, langs in cues.items()
    }
    return words, letters


def votes_for(ballot: int, index: int) -> int:
    return (ballot >> (_FIELD * index)) & ((1 << _FIELD) - 1)


WORD_BALLOTS, LETTER_BALLOTS = _ballots()
CUE_LETTERS = frozenset(LETTER_BALLOTS)
WORDS_OF = tuple(
    frozenset(word for word, ballot in WORD_BALLOTS.items() if votes_for(ballot, i))
    for i in range(len(LANGUAGES))
)
WORDS_LINE = tuple(f"{LANGUAGE_NAMES[language]} function words: " for language in LANGUAGES)
_TALLY_BYTES = _FIELD // 8 * len(LANGUAGES)
_BIG_ENDIAN = sys.byteorder == "big"


def counts_per_language(total: int) -> list[int]:
    """A packed sum of ballots as one vote count per language (in 1/UNITS)."""
    tally = memoryview(total.to_bytes(_TALLY_BYTES, sys.byteorder)).cast("H").tolist()
    if _BIG_ENDIAN:
        tally.reverse()  # the highest field, the last language, came first
    return tally
