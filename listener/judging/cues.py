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
from typing import NamedTuple

MAX_CUE_TEXT = 5_000  # cues are looked for in the first 5,000 characters: enough for any post
MIN_STEM = 3  # "refund*" style stems are at least this long, so "a*" cannot match everything

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_WORD = re.compile(r"#?\w+|/s\b")
# ASCII word characters (what \w matches there) and "#" stay; every other byte is a space.
_WORD_BYTES = bytes(c if c < 128 and (chr(c).isalnum() or c in b"_#") else 32 for c in range(256))


def prepare(text: str) -> str:
    """The form cue sets read: capped, lowercased, apostrophes made plain."""
    # What translate(_APOSTROPHES) does, by replace: a scan in C that finds nothing in most
    # texts, where translate looks every character up in the table.
    lowered = text[:MAX_CUE_TEXT].lower()
    if "`" in lowered:
        lowered = lowered.replace("`", "'")
    if not lowered.isascii():
        lowered = lowered.replace("’", "'").replace("‘", "'")
    return lowered


def words_of(prepared: str) -> list[str]:
    """The words cue sets match: apostrophes dropped first ("can't" is the word "cant")."""
    plain = prepared.replace("'", "")
    if not plain.isascii() or "/s" in plain:
        return _WORD.findall(plain)
    # ASCII: what _WORD finds, by a byte translation and a split (a regex scan costs ~30 ns
    # a character; this, a few). Runs of word characters and "#" come out whole; within a
    # run, "#" starts a new word ("a#b" is "a", "#b"; "##b" is "#b").
    runs = plain.encode().translate(_WORD_BYTES).decode().split()
    if "#" not in plain:
        return runs
    words: list[str] = []
    for run in runs:
        if "#" not in run:
            words.append(run)
            continue
        first, *tagged = run.split("#")
        if first:
            words.append(first)
        words += ["#" + word for word in tagged if word]
    return words


def _key(word: str) -> str:
    return word.replace("'", "")


class _Phrase(NamedTuple):
    rest: tuple[str, ...]  # the words after the first
    prefix: bool  # the last word may have any ending
    families: tuple[str, ...]


class _Group(NamedTuple):
    """The phrases that start with one word."""

    longer: list[_Phrase]  # of two words or more, longest first
    seconds: frozenset[str]  # their second words, where it is a whole word…
    second_stems: tuple[str, ...]  # …or a "stem*" (a phrase of two words)
    alone: list[tuple[str, ...]]  # families where the word is the whole phrase


class CueSet:
    """Named families of cue phrases, matched together in one pass over the words."""

    def __init__(self, families: Mapping[str, Iterable[str]]) -> None:
        by_phrase: dict[tuple[tuple[str, ...], bool], list[str]] = {}
        for family, phrases in families.items():
            for phrase in phrases:
                words, prefix = _parse(phrase, family)
                by_phrase.setdefault((words, prefix), []).append(family)
        starting: dict[str, list[_Phrase]] = {}  # first word → phrases
        self._stems: dict[str, tuple[str, ...]] = {}  # one-word "stem*" → families
        for (words, prefix), names in by_phrase.items():
            if prefix and len(words) == 1:
                self._stems[words[0]] = tuple(names)
            else:
                entry = _Phrase(words[1:], prefix, tuple(names))
                starting.setdefault(words[0], []).append(entry)
        self._starting = {word: _group(entries) for word, entries in starting.items()}
        self._stem_lengths = sorted({len(stem) for stem in self._stems})
        # Most words start no stem at all: one lookup of their first letters rules them out,
        # and a word shorter than every stem needs no look-up.
        self._stem_heads = frozenset(stem[:MIN_STEM] for stem in self._stems)
        # The lengths of the stems that start with each head, shortest first: a word is
        # tried against those only, not against every stem length.
        lengths: dict[str, set[int]] = {}
        for stem in self._stems:
            lengths.setdefault(stem[:MIN_STEM], set()).add(len(stem))
        self._stem_lengths_of = {head: sorted(found) for head, found in lengths.items()}
        self._shortest_stem = self._stem_lengths[0] if self._stems else 1 << 30
        self._families = frozenset(f for names in by_phrase.values() for f in names)

    @property
    def families(self) -> frozenset[str]:
        return self._families

    def find(self, prepared: str) -> dict[str, tuple[str, ...]]:
        """family → the words found for it, in order of first appearance, each once.

        ``prepared`` is text passed through :func:`prepare`. At one position only the
        longest phrase of each family counts ("still waiting", not also "still").
        """
        return self.find_words(words_of(prepared))

    def find_words(self, keys: list[str]) -> dict[str, tuple[str, ...]]:
        """:meth:`find` for the words of a prepared text (:func:`words_of`)."""
        starting, heads, shortest = self._starting, self._stem_heads, self._shortest_stem
        # A tweet has ~15 words and ~3 that start a phrase or a stem: find those in one
        # comprehension, then do the per-word work only for them.
        starts = [
            i
            for i, key in enumerate(keys)
            if key in starting or (len(key) >= shortest and key[:MIN_STEM] in heads)
        ]
        found: dict[str, list[str]] = {}
        count = len(keys)
        for i in starts:
            key = keys[i]
            taken: set[str] = set()  # at one position, one phrase per family: the longest
            group = starting.get(key)
            if group is not None:
                # Common first words ("not", "my") start a dozen phrases: the next word
                # rules most of them out at once.
                if group.longer and i + 1 < count:
                    after = keys[i + 1]
                    if after in group.seconds or (
                        group.second_stems and after.startswith(group.second_stems)
                    ):
                        for rest, prefix, families in group.longer:
                            end = i + 1 + len(rest)
                            if end <= count and _matches(rest, prefix, keys, i + 1, end):
                                _record(found, families, " ".join(keys[i:end]), taken)
                for families in group.alone:
                    _record(found, families, key, taken)
            if len(key) >= shortest and key[:MIN_STEM] in heads:
                for length in self._stem_lengths_of[key[:MIN_STEM]]:
                    if length > len(key):
                        break
                    stem_families = self._stems.get(key[:length])
                    if stem_families:
                        _record(found, stem_families, key, taken)
        return {family: tuple(words) for family, words in found.items()}


def _group(entries: list[_Phrase]) -> _Group:
    longer = sorted((e for e in entries if e.rest), key=lambda e: -len(e.rest))
    return _Group(
        longer,
        frozenset(e.rest[0] for e in longer if not (e.prefix and len(e.rest) == 1)),
        tuple(e.rest[0] for e in longer if e.prefix and len(e.rest) == 1),
        [e.families for e in entries if not e.rest],
    )


def _record(
    found: dict[str, list[str]], families: tuple[str, ...], words: str, taken: set[str]
) -> None:
    for family in families:
        if family in taken:
            continue
        taken.add(family)
        seen = found.setdefault(family, [])
        if words not in seen:
            seen.append(words)


def _matches(rest: tuple[str, ...], prefix: bool, keys: list[str], start: int, end: int) -> bool:
    if not prefix:
        return tuple(keys[start:end]) == rest
    last = end - 1
    return tuple(keys[start:last]) == rest[:-1] and keys[last].startswith(rest[-1])


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
