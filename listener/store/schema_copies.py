"""Schema 17: near-duplicate clusters: each mention's fingerprint within the dedupe
window and its cluster head (issue 18); schema 18: the copy a copy event names.

Part of ``listener.store.schema``'s ordered migrations (shipped: never edit, append).
"""

from __future__ import annotations

COPIES_SCHEMA = 17
_V17: tuple[str, ...] = (
    # The head's id, not a foreign key: a head erased or pruned leaves its copies as they
    # are (stored, marked, never alerting); the pages list a head's live copies by this.
    "ALTER TABLE mentions ADD COLUMN copy_of TEXT",
    "CREATE INDEX mentions_copy_of ON mentions(copy_of) WHERE copy_of IS NOT NULL",
    # A mention's sketch (listener.fingerprint), kept for the dedupe window only: a later
    # near-copy is compared with it. Deleting the mention deletes it.
    """CREATE TABLE near_prints (
        seq INTEGER PRIMARY KEY REFERENCES mentions(seq) ON DELETE CASCADE,
        seen_at TEXT NOT NULL,
        sketch BLOB NOT NULL,
        numbers TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX near_prints_seen ON near_prints(seen_at)",
    # Its LSH band keys: a new mention's candidates are the prints sharing a key.
    """CREATE TABLE near_bands (
        band_key INTEGER NOT NULL,
        seq INTEGER NOT NULL REFERENCES near_prints(seq) ON DELETE CASCADE,
        PRIMARY KEY (band_key, seq)
    ) WITHOUT ROWID""",
    "CREATE INDEX near_bands_seq ON near_bands(seq)",
)

# Schema 18: an alert event about one mention (a copy's "also on" event) names it here, so
# a page can link it; erasing or pruning that mention deletes the event with it (indexed: a
# deleted mention's events are found without a scan). Its own step, not part of 17, so a
# database already at 17 gains it.
COPY_EVENTS_SCHEMA = 18
_V18: tuple[str, ...] = (
    "ALTER TABLE alert_events ADD COLUMN mention_id TEXT REFERENCES mentions(id) ON DELETE CASCADE",
    "CREATE INDEX alert_events_mention ON alert_events(mention_id)",
    # Events written before read "also on <source>: <id>": the id moves to its column
    # (where its mention is still stored: the foreign key holds).
    """UPDATE alert_events
    SET mention_id = substr(detail, instr(detail, ': ') + 2),
        detail = substr(detail, 1, instr(detail, ': ') - 1)
    WHERE what = 'copy' AND detail LIKE 'also on %: %'
        AND substr(detail, instr(detail, ': ') + 2) IN (SELECT id FROM mentions)""",
)

COPIES_MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (COPIES_SCHEMA, _V17),
    (COPY_EVENTS_SCHEMA, _V18),
)
