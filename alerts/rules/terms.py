"""What drives a spike: words over-represented in the window's mentions against the baseline.

The scoring (document frequency, stopwords, the smoothed ratio, the text cap) is
``listener.query.terms``, shared with the dashboard's rising terms; here a mention's text
is its title and body, and the spike names its ``TOP_TERMS`` words.
"""

from __future__ import annotations

from collections.abc import Sequence

from listener.models import Mention
from listener.query.terms import (
    MIN_LENGTH,
    MIN_MENTIONS,
    MIN_RATIO,
    STOPWORDS,
    TEXT_CHARS,
    over_represented,
    query_words,
)

TOP_TERMS = 5

__all__ = [
    "MIN_LENGTH",
    "MIN_MENTIONS",
    "MIN_RATIO",
    "STOPWORDS",
    "TEXT_CHARS",
    "TOP_TERMS",
    "driving_terms",
    "mention_text",
    "query_words",
]


def mention_text(mention: Mention) -> str:
    return f"{mention.title}\n{mention.text}"


def driving_terms(
    window: Sequence[Mention],
    baseline: Sequence[Mention],
    *,
    excluded: frozenset[str] = frozenset(),
    top: int = TOP_TERMS,
) -> list[str]:
    """The words that make the window unusual, most unusual first."""
    scored = over_represented(
        [mention_text(m) for m in window],
        [mention_text(m) for m in baseline],
        excluded=excluded,
        top=top,
    )
    return [term.term for term in scored]
