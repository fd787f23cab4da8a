"""Finding phrases in text cheaply: the machinery behind the spam, abuse and urgency signals.

Text is cut to ``MAX_SIGNAL_TEXT`` characters and read once (lowercased, split into words)
however many judges ask (``read_text``). A regex costs about 30 ns a character even when it
finds nothing, so no judge scans the text unless a word it needs is in it: phrase lists are
grouped by a key word (see ``Lexicon``), and the abuse and threat patterns by the nouns and
verbs they cannot do without (``key_words``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple

from listener.reading.lexicon import signals_words as words
from listener.reading.trie import trie as reading_trie

MAX_SIGNAL_TEXT = 5_000  # longer posts are judged on their start: enough for any real post

LETTERS = re.compile(r"[a-z]+")
# Bytes that are not a-z become spaces: splitting the translated UTF-8 gives the same words as
# LETTERS.findall, three times faster (a regex scan costs ~30 ns a character).
_WORD_BYTES = bytes(c if 97 <= c <= 122 else 32 for c in range(256))
START, END = r"(?<!\w)", r"(?!\w)"
_COMMON = frozenset(words.COMMON_WORDS)
_Fragments = Iterable[tuple[str, Iterable[str]]]  # (regex, words one of which it needs)


class SignalText(NamedTuple):
    prepared: str  # capped, lowercased, plain apostrophes, single spaces
    words: tuple[str, ...]  # its runs of letters a-z in order ("today's" → "today", "s")
    vocabulary: frozenset[str]


@lru_cache(maxsize=32)
def read_capped(capped: str) -> SignalText:
    # Cached: the judge asks spam_flags, abuse_flags and urgency about the same text in a row.
    lowered = capped.lower()
    if not lowered.isascii():  # typographic apostrophes read as plain ones ("can’t")
        lowered = lowered.replace("’", "'").replace("‘", "'")
    prepared = " ".join(lowered.split())
    found = tuple(prepared.encode("utf-8", "replace").translate(_WORD_BYTES).decode().split())
    return SignalText(prepared, found, frozenset(found))


def read_text(text: str) -> SignalText:
    return read_capped(text[:MAX_SIGNAL_TEXT])  # a short text slices to itself: its hash is cached


def key_word(phrase: str) -> str:
    """The word whose absence from a text proves the phrase is not there: its longest
    uncommon word. Never one written with an apostrophe: texts spell those both ways."""
    found: list[str] = [t for w in phrase.split() if "'" not in w for t in LETTERS.findall(w)]
    if not found:
        raise ValueError(f"phrase {phrase!r} has no plain word to look for")
    return max(found, key=lambda word: (word not in _COMMON, len(word)))


def trie(phrases: Iterable[str]) -> str:
    """One alternation for many literal phrases, factored by shared prefixes; an apostrophe
    is optional ("ill", "i'll") and longer phrases are tried first ("no heating" before
    "no heat")."""
    return reading_trie(phrases, loose_apostrophe=True)


def any_of(*patterns: str) -> str:
    return "(?:" + "|".join(patterns) + ")"


def literal(phrase: str) -> str:
    return re.escape(phrase).replace("'", "'?")  # "i'll" also finds "ill"


def starts_word(prepared: str, start: int) -> bool:
    return not start or not (prepared[start - 1].isalnum() or prepared[start - 1] == "_")


class Lexicon:
    """Named families of phrases, found without scanning the text once per phrase.

    One-word phrases are looked up in the text's words. Longer ones (and regex fragments) are
    grouped by a key word, and only the groups whose key word the text contains are searched,
    each by a small regex. Those regexes start with plain letters, which the engine skips to at
    C speed; a leading look-behind would make it stop at every character, so the word boundary
    before a match is checked in Python instead (the one after is in the regex).
    """

    def __init__(
        self, families: Mapping[str, Iterable[str]], fragments: Mapping[str, _Fragments]
    ) -> None:
        self._word_family: dict[str, str] = {}
        self._phrase_family: dict[str, str] = {}
        by_key: dict[str, list[str]] = {}
        for family, phrases in families.items():
            for phrase in phrases:
                if LETTERS.fullmatch(phrase):
                    self._word_family.setdefault(phrase, family)
                else:
                    self._phrase_family.setdefault(phrase.replace("'", ""), family)
                    by_key.setdefault(key_word(phrase), []).append(literal(phrase))
        # A fragment's family comes back as the name of the group it is in.
        grouped: dict[str, dict[str, list[str]]] = {}
        for family, parts in fragments.items():
            for pattern, needs in parts:
                for word in needs:
                    grouped.setdefault(word, {}).setdefault(family, []).append(pattern)
        self._regex_of = {
            key: re.compile(
                any_of(
                    *sorted(by_key.get(key, ()), key=len, reverse=True),
                    *(f"(?P<{f}>{'|'.join(ps)})" for f, ps in grouped.get(key, {}).items()),
                )
                + END
            )
            for key in by_key.keys() | grouped.keys()
        }
        self._keys, self._words = frozenset(self._regex_of), frozenset(self._word_family)

    def find(self, text: SignalText) -> list[tuple[str, str]]:
        """(family, phrase as written) for each distinct phrase found; phrases before words."""
        prepared, vocabulary = text.prepared, text.vocabulary
        keys = self._keys & vocabulary
        if not keys and self._words.isdisjoint(vocabulary):
            return []  # most texts: no key word, no listed word
        hits = [
            (match.start(), match.group(), match.lastgroup)
            for key in keys
            for match in self._regex_of[key].finditer(prepared)
            if starts_word(prepared, match.start())
        ]
        found = {
            phrase: family or self._phrase_family[phrase.replace("'", "")]
            for _, phrase, family in sorted(hits, key=lambda hit: hit[0])
        }
        if not self._words.isdisjoint(vocabulary):
            # "urgent care" found: "urgent" adds nothing.
            within = {w for phrase in found for w in LETTERS.findall(phrase)} if found else ()
            for word in text.words:
                if word in self._word_family and word not in within:
                    found.setdefault(word, self._word_family[word])
        return [(family, phrase) for phrase, family in found.items()]


def key_words(phrases: Iterable[str]) -> frozenset[str]:
    return frozenset(key_word(phrase) for phrase in phrases)
