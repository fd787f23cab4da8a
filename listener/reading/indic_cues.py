"""Finding the Bengali, Telugu, Hindi and Hinglish cues of ``lexicon.indic``, and the Chinese
and Japanese cues of ``lexicon.cjk``, in a text.

Cues and text are brought to one matching form first — Unicode NFC, joiners dropped,
separators made single spaces, each language's spelling variants folded to one spelling
(traditional Chinese characters to simplified, half-width katakana to full width) — then one
compiled alternation per language, factored as a trie, finds them, longest first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache

from listener.reading.lexicon.cjk import CJK_CUES, SIMPLIFIED, TRADITIONAL
from listener.reading.lexicon.indic import INDIC_CUES, LATIN_SPELLINGS, Family
from listener.reading.trie import trie

# Complaints say what is wrong early; 5,000 characters take a few milliseconds to match.
MAX_MATCHED_CHARS = 5_000

# Runs of spaces and hyphens become one space ("बार-बार" is "बार बार"). A lone space already is
# one, so it is not matched: most of the text is left alone, which keeps this cheap.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]{2,}|[^\S ]|[\-\u2010-\u2015]")
# Hindi writers often drop the nukta (ज़ → ज, फ़ → फ) and type anusvara for chandrabindu
# (पहुँचा → पहुंचा); "नहीं" is often typed "नही". Both cues and text are folded the same way.
_NAHI_WITHOUT_ANUSVARA = re.compile("नही(?!\u0902)")
# Bengali writes the negative suffix নি joined (পাইনি, হয়নি); it is often typed apart.
_BENGALI_LOOSE_NI = re.compile(r"(?<=\S) নি(?![\u0980-\u09FF])")
_LATIN_WORD = re.compile(r"[a-z]+")
_LATIN_CANONICAL = {
    variant: canonical for canonical, *variants in LATIN_SPELLINGS for variant in variants
}


def _fold_hindi(text: str) -> str:
    text = text.replace("\u093c", "").replace("\u0901", "\u0902")
    return _NAHI_WITHOUT_ANUSVARA.sub("नहीं", text)


def _fold_bengali(text: str) -> str:
    return _BENGALI_LOOSE_NI.sub("নি", text)


def _fold_hinglish(text: str) -> str:
    return _LATIN_WORD.sub(
        lambda word: _LATIN_CANONICAL.get(word.group(), word.group()), text.lower()
    )


def _unchanged(text: str) -> str:
    return text


_TO_SIMPLIFIED = str.maketrans(TRADITIONAL, SIMPLIFIED)
_TRADITIONAL_CHARS = frozenset(TRADITIONAL)
# Half-width katakana (ｷｬﾝｾﾙ) and their sound marks; NFKC makes them the usual full width.
_HALF_WIDTH_KANA = re.compile("[\uff61-\uff9f]")


def _fold_chinese(text: str) -> str:
    # Traditional text ("壞了", "退錢") reads as the simplified cues. A set test first: it
    # costs a third of the translate, which simplified text (most of it) does not need.
    if _TRADITIONAL_CHARS.isdisjoint(text):
        return text
    return text.translate(_TO_SIMPLIFIED)


def _fold_japanese(text: str) -> str:
    if _HALF_WIDTH_KANA.search(text) is None:
        return text
    return unicodedata.normalize("NFKC", text)


_FOLDS: Mapping[str, Callable[[str], str]] = {
    "bn": _fold_bengali,
    "te": _unchanged,
    "hi": _fold_hindi,
    "hi-Latn": _fold_hinglish,
    "zh": _fold_chinese,
    "ja": _fold_japanese,
}
# A family of longer words that must win over a cue they hold ("不好意思", "excuse me", over
# "不好"): found like any cue, then dropped, so the shorter cue is not reported.
MASK_FAMILY = "none"


def _unknown(language: str) -> ValueError:
    return ValueError(f"no cue lists for language {language!r} (known: {', '.join(_FOLDS)})")


def matching_form(text: str, language: str) -> str:
    """``text`` as ``find_cues`` matches it: NFC, joiners removed, runs of spaces and hyphens
    made one space, and the language's spelling variants folded to one spelling."""
    fold = _FOLDS.get(language)
    if fold is None:
        raise _unknown(language)
    text = unicodedata.normalize("NFC", text)
    # ZWNJ and ZWJ only choose how a conjunct is drawn; they never change which word it is.
    text = text.replace("\u200c", "").replace("\u200d", "")
    if _may_hold_separators(text):  # the regex stops at every character; most posts skip it
        text = _SEPARATORS.sub(" ", text)
    return fold(text)


def _may_hold_separators(text: str) -> bool:
    # Every other space and line break is unprintable: only these can make _SEPARATORS match.
    return not text.isprintable() or "  " in text or any(dash in text for dash in _DASHES)


_DASHES = ("-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015")


@lru_cache(maxsize=32)
def _matched_form(text: str, language: str) -> str:
    # Remembered: the complaint cues and the judgments' cues read the same post in a row, and
    # NFC alone costs ~10 µs for a Bengali post.
    return matching_form(text, language)


def _compile(
    language: str, families: Mapping[Family, tuple[str, ...]]
) -> tuple[re.Pattern[str], dict[str, tuple[Family, str]]]:
    cue_for: dict[str, tuple[Family, str]] = {}
    for family, cues in families.items():
        for cue in cues:
            cue_for.setdefault(matching_form(cue, language), (family, cue))
    # Longest first, so at any position the most specific cue wins ("अच्छा नहीं" over "अच्छा").
    alternation = trie(cue_for)
    if language == "hi-Latn":
        alternation = rf"(?<!\w)(?:{alternation})(?!\w)"
    return re.compile(alternation), cue_for


class CueLists:
    """Lists of cues by family for some of the four readings, compiled once to be found fast.

    ``INDIC_CUES`` is one (``find_cues``); the judges' topic, feeling, danger and urgency lists
    are another, matched the same way."""

    def __init__(self, lists: Mapping[str, Mapping[Family, tuple[str, ...]]]) -> None:
        self._matchers = {language: _compile(language, fams) for language, fams in lists.items()}

    def __contains__(self, language: object) -> bool:
        return language in self._matchers

    def find(self, text: str, language: str) -> dict[Family, tuple[str, ...]]:
        """The cues in ``text`` by family, each family's cues in order of first appearance."""
        matcher = self._matchers.get(language)
        if matcher is None:
            raise _unknown(language)
        pattern, cue_for = matcher
        found: dict[Family, list[str]] = {}
        for match in pattern.finditer(_matched_form(text[:MAX_MATCHED_CHARS], language)):
            family, cue = cue_for[match.group()]
            cues = found.setdefault(family, [])
            if cue not in cues:
                cues.append(cue)
        return {family: tuple(cues) for family, cues in found.items()}


_COMPLAINT_CUES = CueLists({**INDIC_CUES, **CJK_CUES})


def find_cues(text: str, language: str) -> dict[Family, tuple[str, ...]]:
    """The cues in ``text`` by family, each family's cues in order of first appearance.

    ``language`` is a key of ``INDIC_CUES`` or ``CJK_CUES`` ("zh", "ja"); cues are reported as
    they are listed there, whatever spelling variant the text used. Only the first
    ``MAX_MATCHED_CHARS`` characters are read.
    """
    found = _COMPLAINT_CUES.find(text, language)
    found.pop(MASK_FAMILY, None)
    return found


# The first letter of one of these scripts tells which cue lists a text needs when nobody said
# its language: a judge that is given only the text (abuse, urgency) reads it by its script.
_INDIC_LETTER = re.compile("[\u0900-\u097f\u0980-\u09ff\u0c00-\u0c7f]")


def script_cue_language(text: str) -> str | None:
    """The cue lists ("hi", "bn", "te") of the first Devanagari, Bengali or Telugu letter."""
    if text.isascii():
        return None
    letter = _INDIC_LETTER.search(text, 0, MAX_MATCHED_CHARS)
    if letter is None:
        return None
    code = ord(letter.group())
    return "hi" if code < 0x980 else "bn" if code < 0xA00 else "te"
