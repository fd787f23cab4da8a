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


# A mention's brands as rollup keys: '' (all brands) and each distinct brand it names,
# distinct without case as the NOCASE key (and mention_brands, and so search) compares them,
# as rollup_rebuild's "keyed" counts them. {m} is old or new.
_BRANDS_OF = (
    "(SELECT '' AS brand UNION ALL SELECT DISTINCT value COLLATE NOCASE FROM json_each({m}.brands))"
)


def _count_rows(m: str, delta: str) -> str:
    """Add ``delta`` to the hour and day rows of mention ``m`` (old or new), when live."""
    keys = (
        f"{m}.source, {m}.source_type, coalesce({m}.lang, ''), {m}.sentiment_label, {m}.complaint"
    )
    return "\n".join(
        f"""INSERT INTO rollup_{table} (brand, {unit}, source, source_type, lang, sentiment,
            complaint, mentions)
        SELECT b.brand, substr({m}.published_at, 1, {width}), {keys}, {delta}
        FROM {_BRANDS_OF.format(m=m)} b WHERE {m}.deleted_at IS NULL
        ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions;"""  # noqa: S608
        for table, unit, width in (("hours", "hour", 13), ("days", "day", 10))
    )


def _tag_rows(m: str, delta: str) -> str:
    """Add ``delta`` to the tag rows of mention ``m``'s topics and feelings, when live."""
    return "\n".join(
        f"""INSERT INTO rollup_tag_{table} (brand, {unit}, kind, value, mentions)
        SELECT b.brand, substr({m}.published_at, 1, {width}), t.kind, t.value, {delta}
        FROM mention_tags t, {_BRANDS_OF.format(m=m)} b
        WHERE t.mention_id = {m}.id AND t.kind IN ('topic', 'feeling') AND {m}.deleted_at IS NULL
        ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions;"""  # noqa: S608
        for table, unit, width in (("hours", "hour", 13), ("days", "day", 10))
    )


def _emptied(tables: tuple[tuple[str, str, int], ...]) -> str:
    """Delete the rows old's subtraction brought to 0: a recount has no row there, and the
    (brand, hour|day) prefix of the key finds them without a scan."""
    return "\n".join(
        f"""DELETE FROM rollup_{table} WHERE old.deleted_at IS NULL
            AND brand IN (SELECT '' UNION ALL SELECT value FROM json_each(old.brands))
            AND {unit} = substr(old.published_at, 1, {width}) AND mentions = 0;"""  # noqa: S608
        for table, unit, width in tables
    )


_LIVE_CHANGED = "(old.deleted_at IS NULL) IS NOT (new.deleted_at IS NULL)"
_EITHER_LIVE = "(old.deleted_at IS NULL OR new.deleted_at IS NULL)"
_HOUR_CHANGED = "substr(old.published_at, 1, 13) IS NOT substr(new.published_at, 1, 13)"
# Later changes of what a rollup counts, whichever code makes them: the old keys lose the
# mention (if it was live), the new ones gain it (if it is). The WHEN clauses skip updates
# that leave every counted value as it was (update_judgments rewrites the columns each
# time). No trigger on DELETE: a mention removed outright (retention) keeps its counts.
# New mentions are counted by insert_mentions itself, and rewritten tags by the code that
# rewrites them (listener.store.rollups says why).
_TRIGGERS: tuple[str, ...] = (
    f"""CREATE TRIGGER mentions_rollups_counted AFTER UPDATE OF published_at, source,
        source_type, lang, sentiment_label, complaint, brands, deleted_at ON mentions
    WHEN {_EITHER_LIVE} AND ({_LIVE_CHANGED} OR {_HOUR_CHANGED}
        OR old.source IS NOT new.source OR old.source_type IS NOT new.source_type
        OR coalesce(old.lang, '') IS NOT coalesce(new.lang, '')
        OR old.sentiment_label IS NOT new.sentiment_label
        OR old.complaint IS NOT new.complaint OR old.brands IS NOT new.brands)
    BEGIN
        {_count_rows("old", "-1")}
        {_emptied((("hours", "hour", 13), ("days", "day", 10)))}
        {_count_rows("new", "1")}
    END""",
    # The mention's tags as they stand: an edit changes brands here before it rewrites the
    # tags, and the rewrite then counts under the new brands.
    f"""CREATE TRIGGER mentions_rollups_tags_moved AFTER UPDATE OF published_at, brands,
        deleted_at ON mentions
    WHEN {_EITHER_LIVE} AND ({_LIVE_CHANGED} OR {_HOUR_CHANGED} OR old.brands IS NOT new.brands)
    BEGIN
        {_tag_rows("old", "-1")}
        {_emptied((("tag_hours", "hour", 13), ("tag_days", "day", 10)))}
        {_tag_rows("new", "1")}
    END""",
)


# What the dashboard ranks, so no panel reads a whole range (listener.store.stats.people,
# .response): live mentions by reach and by engagement (likes + shares + replies, the
# expression written as people.ENGAGEMENT writes it), newest first among equals; the
# alerts' response columns beside their creation time, so a range's alerts are read from
# the index without their wide rows (details, drafts).
_INDEXES: tuple[str, ...] = (
    "CREATE INDEX mentions_reach ON mentions(reach, published_at) WHERE deleted_at IS NULL",
    "CREATE INDEX mentions_engaged ON mentions("
    "(coalesce(json_extract(engagement, '$.likes'), 0)"
    " + coalesce(json_extract(engagement, '$.shares'), 0)"
    " + coalesce(json_extract(engagement, '$.replies'), 0)), published_at)"
    " WHERE deleted_at IS NULL",
    "CREATE INDEX alerts_response ON alerts(created_at, kind, brand, severity, state,"
    " assignee, acknowledged_at, replied_at, closed_at)",
)


def _v12(conn: sqlite3.Connection) -> None:
    for statement in (*_TABLES, *_TRIGGERS, *_INDEXES):
        conn.execute(statement)
    # A store from before rollups gets them counted from its mentions, in the migration's
    # transaction: the dashboard never sees an empty or half-counted store.
    rebuild_rollups(conn)


ROLLUPS_SCHEMA = 12
STATS_MIGRATIONS = ((ROLLUPS_SCHEMA, _v12),)
