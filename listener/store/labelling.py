"""People's complaint labels and the brands' learned complaint models: SQL and row mapping.

A label is a person's verdict on one mention; it outranks every judge, so storing one also
rewrites the mention's complaint judgment (``person_verdict``). The models are opaque bytes
to the store: ``listener.judging`` trains, serialises and reads them.
"""

from __future__ import annotations

import dataclasses
import sqlite3

from listener.models import Judgments, Mention
from listener.store import rollups, rows
from listener.store.base import LabelledMention, StoredModel, UnknownMention
from listener.store.rows import parse_ts, row_to_mention

PERSON = "person"  # complaint_by when a person decided
_MARKED = ("marked a complaint by ", "marked not a complaint by ")

UPSERT_LABEL = """
INSERT INTO complaint_labels (mention_id, is_complaint, labeled_at, labeled_by)
VALUES (?, ?, ?, ?)
ON CONFLICT (mention_id) DO UPDATE SET
    is_complaint = excluded.is_complaint,
    labeled_at = excluded.labeled_at,
    labeled_by = excluded.labeled_by
"""
# The label's columns are renamed so they cannot shadow a mention column of the same name.
# Tombstones are left out: their words are gone, and a model must not learn from blanks.
# CROSS JOIN keeps the few labels in the outer loop: with a brand's EXISTS filter SQLite
# otherwise scanned every mention for the labelled ones (1.2 s per label at 1M mentions).
SELECT_LABELLED = """
SELECT m.*, l.is_complaint AS label_is_complaint, l.labeled_at AS label_at,
       l.labeled_by AS label_by
FROM complaint_labels l CROSS JOIN mentions m ON m.id = l.mention_id
WHERE m.deleted_at IS NULL"""
LABELLED_BRAND = (
    " AND EXISTS (SELECT 1 FROM mention_brands b WHERE b.mention_id = m.id AND b.brand = ?)"
)
LABELLED_ORDER = " ORDER BY l.labeled_at, m.seq"

UPSERT_MODEL = """
INSERT OR REPLACE INTO complaint_models (brand, trained_at, labels, positives, model)
VALUES (?, ?, ?, ?, ?)
"""
SELECT_MODELS = "SELECT * FROM complaint_models ORDER BY brand"


def person_verdict(j: Judgments, is_complaint: bool, by: str) -> Judgments:
    """``j`` with the complaint decided by a person: their verdict leads the evidence, an
    earlier person's verdict is dropped, and what the judges had found stays below it."""
    marked = f"marked {'a complaint' if is_complaint else 'not a complaint'} by {by}"
    earlier = tuple(line for line in j.complaint_evidence if not line.startswith(_MARKED))
    return dataclasses.replace(
        j,
        complaint=is_complaint,
        complaint_score=1.0 if is_complaint else 0.0,
        complaint_by=PERSON,
        complaint_evidence=(marked, *earlier),
    )


def row_to_labelled(row: sqlite3.Row) -> LabelledMention:
    return LabelledMention(
        mention=row_to_mention(row),
        is_complaint=bool(row["label_is_complaint"]),
        labeled_at=parse_ts(row["label_at"]),
        labeled_by=row["label_by"],
    )


def row_to_model(row: sqlite3.Row) -> StoredModel:
    return StoredModel(
        brand=row["brand"],
        model=bytes(row["model"]),
        labels=row["labels"],
        positives=row["positives"],
        trained_at=parse_ts(row["trained_at"]),
    )


def mention_on(conn: sqlite3.Connection, mention_id: str) -> Mention:
    row = conn.execute(rows.SELECT_MENTION, (mention_id,)).fetchone()
    if row is None:
        raise UnknownMention(mention_id)
    return rows.row_to_mention(row)


def write_judgments_on(
    conn: sqlite3.Connection, mention_id: str, judgments: Judgments, *, with_rollups: bool
) -> None:
    """Rewrite a mention's judgments: JSON, flat columns and tags, inside the caller's
    transaction (so a search never sees new columns with old tags). The columns' counts
    move by trigger; the tags' by ``rollups.rewrite_tags`` (when the store has rollups)."""
    conn.execute(rows.UPDATE_JUDGMENTS, (*rows.judgment_columns(judgments), mention_id))
    tag_rows = rows.tag_rows(mention_id, judgments)
    rollups.rewrite_tags(conn, mention_id, tag_rows, counted=with_rollups)
