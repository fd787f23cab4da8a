"""What drives a spike: words over-represented in the window's mentions against the baseline.

A word counts once per mention (document frequency), casefolded and normalised like the
query language (``listener.query.tokenize``); stopwords, numbers, short words and the
brand's own query words are left out, and a word must be in at least ``MIN_MENTIONS`` of
the window's mentions. Words are ranked by a smoothed ratio of the share of mentions
holding them in the window to that share in the baseline sample::

    ratio = (df_window / n_window) / ((df_baseline + 0.5) / (n_baseline + 10))

The smoothing keeps a word absent from a small baseline from looking infinitely unusual,
and a word must be at least ``MIN_RATIO`` times as common as usual to drive anything.
Texts are cut to ``TEXT_CHARS`` before tokenising: internet text is capped before slow work.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from listener.models import Mention
from listener.query import tokenize

MIN_MENTIONS = 3
MIN_LENGTH = 3
MIN_RATIO = 2.0
TEXT_CHARS = 2000
TOP_TERMS = 5

_STOPWORDS_TEXT = """
    the and for are but not you your yours with this that these those have has had was were
    been being from they them their there here what when where which who whom why how all any
    can could would should will just than then too very our ours out off over under again
    about into onto also only own same some such more most other its im ive dont doesn didn
    isn wasn cant won wont get got one two via amp
    http https www com still even now new like really much many every again after before
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_QUERY_KEYWORDS = frozenset({"or", "and", "not"})


def query_words(query: str) -> frozenset[str]:
    """The words of a brand query, to leave out of its driving terms ("acme" drives nothing)."""
    return frozenset(w for w in tokenize(query) if w not in _QUERY_KEYWORDS)


def _words(mention: Mention, excluded: frozenset[str]) -> set[str]:
    text = f"{mention.title}\n{mention.text}"[:TEXT_CHARS]
    return {
        w
        for w in tokenize(text)
        if len(w) >= MIN_LENGTH and not w.isdigit() and w not in STOPWORDS and w not in excluded
    }


def _frequencies(mentions: Iterable[Mention], excluded: frozenset[str]) -> Counter[str]:
    df: Counter[str] = Counter()
    for m in mentions:
        df.update(_words(m, excluded))
    return df


def driving_terms(
    window: Sequence[Mention],
    baseline: Sequence[Mention],
    *,
    excluded: frozenset[str] = frozenset(),
    top: int = TOP_TERMS,
) -> list[str]:
    """The words that make the window unusual, most unusual first."""
    if not window:
        return []
    now_df = _frequencies(window, excluded)
    usual_df = _frequencies(baseline, excluded)
    n_now, n_usual = len(window), len(baseline)
    scored = []
    for word, df in now_df.items():
        if df < MIN_MENTIONS:
            continue
        ratio = (df / n_now) / ((usual_df[word] + 0.5) / (n_usual + 10))
        if ratio >= MIN_RATIO:
            scored.append((-ratio, -df, word))
    return [word for _, _, word in sorted(scored)[:top]]
