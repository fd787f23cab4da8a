"""Schema 12: rollups, the counts the dashboard reads instead of the mention table.

Four tables of counts of *live* mentions (a tombstone counts nowhere, as search shows
none), keyed by the published hour or day in UTC:

- ``rollup_hours`` / ``rollup_days``: per brand × source × language × sentiment × complaint;
- ``rollup_tag_hours`` / ``rollup_tag_days``: per brand × topic or feeling.

``brand`` is the brand's name, or ``''`` for "all brands", where a mention naming two
brands counts once (summing the brands' rows would count it twice). ``source_type`` rides
along with ``source``: a source's name fixes its type, so it adds no rows, and search's
source filter matches either. ``lang`` is ``''`` when the language is not known.

How the counts are kept exact through inserts, edits, tombstones and labels is
``listener.store.rollups``'s concern; ``listener.store.rollup_rebuild`` recomputes them
from the mentions (the fill below, ``listener rollups rebuild`` and the check).

Part of ``listener.store.schema``'s ordered migrations (shipped: never edit, append).
"""

from __future__ import annotations

import sqlite3

from listener.store.rollup_rebuild import rebuild_rollups

_TABLES: tuple[str, ...] = (
    # Collations as in mentions: brand, source and language filters compare without case.
    """CREATE TABLE rollup_hours (
        brand TEXT NOT NULL COLLATE NOCASE,
        hour TEXT NOT NULL,
        source TEXT NOT NULL COLLATE NOCASE,
        source_type TEXT NOT NULL COLLATE NOCASE,
        lang TEXT NOT NULL COLLATE NOCASE,
        sentiment TEXT NOT NULL,
        complaint INTEGER NOT NULL,
        mentions INTEGER NOT NULL,
        PRIMARY KEY (brand, hour, source, source_type, lang, sentiment, complaint)
    ) WITHOUT ROWID""",
    """CREATE TABLE rollup_days (
        brand TEXT NOT NULL COLLATE NOCASE,
        day TEXT NOT NULL,
        source TEXT NOT NULL COLLATE NOCASE,
        source_type TEXT NOT NULL COLLATE NOCASE,
        lang TEXT NOT NULL COLLATE NOCASE,
        sentiment TEXT NOT NULL,
        complaint INTEGER NOT NULL,
        mentions INTEGER NOT NULL,
        PRIMARY KEY (brand, day, source, source_type, lang, sentiment, complaint)
    ) WITHOUT ROWID""",
    # kind: 'topic' or 'feeling' (flags are not charted).
    """CREATE TABLE rollup_tag_hours (
        brand TEXT NOT NULL COLLATE NOCASE,
        hour TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        mentions INTEGER NOT NULL,
        PRIMARY KEY (brand, hour, kind, value)
    ) WITHOUT ROWID""",
    """CREATE TABLE rollup_tag_days (
        brand TEXT NOT NULL COLLATE NOCASE,
        day TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        mentions INTEGER NOT NULL,
        PRIMARY KEY (brand, day, kind, value)
    ) WITHOUT ROWID""",
)


def _v12(conn: sqlite3.Connection) -> None:
    for statement in _TABLES:
        conn.execute(statement)
    # A store from before rollups gets them counted from its mentions, in the migration's
    # transaction: the dashboard never sees an empty or half-counted store.
    rebuild_rollups(conn)


ROLLUPS_SCHEMA = 12
STATS_MIGRATIONS = ((ROLLUPS_SCHEMA, _v12),)
