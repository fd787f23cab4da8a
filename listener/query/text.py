"""Text normalisation and tokenisation shared by queries and the mentions they are matched on.

Both sides go through the same ``normalize`` and the same token pattern, so "a query word
equals a text token" is the whole definition of a word match. Import from ``listener.query``.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass

import regex

# Only the generic combining-diacritic blocks. Indic vowel signs and viramas are combining
# marks too (Mn/Mc), but they are letters of the word: stripping them turns "নমস্কার" into
# a different word, so a category-based strip (\p{M}) would be wrong here.
_DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")

# Letters with their marks, digits and connector punctuation form a word; the same categories
# as the FTS5 tokenizer ('L* N* Co M* Pc'), so search and stream agree on word boundaries.
# Python's re `\w` would split Devanagari at every vowel sign.
_TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}\p{Pc}\p{Co}]+")


def _spelled_out(ranges: list[tuple[int, int]]) -> str:
    return "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in ranges)


def _bmp_classes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The two hot character classes spelled out over the BMP, derived from the rules above.

    `re` compiles an explicit BMP class to a bitmap, about 3x faster than `regex` testing
    Unicode properties per character. The "accented" class (characters whose NFD holds a
    stripped mark) lets text without one, which is most non-Latin text, skip the NFD/NFC
    round trip; no character outside the BMP decomposes to a stripped mark.
    """
    # U+0000 is neither, and serves as the separator that keeps NFD from reordering marks
    # across neighbouring code points.
    chars = "".join(map(chr, range(1, 0x10000)))
    word = [(m.start() + 1, m.end()) for m in _TOKEN.finditer(chars)]
    accented: list[tuple[int, int]] = []
    for cp, decomposed in enumerate(unicodedata.normalize("NFD", "\0".join(chars)).split("\0"), 1):
        if _DIACRITICS.search(decomposed):
            if accented and accented[-1][1] == cp - 1:
                accented[-1] = (accented[-1][0], cp)
            else:
                accented.append((cp, cp))
    return re.compile(f"[{_spelled_out(word)}]+"), re.compile(f"[{_spelled_out(accented)}]")


_TOKEN_BMP, _ACCENTED = _bmp_classes()

# Scripts written without spaces between words: Han, kana, Thai, Lao, Khmer, Myanmar, and
# Hangul (spaced, but its particles join the word: "삼성이"). A run of their letters is not
# one word, so a word of theirs is found inside a run (``PreparedText.spaceless``), and a
# run is cut from neighbouring letters of other scripts ("appleの新製品" is "apple" and
# "の新製品"), which leaves Latin text as it was ("pineapple" stays one word).
SPACELESS_RANGES: tuple[tuple[int, int], ...] = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1100, 0x11FF),  # Hangul jamo
    (0x1780, 0x17FF),  # Khmer
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3031, 0x3035),  # kana repeat marks
    (0x303B, 0x303C),
    (0x3040, 0x30FF),  # hiragana, katakana (with ー and the voicing marks)
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0x31F0, 0x31FF),  # katakana phonetic extensions
    (0x3400, 0x4DBF),  # Han extension A
    (0x4E00, 0x9FFF),  # Han
    (0xA960, 0xA97F),  # Hangul jamo extended A
    (0xAC00, 0xD7FF),  # Hangul syllables, jamo extended B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3134F),  # Han extensions B to G
)
_SPACELESS_CLASS = _spelled_out(list(SPACELESS_RANGES))
_SPACELESS = re.compile(f"[{_SPACELESS_CLASS}]")


@functools.cache
def spaced_word_class() -> str:
    """The word characters of every script but the spaceless ones, spelled out over the BMP
    for the inside of a ``re`` character class.

    A word of a spaced script is a whole token where neither neighbour is one of these (a
    run of a spaceless script next to it is cut off, see above). Characters beyond the BMP
    are left out, so a pattern built on this class sees a boundary at them: it can find a
    few words the tokens do not hold, never miss one they do (what a pre-filter needs).
    Built on first use (a scan of the BMP); only a firehose's screen asks for it.
    """
    spaced = "".join("\0" if _SPACELESS.match(chr(cp)) else chr(cp) for cp in range(1, 0x10000))
    return _spelled_out([(m.start() + 1, m.end()) for m in _TOKEN_BMP.finditer(spaced)])


# A token of letters split where it passes between a spaceless script and any other.
_SCRIPT_RUNS = re.compile(f"[{_SPACELESS_CLASS}]+|[^{_SPACELESS_CLASS}]+")

# A handle is not preceded by a word character: "bob@acme.com" is an e-mail, not "@acme.com".
# The optional "@server" tail is the fediverse form (@acme@mastodon.social).
_HANDLE_PART = r"[\p{L}\p{N}_][\p{L}\p{M}\p{N}_.\-]*"
_HANDLE = regex.compile(
    rf"(?<![\p{{L}}\p{{M}}\p{{N}}_@.\-])@({_HANDLE_PART})(?:@({_HANDLE_PART}))?"
)
# "C#" and "&#39;" are not hashtags: '#' must not follow a word character or '&'.
_HASHTAG = regex.compile(r"(?<![\p{L}\p{M}\p{N}_&])#([\p{L}\p{M}\p{N}\p{Pc}]+)")


def normalize(text: str) -> str:
    """Casefold, NFKC, and strip Latin-style diacritics ("Café" → "cafe"; Indic marks kept)."""
    if text.isascii():
        # NFKC and diacritic stripping are identities on ASCII; this is most of the traffic.
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold()
    if not _ACCENTED.search(text):
        return text
    decomposed = unicodedata.normalize("NFD", text)
    stripped = _DIACRITICS.sub("", decomposed)
    return unicodedata.normalize("NFC", stripped)


def _words(normalized: str) -> list[str]:
    return _tokens_and_runs(normalized)[0]


def _tokens_and_runs(normalized: str) -> tuple[list[str], str]:
    """The tokens, and those of spaceless scripts joined by newlines ("" when none)."""
    if normalized.isascii():
        return _TOKEN_BMP.findall(normalized), ""
    found: list[str] = (
        _TOKEN_BMP.findall(normalized)
        if max(normalized) < "\U00010000"
        else _TOKEN.findall(normalized)
    )
    if _SPACELESS.search(normalized) is None:
        return found, ""
    tokens = [run for token in found for run in _SCRIPT_RUNS.findall(token)]
    return tokens, "\n".join(t for t in tokens if _SPACELESS.match(t))


def is_spaceless(word: str) -> bool:
    """Whether a token (``tokenize``'s: of one kind throughout) is of a spaceless script."""
    return _SPACELESS.match(word) is not None


def has_spaceless(text: str) -> bool:
    """Whether ``text`` holds a character of a script written without spaces."""
    return not text.isascii() and _SPACELESS.search(text) is not None


# FTS5's unicode61 splits at a control character (category Cc), and this one takes a byte;
# snippets drop it again (one that was in the text itself shows as nothing anyway).
LETTER_BREAK = "\x1f"
_SPACELESS_RUN = re.compile(f"[{_SPACELESS_CLASS}]+")


def _broken(run: re.Match[str]) -> str:
    return LETTER_BREAK + LETTER_BREAK.join(run.group()) + LETTER_BREAK


def letters_spaced(text: str) -> str:
    """``text`` in NFKC with a ``LETTER_BREAK`` on each side of every character of a
    spaceless script, as the search's letters index holds it: each such character is a
    token there, so a word of any length is the phrase of its characters."""
    return _SPACELESS_RUN.sub(_broken, unicodedata.normalize("NFKC", text))


def letters_phrase(word: str) -> str:
    """A normalised spaceless word as the letters index's tokens: "東京" → "東 京"."""
    return " ".join(word)


def tokenize(text: str) -> list[str]:
    """Normalised word tokens of ``text``: "Don't panic!" → ["don", "t", "panic"]."""
    return _words(normalize(text))


def _handles_of(normalized: str) -> list[str]:
    found: dict[str, None] = {}
    for match in _HANDLE.finditer(normalized):
        # A handle at the end of a sentence ("thanks @acme.") must not keep the full stop.
        name = match.group(1).rstrip(".")
        server = (match.group(2) or "").rstrip(".")
        found.setdefault(f"{name}@{server}" if server else name)
    return list(found)


def _hashtags_of(normalized: str) -> list[str]:
    return list(dict.fromkeys(_HASHTAG.findall(normalized)))


def extract_handles(text: str) -> list[str]:
    """Normalised ``@handles`` in ``text`` (without '@'), in order, each once."""
    return _handles_of(normalize(text))


def extract_hashtags(text: str) -> list[str]:
    """Normalised ``#hashtags`` in ``text`` (without '#'), in order, each once."""
    return _hashtags_of(normalize(text))


@dataclass(frozen=True, slots=True)
class PreparedText:
    """One mention's text, analysed once and then matched against any number of queries.

    ``words`` answers "is this word in the text" with one probe; ``tokens`` keeps the order
    for phrases; ``vocabulary`` is the sorted distinct tokens, so a prefix is found by
    bisection. ``handle_keys`` holds every handle plus the local part of ``name@server``
    handles, so ``@acme`` finds ``@acme@mastodon.social`` with one probe. ``language`` is the
    lowercased tag with '-' for '_'; ``source``/``source_type`` are casefolded.
    """

    tokens: tuple[str, ...]
    words: frozenset[str]
    vocabulary: tuple[str, ...]
    handles: tuple[str, ...]
    hashtags: tuple[str, ...]
    handle_keys: frozenset[str]
    hashtag_set: frozenset[str]
    language: str | None = None
    source: str | None = None
    source_type: str | None = None
    spaceless: str = ""

    def has_prefix(self, prefix: str) -> bool:
        i = bisect.bisect_left(self.vocabulary, prefix)
        return i < len(self.vocabulary) and self.vocabulary[i].startswith(prefix)

    def has_phrase(self, words: tuple[str, ...]) -> bool:
        first = words[0]
        if first not in self.words or not set(words).issubset(self.words):
            return False
        # Built per mention, a position index cost more than these rare phrase scans
        # (tuple.index runs in C).
        tokens, span, at = self.tokens, len(words), -1
        try:
            while True:
                at = tokens.index(first, at + 1)
                if tokens[at : at + span] == words:
                    return True
        except ValueError:
            return False

    def has_segments(self, segments: tuple[str, ...]) -> bool:
        """A phrase that holds words of spaceless scripts: consecutive tokens where each
        other word is a whole token, and each spaceless one ends the first token, starts
        the last, or is a whole token between ("apple 手机" in "我的apple手机坏了")."""
        last = len(segments) - 1
        for segment in segments:
            if is_spaceless(segment):
                if segment not in self.spaceless:
                    return False
            elif segment not in self.words:
                return False
        if last == 0:
            return True
        tokens = self.tokens
        for start in range(len(tokens) - last):
            for i, segment in enumerate(segments):
                token = tokens[start + i]
                if token == segment:
                    continue
                if not is_spaceless(segment):
                    break
                if i == 0 and token.endswith(segment):
                    continue
                if i == last and token.startswith(segment):
                    continue
                break
            else:
                return True
        return False


def spaceless_segments(words: tuple[str, ...]) -> tuple[str, ...]:
    """``words`` with neighbouring spaceless words joined, as such text is written
    ("東京 駅" is found as "東京駅" too)."""
    joined: list[str] = []
    for word in words:
        if joined and is_spaceless(word) and is_spaceless(joined[-1]):
            joined[-1] += word
        else:
            joined.append(word)
    return tuple(joined)


def normalize_language(tag: str) -> str:
    return tag.strip().lower().replace("_", "-")


def prepare(
    text: str,
    *,
    language: str | None = None,
    source: str | None = None,
    source_type: str | None = None,
) -> PreparedText:
    """Analyse a mention's text (and metadata for field filters) for matching."""
    normalized = normalize(text)
    found, spaceless = _tokens_and_runs(normalized)
    tokens = tuple(found)
    words = frozenset(tokens)
    handles = _handles_of(normalized) if "@" in normalized else []
    hashtags = _hashtags_of(normalized) if "#" in normalized else []
    keys = set(handles)
    keys.update(h.partition("@")[0] for h in handles)
    return PreparedText(
        tokens=tokens,
        words=words,
        vocabulary=tuple(sorted(words)),
        handles=tuple(handles),
        hashtags=tuple(hashtags),
        handle_keys=frozenset(keys),
        hashtag_set=frozenset(hashtags),
        language=(normalize_language(language) or None) if language else None,
        source=source.casefold() if source is not None else None,
        source_type=source_type.casefold() if source_type is not None else None,
        spaceless=spaceless,
    )
