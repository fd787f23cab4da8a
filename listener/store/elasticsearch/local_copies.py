"""Mentions from the shared index written into a daemon's SQLite file as the index holds them.

Two callers: ``listener reindex --to sqlite`` (the cluster's mentions into a plain SQLite
file) and ``ElasticStore`` before it labels or re-judges a mention another daemon stored (the
label lives in this daemon's file, ``complaint_labels``, where its complaint model learns
from it, and the outbox sends the labelled document from the local row).
"""

from __future__ import annotations

from collections.abc import Sequence

from listener.models import Mention
from listener.store.sqlite import SQLiteStore


def store_as_indexed(store: SQLiteStore, mentions: Sequence[Mention]) -> set[str]:
    """Write ``mentions`` into ``store``'s file; return the ids that were there already.

    No recheck and no alert rules: the index already deduplicated them, and history brought
    in raises no alert. The file's own insert (``SQLiteStore.insert_mentions``, also on an
    ElasticStore): the daemon that stored a mention holds its dedupe claims in the cluster,
    so claiming them again here would refuse it."""
    known = store.existing_ids(m.id for m in mentions)
    SQLiteStore.insert_mentions(store, [m for m in mentions if m.id not in known])
    # The insert marks a copy only when it is live (near_prints.write_prints_on): a
    # tombstoned copy keeps its mark here as it did on the daemon that stored it. Again
    # on a repeated page (a crash before its checkpoint): only where still unset.
    marks = [(m.copy_of, m.id) for m in mentions if m.deleted_at and m.copy_of]
    if marks:
        with store._write() as conn:
            conn.executemany(
                "UPDATE mentions SET copy_of = ? WHERE id = ? AND copy_of IS NULL", marks
            )
    return known
