"""Schema 21: the Elasticsearch engine's journal in each daemon's SQLite file.

``index_outbox`` is the queue of mentions the shared index has yet to receive: one row per
local write to a mention row (``op``: 'create' for an insert, 'index' for a change,
'delete' for a row deleted by erasure or retention). Its rows are written by TEMP triggers
that only ``ElasticStore`` installs on its writer connection
(``listener.store.elasticsearch.outbox``), so the table stays empty on the embedded engine
and every existing write path queues with no change to it.

``index_rejected`` parks the mentions the cluster refused for good (a mapping error is
answered the same way on every retry): kept with the reason for ``listener check`` and the
web, sent again only when the mention changes.

``index_writer`` holds one random key per store file: the name under which this daemon
claims dedupe keys in ``<prefix>-keys`` (``documents.writer_id_for``), so a claim found
after a crash is recognised as its own.
"""

from __future__ import annotations

INDEX_SCHEMA = 21

_V21: tuple[str, ...] = (
    """CREATE TABLE index_outbox (
        seq INTEGER PRIMARY KEY,
        mention_id TEXT NOT NULL,
        op TEXT NOT NULL CHECK (op IN ('create', 'index', 'delete')),
        queued_at TEXT
    )""",
    # A drain acknowledges a mention's rows up to the seq it read (mention_id, seq <= ?).
    "CREATE INDEX index_outbox_mention ON index_outbox(mention_id, seq)",
    """CREATE TABLE index_rejected (
        mention_id TEXT PRIMARY KEY,
        status INTEGER NOT NULL,
        reason TEXT NOT NULL,
        rejected_at TEXT NOT NULL
    )""",
    """CREATE TABLE index_writer (
        only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
        store_key BLOB NOT NULL
    )""",
    "INSERT INTO index_writer (only_row, store_key) VALUES (1, randomblob(16))",
)

INDEX_MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = ((INDEX_SCHEMA, _V21),)
