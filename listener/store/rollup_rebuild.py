"""Rollups recomputed from the mentions: the migration's fill, ``listener rollups rebuild``.

The counting rules are written here once, in SQL, and are the definition the incremental
upkeep (``listener.store.rollups``) must agree with: a live mention (``deleted_at IS NULL``)
counts once under each distinct brand it names and once under ``''`` (all brands), in the
hour ``substr(published_at, 1, 13)`` and day ``substr(published_at, 1, 10)`` of its stored
UTC time; its topics and feelings count once each per brand likewise.
"""

from __future__ import annotations

import sqlite3

ROLLUP_TABLES = ("rollup_hours", "rollup_days", "rollup_tag_hours", "rollup_tag_days")

# Each live mention under '' and under each brand it names. DISTINCT: a brand listed twice
# in the JSON counts once; brands differing only in case meet in the NOCASE key below.
_KEYED = """
WITH live AS (
    SELECT seq, brands, published_at, source, source_type, coalesce(lang, '') AS lang,
        sentiment_label, complaint
    FROM mentions WHERE deleted_at IS NULL
),
keyed AS (
    SELECT '' AS brand, seq, published_at, source, source_type, lang, sentiment_label, complaint
    FROM live
    UNION ALL
    SELECT DISTINCT b.value, live.seq, live.published_at, live.source, live.source_type,
        live.lang, live.sentiment_label, live.complaint
    FROM live, json_each(live.brands) b
)
"""
# GROUP BY compares brands as written (BINARY) while the key is NOCASE: "Acme" and "ACME"
# arrive as two groups and the upsert adds the second to the first.
_FILL_HOURS = (
    _KEYED
    + """
INSERT INTO rollup_hours (brand, hour, source, source_type, lang, sentiment, complaint, mentions)
SELECT brand, substr(published_at, 1, 13), source, source_type, lang, sentiment_label, complaint,
    count(*)
FROM keyed GROUP BY 1, 2, 3, 4, 5, 6, 7
ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions
"""
)
_FILL_DAYS = """
INSERT INTO rollup_days (brand, day, source, source_type, lang, sentiment, complaint, mentions)
SELECT brand, substr(hour, 1, 10), source, source_type, lang, sentiment, complaint, sum(mentions)
FROM rollup_hours GROUP BY 1, 2, 3, 4, 5, 6, 7
ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions
"""
_FILL_TAG_HOURS = """
WITH live AS (
    SELECT m.seq, m.brands, m.published_at, t.kind, t.value
    FROM mention_tags t JOIN mentions m ON m.id = t.mention_id
    WHERE t.kind IN ('topic', 'feeling') AND m.deleted_at IS NULL
),
keyed AS (
    SELECT '' AS brand, seq, published_at, kind, value FROM live
    UNION ALL
    SELECT DISTINCT b.value, live.seq, live.published_at, live.kind, live.value
    FROM live, json_each(live.brands) b
)
INSERT INTO rollup_tag_hours (brand, hour, kind, value, mentions)
SELECT brand, substr(published_at, 1, 13), kind, value, count(*)
FROM keyed GROUP BY 1, 2, 3, 4
ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions
"""
_FILL_TAG_DAYS = """
INSERT INTO rollup_tag_days (brand, day, kind, value, mentions)
SELECT brand, substr(hour, 1, 10), kind, value, sum(mentions)
FROM rollup_tag_hours GROUP BY 1, 2, 3, 4
ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions
"""


def rebuild_rollups(conn: sqlite3.Connection) -> None:
    """Empty the rollup tables and count them again from the mentions, in the caller's
    transaction (a reader sees the old counts or the new, never none)."""
    for table in ROLLUP_TABLES:
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 - names from ROLLUP_TABLES
    for statement in (_FILL_HOURS, _FILL_DAYS, _FILL_TAG_HOURS, _FILL_TAG_DAYS):
        conn.execute(statement)
