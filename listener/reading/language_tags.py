"""Which language the judges read a text as: the source's tag, checked against the letters.

Sources tag languages in every spelling BCP 47 allows ("en-US", "hi-Latn", "hi_latn",
"HI-LATN"), and feeds often declare one language for everything they carry: a feed that says
"en" also carries Bengali posts, and VADER would score those 0, "neutral" — a false
statement the alert rules would trust. So a declared tag is believed unless the text's own
letters are in a script that language is not written in.
"""

from __future__ import annotations

import re
from typing import Protocol


class _Guess(Protocol):
    """What the letters say: a ``LanguageGuess`` or a ``ScriptAndLanguage``."""

    @property
    def script(self) -> str | None: ...

    @property
    def language(self) -> str | None: ...


# Languages written in a script other than Latin, by that script. A declared language not
# listed here is taken to be written in Latin letters (English, Spanish, Indonesian…).
# Serbian and a few others are written in two scripts: their non-Latin one is listed, and a
# Latin-script text tagged with them is believed anyway (Latin text is never overruled).
_NON_LATIN_SCRIPTS: dict[str, str] = {
    **dict.fromkeys(("ru", "uk", "bg", "sr", "mk", "be", "kk", "ky", "mn", "tg"), "Cyrillic"),
    **dict.fromkeys(("ar", "fa", "ur", "ps", "sd", "ug", "ckb"), "Arabic"),
    **dict.fromkeys(("hi", "mr", "ne", "sa", "mai", "kok"), "Devanagari"),
    **dict.fromkeys(("bn", "as"), "Bengali"),
    **dict.fromkeys(("he", "yi"), "Hebrew"),
    **dict.fromkeys(("am", "ti"), "Ethiopic"),
    **dict.fromkeys(("zh", "yue"), "Han"),
    "ja": "Japanese", "ko": "Hangul", "el": "Greek", "hy": "Armenian", "ka": "Georgian",
    "te": "Telugu", "ta": "Tamil", "kn": "Kannada", "ml": "Malayalam", "gu": "Gujarati",
    "pa": "Gurmukhi", "or": "Oriya", "si": "Sinhala", "th": "Thai", "lo": "Lao",
    "km": "Khmer", "my": "Myanmar", "bo": "Tibetan", "dv": "Thaana", "syr": "Syriac",
}  # fmt: skip
# Japanese mixes Han and kana: a Japanese-tagged text of Han characters alone is still Japanese.
_ALSO_WRITTEN_IN = {"ja": "Han", "zh": "Japanese"}
_SUBTAGS = re.compile(r"[-_]")


def primary_tag(language: str | None) -> str | None:
    """A source's tag as the judges use it: "en-US" → "en", "HI_latn" → "hi-Latn".

    Only romanised Hindi keeps its script subtag: it has cue lists of its own.
    """
    if not language or not language.strip():
        return None
    subtags = [part for part in _SUBTAGS.split(language.strip().lower()) if part]
    if not subtags:
        return None
    primary = subtags[0]
    if primary == "hi" and "latn" in subtags[1:]:
        return "hi-Latn"
    return primary


def reading_language(declared: str | None, guess: _Guess) -> str | None:
    """The language to judge a text in: ``declared`` (a source's tag) unless the letters
    contradict it, else what ``guess`` (``detect_language`` of the text, or just its
    ``script_and_language``) found."""
    tag = primary_tag(declared)
    if tag is None:
        return guess.language
    script = guess.script
    if script in (None, "Latin") or guess.language is None:
        return tag  # nothing in the letters to overrule the source with
    if script in (_NON_LATIN_SCRIPTS.get(tag), _ALSO_WRITTEN_IN.get(tag)):
        return tag  # "mr" for Devanagari text: the source knows better than the script
    return guess.language
