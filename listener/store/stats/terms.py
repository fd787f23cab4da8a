"""Rising terms: the words most over-represented in the range against the previous
period, scored by the spike rule's code (``listener.query.terms``).

Counting every word of a range's mentions is no page view, so each period is a sample:
its newest ``sample`` live mentions of the brand, found by walking the published-time
index backwards from the period's end and checking each against its narrow
``mention_filters`` row (no row: a tombstone), then reading only the sample's titles and
bodies, cut to ``TEXT_CHARS`` in SQL. The walk stops at ``sample`` mentions; a rare
brand's walk would pass over the other brands' mentions of the whole period, so a brand
with fewer mentions ever than that walk would visit has its own mentions read and sorted
instead (``listener.store.stats.ways``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter, OrderedDict

from listener.query.terms import TEXT_CHARS, document_frequencies, score
from listener.store.rows import ts
from listener.store.sqlite import SQLiteStore
from listener.store.stats.models import RisingTerm, RisingTerms
from listener.store.stats.scope import StatsScope
from listener.store.stats.ways import BRAND_FROM, OF_BRAND, RANGE_FROM, Way, counts_of, ways

SAMPLE = 2000
TOP = 10
# The word counts of the last few samples, keyed by the sampled texts themselves (so a
# sample whose texts changed in any way is counted again): a dashboard shown again within
# the hour samples the same previous period, whose tokenising was half the panel's time.
_REMEMBERED = 8
_remembered: OrderedDict[tuple[tuple[str, ...], frozenset[str]], Counter[str]] = OrderedDict()
_remembered_lock = threading.Lock()


def frequencies(texts: list[str], excluded: frozenset[str]) -> Counter[str]:
    """``document_frequencies`` of ``texts``, remembered for the last few samples."""
    key = (tuple(texts), excluded)
    with _remembered_lock:
        found = _remembered.get(key)
        if found is not None:
            _remembered.move_to_end(key)
            return found
    found = document_frequencies(texts, excluded)
    with _remembered_lock:
        _remembered[key] = found
        while len(_remembered) > _REMEMBERED:
            _remembered.popitem(last=False)
    return found


_TEXT = "SELECT substr(m.title || char(10) || m.body, 1, :chars)"
_NEWEST = " ORDER BY m.published_at DESC, m.seq DESC LIMIT :sample"


def newest_texts(conn: sqlite3.Connection, scope: StatsScope, sample: int) -> tuple[Way, list[str]]:
    """The title and body of the newest ``sample`` live mentions of the scope, and the way
    taken to them: the range's published-time index walked backwards, each entry checked
    against the brand, or (a brand with few mentions ever) the brand's mentions sorted.
    A walk never leaves the range, so it needs no budget."""
    counts = counts_of(conn, scope)
    branded = scope.brand is not None
    way = ways(counts, sample, branded=branded, walked=counts.in_range)[0]
    # A walk here is RANGE_FROM in publication order: the index serves the order, and
    # LIMIT stops it after ``sample`` finds; never cheaper to sort the whole range.
    walk = RANGE_FROM.format(brand=OF_BRAND if branded else "")
    source = BRAND_FROM if way == "brand" else walk
    params = {
        "since": ts(scope.since),
        "until": ts(scope.until),
        "sample": sample,
        "chars": TEXT_CHARS,
        "brand": scope.brand,
    }
    return way, [row[0] for row in conn.execute(_TEXT + source + _NEWEST, params)]


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
    if (index := store.shared_index) is not None:
        now_texts = index.newest_texts(scope, sample)
        before_texts = index.newest_texts(before, sample)
    else:
        with store._read() as conn:
            _, now_texts = newest_texts(conn, scope, sample)
            _, before_texts = newest_texts(conn, before, sample)
    scored = score(
        frequencies(now_texts, excluded),
        len(now_texts),
        frequencies(before_texts, excluded),
        len(before_texts),
        top=top,
    )
    return RisingTerms(
        terms=[RisingTerm(t.term, t.count, t.baseline_count, t.ratio) for t in scored],
        sampled=len(now_texts),
        previous_sampled=len(before_texts),
        sample_limit=sample,
    )
