"""Rollups recomputed from the mentions: the migration's fill, ``listener rollups rebuild``.

The counting rules are written here once, in SQL, and are the definition the incremental
upkeep (``listener.store.rollups``) must agree with: a live mention (``deleted_at IS NULL``)
counts once under each distinct brand it names and once under ``''`` (all brands), in the
hour ``substr(published_at, 1, 13)`` and day ``substr(published_at, 1, 10)`` of its stored
UTC time; its topics and feelings count once each per brand likewise. The counts of mentions
pruned by retention or erased are kept (``rollup_kept_hours``, ``rollup_kept_tag_hours``,
schema 20) and added in: the dashboard's history outlives the posts.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from listener.store.connection import connect

if TYPE_CHECKING:  # sqlite imports the schema, which imports this module
    from listener.store.sqlite import SQLiteStore

ROLLUP_TABLES = ("rollup_hours", "rollup_days", "rollup_tag_hours", "rollup_tag_days")

# Each live mention under '' and under each brand it names. DISTINCT without case: a brand
# listed twice in the JSON, or as "Acme" and "ACME", counts once, as mention_brands (NOCASE)
# holds it once and search finds it once.
_KEYED = """
WITH live AS (
    SELECT seq, brands, published_at, source, source_type, coalesce(lang, '') AS lang,
        sentiment_label, complaint
    FROM mentions WHERE deleted_at IS NULL{mentions_in}
),
keyed AS (
    SELECT '' AS brand, seq, published_at, source, source_type, lang, sentiment_label, complaint
    FROM live
    UNION ALL
    SELECT DISTINCT b.value COLLATE NOCASE, live.seq, live.published_at, live.source,
        live.source_type, live.lang, live.sentiment_label, live.complaint
    FROM live, json_each(live.brands) b
)
"""
# GROUP BY compares brands as written (BINARY) while the key is NOCASE: "Acme" on one
# mention and "ACME" on another arrive as two groups and the upsert adds the second to the first.
_FILL_HOURS = (
    _KEYED
    + """
INSERT INTO {hours} (brand, hour, source, source_type, lang, sentiment, complaint, mentions)
SELECT brand, substr(published_at, 1, 13), source, source_type, lang, sentiment_label, complaint,
    count(*)
FROM keyed GROUP BY 1, 2, 3, 4, 5, 6, 7
ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions
"""
)
_FILL_DAYS = """
INSERT INTO {days} (brand, day, source, source_type, lang, sentiment, complaint, mentions)
SELECT brand, substr(hour, 1, 10), source, source_type, lang, sentiment, complaint, sum(mentions)
FROM {hours}{hours_in} GROUP BY 1, 2, 3, 4, 5, 6, 7
ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions
"""
_FILL_TAG_HOURS = """
WITH live AS (
    SELECT m.seq, m.brands, m.published_at, t.kind, t.value
    FROM {tag_join}
    WHERE t.kind IN ('topic', 'feeling') AND m.deleted_at IS NULL{tagged_in}
),
keyed AS (
    SELECT '' AS brand, seq, published_at, kind, value FROM live
    UNION ALL
    SELECT DISTINCT b.value COLLATE NOCASE, live.seq, live.published_at, live.kind, live.value
    FROM live, json_each(live.brands) b
)
INSERT INTO {tag_hours} (brand, hour, kind, value, mentions)
SELECT brand, substr(published_at, 1, 13), kind, value, count(*)
FROM keyed GROUP BY 1, 2, 3, 4
ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions
"""
_FILL_TAG_DAYS = """
INSERT INTO {tag_days} (brand, day, kind, value, mentions)
SELECT brand, substr(hour, 1, 10), kind, value, sum(mentions)
FROM {tag_hours}{hours_in} GROUP BY 1, 2, 3, 4
ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions
"""


_REAL = {"hours": "rollup_hours", "days": "rollup_days", "tag_hours": "rollup_tag_hours",
         "tag_days": "rollup_tag_days"}  # fmt: skip
_RECOUNT = {name: f"temp.recount_{name}" for name in _REAL}
# Each table's key, as its PRIMARY KEY in listener.store.schema_stats.
_KEYS = {
    "rollup_hours": ("brand", "hour", "source", "source_type", "lang", "sentiment", "complaint"),
    "rollup_days": ("brand", "day", "source", "source_type", "lang", "sentiment", "complaint"),
    "rollup_tag_hours": ("brand", "hour", "kind", "value"),
    "rollup_tag_days": ("brand", "day", "kind", "value"),
}


_ROWS = "SELECT " + " + ".join(f"(SELECT count(*) FROM {t})" for t in ROLLUP_TABLES)  # noqa: S608


@dataclass(frozen=True)
class RollupDifference:
    """One key whose stored count is not the recount's (a missing row counts 0)."""

    table: str
    key: tuple[tuple[str, str | int], ...]  # (column, value) in the key's order
    stored: int
    counted: int

    def describe(self) -> str:
        where = " ".join(f"{column}={value!r}" for column, value in self.key)
        return f"{self.table} {where}: stored {self.stored}, counted {self.counted}"


# The same counts over the mentions published in [:since, :until) (days, "YYYY-MM-DD": text
# order is time order, and "2024-05-01T13" sorts between "2024-05-01" and "2024-05-02").
# The whole store reads the tags by kind and looks up each one's mention; a range walks its
# mentions by time and looks up their tags (CROSS JOIN fixes that order: otherwise each
# range read every tag of the store).
_WHOLE = {
    "mentions_in": "",
    "tagged_in": "",
    "hours_in": "",
    "tag_join": "mention_tags t JOIN mentions m ON m.id = t.mention_id",
    "kept_in": " WHERE true",  # an upsert's SELECT needs a WHERE before ON CONFLICT
}
_BETWEEN = {
    "tag_join": "mentions m CROSS JOIN mention_tags t ON t.mention_id = m.id",
    "mentions_in": " AND published_at >= :since AND published_at < :until",
    "tagged_in": " AND m.published_at >= :since AND m.published_at < :until",
    "hours_in": " WHERE hour >= :since AND hour < :until",
    "kept_in": " WHERE hour >= :since AND hour < :until",
}
_PAST_ANY_DAY = "\uffff"  # sorts after every date
_UNIT = {"rollup_hours": "hour", "rollup_days": "day", "rollup_tag_hours": "hour",
         "rollup_tag_days": "day"}  # fmt: skip
_DAYS = """
SELECT day FROM (
    SELECT DISTINCT substr(published_at, 1, 10) AS day FROM mentions
    UNION SELECT day FROM rollup_days UNION SELECT day FROM rollup_tag_days
) ORDER BY day
"""


# The counts of pruned and erased mentions (schema 20), added to the recount's hours before
# the days are summed from them: retention and erasure keep their rollup counts, so the
# recount must hold them too.
_ADD_KEPT_HOURS = """
INSERT INTO {hours} (brand, hour, source, source_type, lang, sentiment, complaint, mentions)
SELECT brand, hour, source, source_type, lang, sentiment, complaint, mentions
FROM rollup_kept_hours{kept_in}
ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions
"""
_ADD_KEPT_TAG_HOURS = """
INSERT INTO {tag_hours} (brand, hour, kind, value, mentions)
SELECT brand, hour, kind, value, mentions FROM rollup_kept_tag_hours{kept_in}
ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions
"""
KEPT_TABLES = ("rollup_kept_hours", "rollup_kept_tag_hours")
# The mentions about to be pruned or erased, by seq (keep_counts_on).
_LEAVING = {
    "mentions_in": " AND seq IN (SELECT value FROM json_each(:seqs))",
    "tagged_in": " AND m.seq IN (SELECT value FROM json_each(:seqs))",
    "tag_join": "mentions m CROSS JOIN mention_tags t ON t.mention_id = m.id",
    "hours": "rollup_kept_hours",
    "tag_hours": "rollup_kept_tag_hours",
}


def _has_kept(conn: sqlite3.Connection) -> bool:
    # Below schema 20 (the rollups' own migration fills them at 12) there is nothing kept.
    found = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)", KEPT_TABLES
    )
    return bool(found.fetchone()[0] == len(KEPT_TABLES))


def keep_counts_on(conn: sqlite3.Connection, seqs: list[int]) -> None:
    """Record the rollup counts of the mentions ``seqs`` before retention or erasure deletes
    them (the rollup tables keep counting them: no DELETE trigger), so a rebuild or check
    adds them in. Hours only: days are summed from hours. Live mentions only, as counted."""
    if seqs and _has_kept(conn):
        params = {"seqs": json.dumps(seqs)}
        conn.execute(_FILL_HOURS.format(**_LEAVING), params)
        conn.execute(_FILL_TAG_HOURS.format(**_LEAVING), params)


def _fill(
    conn: sqlite3.Connection,
    names: dict[str, str],
    between: tuple[str, str] | None = None,
) -> None:
    ranges = _WHOLE if between is None else _BETWEEN
    params = {} if between is None else {"since": between[0], "until": between[1]}
    kept = _has_kept(conn)
    for statement in (_FILL_HOURS, _FILL_DAYS, _FILL_TAG_HOURS, _FILL_TAG_DAYS):
        if kept and statement is _FILL_DAYS:
            conn.execute(_ADD_KEPT_HOURS.format(**names, **ranges), params)
        if kept and statement is _FILL_TAG_DAYS:
            conn.execute(_ADD_KEPT_TAG_HOURS.format(**names, **ranges), params)
        conn.execute(statement.format(**names, **ranges), params)


def rebuild_rollups(conn: sqlite3.Connection) -> None:
    """Empty the rollup tables and count them again from the mentions, in the caller's
    transaction (a reader sees the old counts or the new, never none)."""
    for table in ROLLUP_TABLES:
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 - names from ROLLUP_TABLES
    _fill(conn, _REAL)


def rebuild_rollups_between(conn: sqlite3.Connection, since: str, until: str) -> None:
    """``rebuild_rollups`` for the days in [since, until) ("YYYY-MM-DD" or any text that
    sorts as one) alone: their rows deleted and counted again, in the caller's transaction.
    The other days' rows are untouched, and stay exact as the upkeep keeps them."""
    for table in ROLLUP_TABLES:
        conn.execute(
            f"DELETE FROM {table} WHERE {_UNIT[table]} >= ? AND {_UNIT[table]} < ?",  # noqa: S608
            (since, until),
        )
    _fill(conn, _REAL, (since, until))


def rebuild_ranges(conn: sqlite3.Connection, days: int) -> list[tuple[str, str]]:
    """Ranges [since, until) of at most ``days`` days that have mentions or rollup rows,
    together covering every text (the first starts at '', the last ends past any date)."""
    found = [row[0] for row in conn.execute(_DAYS)]
    bounds = ["", *found[days::days], _PAST_ANY_DAY]
    return list(itertools.pairwise(bounds))


def rollup_rows(conn: sqlite3.Connection) -> int:
    """How many rows the rollup tables hold."""
    total: int = conn.execute(_ROWS).fetchone()[0]
    return total


def check_rollups(conn: sqlite3.Connection, *, limit: int | None = None) -> list[RollupDifference]:
    """Recount the rollups from the mentions into temporary tables and return every key
    whose stored count differs (at most ``limit``), table by table.

    Runs inside a savepoint that is rolled back, so the real tables are never written and
    the temporary ones are gone after; on a connection outside a transaction the savepoint
    is the transaction, so the mentions and the stored counts are read in one snapshot
    (WAL: beside a running daemon, without holding its write lock). The connection must
    be able to write temporary tables (a ``query_only`` reader cannot).
    """
    conn.execute("SAVEPOINT rollup_check")
    try:
        for name, real in _REAL.items():
            (definition,) = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (real,)
            ).fetchone()
            # The real definition, so the recount has the same key and collations.
            conn.execute(
                definition.replace(f"CREATE TABLE {real}", f"CREATE TEMP TABLE recount_{name}", 1)
            )
        _fill(conn, _RECOUNT)
        found: list[RollupDifference] = []
        for name, real in _REAL.items():
            left = None if limit is None else limit - len(found)
            if left is not None and left <= 0:
                break
            found += _differences(conn, real, _RECOUNT[name], left)
        return found
    finally:
        conn.execute("ROLLBACK TO rollup_check")
        conn.execute("RELEASE rollup_check")


def _differences(
    conn: sqlite3.Connection, real: str, recount: str, limit: int | None
) -> list[RollupDifference]:
    columns = _KEYS[real]
    # "=" takes the stored column's collation: keys that differ only in case are one key.
    joined = " AND ".join(f"s.{c} = r.{c}" for c in columns)
    keys = ", ".join(f"coalesce(s.{c}, r.{c}) AS {c}" for c in columns)
    # Names from _REAL and _KEYS, never from input.
    sql = (
        f"SELECT {keys}, coalesce(s.mentions, 0) AS stored, coalesce(r.mentions, 0) AS counted"  # noqa: S608
        f" FROM {real} s FULL JOIN {recount} r ON {joined}"
        " WHERE coalesce(s.mentions, 0) != coalesce(r.mentions, 0)"
        f" ORDER BY {', '.join(str(i + 1) for i in range(len(columns)))}"
        f" LIMIT {-1 if limit is None else int(limit)}"
    )
    return [
        RollupDifference(real, tuple((c, row[i]) for i, c in enumerate(columns)), row[-2], row[-1])
        for row in conn.execute(sql)
    ]


@dataclass(frozen=True)
class Rebuilt:
    rows: int  # rows in the four tables after the rebuild
    seconds: float  # on the clock
    kept: int = 0  # pruned or erased mentions whose counts were added in


def kept_mentions(conn: sqlite3.Connection) -> int:
    """How many pruned or erased mentions the kept counts hold (each counts once under '')."""
    if not _has_kept(conn):
        return 0
    found = conn.execute(
        "SELECT coalesce(sum(mentions), 0) FROM rollup_kept_hours WHERE brand = ''"
    )
    return int(found.fetchone()[0])


def rebuild_store_rollups(store: SQLiteStore, *, days: int = 7) -> Rebuilt:
    """The rollups counted again from the mentions, ``days`` days of them per transaction
    through the store's writer: each holds the write lock for a fraction of the whole (10 s
    for a million mentions in one), so a daemon beside it stores between them instead of
    waiting out its busy timeout. Each range is exact when it commits and the upkeep keeps
    it so; a reader meanwhile sees each range's old counts or its new ones."""
    started = time.perf_counter()
    with store._read() as conn:
        ranges = rebuild_ranges(conn, days)
    for since, until in ranges:
        with store._write() as conn:
            rebuild_rollups_between(conn, since, until)
    with store._read() as conn:
        rows, kept = rollup_rows(conn), kept_mentions(conn)
    return Rebuilt(rows, time.perf_counter() - started, kept)


def check_store_rollups(store: SQLiteStore, *, limit: int | None = None) -> list[RollupDifference]:
    """``check_rollups`` on a connection of its own: it reads one snapshot without the write
    lock, so a daemon beside it goes on storing; the store's pooled readers are query_only,
    which forbids even temporary tables."""
    conn = connect(store.path, reader=True)
    try:
        conn.execute("PRAGMA query_only = OFF")
        conn.execute("PRAGMA temp_store = MEMORY")
        return check_rollups(conn, limit=limit)
    finally:
        conn.close()
