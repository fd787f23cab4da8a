"""Schema 6–9: the store at scale — what keeps follow-ups, alert rules and batched writes
cheap as a store grows to millions of mentions and an incident piles up open alerts.

- 6: open-alert links by author and thread, kept by triggers; ``html`` may be NULL;
- 7: a new mention's FTS row written by ``insert_mentions``, not by a trigger;
- 8: the unused ``mentions_content_hash`` index dropped;
- 9: a covering partial index of live negative mentions, for the spike rule's counts;
- 10: ``mention_filters``, the columns ranked search filters on, one narrow row per live mention.

Part of ``listener.store.schema``'s ordered migrations (shipped: never edit, append).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from listener.store.base import StoreError

# The open alerts each author and thread has, for folding a follow-up into its alert: without
# them the lookup read every open alert of the brand and, for each, the author's mentions —
# cost ∝ open alerts × history, worst during an incident. Kept by triggers, so every way an
# alert gains mentions or changes state (the rules, the CLI, the web app) keeps them right
# in the same transaction. An alert is in thread T when one of its mentions is in T
# (thread_id), is T (native_id) or replied to T (parent_id): see SqliteAlertTx.
# The open states are written out: a new open state needs a migration of these triggers.
_V6_LINKS: tuple[str, ...] = (
    # Collations as in mentions: a follow-up's source type and handle compare without case.
    """CREATE TABLE open_alert_authors (
        source_type TEXT NOT NULL COLLATE NOCASE,
        handle TEXT NOT NULL COLLATE NOCASE,
        alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        PRIMARY KEY (source_type, handle, alert_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX open_alert_authors_alert ON open_alert_authors(alert_id)",
    """CREATE TABLE open_alert_threads (
        thread TEXT NOT NULL,
        alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        PRIMARY KEY (thread, alert_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX open_alert_threads_alert ON open_alert_threads(alert_id)",
    """CREATE TRIGGER alert_mentions_open_links AFTER INSERT ON alert_mentions
    WHEN (SELECT state FROM alerts WHERE id = new.alert_id) IN ('new', 'acknowledged', 'replied')
    BEGIN
        INSERT OR IGNORE INTO open_alert_authors (source_type, handle, alert_id)
        SELECT source_type, author_handle, new.alert_id FROM mentions
        WHERE id = new.mention_id AND author_handle IS NOT NULL;
        INSERT OR IGNORE INTO open_alert_threads (thread, alert_id)
        SELECT t.value, new.alert_id
        FROM mentions m JOIN json_each(json_array(m.thread_id, m.native_id, m.parent_id)) t
        WHERE m.id = new.mention_id AND t.value IS NOT NULL;
    END""",
    """CREATE TRIGGER alerts_closed_links AFTER UPDATE OF state ON alerts
    WHEN old.state IN ('new', 'acknowledged', 'replied')
     AND new.state NOT IN ('new', 'acknowledged', 'replied')
    BEGIN
        DELETE FROM open_alert_authors WHERE alert_id = new.id;
        DELETE FROM open_alert_threads WHERE alert_id = new.id;
    END""",
    """CREATE TRIGGER alerts_reopened_links AFTER UPDATE OF state ON alerts
    WHEN old.state NOT IN ('new', 'acknowledged', 'replied')
     AND new.state IN ('new', 'acknowledged', 'replied')
    BEGIN
        INSERT OR IGNORE INTO open_alert_authors (source_type, handle, alert_id)
        SELECT m.source_type, m.author_handle, am.alert_id
        FROM alert_mentions am JOIN mentions m ON m.id = am.mention_id
        WHERE am.alert_id = new.id AND m.author_handle IS NOT NULL;
        INSERT OR IGNORE INTO open_alert_threads (thread, alert_id)
        SELECT t.value, am.alert_id
        FROM alert_mentions am JOIN mentions m ON m.id = am.mention_id
        JOIN json_each(json_array(m.thread_id, m.native_id, m.parent_id)) t
        WHERE am.alert_id = new.id AND t.value IS NOT NULL;
    END""",
    # The alerts open now.
    """INSERT OR IGNORE INTO open_alert_authors (source_type, handle, alert_id)
    SELECT m.source_type, m.author_handle, a.id
    FROM alerts a JOIN alert_mentions am ON am.alert_id = a.id
    JOIN mentions m ON m.id = am.mention_id
    WHERE a.state IN ('new', 'acknowledged', 'replied') AND m.author_handle IS NOT NULL""",
    """INSERT OR IGNORE INTO open_alert_threads (thread, alert_id)
    SELECT t.value, a.id
    FROM alerts a JOIN alert_mentions am ON am.alert_id = a.id
    JOIN mentions m ON m.id = am.mention_id
    JOIN json_each(json_array(m.thread_id, m.native_id, m.parent_id)) t
    WHERE a.state IN ('new', 'acknowledged', 'replied') AND t.value IS NOT NULL""",
)


def _v6(conn: sqlite3.Connection) -> None:
    """Schema 6: ``html`` may be NULL ("the same as the text": most posts are plain text,
    and a copy of every tweet was a quarter of the file), and the open-alert links.

    Dropping a NOT NULL constraint changes no stored record, so it is the schema text
    alone that changes, by the procedure SQLite documents for it
    (https://sqlite.org/lang_altertable.html#otheralter) — instant, where rebuilding the
    table would rewrite every mention. Existing rows keep their html and their judgments
    JSON as written: reads take both forms, and rewriting a large store would hold the
    daemon at start for minutes.
    """
    (version,) = conn.execute("PRAGMA schema_version").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    try:
        changed = conn.execute(
            "UPDATE sqlite_master SET sql = replace(sql, 'html TEXT NOT NULL', 'html TEXT')"
            " WHERE type = 'table' AND name = 'mentions' AND sql LIKE '%html TEXT NOT NULL%'"
        ).rowcount
        conn.execute(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    if changed != 1:
        raise StoreError(
            "schema 6: the mentions table's html column is not as schema 1 made it, so the"
            " store was changed by hand; restore it from a backup, or move it aside and let"
            " listener start a new one"
        )
    for statement in _V6_LINKS:
        conn.execute(statement)


# A new mention's FTS row is written by insert_mentions itself, right after the mention,
# instead of by a trigger. Inside a trigger every INSERT INTO mentions is a statement with a
# savepoint, and FTS5 flushes its pending terms to disk at every savepoint: each mention
# became its own index segment, to be merged again and again — 60 µs of a mention's 80 µs
# insert on an empty store, and growing with the index. Edits and deletions keep their
# triggers: they are rare, and each must remove exactly the old tokens.
_V7: tuple[str, ...] = ("DROP TRIGGER mentions_ai",)

# No query reads mentions by content_hash (reposts are found in content_hashes, per brand
# and recent), yet its index took a random page write per new mention: on a large store a
# batch's commit writes out a page per random-keyed index entry, and this was one of five.
_V8: tuple[str, ...] = ("DROP INDEX mentions_content_hash",)

# The spike rule counts a brand's negative mentions over its baseline (14 days) at every
# batch: through mentions_sentiment each one cost a table row read. The live negative
# mentions by time, with their ids for the brand check, answer it from the index alone, a
# third of the time. SQLite keeps a partial index right through edits and tombstones.
# rule_reads names it (INDEXED BY): without statistics the planner prefers the other.
_V9: tuple[str, ...] = (
    # The label and tombstone columns too, though constant here: the query names them, and
    # an index without them would send it to each mention's row after all.
    "CREATE INDEX mentions_negative ON mentions(published_at, id, sentiment_label, deleted_at)"
    " WHERE sentiment_label = 'negative' AND deleted_at IS NULL",
)


# Ranked search walks a word's matches newest first and checks each match's filters: on its
# mentions row that check read a wide record (text, JSON, URLs) for a few columns, about
# 1.4 µs a match, and a filter that keeps few of many matches walks them all (60 ms at 1M
# for a mid-frequency word with a brand, a sentiment and 14 days). Here the same columns
# sit in rows of ~60 bytes keyed by the mention's seq, with the brands in the row instead
# of a lookup in mention_brands per match. Only live mentions have a row: a tombstone's
# row is deleted, so "not deleted" is the join itself.
# insert_mentions writes a new mention's row itself (rows.INSERT_FILTERS, like its FTS row,
# schema 7); every later change of these columns (judgments rewritten, a person's label,
# an edit, a tombstone) goes through the triggers, whichever code path makes it.
# brand_keys: each brand between separators, "<31>acme<31>globex<31>" (a lone <31> for
# none), so a search for "<31>key<31>" finds a whole brand. A key is the brand lowercased
# as COLLATE NOCASE compares (lower() and NOCASE both fold ASCII only), with the separator
# (char 31) and the escape (char 30) escaped, so no key contains a separator. The same
# expression is written in the fill, the trigger, rows.INSERT_FILTERS and the search.
FILTERS_SCHEMA = 10
_V10: tuple[str, ...] = (
    # Collations as in mentions: source and language filters compare without case.
    """CREATE TABLE mention_filters (
        seq INTEGER PRIMARY KEY REFERENCES mentions(seq) ON DELETE CASCADE,
        published_at TEXT NOT NULL,
        source TEXT NOT NULL COLLATE NOCASE,
        source_type TEXT NOT NULL COLLATE NOCASE,
        lang TEXT COLLATE NOCASE,
        sentiment_label TEXT NOT NULL,
        complaint INTEGER NOT NULL,
        urgency TEXT NOT NULL,
        brand_keys TEXT NOT NULL
    )""",
    """INSERT INTO mention_filters (seq, published_at, source, source_type, lang,
        sentiment_label, complaint, urgency, brand_keys)
    SELECT seq, published_at, source, source_type, lang, sentiment_label, complaint, urgency,
        coalesce((SELECT char(31) || group_concat(replace(replace(lower(value),
            char(30), char(30) || 'e'), char(31), char(30) || 's'), char(31)) || char(31)
            FROM json_each(brands)), char(31))
    FROM mentions WHERE deleted_at IS NULL""",
    # OR REPLACE: the row is rewritten whole, and written again should a mention ever
    # come back from a tombstone.
    """CREATE TRIGGER mentions_filters_changed AFTER UPDATE OF published_at, source,
        source_type, lang, sentiment_label, complaint, urgency, brands, deleted_at ON mentions
    WHEN new.deleted_at IS NULL
    BEGIN
        INSERT OR REPLACE INTO mention_filters (seq, published_at, source, source_type, lang,
            sentiment_label, complaint, urgency, brand_keys)
        VALUES (new.seq, new.published_at, new.source, new.source_type, new.lang,
            new.sentiment_label, new.complaint, new.urgency,
            coalesce((SELECT char(31) || group_concat(replace(replace(lower(value),
                char(30), char(30) || 'e'), char(31), char(30) || 's'), char(31)) || char(31)
                FROM json_each(new.brands)), char(31)));
    END""",
    """CREATE TRIGGER mentions_filters_tombstoned AFTER UPDATE OF deleted_at ON mentions
    WHEN new.deleted_at IS NOT NULL
    BEGIN
        DELETE FROM mention_filters WHERE seq = new.seq;
    END""",
)

# Appended to listener.store.schema.MIGRATIONS, in order.
SCALE_MIGRATIONS: tuple[tuple[int, tuple[str, ...] | Callable[[sqlite3.Connection], None]], ...] = (
    (6, _v6), (7, _V7), (8, _V8), (9, _V9), (FILTERS_SCHEMA, _V10),
)  # fmt: skip
