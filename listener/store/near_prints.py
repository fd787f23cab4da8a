"""Near-copy fingerprints and clusters in the SQLite store (issue 18).

A mention that is a near-copy of another (``Mention.copy_of``) joins the cluster of the
first one stored, its head. What the pages and messages show as "also on N sources" is
``copies_of``: the copies of each head, oldest first. The sketches (``listener.fingerprint``)
live for the dedupe window in ``near_prints``, their LSH band keys in ``near_bands``
(schema 17); ``forget_near_prints`` prunes them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from listener.clock import ensure_utc
from listener.fingerprint import MAX_CHARS, Print, fingerprint
from listener.models import Mention
from listener.store.schema_copies import COPIES_SCHEMA

if TYPE_CHECKING:  # mention_index imports base, which imports CopyRef from here
    from listener.store.mention_index import MentionIndex

__all__ = [
    "CopyRef",
    "NearCandidate",
    "NearCopyRows",
    "copies_of_on",
    "near_candidates_on",
    "other_sources",
    "write_prints_on",
]


@dataclass(frozen=True, slots=True)
class CopyRef:
    """One copy in a head's cluster, as a list of links shows it."""

    mention_id: str
    source: str
    source_type: str
    url: str | None
    title: str
    published_at: datetime
    # On the head's own source (a feed republishing its story): a copy, but not another
    # source the story ran on, so "also on N sources" leaves it out (``other_sources``).
    on_head_source: bool = False


def other_sources(copies: Iterable[CopyRef]) -> int:
    """On how many sources besides the head's own the story ran."""
    return len({c.source.casefold() for c in copies if not c.on_head_source})


@dataclass(frozen=True, slots=True)
class NearCandidate:
    """A stored mention sharing a band key with a new one: maybe its near-copy."""

    mention_id: str
    head_id: str  # its cluster's head (itself when it is a head)
    source: str
    author_key: str  # "source_type:handle", lowercase: distinct accounts of a cluster
    sketch: Print
    # Its words, for the bot judge's template comparison (``fingerprint.template_print``):
    # the stored sketch keeps the figures a template's code changes in.
    title: str = ""
    text: str = ""  # the first ``MAX_CHARS`` characters, as much as a sketch reads


# listener.store.base imports CopyRef from here and rows imports base: this module cannot
# import rows, so it writes and reads times as rows.ts / rows.parse_ts do (the same format
# keeps text order time order).
def _ts(value: datetime) -> str:
    return ensure_utc(value).isoformat(timespec="microseconds")


def _parse_ts(value: str) -> datetime:
    return ensure_utc(datetime.fromisoformat(value))


_COPIES = """
SELECT id, source, source_type, url, title, published_at,
    source = (SELECT h.source FROM mentions h WHERE h.id = :head) AS on_head_source
FROM mentions WHERE copy_of = :head AND deleted_at IS NULL ORDER BY seq
"""


def copies_of_on(conn: sqlite3.Connection, head_ids: Iterable[str]) -> dict[str, list[CopyRef]]:
    """The live copies of each of ``head_ids``, oldest first (every id is a key)."""
    found: dict[str, list[CopyRef]] = {}
    for head in head_ids:
        if head in found:
            continue
        found[head] = [
            CopyRef(
                mention_id=r["id"],
                source=r["source"],
                source_type=r["source_type"],
                url=r["url"],
                title=r["title"],
                published_at=_parse_ts(r["published_at"]),
                on_head_source=bool(r["on_head_source"]),
            )
            for r in conn.execute(_COPIES, {"head": head})
        ]
    return found


# DISTINCT: a near-copy shares several bands with its original. Tombstones are left out
# (their words are gone), as are prints older than the window.
_CANDIDATES = """
SELECT DISTINCT m.id, coalesce(m.copy_of, m.id) AS head, m.source, m.source_type,
    m.author_handle, p.sketch, p.numbers, m.title, substr(m.body, 1, :chars) AS text
FROM near_bands b
JOIN near_prints p ON p.seq = b.seq
JOIN mentions m ON m.seq = p.seq
WHERE b.band_key IN (SELECT value FROM json_each(:keys)) AND p.seen_at >= :since
    AND m.deleted_at IS NULL
ORDER BY m.seq
"""


def near_candidates_on(
    conn: sqlite3.Connection, band_keys: Iterable[int], since: datetime
) -> list[NearCandidate]:
    """The stored mentions since ``since`` sharing any of ``band_keys``, oldest first."""
    if not _has_prints(conn):
        return []
    keys = json.dumps(sorted(set(band_keys)))
    return [
        NearCandidate(
            mention_id=r["id"],
            head_id=r["head"],
            source=r["source"],
            author_key=f"{r['source_type']}:{(r['author_handle'] or '').lower()}",
            sketch=Print.from_bytes(r["sketch"], r["numbers"]),
            title=r["title"],
            text=r["text"] or "",
        )
        for r in conn.execute(_CANDIDATES, {"keys": keys, "since": _ts(since), "chars": MAX_CHARS})
    ]


def _has_prints(conn: sqlite3.Connection) -> bool:
    """Whether this database has schema 17 (a store can be opened at an older one)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0]) >= COPIES_SCHEMA


_INSERT_PRINT = """
INSERT OR IGNORE INTO near_prints (seq, seen_at, sketch, numbers)
SELECT seq, ?, ?, ? FROM mentions WHERE id = ?
"""
_INSERT_BANDS = """
INSERT OR IGNORE INTO near_bands (band_key, seq)
SELECT value, (SELECT seq FROM mentions WHERE id = ?) FROM json_each(?)
"""
_SET_COPY_OF = "UPDATE mentions SET copy_of = ? WHERE id = ?"
_ALERTS_HOLDING = "SELECT alert_id FROM alert_mentions WHERE mention_id = ?"
# As alert_rows.record_event writes it (that module imports rows too).
_INSERT_EVENT = """
INSERT INTO alert_events (alert_id, at, what, actor, detail, mention_id)
VALUES (?, ?, 'copy', NULL, ?, ?)
"""


def write_prints_on(conn: sqlite3.Connection, new: Sequence[Mention]) -> None:
    """Keep the new mentions' fingerprints (and cluster heads) for later batches to find;
    called by ``insert_mentions`` inside its transaction. A copy whose head already has
    alerts gets an "also on" event in each: the alert is not raised again, nothing is sent
    (a head raised in this same batch has no alert yet: its message counts the copy)."""
    if not new or not _has_prints(conn):
        return
    for m in new:
        if m.deleted_at is not None:
            continue
        if m.copy_of is not None:
            conn.execute(_SET_COPY_OF, (m.copy_of, m.id))
        sketch = fingerprint(m.title, m.text)
        if sketch.clusterable:
            conn.execute(
                _INSERT_PRINT, (_ts(m.fetched_at), sketch.to_bytes(), sketch.numbers_text(), m.id)
            )
            conn.execute(_INSERT_BANDS, (m.id, json.dumps(sketch.band_keys())))
        if m.copy_of is not None:
            # The words say where; the copy's id is a field of its own, which the pages
            # render as a link to it (the CLI in brackets).
            for (alert_id,) in conn.execute(_ALERTS_HOLDING, (m.copy_of,)).fetchall():
                detail = f"also on {m.source}"
                conn.execute(_INSERT_EVENT, (alert_id, _ts(m.fetched_at), detail, m.id))


def forget_prints_on(conn: sqlite3.Connection, before: datetime) -> int:
    """Drop the prints seen before ``before`` (their band keys go with them)."""
    return conn.execute("DELETE FROM near_prints WHERE seen_at < ?", (_ts(before),)).rowcount


class NearCopyRows:
    """The store's near-copy methods; mixed into ``SQLiteStore``."""

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    shared_index: MentionIndex | None

    def copies_of(self, head_ids: Iterable[str]) -> dict[str, list[CopyRef]]:
        if (index := self.shared_index) is not None:
            return index.copies_of(head_ids)
        with self._read() as conn:
            return copies_of_on(conn, head_ids)

    def near_candidates(self, band_keys: Iterable[int], since: datetime) -> list[NearCandidate]:
        """The stored mentions since ``since`` sharing a band key (a reader's view)."""
        with self._read() as conn:
            return near_candidates_on(conn, band_keys, since)

    def forget_near_prints(self, before: datetime) -> int:
        """Drop the fingerprints seen before ``before`` (outside the dedupe window); return
        how many. The mentions and their ``copy_of`` stay."""
        with self._write() as conn:
            return forget_prints_on(conn, before)
