"""Rising terms: the words most over-represented in the range against the previous
period, scored by the spike rule's code (``listener.query.terms``).

Counting every word of a range's mentions is no page view, so each period is a sample:
its newest ``sample`` live mentions of the brand, found by walking the published-time
index backwards from the period's end and checking each against its narrow
``mention_filters`` row (no row: a tombstone), then reading only the sample's titles and
bodies, cut to ``TEXT_CHARS`` in SQL. The walk stops at ``sample`` mentions; a rare
brand's walk passes over the other brands' mentions of the period, never beyond it.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from listener.query.terms import TEXT_CHARS, over_represented
from listener.store.rows import ts
from listener.store.sqlite import SQLiteStore
from listener.store.stats.models import RisingTerm, RisingTerms
from listener.store.stats.scope import StatsScope

SAMPLE = 2000
TOP = 10
# A brand's key in mention_filters.brand_keys, made as schema 10 makes the stored ones.
_BRAND_KEY = (
    "char(31) || replace(replace(lower(:brand), char(30), char(30) || 'e'),"
    " char(31), char(30) || 's') || char(31)"
)
_NEWEST = """
SELECT substr(x.title || char(10) || x.body, 1, :chars) FROM (
    SELECT m.seq FROM mentions m INDEXED BY mentions_published
    CROSS JOIN mention_filters f ON f.seq = m.seq
    WHERE m.published_at >= :since AND m.published_at < :until{brand}
    ORDER BY m.published_at DESC LIMIT :sample
) s CROSS JOIN mentions x ON x.seq = s.seq"""
_OF_BRAND = f" AND instr(f.brand_keys, {_BRAND_KEY}) > 0"


def newest_texts(
    conn: sqlite3.Connection, brand: str | None, since: datetime, until: datetime, sample: int
) -> list[str]:
    """The title and body of the newest ``sample`` live mentions of ``brand`` (None: any)
    published in ``[since, until)``."""
    sql = _NEWEST.format(brand=_OF_BRAND if brand is not None else "")
    params = {
        "since": ts(since),
        "until": ts(until),
        "sample": sample,
        "chars": TEXT_CHARS,
        "brand": brand,
    }
    return [row[0] for row in conn.execute(sql, params)]


def rising_terms(
    store: SQLiteStore,
    scope: StatsScope,
    *,
    excluded: frozenset[str] = frozenset(),
    sample: int = SAMPLE,
    top: int = TOP,
) -> RisingTerms:
    """The ``top`` words of the range most over-represented against the previous period;
    ``excluded``: the brand's own query words (``listener.query.terms.query_words``),
    which would otherwise rise with every mention."""
    if sample < 1:
        raise ValueError("a sample holds at least one mention")
    before = scope.previous()
    with store._read() as conn:
        now_texts = newest_texts(conn, scope.brand, scope.since, scope.until, sample)
        before_texts = newest_texts(conn, scope.brand, before.since, before.until, sample)
    scored = over_represented(now_texts, before_texts, excluded=excluded, top=top)
    return RisingTerms(
        terms=[RisingTerm(t.term, t.count, t.baseline_count, t.ratio) for t in scored],
        sampled=len(now_texts),
        previous_sampled=len(before_texts),
        sample_limit=sample,
    )
