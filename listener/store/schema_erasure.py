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

ERASURE_MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = ((ERASURE_SCHEMA, _V16),)
