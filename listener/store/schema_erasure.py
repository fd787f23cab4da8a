"""Schema 16: erasure and retention: opaque tombstones of erased ids and the audit of
erasures (issue 18).

``erased_ids`` holds HMAC-SHA256(key, mention id) of every mention erased or pruned, so
the dedupe lookups can tell a re-served post from a new one without the id itself being
kept (``listener.store.erasure_marks``). The key is random per store (``randomblob``), made
once here: a plain SHA-256 of an id such as ``x:1790…`` could be confirmed by anyone who
guesses the id and hashes it, also from a copy of the table alone (an export, a log).
``erasures`` is the audit: who asked, when, why, how many rows of each kind; never a handle,
name or word of the person.

Part of ``listener.store.schema``'s ordered migrations (shipped: never edit, append).
"""

from __future__ import annotations

ERASURE_SCHEMA = 16
_V16: tuple[str, ...] = (
    """CREATE TABLE erasure_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        key BLOB NOT NULL
    )""",
    "INSERT INTO erasure_key (id, key) VALUES (1, randomblob(32))",
    """CREATE TABLE erased_ids (
        digest TEXT PRIMARY KEY
    ) WITHOUT ROWID""",
    """CREATE TABLE erasures (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        scope TEXT NOT NULL CHECK (scope IN ('author', 'person', 'retention')),
        asked_by TEXT NOT NULL,
        reason TEXT NOT NULL,
        counts TEXT NOT NULL
    )""",
    "CREATE INDEX erasures_at ON erasures(at)",
)

# Schema 20: the rollup counts of pruned and erased mentions, per hour, so `listener rollups
# rebuild` and `check` (which count the live mentions) add them in instead of dropping them
# or calling them corruption (listener.store.rollup_rebuild.keep_counts_on). Days are sums
# of hours, as the rebuild makes them. Counts pruned or erased before schema 20 are not
# here: docs/privacy.md says so.
KEPT_ROLLUPS_SCHEMA = 20
_V20: tuple[str, ...] = (
    """CREATE TABLE rollup_kept_hours (
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
    """CREATE TABLE rollup_kept_tag_hours (
        brand TEXT NOT NULL COLLATE NOCASE,
        hour TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        mentions INTEGER NOT NULL,
        PRIMARY KEY (brand, hour, kind, value)
    ) WITHOUT ROWID""",
)

ERASURE_MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = ((ERASURE_SCHEMA, _V16),)
ERASURE_LATE_MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = ((KEPT_ROLLUPS_SCHEMA, _V20),)
