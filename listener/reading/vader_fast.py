"""VADER's scores, computed exactly as vaderSentiment 3.3.2 computes them, about 4× faster.

``SentimentIntensityAnalyzer.polarity_scores`` spends most of its time on work that does not
change the result: it builds the text anew character by character to swap emoji for their
names, and for every sentiment word it lowercases the whole text's word list again, up to
five times (``_negation_check``, ``_special_idioms_check``, ``_but_check``). Here the text is
split and lowercased once, emoji are swapped by one ``str.translate`` (non-ASCII text only),
and only the words in the lexicon are visited; the rest score 0 in VADER too, and 0 adds
nothing.

The rules, their order and every floating-point operation are VADER's, including its quirks
(``_but_check`` rescales the *first* word with an equal valence, not always the word itself),
so the scores are bit-identical: ``listener.sentiment`` relies on that.

One departure, opt-in (``FastVader(..., sentences=True)``; the default is VADER's): VADER's
negation, boosters and "no" look at the three words before a sentiment word even across a
sentence end, so "my order never came. Angry." scores *positive* (the "never" flips
"Angry"). With ``sentences`` boosters stop at the end of a sentence (". ! ? ;" or a line
break, see ``_sentence_end``), and negations ("not", "never", "no", "least") also at a
comma: "It never came, angry" is angry, while "really, really good" stays boosted. Capitals
are judged over the whole text as VADER judges them, and "but" still weighs the whole
text: only the backward windows are bounded.

Adapted from vaderSentiment 3.3.2, ``vaderSentiment/vaderSentiment.py``
(https://github.com/cjhutto/vaderSentiment), Copyright (c) 2016 C.J. Hutto, MIT licence:
Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files, to deal in the Software without restriction, subject to
the condition that the above copyright notice and this permission notice be included in all
copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT
WARRANTY OF ANY KIND.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    normalize,
)

_BOOSTERS: dict[str, float] = dict(BOOSTER_DICT)
_NEGATE = frozenset(NEGATE)
_SPECIAL: dict[str, float] = dict(SPECIAL_CASES)
# VADER looks idioms up as words joined by one space (five joins per sentiment word); where
# none of their words is near, none can match.
_IDIOM_WORDS = frozenset(w for key in (*_SPECIAL, *_BOOSTERS) if " " in key for w in key.split())
_SO_THIS = ("so", "this")
# Words that make a rule of ``_valence`` change the valence of a word up to three after them.
_MODIFIERS = frozenset(
    (*_BOOSTERS, *_NEGATE, "no", "never", "without", "doubt", "least", "or", "nor", *_SO_THIS)
)
# What ends a sentence at the end of a token ("came." "again!" "why?" "fine;"); a newline
# ends one too (marked on the token before it, see ``_with_line_ends``).
_SENTENCE_ENDS = ".!?;\n"
# A negation's reach ends at a comma as well ("It never came, angry").
_CLAUSE_ENDS = _SENTENCE_ENDS + ","
# Closing quotes and brackets after a sentence's end: 'came."' and "(late!)" end one.
_CLOSERS = "\"')]}’”"
# Tokens ending in "." that do not end a sentence: abbreviations a sentence goes on after.
_ABBREVIATIONS = frozenset(("e.g.", "i.e.", "etc.", "vs.", "mr.", "mrs.", "ms.", "dr.", "st."))


class FastVader:
    """VADER's ``polarity_scores`` with its lexicon and emoji names given (and kept)."""

    def __init__(
        self, lexicon: Mapping[str, float], emojis: Mapping[str, str], *, sentences: bool = False
    ) -> None:
        self._lexicon = dict(lexicon)
        # True: boosters stop at a sentence's end, negations at a clause's (not VADER's rule).
        self._sentences = sentences
        # VADER swaps emoji while reading one character at a time: longer keys never match.
        # Each emoji becomes " " + its name. VADER adds the space only after a character that
        # is not one, but the text is then split on spaces and otherwise only has its "!"
        # and "?" counted, so an extra space changes nothing.
        self._emoji_names = {
            ord(char): " " + name for char, name in emojis.items() if len(char) == 1
        }
        self._emoji_chars = frozenset(map(chr, self._emoji_names))
        # Booster words score 0 whatever the lexicon says: they only scale their neighbours.
        self._scoring = frozenset(self._lexicon) - _BOOSTERS.keys()

    def compound(self, text: str) -> float:
        """VADER's compound score of ``text``, −1 … +1: ``polarity_scores(text)["compound"]``."""
        text, found, _ = self._read(text)
        if not found:
            return 0.0  # VADER: normalize(0.0), rounded
        return float(round(normalize(_sum(found, _amplifier(text))), 4))

    def polarity_scores(self, text: str) -> dict[str, float]:
        """The same dict as ``SentimentIntensityAnalyzer.polarity_scores(text)``."""
        text, found, words = self._read(text)
        if not words:
            return {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
        return _scores(found, _amplifier(text), words)

    def _read(self, text: str) -> tuple[str, list[tuple[int, float]], int]:
        """The text as VADER scores it, its non-zero word scores and how many words it has."""
        if not text.isascii() and not self._emoji_chars.isdisjoint(text):
            text = text.translate(self._emoji_names)  # rare: a check in C is cheaper
        tokens = text.split()
        # VADER's SentiText: punctuation is stripped from a word unless ≤ 2 characters remain
        # (":)" stays an emoticon); VADER then lowercases the word. Lowercasing ASCII first
        # is the same and takes one C call; other letters may change length ("İ"), so not.
        punctuation = string.punctuation
        if text.isascii():
            lowered = [
                t if len(s := t.strip(punctuation)) <= 2 else s for t in text.lower().split()
            ]
        else:
            lowered = [(t if len(s := t.strip(punctuation)) <= 2 else s).lower() for t in tokens]
        # Stripping punctuation changes no letter, so the tokens serve VADER's capitals checks.
        words = tokens
        if self._sentences and ("\n" in text or "\r" in text):
            words = _with_line_ends(text, tokens)
        return text, self._nonzero_scores(words, lowered), len(tokens)

    def _nonzero_scores(self, words: list[str], lowered: list[str]) -> list[tuple[int, float]]:
        """(position, valence) of each word that scores other than 0, in order, "but" applied.

        ``words``: the text's tokens as written; ``lowered``: as VADER looks them up.
        """
        scoring = self._scoring.intersection(lowered)
        if not scoring:  # nothing in the text can score
            return []
        n = len(lowered)
        found: list[tuple[int, float]] = []
        for i in [i for i, word in enumerate(lowered) if word in scoring]:
            if lowered[i] == "kind" and i < n - 1 and lowered[i + 1] == "of":
                continue  # "kind of" is a booster, not kindness
            valence = self._valence(i, words, lowered)
            if valence != 0:  # a zero adds nothing, and "but" leaves it 0
                found.append((i, valence))
        if found and "but" in lowered:
            found = _but_check(found, lowered.index("but"))
        return found

    def _valence(self, i: int, words: list[str], low: list[str]) -> float:
        """VADER's ``sentiment_valence`` for the lexicon word at ``i``."""
        lexicon = self._lexicon
        word = low[i]
        valence = lexicon[word]
        # Most sentiment words have no booster, negation, "no", "never", "so", "this",
        # "least" or idiom word among the three before them and are not in capitals: every
        # rule below leaves their valence as it is, so skip them all.
        window = low[i - 3 : i] if i >= 3 else low[:i]
        if (
            _MODIFIERS.isdisjoint(window)
            and word != "no"
            and "n't" not in " ".join(window)  # the spaces keep two words from forming one
            and not words[i].isupper()
            and (i < 3 or _IDIOM_WORDS.isdisjoint(low[i - 3 : i + 3]))
        ):
            return valence
        # The first word boosters (start) and negations (clause) may reach back to: 0 in
        # VADER; with ``sentences``, the first of the sentence or clause.
        start, clause = _starts(words, i) if self._sentences else (0, 0)
        if (
            word == "no"
            and i != len(low) - 1
            and low[i + 1] in lexicon
            and not (self._sentences and _sentence_end(words[i]))
        ):
            valence = 0.0  # "no" negates the next word instead of scoring itself
        if (
            (i > clause and low[i - 1] == "no")
            or (i > clause + 1 and low[i - 2] == "no")
            or (i > clause + 2 and low[i - 3] == "no" and low[i - 1] in ("or", "nor"))
        ):
            valence = lexicon[word] * N_SCALAR
        if words[i].isupper() and _cap_differential(words):
            if valence > 0:
                valence += C_INCR
            else:
                valence -= C_INCR
        for start_i in range(3):
            before = i - (start_i + 1)
            if before < start or low[before] in lexicon:
                continue
            # Most words boost nothing: VADER's _scalar_inc_dec gives them 0.0.
            s = (
                _scalar_inc_dec(words, before, low[before], valence)
                if low[before] in _BOOSTERS
                else 0.0
            )
            if start_i == 1 and s != 0:
                s = s * 0.95
            if start_i == 2 and s != 0:
                s = s * 0.9
            valence = valence + s
            if before >= clause:
                valence = _negation_check(valence, low, start_i, i)
            # An idiom is looked up as words i-3 … i+2 joined: none of its words, no idiom.
            if start_i == 2 and not _IDIOM_WORDS.isdisjoint(low[i - 3 : i + 3]):
                valence = _special_idioms_check(valence, low, i)
        # _least_check ("least" is not in VADER's lexicon, but its check asks anyway).
        if (
            i > clause
            and low[i - 1] == "least"
            and "least" not in lexicon
            and (i == clause + 1 or (low[i - 2] != "at" and low[i - 2] != "very"))
        ):
            valence = valence * N_SCALAR
        return valence


def _sentence_end(word: str) -> str:
    """The mark with which the token ``word`` (as written) ends a sentence or clause (one of
    ``_CLAUSE_ENDS``, closing quotes aside), or "" when it ends neither.

    A decimal ("4.5", "1,000") or a link's dots are inside a token, not at its end; a link is
    never taken to end a sentence, nor an abbreviation such as "e.g." ("..." does end one:
    measured on ``bench/sentiment_dev.py``, it reads better so).
    """
    last = word[-1]
    if last in _CLOSERS:
        word = word.rstrip(_CLOSERS)
        if not word:
            return ""
        last = word[-1]
    if last not in _CLAUSE_ENDS or last == "\n":
        return last if last == "\n" else ""
    if "://" in word or (last == "." and word.lower() in _ABBREVIATIONS):
        return ""
    return last


def _starts(words: list[str], i: int) -> tuple[int, int]:
    """The index of the first word of the sentence of word ``i`` and of its clause, looking
    back at most three words (VADER's rules look no further)."""
    clause = -1
    for before in range(i - 1, max(i - 4, -1), -1):
        mark = _sentence_end(words[before])
        if mark:
            if clause < 0:
                clause = before + 1
            if mark != ",":
                return before + 1, clause
    floor = max(i - 3, 0)
    return floor, clause if clause >= 0 else floor


def _with_line_ends(text: str, tokens: list[str]) -> list[str]:
    """``tokens`` with a newline appended to each line's last token, so it ends a sentence.

    ``str.split`` splits at every line break ``str.splitlines`` knows, so the lines' tokens
    are ``tokens`` in order. A newline changes no ``isupper`` (it has no case).
    """
    marked = list(tokens)
    at = -1
    for line in text.splitlines():
        count = len(line.split())
        if count:
            at += count
            marked[at] += "\n"
    return marked


def _negated(word: str) -> bool:
    return word in _NEGATE or "n't" in word


def _cap_differential(words: list[str]) -> bool:
    """VADER's allcap_differential: some words, not all, in capitals. Asked only about a word
    in capitals, which few are, so not counted for every text."""
    capitals = sum(map(str.isupper, words))
    return 0 < len(words) - capitals < len(words)


def _scalar_inc_dec(words: list[str], at: int, lowered: str, valence: float) -> float:
    scalar = 0.0
    if lowered in _BOOSTERS:
        scalar = _BOOSTERS[lowered]
        if valence < 0:
            scalar *= -1
        if words[at].isupper() and _cap_differential(words):
            if valence > 0:
                scalar += C_INCR
            else:
                scalar -= C_INCR
    return scalar


def _negation_check(valence: float, low: list[str], start_i: int, i: int) -> float:
    if start_i == 0:
        if _negated(low[i - 1]):
            valence = valence * N_SCALAR
    elif start_i == 1:
        if low[i - 2] == "never" and low[i - 1] in _SO_THIS:
            valence = valence * 1.25
        elif low[i - 2] == "without" and low[i - 1] == "doubt":
            pass
        elif _negated(low[i - 2]):
            valence = valence * N_SCALAR
    elif (low[i - 3] == "never" and low[i - 2] in _SO_THIS) or low[i - 1] in _SO_THIS:
        valence = valence * 1.25
    elif low[i - 3] == "without" and (low[i - 2] == "doubt" or low[i - 1] == "doubt"):
        pass
    elif _negated(low[i - 3]):
        valence = valence * N_SCALAR
    return valence


def _special_idioms_check(valence: float, low: list[str], i: int) -> float:
    onezero = f"{low[i - 1]} {low[i]}"
    twoonezero = f"{low[i - 2]} {low[i - 1]} {low[i]}"
    twoone = f"{low[i - 2]} {low[i - 1]}"
    threetwoone = f"{low[i - 3]} {low[i - 2]} {low[i - 1]}"
    threetwo = f"{low[i - 3]} {low[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in _SPECIAL:
            valence = _SPECIAL[seq]
            break
    if len(low) - 1 > i:
        zeroone = f"{low[i]} {low[i + 1]}"
        if zeroone in _SPECIAL:
            valence = _SPECIAL[zeroone]
    if len(low) - 1 > i + 1:
        zeroonetwo = f"{low[i]} {low[i + 1]} {low[i + 2]}"
        if zeroonetwo in _SPECIAL:
            valence = _SPECIAL[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in _BOOSTERS:
            valence = valence + _BOOSTERS[n_gram]
    return valence


def _but_check(found: list[tuple[int, float]], but: int) -> list[tuple[int, float]]:
    """VADER's ``_but_check`` on the non-zero scores: halve before "but", ×1.5 after.

    VADER walks its list and rescales ``sentiments.index(value)``, the first equal value, so
    a repeated valence rescales its first occurrence twice. The zeros it skips here can never
    equal a non-zero value, so the result is the same.
    """
    positions = [position for position, _ in found]
    values = [value for _, value in found]
    for k in range(len(values)):
        value = values[k]
        first = values.index(value)
        if positions[first] < but:
            values[first] = value * 0.5
        elif positions[first] > but:
            values[first] = value * 1.5
    return list(zip(positions, values, strict=True))


def _amplifier(text: str) -> float:
    """VADER's ``_punctuation_emphasis``: up to 4 "!", and 2 or more "?"."""
    ep_count = min(text.count("!"), 4)
    qm_count = text.count("?")
    qm_amplifier = 0.0 if qm_count <= 1 else qm_count * 0.18 if qm_count <= 3 else 0.96
    return ep_count * 0.292 + qm_amplifier


def _sum(found: list[tuple[int, float]], amplifier: float) -> float:
    # Zeros change neither a sum (it starts at +0.0, never −0.0) nor its order: VADER's sum
    # of every word's score is this sum of the non-zero ones.
    sum_s = float(sum(value for _, value in found))
    if sum_s > 0:
        sum_s += amplifier
    elif sum_s < 0:
        sum_s -= amplifier
    return sum_s


def _scores(found: list[tuple[int, float]], amplifier: float, words: int) -> dict[str, float]:
    """VADER's ``score_valence``; ``words`` counts the zeros ``found`` leaves out."""
    compound = normalize(_sum(found, amplifier))
    pos_sum, neg_sum = 0.0, 0.0
    for _, value in found:
        if value > 0:
            pos_sum += float(value) + 1
        if value < 0:
            neg_sum += float(value) - 1
    neu_count = words - len(found)
    if pos_sum > math.fabs(neg_sum):
        pos_sum += amplifier
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= amplifier
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return {
        "neg": round(math.fabs(neg_sum / total), 3),
        "neu": round(math.fabs(neu_count / total), 3),
        "pos": round(math.fabs(pos_sum / total), 3),
        "compound": round(compound, 4),
    }
