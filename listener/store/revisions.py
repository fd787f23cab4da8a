"""Edits and deletions of stored mentions on one SQLite connection (the writer's, inside
its transaction; ``mention_revisions_on`` also runs on readers).

Both writes are guarded in their ``WHERE`` clause rather than by an earlier read: two
pollers (or a ``poll --once`` beside the daemon) may hold the same edit, or an older one,
and the guard is what keeps an older edit from overwriting a newer one and a tombstone
from coming back to life. Changing ``title``/``body``/``handles``/``hashtags`` fires the
``mentions_au`` trigger, which reindexes the row for full-text search; changing a column
search filters on (language, judgments, brands) or setting ``deleted_at`` fires the schema-10
triggers, which rewrite or delete the mention's ``mention_filters`` row in the same update,
and the schema-12 triggers, which move its rollup counts (``listener.store.rollups``).
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime

from listener.models import Finding, Judgments, Mention
from listener.store import labelling, letters, rollups, rows
from listener.store.base import Revision

_SELECT_REVISIONS = (
    "SELECT id, edited_at, deleted_at FROM mentions WHERE id IN (SELECT value FROM json_each(?))"
)
_SELECT_LIVE_JUDGMENTS = (
    "SELECT id, judgments FROM mentions"
    " WHERE id IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL"
)
# Same judgment columns, same order as rows.judgment_columns. The author's identity goes
# with the words (issue 18): handle, name, profile link, audience, the indexed author column,
# and the post's URLs, which often hold the handle. The id stays so the post never comes
# back; the authors row keeps its count, which says the person wrote so many times, not what.
_TOMBSTONE = """
UPDATE mentions SET deleted_at = ?, title = '', body = '', html = '', handles = '', hashtags = '',
    author = '', author_handle = NULL, author_name = NULL, author_url = NULL,
    author_followers = NULL, url = NULL, canonical_url = NULL,
    judgments = ?, sentiment = ?, sentiment_label = ?,
    complaint = ?, complaint_score = ?, urgency = ?, reach = ?
WHERE id = ? AND deleted_at IS NULL
"""
# Text order of rows.ts() values is time order, so "<" compares the edits' times.
_REVISE = """
UPDATE mentions SET title = ?, body = ?, html = ?, lang = ?, fetched_at = ?,
    engagement = ?, rating = ?, brands = ?, matched_terms = ?, content_hash = ?,
    handles = ?, hashtags = ?, edited_at = ?,
    judgments = ?, sentiment = ?, sentiment_label = ?,
    complaint = ?, complaint_score = ?, urgency = ?, reach = ?
WHERE id = ? AND deleted_at IS NULL AND (edited_at IS NULL OR edited_at < ?)
"""
_SELECT_LABEL = "SELECT is_complaint, labeled_by FROM complaint_labels WHERE mention_id = ?"
_UPSERT_HASH = """
INSERT INTO content_hashes (brand, content_hash, seen_at) VALUES (?, ?, ?)
ON CONFLICT (brand, content_hash) DO UPDATE SET seen_at = max(seen_at, excluded.seen_at)
"""


def mention_revisions_on(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, Revision]:
    found = conn.execute(_SELECT_REVISIONS, (json.dumps(list(ids), ensure_ascii=False),))
    return {
        r["id"]: Revision(
            rows.parse_ts_or_none(r["edited_at"]), rows.parse_ts_or_none(r["deleted_at"])
        )
        for r in found
    }


def withdrawn(j: Judgments) -> Judgments:
    """``j`` without evidence: evidence quotes the post ("sarcasm: 'nice work'…"), and the
    author withdrew those words. The conclusions stay for the history of trends."""
    return dataclasses.replace(
        j,
        sentiment_evidence=(),
        complaint_evidence=(),
        urgency_evidence=(),
        reach_evidence=(),
        feelings=_bare(j.feelings),
        topics=_bare(j.topics),
        flags=_bare(j.flags),
    )


def _bare(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    return tuple(Finding(f.name) for f in findings)


def tombstone_on(conn: sqlite3.Connection, ids: Iterable[str], at: datetime) -> int:
    live = conn.execute(_SELECT_LIVE_JUDGMENTS, (json.dumps(list(dict.fromkeys(ids))),)).fetchall()
    count = 0
    for row in live:
        judgments = withdrawn(rows.judgments_from_json(row["judgments"]))
        params = (rows.ts(at), *rows.judgment_columns(judgments), row["id"])
        count += conn.execute(_TOMBSTONE, params).rowcount
    return count


def revise_on(
    conn: sqlite3.Connection,
    mentions: Sequence[Mention],
    *,
    with_rollups: bool,
    with_letters: bool = False,
) -> int:
    """Apply the edits in ``mentions``; return how many were newer than the stored ones.
    ``with_rollups``: the store has rollups (schema 12), whose tag counts move here; the
    columns' counts move by trigger. ``with_letters``: the store has the letters index
    (schema 13), where the new text goes (the old went by trigger)."""
    count = 0
    for m in mentions:
        if m.edited_at is None:
            raise ValueError(f"revision of {m.id!r} has no edited_at")
        judgments = _with_label(conn, m.id, m.judgments)
        edited = rows.ts(m.edited_at)
        params = (
            m.title, m.text, rows.stored_html(m), m.language, rows.ts(m.fetched_at),
            rows.engagement_json(m), m.rating,
            rows.json_list(m.brands), rows.json_list(m.matched_terms), m.content_hash,
            *rows.words_columns(m), edited, *rows.judgment_columns(judgments), m.id, edited,
        )  # fmt: skip
        if conn.execute(_REVISE, params).rowcount != 1:
            continue
        count += 1
        if with_letters:
            letters.index_revised(conn, m.id)
        _rewrite_brands(conn, m)
        rollups.rewrite_tags(conn, m.id, rows.tag_rows(m.id, judgments), counted=with_rollups)
    return count


def _with_label(conn: sqlite3.Connection, mention_id: str, judgments: Judgments) -> Judgments:
    # A person's verdict outranks every judge, before an edit as after it.
    label = conn.execute(_SELECT_LABEL, (mention_id,)).fetchone()
    if label is None:
        return judgments
    return labelling.person_verdict(judgments, bool(label["is_complaint"]), label["labeled_by"])


def _rewrite_brands(conn: sqlite3.Connection, m: Mention) -> None:
    conn.execute("DELETE FROM mention_brands WHERE mention_id = ?", (m.id,))
    seen_at = rows.ts(m.fetched_at)
    for brand in dict.fromkeys(m.brands):
        conn.execute(
            "INSERT OR IGNORE INTO mention_brands (brand, mention_id) VALUES (?, ?)", (brand, m.id)
        )
        # The edited words are as much this mention's as the first ones: a repost of them
        # elsewhere is a duplicate too.
        conn.execute(_UPSERT_HASH, (brand, m.content_hash, seen_at))
