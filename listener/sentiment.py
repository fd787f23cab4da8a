"""Sentiment: VADER, extended where it measurably helps, and honest about what it cannot read.

VADER alone misses much of what customers write to brands (see the README's measured
table). On top of it:

- **emoji**: our own valence table (``reading.lexicon.emoji``) joins VADER's lexicon, so
  😡 🤬 👎 🙄 count (VADER turns them into descriptions it mostly does not score);
- **sarcasm**: praise about a concrete failure ("Nice work. Days late AND smashed.
  Awesome") is turned negative, with the reason as evidence;
- **review stars**: a 1–5 rating is the author's own verdict; it is fused with the text;
- **length cap**: VADER's time grows quadratically with the number of sentiment words
  (100,000 characters take ~11 s), so only the first ``MAX_SCORED_CHARS`` are scored;
- **unscored, not neutral**: VADER reads English. Text in another language or script gets
  no score (``unknown``) — except that our Bengali, Telugu and Hindi cue lists can still
  say "negative" (without a score) so a complaint in those languages reaches a person.
  Text only partly in Latin letters (Bengali around an English brand name) is the same:
  VADER's neutral there means it read nothing, so it gives way to the cue lists or
  ``unknown``; so does text with no words and no emoji at all;
- **reading posts as people do** (``listener.reading.vader_reading``): hashtags split into words,
  "can't wait" as eagerness, "like" as a preposition and words inside names unscored;
- **a sentence at a time**: VADER's "never"/"not"/"no" and boosters reach three words back
  even across a full stop, so "my order never came. Angry." scored positive; here boosters
  stop at a sentence's end and negations also at a comma (``FastVader(sentences=True)``);
- **problems denied**: "no problems", "never had a single issue" read as the mild praise
  they are, not as VADER's "no" plus a problem word; "can't wait any longer" as impatience;
- **questions ask**: a post whose every sentence is a question ("Is the new album any
  good?") states no opinion as firmly as one that asserts it: its score is halved;
- **a shared link** with no word of the poster's own (no I/we/you, no "!" or "?") passes on
  a headline: the headline's words are not the poster's feeling, so its score is halved;
- **said with feeling**: a positive score in a post with an exclamation mark is positive
  from the neutral band up, not only from ``POSITIVE_BAND`` (faint praise words make plain
  posts score mildly positive; an exclamation mark says the praise is meant).

Rules after the first ones were chosen on ``bench/sentiment_dev.py``'s development set
(never on the TweetEval test split).

VADER's own handling of contrast ("…, but …" weighs the second half more) is kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from listener.models import SentimentLabel
from listener.reading.indic_cues import find_cues
from listener.reading.language import script_shares
from listener.reading.lexicon.emoji import EMOJI_VALENCE, base_emoji
from listener.reading.vader_fast import FastVader
from listener.reading.vader_reading import EXTRA_LEXICON, for_vader

MODEL_NAME = "vader-3.3+listener-1"
MAX_SCORED_CHARS = 2_000  # a long post's first 2,000 characters carry its tone; < 1 ms
# Chosen on TweetEval's *validation* split (bench/judgments.py --tune-band); VADER's
# authors suggest ±0.05. Asymmetric because faint praise words ("thanks", "ok", "lol")
# make VADER call many plain posts positive, while a faint negative is usually meant.
NEUTRAL_BAND = 0.05  # from −NEUTRAL_BAND down: negative
POSITIVE_BAND = 0.40  # from here up: positive
# A sarcastic text's score: negative, at least this strong.
SARCASM_SCORE = -0.5
# How much the stars count against the words when a review has both.
STARS_WEIGHT = 0.6
READABLE_LANGUAGES = frozenset({"en"})  # what VADER's lexicon is written in
# A text with at least this share of its letters in scripts VADER cannot read (Bengali words
# around an English brand name, a bilingual post) is only partly read: VADER's "neutral" there
# means it saw nothing, not that nothing was said. A quarter is more than a stray name.
UNREAD_SHARE = 0.25
# Scripts our cue lists read, for a partly read text whose language was not given as theirs.
# "Japanese" is Han with kana and "Han" is Han without (``reading.language``'s script names).
CUE_LANGUAGE_OF_SCRIPT = {
    "Bengali": "bn",
    "Devanagari": "hi",
    "Telugu": "te",
    "Han": "zh",
    "Japanese": "ja",
}
# Words VADER scores as positive that, in posts to brands, ask for service rather than
# praise it: "please help, customer care won't answer" is not a happy post.
REQUEST_WORDS = ("help", "please", "pls", "plz", "care", "support")
# A text that only asks: its score is multiplied by this. Half: a question leans, it does
# not state (0.25, 0.5 and 0.75 were measured on the development set; 0.5 was best).
QUESTION_WEIGHT = 0.5
# Links, @handles and hashtags are no sentences: their dots do not end one.
_ASIDES = re.compile(r"https?://\S+|[@#]\w+")
# A post that only shares a link (a headline, a title): its score is multiplied by this.
LINK_WEIGHT = 0.5
_LINK = re.compile(r"https?://\S+")
# The poster speaking for themselves or to someone: then the post is more than a headline.
_PERSONAL = re.compile(r"\b(?:i|i'm|im|me|my|mine|we|us|our|you|your|u)\b", re.IGNORECASE)


# "No problems", "never had a single issue", "no complaints": VADER scores the "no" (−1.2) and
# the problem word, so praise read as a gripe. The phrase becomes one token scored as mild
# praise (VADER's "fine" is +0.8, "good" +1.9).
NO_PROBLEM_TOKEN = "noproblem"
NO_PROBLEM_VALENCE = 1.5
_NO_PROBLEM = re.compile(
    r"\b(?:no|zero|without(?: an?| any)?|not (?:a(?: single)?|one|any)"
    r"|never (?:had |have |ran into |run into )?(?:a(?: single)?|any|one)?"
    r"|(?:did|do|has|have)n['’]?t (?:had |have )?(?:a(?: single)?|any))"
    r"\s+(?:problems?|issues?|complaints?|troubles?|hiccups?|glitch(?:es)?)\b",
    re.IGNORECASE,
)
_PROBLEM_WORDS = ("problem", "issue", "complaint", "trouble", "hiccup", "glitch")
# "Can't wait any longer" is impatience, not the eagerness of "can't wait" (which
# ``vader_reading`` scores as eager): it is read as VADER's "impatient" (−1.2).
_IMPATIENT = re.compile(
    r"\b(?:can['’]?t|cannot|can not)\s+wait\s+(?:any\s*longer|anymore|much\s+longer|forever)\b",
    re.IGNORECASE,
)


def reworded(text: str) -> str:
    """``text`` with the phrases VADER misreads as one word it reads right: each problem said
    to be absent ("no problems") as a praising token, "can't wait any longer" as impatient."""
    lowered = text.lower()
    if any(word in lowered for word in _PROBLEM_WORDS):  # most posts: substring scans in C
        text = _NO_PROBLEM.sub(NO_PROBLEM_TOKEN, text)
    if "wait" in lowered:
        text = _IMPATIENT.sub("impatient", text)
    return text


class Sentiment(NamedTuple):  # a tuple: built per mention, cheaper than a frozen dataclass
    score: float | None  # None: not scored (the model cannot read the text)
    label: SentimentLabel
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Vader:
    scorer: FastVader
    words: frozenset[str]  # the lexicon's entries: what ``vader_reading`` may mute


@cache
def _analyzer() -> _Vader:
    # Loading the lexicon takes ~50 ms; share one analyzer (read-only after this set-up).
    # VADER's own class only loads the tables: FastVader scores exactly as it does, faster.
    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(EMOJI_VALENCE)
    for word, valence in EXTRA_LEXICON.items():
        analyzer.lexicon.setdefault(word, valence)  # VADER's own value wins, should it gain one
    analyzer.lexicon.setdefault(NO_PROBLEM_TOKEN, NO_PROBLEM_VALENCE)
    for word in REQUEST_WORDS:
        analyzer.lexicon.pop(word, None)
    for emoji in EMOJI_VALENCE:
        analyzer.emojis.pop(emoji, None)  # scored as itself, not as its description
    # sentences=True: "my order never came. Angry." is angry; VADER's "never" reaches
    # across the full stop and flips it.
    scorer = FastVader(analyzer.lexicon, analyzer.emojis, sentences=True)
    return _Vader(scorer, frozenset(analyzer.lexicon))


def load() -> None:
    """Load VADER's lexicon now (~25 ms) instead of while judging the first text."""
    _analyzer()


# Every key of EMOJI_VALENCE is one code point (see lexicon.emoji), so set operations and
# str.translate find and space them in C. (A regex character class of ~200 emoji outside the
# BMP is tried member by member at every character: far slower.)
_EMOJI_CHARS = frozenset(EMOJI_VALENCE)
_SPACED_EMOJI = {ord(emoji): f" {emoji} " for emoji in EMOJI_VALENCE}


def _with_emoji_tokens(text: str) -> tuple[str, tuple[str, ...]]:
    """Emoji in base form and spaced apart, so VADER sees each as a word; plus those found."""
    if text.isascii():
        return text, ()
    text = base_emoji(text)
    present = _EMOJI_CHARS.intersection(text)
    if not present:
        return text, ()
    found = tuple(sorted(present, key=text.index))  # in order of first appearance
    return text.translate(_SPACED_EMOJI), found


def label_for(
    score: float, band: float = NEUTRAL_BAND, positive_band: float | None = None
) -> SentimentLabel:
    if score >= (band if positive_band is None else positive_band):
        return SentimentLabel.POSITIVE
    if score <= -band:
        return SentimentLabel.NEGATIVE
    return SentimentLabel.NEUTRAL


def stars_score(rating: float) -> float:
    """A 1–5 star rating on the compound scale: 1 → −1, 3 → 0, 5 → +1."""
    return max(-1.0, min(1.0, (rating - 3.0) / 2.0))


def vader_score(text: str) -> tuple[float, tuple[str, ...]]:
    """VADER's compound score of the capped text (emoji included) and the emoji it counted."""
    vader = _analyzer()
    prepared, emoji = _with_emoji_tokens(reworded(text[:MAX_SCORED_CHARS]))
    compound = float(vader.scorer.compound(for_vader(prepared, vader.words)))
    if not emoji:
        return compound, ()  # most posts: no generator to build
    return compound, tuple(e for e in emoji if EMOJI_VALENCE.get(e, 0.0) != 0.0)


def only_asks(text: str) -> bool:
    """Whether every sentence of ``text`` is a question: a "?" and no "." or "!" ends one."""
    if "?" not in text:
        return False
    core = _ASIDES.sub("", text) if ("/" in text or "@" in text or "#" in text) else text
    return "." not in core and "!" not in core


def shares_a_link(text: str) -> bool:
    """Whether ``text`` is a link and words that are not the poster's own (a headline)."""
    if "http" not in text:
        return False
    rest = _LINK.sub("", text)
    if rest == text:
        return False
    return "!" not in rest and "?" not in rest and not _PERSONAL.search(rest)


def _positive_band(text: str) -> float:
    """Where positive starts: the neutral band when an exclamation mark says it is meant."""
    return NEUTRAL_BAND if "!" in text else POSITIVE_BAND


def judge_sentiment(
    text: str,
    *,
    language: str | None,
    rating: float | None = None,
    sarcasm: tuple[str, ...] = (),
    cue_families: Mapping[str, tuple[str, ...]] | None = None,
) -> Sentiment:
    """The sentiment of ``text`` written in ``language`` (None: undecided, treated as English).

    ``sarcasm`` is the sarcasm judge's evidence; ``cue_families`` are the Bengali/Telugu/
    Hindi cue words found, for text VADER cannot read.
    """
    readable = language is None or language in READABLE_LANGUAGES
    evidence: list[str] = []
    score: float | None = None
    unread: _Unread | None = None
    if readable and text and not text.isspace():  # text.strip(), without copying the text
        score, emoji = vader_score(text)
        scored = text[:MAX_SCORED_CHARS]  # the part VADER read is the part these describe
        if score and shares_a_link(scored):
            score *= LINK_WEIGHT
        if score and only_asks(scored):
            score *= QUESTION_WEIGHT
        if emoji:
            evidence.extend(f"emoji {e}" for e in emoji)
        if sarcasm and score > -abs(SARCASM_SCORE):
            score = min(SARCASM_SCORE, -abs(score))
            evidence.extend(sarcasm)
        if label_for(score, NEUTRAL_BAND, _positive_band(text)) is SentimentLabel.NEUTRAL:
            unread = _unread_part(text, score)
            if unread is not None:
                score, evidence = None, []
    if rating is not None:
        stars = stars_score(rating)
        score = stars if score is None else STARS_WEIGHT * stars + (1 - STARS_WEIGHT) * score
        evidence.append(f"review rating {rating:g}/5")
    if score is not None:
        return Sentiment(
            round(score, 4), label_for(score, NEUTRAL_BAND, _positive_band(text)), tuple(evidence)
        )
    if unread is None:
        return _cue_verdict(language, cue_families or {})
    cue_language = CUE_LANGUAGE_OF_SCRIPT.get(unread.script or "")
    families = cue_families or (find_cues(text, cue_language) if cue_language else {})
    return _cue_verdict(cue_language or language, families, unread.why)


@dataclass(frozen=True, slots=True)
class _Unread:
    why: str  # the evidence line of an ``unknown`` verdict
    script: str | None  # the script VADER could not read; None: there were no words at all


def _unread_part(text: str, score: float) -> _Unread | None:
    """Why a neutral VADER score says nothing about ``text``, or None when it is a verdict.

    VADER scores 0 where it reads nothing: a post that is partly in a script it cannot read
    ("India চুর", an English headline and its Bengali translation), or that has no words
    and no emoji at all (a lone quote mark, a number) has not been read, so it is not neutral.
    """
    if text.isascii() and score != 0:
        return None  # VADER read some words: ASCII text has no other script
    shares = script_shares(text)
    if not shares:
        if score == 0 and _EMOJI_CHARS.isdisjoint(text):
            return _Unread("not scored: no words to read", None)
        return None
    unread = {script: share for script, share in shares.items() if script != "Latin"}
    if sum(unread.values()) < UNREAD_SHARE:
        return None
    script = max(unread, key=unread.__getitem__)
    return _Unread(f"not scored: the model cannot read the {script} words", script)


def _cue_verdict(
    language: str | None, families: Mapping[str, tuple[str, ...]], why: str | None = None
) -> Sentiment:
    """Unscored text: negative or positive by our cue lists, else ``unknown`` (never neutral)."""
    negative = [w for family, words in families.items() if family != "positive" for w in words]
    if negative:
        return Sentiment(None, SentimentLabel.NEGATIVE, _cue_evidence(language, negative))
    positive = list(families.get("positive", ()))
    if positive:
        return Sentiment(None, SentimentLabel.POSITIVE, _cue_evidence(language, positive))
    why = why or f"not scored: the model cannot read {language or 'this script'}"
    return Sentiment(None, SentimentLabel.UNKNOWN, (why,))


def _cue_evidence(language: str | None, words: list[str]) -> tuple[str, ...]:
    shown = ", ".join(dict.fromkeys(words))
    return (f"{language or 'text'} cue words (not scored): {shown}",)
