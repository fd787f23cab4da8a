"""Counts per facet (brand, source, sentiment, complaint, language, feeling, topic, urgency,
flag) for a search, counted over its newest matches only.

Counting every match of "the" in a million mentions would read 400k rows per page view;
the page must answer in well under 100 ms. So the counts cover the ``FACET_SAMPLE`` newest
stored matches (one keyset-ordered walk with a LIMIT, as ``search_walk`` reads them), and
say when the search has more (``capped``): the page then shows "1,000+" and that the counts
are of the newest 1,000. Below the cap they are exact.
"""

from __future__ import annotations

from dataclasses import dataclass

from listener.store.search import SearchWhere
from listener.store.search_both import both_sides, letters_answer
from listener.store.search_walk import asked
from listener.store.sqlite import SQLiteStore

FACET_SAMPLE = 1000
# The sample is one more than counted, to tell "exactly 1,000" from "more". Every facet is
# one GROUP BY over the same MATERIALIZED sample, joined to the mentions by their seq.
_SAMPLE_MATCHED = """
    SELECT m.seq FROM {fts} CROSS JOIN mention_filters m ON m.seq = {fts}.rowid
    {where} ORDER BY {fts}.rowid DESC LIMIT ?"""
_SAMPLE_FILTERED = "SELECT m.seq FROM mentions m {where} ORDER BY m.seq DESC LIMIT ?"
# Without a text query: the narrow rows in seq order (see search_walk).
_SAMPLE_NARROW = "SELECT m.seq FROM mention_filters m {where} ORDER BY m.seq DESC LIMIT ?"
# CROSS JOIN keeps the sample driving: without it SQLite walked all of mention_brands and
# every feeling and topic tag, building an index on the sample instead (0.7 s at 1M).
_FACETS = """
WITH sample AS MATERIALIZED ({sample}),
counted AS MATERIALIZED (
    SELECT x.id, x.source, x.sentiment_label, x.complaint, x.lang, x.urgency
    FROM (SELECT seq FROM sample ORDER BY seq DESC LIMIT ?) s
    CROSS JOIN mentions x ON x.seq = s.seq
)
SELECT 'total', '', (SELECT count(*) FROM sample)
UNION ALL SELECT 'source', source, count(*) FROM counted GROUP BY source
UNION ALL SELECT 'sentiment', sentiment_label, count(*) FROM counted GROUP BY sentiment_label
UNION ALL SELECT 'complaint', CASE complaint WHEN 1 THEN 'yes' ELSE 'no' END, count(*)
    FROM counted GROUP BY complaint
UNION ALL SELECT 'language', coalesce(lang, ''), count(*) FROM counted GROUP BY lang
UNION ALL SELECT 'urgency', urgency, count(*) FROM counted GROUP BY urgency
UNION ALL SELECT 'brand', b.brand, count(*)
    FROM counted c CROSS JOIN mention_brands b ON b.mention_id = c.id GROUP BY b.brand
UNION ALL SELECT t.kind, t.value, count(*)
    FROM counted c CROSS JOIN mention_tags t ON t.mention_id = c.id
    WHERE t.kind IN ('feeling', 'topic', 'flag') GROUP BY t.kind, t.value"""
FACET_NAMES = (
    "brand", "source", "sentiment", "complaint", "language", "feeling", "topic", "urgency", "flag",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FacetCounts:
    counted: int  # how many matches the counts cover (at most FACET_SAMPLE)
    capped: bool  # True when the search has more matches than were counted
    values: dict[str, list[tuple[str, int]]]  # facet → (value, count), most first


def facet_counts(
    store: SQLiteStore, where: SearchWhere, *, sample: int = FACET_SAMPLE
) -> FacetCounts:
    """Counts per facet over the ``sample`` newest stored matches of ``where``."""
    if (index := store.shared_index) is not None:
        return index.facet_counts(asked(where), sample=sample)
    if where.match is not None:
        shape = _SAMPLE_MATCHED
    else:
        shape = _SAMPLE_NARROW if where.on_filters else _SAMPLE_FILTERED
    sql = _FACETS.format(sample=shape.format(where=where.sql, fts=where.table))
    params: tuple[object, ...] = (*where.params, sample + 1)
    with store._read() as conn:
        if where.match is not None and letters_answer(conn, where):
            # The newest matches of both indexes together (search_both).
            both = both_sides(
                _SAMPLE_MATCHED, where, {"fts": "mentions_fts"}, {"fts": "mentions_letters"}
            )
            sql = _FACETS.format(sample=both)
            params = (*params, *where.letters_params, sample + 1, sample + 1)
        found = conn.execute(sql, (*params, sample)).fetchall()
    values: dict[str, list[tuple[str, int]]] = {name: [] for name in FACET_NAMES}
    total = 0
    for facet, value, count in found:
        if facet == "total":
            total = int(count)
        else:
            values[str(facet)].append((str(value), int(count)))
    for listed in values.values():
        listed.sort(key=lambda pair: (-pair[1], pair[0].lower()))
    return FacetCounts(counted=min(total, sample), capped=total > sample, values=values)
