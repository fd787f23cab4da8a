"""The fast length counts agree with counting grapheme by grapheme, code point by code point.

``x_length`` and ``graphemes`` take shortcuts (ASCII, text without emoji) that must give the
numbers the plain reading gives: twitter-text v3 weights per code point, an emoji grapheme 2,
links 23; graphemes by ``regex``'s ``\\X``. The plain reading is spelled out here.
"""

from __future__ import annotations

import unicodedata

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from alerts.drafts.platforms import graphemes, x_length

_GRAPHEME = regex.compile(r"\X")
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}]")
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_LINK = regex.compile(
    r"https?://[^\s<>\"']+"
    r"|(?<![@\w.\-])(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[A-Za-z]{2,}"
    r"(?![\p{L}\p{N}@-])(?:/[^\s<>\"']*)?"
)

# Pieces that sit at the edges of each shortcut: ASCII with CR LF, © and ® (emoji in the
# light range), the range ends, joiners, combining marks, flags, Hangul jamo, CJK, Indic
# conjuncts, links.
PIECES = [
    *"ab c.\r\n/:-@1",
    "é", "©", "®", "\u0301", "\ufe0f", "\u200d", "\u10ff", "\u1100", "\u2000", "\u200d",
    "\u200e", "\u2010", "\u201f", "\u2020", "\u2032", "\u2037", "\u2038", "字", "ক্ষ", "తె",
    "👩‍👩‍👧", "🇮🇳", "😡", "👍🏽", "각", "\u1100\u1161", "\r",
    "https://x.co/a ", "acme.com ", "Node.js",
]  # fmt: skip


def _plain_x(text: str) -> int:
    def weight(char: str) -> int:
        return 1 if any(lo <= ord(char) <= hi for lo, hi in _LIGHT) else 2

    def unlinked(part: str) -> int:
        return sum(
            2 if _EMOJI.search(g) else sum(weight(c) for c in g) for g in _GRAPHEME.findall(part)
        )

    text = unicodedata.normalize("NFC", text)
    total, position = 0, 0
    for link in _LINK.finditer(text):
        total += unlinked(text[position : link.start()]) + 23
        position = link.end()
    return total + unlinked(text[position:])


texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=20).map("".join),
    st.text(max_size=40),
)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_x_length_agrees_with_weighing_every_code_point_of_every_grapheme(text: str) -> None:
    assert x_length(text) == _plain_x(text)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_graphemes_agrees_with_splitting_every_text_into_graphemes(text: str) -> None:
    assert graphemes(text) == len(_GRAPHEME.findall(text))


def test_the_shortcuts_edges_are_counted_as_x_counts_them() -> None:
    assert x_length("a\r\nb") == 4
    assert graphemes("a\r\nb") == 3
    assert x_length("©") == 2  # an emoji, although its code point is in the light range
    assert x_length("é") == 1 and x_length("\u2038") == 2 and x_length("\u2037") == 1
