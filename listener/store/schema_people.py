"""Schema 15: people, their linked accounts and the profile keys that suggest links (issue 18).

Part of ``listener.store.schema``'s ordered migrations (shipped: never edit, append).

An account is keyed as the authors table keys it, ``(source_type, handle_key)`` (the handle
lowercased, '@' dropped), so erasure finds every row about an author by that pair. An account
belongs to at most one person (the primary key). A dismissal keeps its pair ordered, the
smaller account first, so "a with b" and "b with a" are one row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

PEOPLE_SCHEMA = 15
_V15: tuple[str, ...] = (
    """CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        name TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        note TEXT,
        origin TEXT NOT NULL CHECK (origin IN ('hand', 'settings')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE person_accounts (
        source_type TEXT NOT NULL COLLATE NOCASE,
        handle_key TEXT NOT NULL,
        handle TEXT NOT NULL,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        linked_at TEXT NOT NULL,
        linked_by TEXT NOT NULL,
        PRIMARY KEY (source_type, handle_key)
    ) WITHOUT ROWID""",
    "CREATE INDEX person_accounts_person ON person_accounts(person_id, linked_at)",
    """CREATE TABLE person_dismissals (
        a_type TEXT NOT NULL COLLATE NOCASE,
        a_key TEXT NOT NULL,
        b_type TEXT NOT NULL COLLATE NOCASE,
        b_key TEXT NOT NULL,
        dismissed_by TEXT NOT NULL,
        dismissed_at TEXT NOT NULL,
        PRIMARY KEY (a_type, a_key, b_type, b_key)
    ) WITHOUT ROWID""",
    "CREATE INDEX person_dismissals_b ON person_dismissals(b_type, b_key)",
    # What the newest profile seen says; profile_at (its mention's fetch time) decides
    # "newest" as followers_at does for the follower count.
    "ALTER TABLE authors ADD COLUMN bio TEXT",
    "ALTER TABLE authors ADD COLUMN links TEXT",
    "ALTER TABLE authors ADD COLUMN created_at TEXT",
    "ALTER TABLE authors ADD COLUMN following INTEGER",
    "ALTER TABLE authors ADD COLUMN posts INTEGER",
    "ALTER TABLE authors ADD COLUMN profile_at TEXT",
    # Any type's record of a handle: "a profile names @jane" looks the handle up everywhere.
    "CREATE INDEX authors_handle ON authors(handle_key)",
    # kind: 'site' (a profile link's host, or host/user on a shared host), 'email' (an
    # email address's domain, free mail left out), 'names' (a handle the profile names).
    """CREATE TABLE author_keys (
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        source_type TEXT NOT NULL,
        handle_key TEXT NOT NULL,
        PRIMARY KEY (kind, value, source_type, handle_key)
    ) WITHOUT ROWID""",
    "CREATE INDEX author_keys_author ON author_keys(source_type, handle_key)",
)

PEOPLE_MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = ((PEOPLE_SCHEMA, _V15),)

# Schema 19, its own step (every dev and trial store is at 15 or later already): merges and
# the suggestions table, filled from the stored profile keys (a full scan, once: 3.4-6.7 s
# on the review's store of a million mentions and 100,000 authors with keys).
PEOPLE_SUGGESTIONS_SCHEMA = 19
_V19_TABLES: tuple[str, ...] = (
    # Who merged which person into which (a "Link" on two people's accounts, asked for
    # explicitly): the merged person's row is gone, its id stays here for the record.
    """CREATE TABLE person_merges (
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        merged_id INTEGER NOT NULL,
        merged_by TEXT NOT NULL,
        merged_at TEXT NOT NULL
    )""",
    "CREATE INDEX person_merges_person ON person_merges(person_id)",
    # The open suggestions, kept up to date as profile keys, links and dismissals change
    # (listener.store.people_suggest_table): /people reads its top rows by the index instead of
    # grouping every key at each view. A pair is two rows, one keyed by each account as every
    # author-keyed table is, so erasing either account finds it; the trigger drops the mirror.
    # ``leads`` is 1 on the row whose account sorts first: the list reads those. ``evidence``
    # is a JSON list of the reasons in words, ``weight`` their sum.
    """CREATE TABLE person_suggestions (
        source_type TEXT NOT NULL,
        handle_key TEXT NOT NULL,
        other_type TEXT NOT NULL,
        other_key TEXT NOT NULL,
        leads INTEGER NOT NULL CHECK (leads IN (0, 1)),
        weight INTEGER NOT NULL,
        evidence TEXT NOT NULL,
        PRIMARY KEY (source_type, handle_key, other_type, other_key)
    ) WITHOUT ROWID""",
    "CREATE INDEX person_suggestions_rank ON person_suggestions"
    "(weight DESC, source_type, handle_key, other_type, other_key) WHERE leads = 1",
    """CREATE TRIGGER person_suggestions_mirror AFTER DELETE ON person_suggestions BEGIN
        DELETE FROM person_suggestions WHERE source_type = old.other_type
            AND handle_key = old.other_key AND other_type = old.source_type
            AND other_key = old.handle_key;
    END""",
)


def _v19(conn: sqlite3.Connection) -> None:
    # Imported here: the suggestion code reads the people tables this module defines.
    from listener.store.people_suggest_table import rebuild_suggestions_on

    for statement in _V19_TABLES:
        conn.execute(statement)
    rebuild_suggestions_on(conn)


PEOPLE_LATE_MIGRATIONS: tuple[tuple[int, Callable[[sqlite3.Connection], None]], ...] = (
    (PEOPLE_SUGGESTIONS_SCHEMA, _v19),
)
