"""The dashboard's statistics: counts over a brand and a time range, read from the rollups
(``listener.store.schema_stats``) and, for what rollups do not hold (response times, top
authors, rising words), from bounded reads of the alerts and mentions.

Import the read functions from here; each takes ``(store, scope, ...)`` with a
``StatsScope`` from ``scope_for`` (``exact_count`` takes a search's filters instead):

- ``volume``, ``complaints``, ``breakdown`` (topic, feeling, source, language),
  ``share_of_voice``: sums of rollup rows (``counts``);
- ``headline``: the figures of the page's top, ``listener stats`` and the digest;
- ``exact_count``: what a filter-only search finds, without walking it (``exact``);
- ``response``: time to first response and to resolve, SLA met, open alerts by age;
- ``rising_terms``, ``top_authors``, ``engaged_mentions``: bounded reads of mentions.
"""

from listener.store.stats.counts import (
    DIMENSIONS,
    Dimension,
    breakdown,
    complaints,
    share_of_voice,
    volume,
)
from listener.store.stats.exact import exact_count
from listener.store.stats.headline import headline
from listener.store.stats.people import engaged_mentions, top_authors
from listener.store.stats.response import response
from listener.store.stats.terms import rising_terms

__all__ = [
    "DIMENSIONS",
    "Dimension",
    "breakdown",
    "complaints",
    "engaged_mentions",
    "exact_count",
    "headline",
    "response",
    "rising_terms",
    "share_of_voice",
    "top_authors",
    "volume",
]
