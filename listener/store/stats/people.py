"""Top authors by reach and the most-engaged mentions of a range: the two panels that rank
mentions, so they read mentions, not rollups, and must not read a whole range to do it.

Two ways to the same answer, picked by what the rollups say the range holds:

- **the walk**: down an index of live mentions by reach (or by engagement, an expression
  index over the engagement JSON), newest first among equals, keeping the entries in the
  range and of the brand, until ``limit`` are found. A range holding much of the store
  stops after a few entries;
- **the scan**: the range's mentions by the published-time index, sorted. A small range
  costs its own few rows.

The walk is tried when the rollups' counts make it the cheaper, under an instruction
budget (SQLite's progress handler): a range whose mentions all sit low in the index (a
quiet week long ago, when reach was lower) gives up the walk at that budget and is
scanned. Both ways rank alike: largest first, then the newest, then the highest seq.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from listener.store.rows import parse_ts, ts
from listener.store.sqlite import SQLiteStore
from listener.store.stats.models import EngagedMention, TopAuthor
from listener.store.stats.scope import StatsScope
from listener.store.stats.sums import EARLIEST, LATEST, sum_rows

EXCERPT_CHARS = 200
# Engagement is likes + shares + replies (comments) as the source reported them; views
# are not engagement. The walk writes it exactly as the index mentions_engaged (schema 12)
# does, or SQLite would not use the index.
# How many SQLite VM steps between progress-handler calls, and how many calls a walk may
# take (about 20 ms on the machine the bench ran on) before the range is scanned instead.
_PROGRESS_STEP = 1000
_WALK_BUDGET_CALLS = 500
# A walk visits an index entry for little (an index step and a mention_filters lookup); a
# scan reads each mention's row and sorts them: a scan's entry costs about this many.
_SCAN_COST = 3

_BRAND_KEY = (
    "char(31) || replace(replace(lower(:brand), char(30), char(30) || 'e'),"
    " char(31), char(30) || 's') || char(31)"
)
_OF_BRAND = f" AND instr(f.brand_keys, {_BRAND_KEY}) > 0"

_AUTHORS_WALK = """
SELECT m.source_type, m.author_handle, m.author_name, m.author_url, m.reach
FROM mentions m INDEXED BY mentions_reach CROSS JOIN mention_filters f ON f.seq = m.seq
WHERE m.deleted_at IS NULL AND m.published_at >= :since AND m.published_at < :until
  AND m.author_handle IS NOT NULL{brand}
ORDER BY m.reach DESC, m.published_at DESC, m.seq DESC"""
_AUTHORS_SCAN = """
SELECT m.source_type, m.author_handle, m.author_name, m.author_url, m.reach
FROM mentions m INDEXED BY mentions_published CROSS JOIN mention_filters f ON f.seq = m.seq
WHERE m.published_at >= :since AND m.published_at < :until
  AND m.author_handle IS NOT NULL{brand}
ORDER BY m.reach DESC, m.published_at DESC, m.seq DESC"""
# An author's mentions in the range, by the mentions_author index (handles without case).
_AUTHOR_COUNT = """
SELECT count(*) FROM mentions m CROSS JOIN mention_filters f ON f.seq = m.seq
WHERE m.source_type = :source_type AND m.author_handle = :handle COLLATE NOCASE
  AND m.published_at >= :since AND m.published_at < :until{brand}"""

# The walk's ORDER BY is ENGAGEMENT as the index has it, so the index serves it unsorted.
_ENGAGED_WALK = """
SELECT m.id, m.source, m.published_at, m.author_handle, m.author_name, m.title,
    substr(m.body, 1, :excerpt), m.url, m.sentiment_label, m.complaint, (
    coalesce(json_extract(engagement, '$.likes'), 0)
    + coalesce(json_extract(engagement, '$.shares'), 0)
    + coalesce(json_extract(engagement, '$.replies'), 0)) AS engaged
FROM mentions m INDEXED BY mentions_engaged CROSS JOIN mention_filters f ON f.seq = m.seq
WHERE m.deleted_at IS NULL AND m.published_at >= :since AND m.published_at < :until{brand}
ORDER BY (coalesce(json_extract(engagement, '$.likes'), 0)
    + coalesce(json_extract(engagement, '$.shares'), 0)
    + coalesce(json_extract(engagement, '$.replies'), 0)) DESC, m.published_at DESC, m.seq DESC
LIMIT :limit"""
_ENGAGED_SCAN = """
SELECT m.id, m.source, m.published_at, m.author_handle, m.author_name, m.title,
    substr(m.body, 1, :excerpt), m.url, m.sentiment_label, m.complaint, (
    coalesce(json_extract(engagement, '$.likes'), 0)
    + coalesce(json_extract(engagement, '$.shares'), 0)
    + coalesce(json_extract(engagement, '$.replies'), 0)) AS engaged
FROM mentions m INDEXED BY mentions_published CROSS JOIN mention_filters f ON f.seq = m.seq
WHERE m.published_at >= :since AND m.published_at < :until{brand}
ORDER BY engaged DESC, m.published_at DESC, m.seq DESC LIMIT :limit"""


class _OverBudget(Exception):
    pass


@contextmanager
def _budget(conn: sqlite3.Connection, calls: int) -> Iterator[None]:
    """Interrupt the statements run inside after ``calls`` progress steps (``_OverBudget``)."""
    left = [calls]

    def tick() -> int:
        left[0] -= 1
        return 1 if left[0] < 0 else 0

    conn.set_progress_handler(tick, _PROGRESS_STEP)
    try:
        yield
    except sqlite3.OperationalError as exc:
        if left[0] < 0:
            raise _OverBudget from exc
        raise
    finally:
        conn.set_progress_handler(None, 0)


def walk_first(conn: sqlite3.Connection, scope: StatsScope, limit: int) -> bool:
    """Whether walking an index of all live mentions by rank should find ``limit`` of the
    scope's sooner than scanning the scope's range: a walk passes over about
    ``limit × all / in scope`` entries, a scan over every mention of the range."""
    everything = sum_rows(conn, brand=None, since=EARLIEST, until=LATEST).get((), 0)
    in_range = sum_rows(conn, brand=None, since=scope.since, until=scope.until).get((), 0)
    wanted = (
        in_range
        if scope.brand is None
        else sum_rows(conn, brand=scope.brand, since=scope.since, until=scope.until).get((), 0)
    )
    if not wanted:
        return False
    return limit * everything / wanted < _SCAN_COST * in_range


def _ranked(
    conn: sqlite3.Connection,
    scope: StatsScope,
    limit: int,
    walk_sql: str,
    scan_sql: str,
    take: Callable[[Iterator[Any]], list[Any]],
    params: dict[str, Any],
) -> list[Any]:
    brand = _OF_BRAND if scope.brand is not None else ""
    if walk_first(conn, scope, limit):
        try:
            with _budget(conn, _WALK_BUDGET_CALLS):
                return take(iter(conn.execute(walk_sql.format(brand=brand), params)))
        except _OverBudget:
            pass
    return take(iter(conn.execute(scan_sql.format(brand=brand), params)))


def _params(scope: StatsScope, limit: int) -> dict[str, Any]:
    return {
        "since": ts(scope.since),
        "until": ts(scope.until),
        "brand": scope.brand,
        "limit": limit,
        "excerpt": EXCERPT_CHARS + 1,
    }


def _ascii_lower(text: str) -> str:
    # Handles compare as COLLATE NOCASE does: ASCII letters folded, nothing else.
    return text.translate(_ASCII_FOLD)


_ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def top_authors(store: SQLiteStore, scope: StatsScope, limit: int = 10) -> list[TopAuthor]:
    """The ``limit`` authors whose mentions in the range reach furthest (an author's
    largest reach there), with their number of mentions in the range."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    params = _params(scope, limit)

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
        leaders = _ranked(conn, scope, limit, _AUTHORS_WALK, _AUTHORS_SCAN, first_of_each, params)
        brand = _OF_BRAND if scope.brand is not None else ""
        counted = [
            conn.execute(
                _AUTHOR_COUNT.format(brand=brand),
                {**params, "source_type": row[0], "handle": row[1]},
            ).fetchone()[0]
            for row in leaders
        ]
    return [
        TopAuthor(row[0], row[1], row[2], row[3], row[4], count)
        for row, count in zip(leaders, counted, strict=True)
    ]


def _excerpt(body: str) -> str:
    return body if len(body) <= EXCERPT_CHARS else body[:EXCERPT_CHARS].rstrip() + "…"


def engaged_mentions(
    store: SQLiteStore, scope: StatsScope, limit: int = 10
) -> list[EngagedMention]:
    """The ``limit`` mentions of the range with the most likes, shares and replies."""
    if limit < 1:
        raise ValueError("limit must be at least 1")

    def rows(found: Iterator[Any]) -> list[Any]:
        return list(found)

    with store._read() as conn:
        found = _ranked(
            conn, scope, limit, _ENGAGED_WALK, _ENGAGED_SCAN, rows, _params(scope, limit)
        )
    return [
        EngagedMention(
            mention_id=row[0],
            source=row[1],
            published_at=parse_ts(row[2]),
            author=row[3] or row[4],
            title=row[5],
            excerpt=_excerpt(row[6]),
            url=row[7],
            engagement=int(row[10]),
            sentiment=row[8],
            complaint=bool(row[9]),
        )
        for row in found
    ]
