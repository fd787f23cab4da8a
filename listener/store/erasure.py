"""Erasure and retention in the SQLite store (issue 18): a person's mentions, accounts and
words removed on request, leaving an opaque tombstone and an audit line; mentions past
``storage.retention`` pruned, keeping the rollup counts.

After an erasure the words are gone from the rows but may still sit in freed pages, in FTS5
segments not yet merged and in the WAL: the erasure runs with ``secure_delete`` (freed
content is zeroed), merges both full-text indexes (``optimize``) and checkpoints the WAL
(``TRUNCATE``). Backups are outside the file: docs/privacy.md says what an operator does.
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from listener.store import erasure_marks, rows
from listener.store.base import StoreError
from listener.store.erasure_marks import has_table
from listener.store.erasure_preview import preview_on
from listener.store.erasure_rows import delete_author_keyed_on, erase_accounts_on, rehead_copies_on
from listener.store.people import Account
from listener.store.rollup_rebuild import keep_counts_on

__all__ = ["AuditEntry", "ErasureReport", "ErasureRows", "NothingToErase"]

log = logging.getLogger("listener.erasure")

_FTS_TABLES = ("mentions_fts", "mentions_letters")
# Mentions pruned per write transaction. Measured (20,000 mentions, load 7 on two cores):
# 5,000 held the writer 1.3-2.0 s a batch, 1,000 held it 0.1-0.5 s, same 5-6 s in all; a
# poll's batch waits at most that long.
PRUNE_BATCH = 1000
# The erasure's index merge, stated on its confirm page (erasure_hold_seconds).
MERGE_MENTIONS_PER_SECOND = 500_000


class NothingToErase(StoreError):
    """No mention, author or person matched what was asked to be erased."""


@dataclass(frozen=True, slots=True)
class ErasureReport:
    """What an erasure (or a preview of one) removed: rows of each kind, never whose."""

    scope: str  # "author", "person" or "retention"
    asked_by: str
    reason: str
    at: datetime
    counts: dict[str, int] = field(default_factory=dict)
    audit_id: int | None = None  # None for a preview

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    scope: str
    asked_by: str
    reason: str
    counts: dict[str, int]


class ErasureRows:
    """The store's erasure and retention methods; mixed into ``SQLiteStore``."""

    _writer: sqlite3.Connection
    _write_lock: threading.Lock

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    # -- erasure -------------------------------------------------------------------

    def preview_erasure(
        self, accounts: Sequence[Account], *, person_id: int | None = None
    ) -> dict[str, int]:
        """The counts ``erase_accounts`` (or ``erase_person``) would report, erasing nothing:
        counted by indexed reads on a reader connection, so showing the confirm page never
        holds the writer. Alerts are those holding the mentions; the digests that only
        quote them and the reply drafts removed are counted by the erasure (its audit)."""
        with self._read() as conn:
            return preview_on(conn, [(a.source_type, a.handle) for a in accounts], person_id)

    def erasure_hold_seconds(self) -> int:
        """About how long an erasure holds the writer at this store's size, mostly merging
        both full-text indexes: measured 0.4 s at 20,000 mentions, 0.9 s at 100,000 and
        2.4 s at 1,000,000 short ones (bench: /tmp/review's store), longer texts more; said
        rounded up so a confirm page never promises less than it takes."""
        with self._read() as conn:
            (stored,) = conn.execute("SELECT coalesce(max(seq), 0) FROM mentions").fetchone()
        return math.ceil(1 + int(stored) / MERGE_MENTIONS_PER_SECOND)

    def erase_accounts(
        self, accounts: Sequence[Account], *, asked_by: str, reason: str, scope: str = "author"
    ) -> ErasureReport:
        """Erase every mention, author row and person link of ``accounts`` (the caller names
        each of the network's types) in one transaction; raise ``NothingToErase`` when none
        matched."""
        return self._erase(accounts, None, asked_by=asked_by, reason=reason, scope=scope)

    def erase_person(
        self,
        person_id: int,
        *,
        asked_by: str,
        reason: str,
        accounts: Sequence[Account] | None = None,
    ) -> ErasureReport:
        """Erase the person and every account linked to them. ``accounts``: those accounts
        on every type of their network (``same_network_types``, which the store cannot
        import), so a stream's posts go with the polled API's; default the links alone."""
        found = self.accounts_of_person(person_id) if accounts is None else accounts
        return self._erase(found, person_id, asked_by=asked_by, reason=reason, scope="person")

    def accounts_of_person(self, person_id: int) -> list[Account]:
        with self._read() as conn:
            if not has_table(conn, "person_accounts"):
                return []
            columns = _columns(conn, "person_accounts")
            handle = "handle" if "handle" in columns else "handle_key"
            found = conn.execute(
                f"SELECT source_type, {handle} FROM person_accounts WHERE person_id = ?",  # noqa: S608
                (person_id,),
            )
            return [Account(r[0], r[1]) for r in found]

    def _erase(
        self,
        accounts: Sequence[Account],
        person_id: int | None,
        *,
        asked_by: str,
        reason: str,
        scope: str,
    ) -> ErasureReport:
        at = datetime.now(UTC)
        with self._write() as conn:
            secure = conn.execute("PRAGMA secure_delete").fetchone()[0]
            conn.execute("PRAGMA secure_delete = ON")
            try:
                counts = self._erase_on(conn, accounts, person_id)
                if not counts:
                    raise NothingToErase("nothing matched: no mention, author or person")
                audit_id = _audit_on(conn, at, scope, asked_by, reason, counts)
                for table in _FTS_TABLES:
                    if has_table(conn, table):
                        # Deleted tokens stay in old segments until merged.
                        conn.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")  # noqa: S608
            finally:
                conn.execute(f"PRAGMA secure_delete = {int(secure)}")
        self._checkpoint()
        report = ErasureReport(scope, asked_by, reason, at, counts, audit_id)
        log.warning(
            "erased on request",
            extra={"fields": {"audit_id": audit_id, "scope": scope, "asked_by": asked_by,
                              "reason": reason, **counts}},
        )  # fmt: skip
        return report

    def _erase_on(
        self, conn: sqlite3.Connection, accounts: Sequence[Account], person_id: int | None
    ) -> dict[str, int]:
        counts = erase_accounts_on(conn, [(a.source_type, a.handle) for a in accounts])
        if person_id is not None:
            counts.update(_erase_person_rows_on(conn, person_id))
        return counts

    def _checkpoint(self) -> None:
        # Old page versions live in the WAL until a checkpoint copies and truncates it; a
        # reader still open on an old snapshot makes it partial, the next one finishes it.
        with self._write_lock:
            busy, _, _ = self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            log.warning("erasure checkpoint partial: a reader was busy; the next one ends it")

    def erasure_audit(self, *, limit: int = 200) -> list[AuditEntry]:
        with self._read() as conn:
            found = conn.execute(
                "SELECT id, at, scope, asked_by, reason, counts FROM erasures"
                " ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            AuditEntry(r[0], rows.parse_ts(r[1]), r[2], r[3], r[4], json.loads(r[5])) for r in found
        ]

    # -- retention -----------------------------------------------------------------

    def prune_published_before(
        self, cutoff: datetime, *, batch: int = PRUNE_BATCH, now: datetime | None = None
    ) -> ErasureReport:
        """Delete the mentions published before ``cutoff``, ``batch`` to a transaction so
        the writer is never held long, each leaving an opaque tombstone; their index, filter
        and tag rows go with them, the rollup counts stay (no DELETE trigger, on purpose).
        Authors not seen since ``cutoff`` go too; links of hand-made people stay."""
        at = now or datetime.now(UTC)
        counts = {"mentions": 0, "authors": 0, "tombstones": 0}
        while True:
            with self._write() as conn:
                found = conn.execute(
                    "SELECT seq, id FROM mentions WHERE published_at < ? LIMIT ?",
                    (rows.ts(cutoff), batch),
                ).fetchall()
                if not found:
                    break
                key = erasure_marks.store_key_on(conn)
                if key is not None:
                    counts["tombstones"] += erasure_marks.mark_erased_on(
                        conn, key, (r[1] for r in found)
                    )
                rehead_copies_on(conn, [r[1] for r in found])
                keep_counts_on(conn, [r[0] for r in found])
                conn.execute(
                    "DELETE FROM mentions WHERE seq IN (SELECT value FROM json_each(?))",
                    (json.dumps([r[0] for r in found]),),
                )
                counts["mentions"] += len(found)
            if len(found) < batch:
                break
        self._prune_authors(cutoff, batch, counts)
        with self._write() as conn:
            kept = {k: v for k, v in counts.items() if v}
            audit_id = (
                # A date, as the setting reads ("400d"): the cutoff's time of day is noise.
                _audit_on(
                    conn, at, "retention", "retention", f"published before {cutoff:%Y-%m-%d}", kept
                )
                if kept
                else None
            )
        if counts["mentions"]:
            self._checkpoint()
        return ErasureReport("retention", "retention", "", at, kept, audit_id)

    def _prune_authors(self, cutoff: datetime, batch: int, counts: dict[str, int]) -> None:
        """Authors not seen since ``cutoff``, ``batch`` to a transaction, and their rows in
        the other author-keyed tables by those keys (each table's primary key serves them);
        hand-made people's links stay. Before, each table was swept for rows with no author
        by a comparison no index served: ~20 s a table at 150,000 keys, in one transaction."""
        while True:
            with self._write() as conn:
                gone = conn.execute(
                    "DELETE FROM authors WHERE (source_type, handle_key) IN"
                    " (SELECT source_type, handle_key FROM authors WHERE last_seen_at < ? LIMIT ?)"
                    " RETURNING source_type, handle_key",
                    (rows.ts(cutoff), batch),
                ).fetchall()
                counts["authors"] = counts.get("authors", 0) + len(gone)
                skip = frozenset({"authors", "person_accounts", "person_suggestions"})
                for table, n in delete_author_keyed_on(conn, _author_keys(gone), skip=skip).items():
                    counts[table] = counts.get(table, 0) + n
            if len(gone) < batch:
                return


def _author_keys(gone: list[tuple[str, str]]) -> list[tuple[str, str]]:
    # An authors key is the handle lowercased as shown ("@janetube"): the people tables'
    # key drops the '@'; keyed_params looks up both spellings.
    return sorted({(t, k.removeprefix("@")) for t, k in gone})


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def _erase_person_rows_on(conn: sqlite3.Connection, person_id: int) -> dict[str, int]:
    # The person row holds a name and a note; rows keyed by the person go with it.
    counts: dict[str, int] = {}
    for (table,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall():
        if "person_id" in _columns(conn, table):
            counts[table] = conn.execute(
                f"DELETE FROM {table} WHERE person_id = ?",  # noqa: S608
                (person_id,),
            ).rowcount
    if has_table(conn, "people"):
        counts["people"] = conn.execute("DELETE FROM people WHERE id = ?", (person_id,)).rowcount
    return {k: v for k, v in counts.items() if v}


def _audit_on(
    conn: sqlite3.Connection,
    at: datetime,
    scope: str,
    asked_by: str,
    reason: str,
    counts: dict[str, int],
) -> int:
    found = conn.execute(
        "INSERT INTO erasures (at, scope, asked_by, reason, counts) VALUES (?, ?, ?, ?, ?)",
        (rows.ts(at), scope, asked_by, reason, json.dumps(counts, sort_keys=True)),
    )
    return int(found.lastrowid or 0)


def accounts_of(source_types: Iterable[str], handle: str) -> list[Account]:
    """One handle on each of a network's types (``same_network_types``)."""
    return [Account(t, handle) for t in dict.fromkeys(source_types)]
