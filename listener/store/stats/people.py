"""Top authors by reach and the most-engaged mentions of a range: the two panels that rank
mentions, so they read mentions, not rollups, and must not read a whole range to do it.

Each takes the way (``listener.store.stats.ways``) the rollups' counts make cheapest: a
walk down ``mentions_reach`` or ``mentions_engaged`` (schema 12) from the top, which stops
after ``limit`` finds when the range holds much of the store; the range's mentions, when
it holds few; or the brand's, when the brand has few. Every way ranks alike: largest
first, then the newest, then the last stored.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

from listener.store.rows import parse_ts, ts
from listener.store.sqlite import SQLiteStore
from listener.store.stats.models import EngagedMention, TopAuthor
from listener.store.stats.scope import StatsScope
from listener.store.stats.ways import (
    BRAND_FROM,
    OF_BRAND,
    RANGE_FROM,
    WALK_FROM,
    OverBudget,
    Way,
    budget,
    counts_of,
    ways,
)

EXCERPT_CHARS = 200

_AUTHOR_COLUMNS = "SELECT m.source_type, m.author_handle, m.author_name, m.author_url, m.reach"
_AUTHOR_ORDER = (
    " AND m.author_handle IS NOT NULL ORDER BY m.reach DESC, m.published_at DESC, m.seq DESC"
)
# An author's mentions in the range, by the mentions_author index (handles without case).
_AUTHOR_COUNT = """
SELECT count(*) FROM mentions m CROSS JOIN mention_filters f ON f.seq = m.seq
WHERE m.source_type = :source_type AND m.author_handle = :handle COLLATE NOCASE
  AND m.published_at >= :since AND m.published_at < :until{brand}"""

# Engagement is likes + shares + replies (comments) as the source reported them; views
# are not engagement. Written exactly as the index mentions_engaged (schema 12) has it,
# so the walk's ORDER BY is the index's order.
ENGAGEMENT = (
    "(coalesce(json_extract(engagement, '$.likes'), 0)"
    " + coalesce(json_extract(engagement, '$.shares'), 0)"
    " + coalesce(json_extract(engagement, '$.replies'), 0))"
)
_ENGAGED_COLUMNS = (
    "SELECT m.id, m.source, m.published_at, m.author_handle, m.author_name, m.title,"
    " substr(m.body, 1, :excerpt), m.url, m.sentiment_label, m.complaint, "
    + ENGAGEMENT
    + " AS engaged"
)
_ENGAGED_ORDER = " ORDER BY {rank} DESC, m.published_at DESC, m.seq DESC LIMIT :limit"

_WALK_INDEX = {"authors": "mentions_reach", "engaged": "mentions_engaged"}


def _from(way: Way, panel: str, scope: StatsScope) -> str:
    brand = OF_BRAND if scope.brand is not None else ""
    if way == "walk":
        return WALK_FROM.format(index=_WALK_INDEX[panel], brand=brand)
    return BRAND_FROM if way == "brand" else RANGE_FROM.format(brand=brand)


def _statement(way: Way, panel: str, scope: StatsScope) -> str:
    source = _from(way, panel, scope)
    if panel == "authors":
        return _AUTHOR_COLUMNS + source + _AUTHOR_ORDER
    rank = ENGAGEMENT if way == "walk" else "engaged"
    return _ENGAGED_COLUMNS + source + _ENGAGED_ORDER.format(rank=rank)


def ranked(
    conn: sqlite3.Connection,
    scope: StatsScope,
    panel: str,
    limit: int,
    take: Callable[[Iterator[Any]], list[Any]],
) -> tuple[Way, list[Any]]:
    """``take`` over the ranked rows of ``panel`` ('authors' or 'engaged'), by the way
    the counts choose (a walk that runs over its budget gives way to the next)."""
    params = _params(scope, limit)
    order = ways(counts_of(conn, scope), limit, branded=scope.brand is not None)
    for way in order[:-1]:
        try:
            with budget(conn):
                return way, take(iter(conn.execute(_statement(way, panel, scope), params)))
        except OverBudget:
            continue
    way = order[-1]
    return way, take(iter(conn.execute(_statement(way, panel, scope), params)))


def _params(scope: StatsScope, limit: int) -> dict[str, Any]:
    return {
        "since": ts(scope.since),
        "until": ts(scope.until),
        "brand": scope.brand,
        "limit": limit,
        "excerpt": EXCERPT_CHARS + 1,
    }


_ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(text: str) -> str:
    # Handles compare as COLLATE NOCASE does: ASCII letters folded, nothing else.
    return text.translate(_ASCII_FOLD)


def top_authors(store: SQLiteStore, scope: StatsScope, limit: int = 10) -> list[TopAuthor]:
    """The ``limit`` authors whose mentions in the range reach furthest (an author's
    largest reach there), with their number of mentions in the range."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if (index := store.shared_index) is not None:
        return index.top_authors(scope, limit)

    def first_of_each(found: Iterator[Any]) -> list[Any]:
        seen: dict[tuple[str, str], Any] = {}
        for row in found:
            key = (_ascii_lower(row[0]), _ascii_lower(row[1]))
            if key not in seen:
                seen[key] = row
                if len(seen) == limit:
                    break
        return list(seen.values())

    with store._read() as conn:
        _, leaders = ranked(conn, scope, "authors", limit, first_of_each)
        count_sql = _AUTHOR_COUNT.format(brand=OF_BRAND if scope.brand is not None else "")
        params = _params(scope, limit)
        counted = [
            conn.execute(count_sql, {**params, "source_type": r[0], "handle": r[1]}).fetchone()[0]
            for r in leaders
        ]
    return [
        TopAuthor(row[0], row[1], row[2], row[3], row[4], count)
        for row, count in zip(leaders, counted, strict=True)
    ]


def excerpt(body: str) -> str:
    """The first ``EXCERPT_CHARS`` characters of ``body``, cut with an ellipsis."""
    return body if len(body) <= EXCERPT_CHARS else body[:EXCERPT_CHARS].rstrip() + "…"


def engaged_mentions(
    store: SQLiteStore, scope: StatsScope, limit: int = 10
) -> list[EngagedMention]:
    """The ``limit`` mentions of the range with the most likes, shares and replies."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if (index := store.shared_index) is not None:
        return index.engaged_mentions(scope, limit)
    with store._read() as conn:
        _, found = ranked(conn, scope, "engaged", limit, list)
    return [
        EngagedMention(
            mention_id=row[0],
            source=row[1],
            published_at=parse_ts(row[2]),
            author=row[3] or row[4],
            title=row[5],
            excerpt=excerpt(row[6]),
            url=row[7],
            engagement=int(row[10]),
            sentiment=row[8],
            complaint=bool(row[9]),
        )
        for row in found
    ]
