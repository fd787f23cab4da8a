"""Words over-represented in one set of texts against another: what drives a spike (the
spike rule, ``alerts.rules.terms``) and what is rising on the dashboard
(``listener.store.stats.terms``) are one computation, written here once.

A word counts once per text (document frequency), casefolded and normalised like the
query language (``tokenize``); stopwords, numbers, short words and the ``excluded`` words
(a brand's own query words) are left out, and a word must be in at least ``MIN_MENTIONS``
of the texts. Words are ranked by a smoothed ratio of the share of texts holding them to
that share in the baseline::

    ratio = (df_window / n_window) / ((df_baseline + 0.5) / (n_baseline + 10))

The smoothing keeps a word absent from a small baseline from looking infinitely unusual,
and a word must be at least ``MIN_RATIO`` times as common as usual to count. Texts are cut
to ``TEXT_CHARS`` before tokenising: internet text is capped before slow work.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from listener.query.text import tokenize

MIN_MENTIONS = 3
MIN_LENGTH = 3
MIN_RATIO = 2.0
TEXT_CHARS = 2000

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
    """The words of a brand query, to leave out of its terms ("acme" drives nothing)."""
    return frozenset(w for w in tokenize(query) if w not in _QUERY_KEYWORDS)


@dataclass(frozen=True, slots=True)
class ScoredTerm:
    term: str
    count: int  # texts of the window holding it
    baseline_count: int  # texts of the baseline holding it
    ratio: float  # the smoothed ratio above


def words_of(text: str, excluded: frozenset[str]) -> set[str]:
    """The distinct countable words of one text (its first ``TEXT_CHARS`` characters)."""
    return {
        w
        for w in tokenize(text[:TEXT_CHARS])
        if len(w) >= MIN_LENGTH and not w.isdigit() and w not in STOPWORDS and w not in excluded
    }


def document_frequencies(texts: Iterable[str], excluded: frozenset[str]) -> Counter[str]:
    df: Counter[str] = Counter()
    for text in texts:
        df.update(words_of(text, excluded))
    return df


def over_represented(
    window: Sequence[str],
    baseline: Sequence[str],
    *,
    excluded: frozenset[str] = frozenset(),
    top: int,
) -> list[ScoredTerm]:
    """The ``top`` words that make ``window`` unusual against ``baseline``, most unusual
    first (ties: in more texts first, then alphabetical)."""
    if not window:
        return []
    return score(
        document_frequencies(window, excluded),
        len(window),
        document_frequencies(baseline, excluded),
        len(baseline),
        top=top,
    )


def score(
    now_df: Counter[str], n_now: int, usual_df: Counter[str], n_usual: int, *, top: int
) -> list[ScoredTerm]:
    """``over_represented`` from the texts' document frequencies (``n_*`` texts each)."""
    if not n_now:
        return []
    scored = []
    for word, df in now_df.items():
        if df < MIN_MENTIONS:
            continue
        ratio = (df / n_now) / ((usual_df[word] + 0.5) / (n_usual + 10))
        if ratio >= MIN_RATIO:
            scored.append((-ratio, -df, word))
    return [
        ScoredTerm(word, -negative_df, usual_df[word], -negative_ratio)
        for negative_ratio, negative_df, word in sorted(scored)[:top]
    ]
