"""Offline language detection for short posts: the writing system first, then function words.

    detect_language("Samsung এর সার্ভিস খুব খারাপ")
    → LanguageGuess(script="Bengali", language="bn", confidence=0.64, evidence=(...))

1. Only the first ``MAX_CHARS`` characters are read, and @handles, #hashtags and URLs are
   dropped: they are names, not language.
2. Letters are counted per script. A letter is a character of Unicode category L or M, so
   the vowel signs of Indic scripts count with their script; digits, punctuation and emoji
   do not. The script with the most letters is the text's ``script``.
3. A script with one main language gives it directly (Bengali → ``bn``, Hangul → ``ko``…).
   Where a script is shared, tell-tale letters pick the language (Urdu or Persian letters in
   Arabic script, Ukrainian ї/є in Cyrillic, Marathi ळ in Devanagari, Assamese ৰ in
   Bengali); otherwise the main language is assumed, with lower confidence and an evidence
   line saying so.
4. Latin script: function words vote (``lexicon.function_words``; a word shared by several
   languages splits its vote), plus half a vote per distinct tell-tale letter (ñ, ç, ß, ł,
   ş…: ``LETTER_CUES``). A language is named only with ``MIN_SCORE`` votes from at least
   two distinct words or letters, and a runner-up at most ``MAX_RUNNER_UP`` of its votes;
   otherwise ``language`` is None — unless another script holds at least
   ``SECOND_SCRIPT_SHARE`` of the letters: "India চুর" or "OnePlus 5T এর review চাই" is
   Bengali with a few Latin names (Bengali syllables take fewer code points than English
   words, so Latin can lead the count), and that script's language is the guess.

Japanese mixes Han characters (kanji) with kana. When kana are at least ``KANA_SHARE`` of the
Han + kana letters, both are pooled and reported as script ``"Japanese"`` (ISO 15924 "Jpan");
Han without (enough) kana is script ``"Han"``, language ``zh``. Other script names are
Unicode's ("Latin", "Devanagari", "Hangul"…). ``confidence`` is the confidence in
``language``, 0 when it is None.

Speed (the judgments budget is ~15 µs a post): ASCII text skips script counting and is
tokenised by one regex that also skips handles and URLs. Otherwise only the distinct
non-ASCII characters are classified (a cached code-point table), and letters are counted,
with ``str.count`` in C, only when several scripts compete. Votes are packed into one int
per word (``ballots``), so a text's tally is one ``sum()``, not a loop per word and language.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Set
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from listener.reading.ballots import (
    CUE_LETTERS,
    LANGUAGES,
    LETTER_BALLOTS,
    UNITS,
    WORD_BALLOTS,
    WORDS_LINE,
    WORDS_OF,
    counts_per_language,
    votes_for,
)
from listener.reading.script_tables import (
    RANGES,
    SCRIPT_LANGUAGES,
    SHARED_SCRIPT_CUES,
    STARTS,
)

MAX_CHARS = 1_000  # a post's language shows in its first lines; keeps the worst case bounded
KANA_SHARE = 0.1  # below this, kana are a stray "の" in Chinese, not Japanese writing
MIN_SCORE = 1.0  # votes the winner needs (a word only it lists is one vote)…
MAX_RUNNER_UP = 2 / 3  # …with the runner-up at most this share of them
# Undecided Latin text with at least this share of its letters in another script is read as
# that script's language: a quarter of the letters is more than a stray name.
SECOND_SCRIPT_SHARE = 0.25
_CACHE_LIMIT = 50_000  # characters remembered; far more than real traffic uses

# One pass over lower-cased ASCII text: handles, hashtags and URLs match the first
# alternatives and give an empty token (which votes for nothing); words give themselves.
# Tokens keep a trailing apostrophe so elisions count: l', qu', don'.
_ASCII_TOKEN = re.compile(r"[@#]\S+|https?://\S+|www\.\S+|([a-z]+'?)")
_ASCII_WORD = re.compile(r"[a-z]+'?")  # _ASCII_TOKEN's words, where nothing is to be skipped
_IGNORED = re.compile(r"[@#]\S+|https?://\S+|www\.\S+")
_LATIN_WORD = re.compile(r"[a-zß-öø-ÿ\u0100-\u017f]+'?")  # lower-case Latin-1 and Extended-A

# Letters that NFKC turns into plain Latin: fullwidth, ligatures, the "mathematical" bold and
# italic of fancy-font posts. Normalising only when one is present: "…" is common, and
# normalising every text for it would cost more than all the rest.
_FANCY_LETTERS = frozenset(
    chr(c) for c in (*range(0xFB00, 0xFB07), *range(0xFF21, 0xFF5B), *range(0x1D400, 0x1D800))
)
_ASCII = frozenset(map(chr, range(128)))
_ASCII_NON_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())
_NON_LETTER_TEXT = "".join(c for c in map(chr, range(128)) if not c.isalpha())
_CHAR_SCRIPT: dict[str, str] = {}  # cache: character → script, "" for a non-letter


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """What the text is written in; ``language`` is None when the evidence is too thin."""

    script: str | None  # dominant writing system of the letters; None: no letters at all
    language: str | None  # "en", "bn", "hi-Latn" (romanised Hindi)…; None when unsure
    confidence: float  # 0..1, in ``language``; 0 when it is None
    evidence: tuple[str, ...]  # human-readable reasons


_ALL_LATIN = "Latin script 100% of letters"
_NO_LETTERS = LanguageGuess(None, None, 0.0, ("no letters",))  # frozen: safe to share
_NO_WORDS = LanguageGuess("Latin", None, 0.0, (_ALL_LATIN, "no function words"))


def detect_language(text: str) -> LanguageGuess:
    """Guess the script and language of ``text`` (a post, a review…); pure and fast."""
    sample = text[:MAX_CHARS]
    if "://" in sample:
        sample = sample.replace("http", " http")  # "Castrohttps://t.co/…": a URL glued on
    if sample.isascii():
        tokens = _ASCII_TOKEN.findall(sample.lower())
        if not any(tokens):
            return _NO_LETTERS
        return _latin(tokens, (), 1.0)
    sample, chars, ranked = _letters(sample)
    if not ranked:
        return _NO_LETTERS
    script, share = ranked[0]
    if script != "Latin":
        return _by_script(script, share, sample, chars)
    if not chars.isdisjoint(_FANCY_LETTERS):
        sample = unicodedata.normalize("NFKC", sample)
    lowered = sample.lower().replace("’", "'")
    if "İ" in chars:
        lowered = lowered.replace("i̇", "i")  # Turkish "İ" lower-cases to i + combining dot
    guess = _latin(_LATIN_WORD.findall(lowered), sorted(chars & CUE_LETTERS), share)
    if guess.language is None and len(ranked) > 1:
        return _by_second_script(guess, ranked[1], sample, chars)
    return guess


class ScriptAndLanguage(NamedTuple):
    script: str | None
    language: str | None


_NO_SCRIPT = ScriptAndLanguage(None, None)


def script_and_language(text: str) -> ScriptAndLanguage:
    """``detect_language(text)``'s script and language, which is all the judges read.

    For ASCII text (most posts) the evidence lines and the confidence, written for people,
    are not built: they took half the detection's time.
    """
    # Step by step what detect_language does; tests/test_language.py holds them together.
    sample = text[:MAX_CHARS]
    if "://" in sample:
        sample = sample.replace("http", " http")
    if sample.isascii():
        if "@" in sample or "#" in sample or "://" in sample or "www." in sample:
            tokens = _ASCII_TOKEN.findall(sample.lower())
        else:  # no handle, hashtag or URL for the pattern to skip: its words alone
            tokens = _ASCII_WORD.findall(sample.lower())
        if not any(tokens):
            return _NO_SCRIPT
        return ScriptAndLanguage("Latin", _latin_language(tokens))
    sample, chars, ranked = _letters(sample)
    if not ranked:
        return _NO_SCRIPT
    script = ranked[0][0]
    if script != "Latin":
        return ScriptAndLanguage(script, _script_language(script, sample, chars))
    if not chars.isdisjoint(_FANCY_LETTERS):
        sample = unicodedata.normalize("NFKC", sample)
    lowered = sample.lower().replace("’", "'")
    if "İ" in chars:
        lowered = lowered.replace("i̇", "i")
    cues = sorted(chars & CUE_LETTERS)
    language = _latin_language(_LATIN_WORD.findall(lowered), cues)
    if language is None and len(ranked) > 1:
        second, share = ranked[1]
        if share >= SECOND_SCRIPT_SHARE:
            language = _script_language(second, sample, chars)
    return ScriptAndLanguage("Latin", language)


def script_shares(text: str) -> dict[str, float]:
    """Each script's share of the letters of ``text`` (read as ``detect_language`` reads it:
    the first ``MAX_CHARS`` characters, without handles, hashtags and URLs), most first.

    ``{}`` when there are no letters. Lets a judge see how much of a text is in a script
    it cannot read, whichever language the text is said to be in.
    """
    sample = text[:MAX_CHARS]
    if sample.isascii():
        if "@" in sample or "#" in sample or "://" in sample or "www." in sample:
            sample = _IGNORED.sub(" ", sample)  # without these the pattern finds nothing
        return {"Latin": 1.0} if sample.strip(_NON_LETTER_TEXT) else {}
    return dict(_letters(sample)[2])


@lru_cache(maxsize=16)
def _letters(sample: str) -> tuple[str, Set[str], tuple[tuple[str, float], ...]]:
    """The sample without handles and URLs, its distinct non-ASCII characters, and its
    scripts with their shares of the letters, most first (empty: no letters).

    Remembered, so immutable: the judge asks about the same non-ASCII text up to three
    times (its language, its Indic cues, whether VADER could read it).
    """
    if "@" in sample or "#" in sample or "://" in sample or "www." in sample:
        sample = _IGNORED.sub(" ", sample)
    chars = (
        frozenset(sample) - _ASCII
    )  # the distinct non-ASCII characters: few, even in a long text
    found: set[str | None] = set(map(_CHAR_SCRIPT.get, chars))  # in C; None: not seen yet
    if None in found:
        found = set(map(_script_of, chars))
    scripts = {script for script in found if script}  # a handful at most
    ascii_letters = len(sample.encode("ascii", "ignore").translate(None, _ASCII_NON_LETTERS))
    if not scripts and not ascii_letters:
        return sample, chars, ()
    return sample, chars, tuple(_ranked(sample, chars, scripts, ascii_letters))


def _by_second_script(
    guess: LanguageGuess, second: tuple[str, float], sample: str, chars: Set[str]
) -> LanguageGuess:
    """Latin letters that name no language ("India", "OnePlus review") beside a real share of
    another script's: that script's language is the only evidence, so it is the guess."""
    script, share = second
    if share < SECOND_SCRIPT_SHARE:
        return guess
    other = _by_script(script, share, sample, chars)
    if other.language is None:
        return guess
    why = f"the Latin words name no language: read as {script} script"
    evidence = (guess.evidence[0], *other.evidence, why)
    return LanguageGuess("Latin", other.language, other.confidence, evidence)


def _script_of(char: str) -> str:
    """The script of a letter, "" for any other character; remembered."""
    script = _CHAR_SCRIPT.get(char)
    if script is None:
        script = _classify(char)
        if len(_CHAR_SCRIPT) < _CACHE_LIMIT:
            _CHAR_SCRIPT[char] = script
    return script


def _classify(char: str) -> str:
    category = unicodedata.category(char)
    if category[0] not in "LM":
        return ""
    point = ord(char)
    i = bisect_right(STARTS, point) - 1
    if i >= 0 and point <= RANGES[i][1]:
        return RANGES[i][2]
    if category[0] == "M":
        return ""  # combining accents, variation selectors (emoji): no script of their own
    return unicodedata.name(char, "other").split()[0].title()  # a script we do not map


def _ranked(
    sample: str, chars: Set[str], scripts: set[str], ascii_letters: int
) -> list[tuple[str, float]]:
    """Each script with its share of all letters, most first; Han and kana pooled for
    Japanese."""
    if len(scripts) <= 1:
        script = next(iter(scripts), "Latin")
        if not ascii_letters or script == "Latin":
            return [("Japanese" if script in ("Hiragana", "Katakana") else script, 1.0)]
    counts: dict[str, int] = {}
    for char in chars:  # str.count runs in C: one call per distinct letter, not per letter
        script = _script_of(char)
        if script:
            counts[script] = counts.get(script, 0) + sample.count(char)
    # Latin last: sorting is stable, and on a tie the other script says more (the Latin
    # letters are often a brand or a leftover "http").
    counts["Latin"] = counts.pop("Latin", 0) + ascii_letters
    kana = counts.pop("Hiragana", 0) + counts.pop("Katakana", 0)
    if kana:
        han = counts.pop("Han", 0)
        counts["Japanese" if kana >= KANA_SHARE * (kana + han) else "Han"] = kana + han
    total = sum(counts.values())
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    return [(script, letters / total) for script, letters in ranked if letters]


def _by_script(script: str, share: float, sample: str, chars: Set[str]) -> LanguageGuess:
    seen = f"{script} script {share:.0%} of letters"
    for language, letters, needed in SHARED_SCRIPT_CUES.get(script, ()):
        found = [letter for letter in letters if letter in chars]
        if found and sum(map(sample.count, found)) >= needed:
            letters_seen = (seen, f"letters: {', '.join(found)}")
            return LanguageGuess(script, language, round(0.8 * share, 2), letters_seen)
    if script not in SCRIPT_LANGUAGES:
        return LanguageGuess(script, None, 0.0, (seen, "no language mapped to this script"))
    language, confidence, caveat = SCRIPT_LANGUAGES[script]
    evidence = (seen, caveat) if caveat else (seen,)
    return LanguageGuess(script, language, round(confidence * share, 2), evidence)


def _latin_language(tokens: list[str], cues: list[str] | tuple[()] = ()) -> str | None:
    """``_latin(tokens, cues, share).language``, without the evidence and confidence."""
    total = sum(filter(None, map(WORD_BALLOTS.get, tokens)))
    if cues:
        total += sum(map(LETTER_BALLOTS.__getitem__, cues))
    if not total:
        return None
    tally = counts_per_language(total)
    ranked = sorted(tally)
    top, runner_up = ranked[-1] / UNITS, ranked[-2] / UNITS
    if top < MIN_SCORE or runner_up > MAX_RUNNER_UP * top:
        return None
    best = tally.index(ranked[-1])
    letters = sum(1 for c in cues if votes_for(LETTER_BALLOTS[c], best)) if cues else 0
    if len(WORDS_OF[best].intersection(tokens)) + letters < 2:
        return None  # one function word only
    return LANGUAGES[best]


def _script_language(script: str, sample: str, chars: Set[str]) -> str | None:
    """``_by_script(script, share, sample, chars).language``, without the evidence."""
    for language, letters, needed in SHARED_SCRIPT_CUES.get(script, ()):
        found = [letter for letter in letters if letter in chars]
        if found and sum(map(sample.count, found)) >= needed:
            return language
    known = SCRIPT_LANGUAGES.get(script)
    return known[0] if known is not None else None


def _latin(tokens: list[str], cues: list[str] | tuple[()], share: float) -> LanguageGuess:
    total = sum(filter(None, map(WORD_BALLOTS.get, tokens)))
    if cues:
        total += sum(map(LETTER_BALLOTS.__getitem__, cues))
    if not total:
        return _NO_WORDS if share == 1.0 else _undecided(share, "no function words")
    tally = counts_per_language(total)
    ranked = sorted(tally)
    top, runner_up = ranked[-1] / UNITS, ranked[-2] / UNITS
    best = tally.index(ranked[-1])
    if top < MIN_SCORE or runner_up > MAX_RUNNER_UP * top:
        votes = f"{LANGUAGES[best]} {top:.1f}, next {runner_up:.1f}"
        return _undecided(share, f"too few or mixed function words ({votes})")
    words = sorted(WORDS_OF[best].intersection(tokens))
    letters = [c for c in cues if votes_for(LETTER_BALLOTS[c], best)] if cues else []
    if len(words) + len(letters) < 2:
        return _undecided(share, f"one function word only ({LANGUAGES[best]})")
    seen = _ALL_LATIN if share == 1.0 else f"Latin script {share:.0%} of letters"
    evidence = [seen, WORDS_LINE[best] + ", ".join(words[:6])]
    if letters:
        evidence.append(f"letters: {', '.join(letters)}")
    lead = top - runner_up
    confidence = round(min(0.99, lead / (lead + 1.5)) * share, 2)  # 1 vote ahead: 0.4; 4: 0.73
    return LanguageGuess("Latin", LANGUAGES[best], confidence, tuple(evidence))


def _undecided(share: float, why: str) -> LanguageGuess:
    seen = _ALL_LATIN if share == 1.0 else f"Latin script {share:.0%} of letters"
    return LanguageGuess("Latin", None, 0.0, (seen, why))
