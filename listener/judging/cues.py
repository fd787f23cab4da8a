"""Finding cue phrases in text: many named families of phrases, one pass over the words.

The judges ask "which delay words, which refund words, which angry words are in this
text?" for every mention. One alternation regex of ~1,000 phrases costs milliseconds per
post (the engine tries every branch at every position), so instead the text is split into
words once and each word looks up the phrases that start with it: a few dictionary
lookups per word, ~20 µs for a tweet.

Phrases are lowercase and match whole words. A trailing ``*`` matches any word ending
(``refund*`` finds "refunded", "refunds"). Apostrophes are ignored on both sides, so
"can't" finds "can’t" and "cant" (and is reported as "cant"). Words are matched across
punctuation but none is skipped: "still, waiting" matches "still waiting".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MAX_CUE_TEXT = 5_000  # cues are looked for in the first 5,000 characters: enough for any post
MIN_STEM = 3  # "refund*" style stems are at least this long, so "a*" cannot match everything

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_WORD = re.compile(r"#?\w+|/s\b")


def prepare(text: str) -> str:
    """The form cue sets read: capped, lowercased, apostrophes made plain."""
    return text[:MAX_CUE_TEXT].lower().translate(_APOSTROPHES)


def words_of(prepared: str) -> list[str]:
    """The words cue sets match: apostrophes dropped first ("can't" is the word "cant")."""
    return _WORD.findall(prepared.replace("'", ""))


def _key(word: str) -> str:
    return word.replace("'", "")


@dataclass(frozen=True, slots=True)
class _Phrase:
    rest: tuple[str, ...]  # the words after the first
    prefix: bool  # the last word may have any ending
    families: tuple[str, ...]


class CueSet:
    """Named families of cue phrases, matched together in one pass over the words."""

    def __init__(self, families: Mapping[str, Iterable[str]]) -> None:
        by_phrase: dict[tuple[tuple[str, ...], bool], list[str]] = {}
        for family, phrases in families.items():
            for phrase in phrases:
                words, prefix = _parse(phrase, family)
                by_phrase.setdefault((words, prefix), []).append(family)
        self._starting: dict[str, list[_Phrase]] = {}  # first word → phrases, longest first
        self._stems: dict[str, tuple[str, ...]] = {}  # one-word "stem*" → families
        for (words, prefix), names in by_phrase.items():
            if prefix and len(words) == 1:
                self._stems[words[0]] = tuple(names)
            else:
                entry = _Phrase(words[1:], prefix, tuple(names))
                self._starting.setdefault(words[0], []).append(entry)
        for entries in self._starting.values():
            entries.sort(key=lambda e: -len(e.rest))
        self._stem_lengths = sorted({len(stem) for stem in self._stems})
        # Most words start no stem at all: one lookup of their first letters rules them out.
        self._stem_heads = frozenset(stem[:MIN_STEM] for stem in self._stems)
        self._families = frozenset(f for names in by_phrase.values() for f in names)

    @property
    def families(self) -> frozenset[str]:
        return self._families

    def find(self, prepared: str) -> dict[str, tuple[str, ...]]:
        """family → the words found for it, in order of first appearance, each once.

        ``prepared`` is text passed through :func:`prepare`. At one position only the
        longest phrase of each family counts ("still waiting", not also "still").
        """
        keys = words_of(prepared)
        found: dict[str, list[str]] = {}

        def record(families: tuple[str, ...], words: str, taken: set[str]) -> None:
            for family in families:
                if family in taken:
                    continue
                taken.add(family)
                seen = found.setdefault(family, [])
                if words not in seen:
                    seen.append(words)

        for i, key in enumerate(keys):
            taken: set[str] = set()
            for entry in self._starting.get(key, ()):
                end = i + 1 + len(entry.rest)
                if end <= len(keys) and _matches(entry, keys, i + 1):
                    record(entry.families, " ".join(keys[i:end]), taken)
            if key[:MIN_STEM] in self._stem_heads:
                for length in self._stem_lengths:
                    if length > len(key):
                        break
                    families = self._stems.get(key[:length])
                    if families:
                        record(families, key, taken)
        return {family: tuple(words) for family, words in found.items()}


def _matches(entry: _Phrase, keys: list[str], start: int) -> bool:
    last = len(entry.rest) - 1
    for offset, word in enumerate(entry.rest):
        key = keys[start + offset]
        if key != word and not (entry.prefix and offset == last and key.startswith(word)):
            return False
    return True


def _parse(phrase: str, family: str) -> tuple[tuple[str, ...], bool]:
    text = " ".join(phrase.lower().translate(_APOSTROPHES).split())
    prefix = text.endswith("*")
    words = tuple(_key(word) for word in text.removesuffix("*").split())
    if not words or any(not w for w in words) or "*" in "".join(words):
        raise ValueError(f"cue {phrase!r} in {family!r}: write words, with '*' only at the end")
    if prefix and len(words[-1]) < MIN_STEM:
        raise ValueError(
            f"cue {phrase!r} in {family!r}: a stem before '*' needs ≥ {MIN_STEM} letters"
        )
    return words, prefix
