"""The index outbox: what the shared index has yet to receive from this daemon, and sending it.

``install_triggers`` puts TEMP triggers on the store's writer connection: every insert,
update or delete of a local mention row queues the mention in ``index_outbox`` (schema 21,
``listener.store.schema_index``) in the same transaction. A mention read back
(``get_mention``) is its ``mentions`` row alone (labels and judgments are written onto it),
so watching that one table queues every change the index must see. TEMP triggers live and
die with the connection: a plain SQLiteStore opening the same file queues nothing.

``IndexQueue.drain`` sends the queue in order, in bounded bulk requests (``bulk``): a
mention whose row is there goes as its current document ('create' when every queued write
was its insert, with ``op_type=create``; 'index' once it changed), one whose row is gone
(erasure, retention) as a delete. A change of a mention the cluster already held replaces
its document only where it still stands (``_mget`` its version, then 'index' with
``if_seq_no``): a document another daemon erased stays erased, the change is acknowledged
without being sent (a plain 'index' would put the erased document back). Outbox rows are
removed only for the items the cluster acknowledged, and only up to the seq that was read,
so a write made meanwhile is sent again.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from elastic_transport import TransportError
from elasticsearch import ApiError

from listener.logs import fields
from listener.redaction import redact
from listener.store import rows
from listener.store.base import StoreError
from listener.store.elasticsearch import bulk
from listener.store.elasticsearch.cluster import Cluster
from listener.store.elasticsearch.documents import document_of, writer_id_for
from listener.store.elasticsearch.erasure import forget_claims

log = logging.getLogger("listener.store.elasticsearch")

# A drain takes at most this many rounds, the later ones for drains asked for meanwhile: the
# thread that runs it (a poll's write) is not held for ever by other threads' writes.
ROUNDS_PER_DRAIN = 3

Connection = Callable[[], AbstractContextManager[sqlite3.Connection]]

# Unqualified table names in the bodies: SQLite refuses qualified ones inside triggers, and a
# TEMP trigger's unqualified name finds main.index_outbox (temp holds no such table).
TRIGGERS: tuple[str, ...] = (
    """CREATE TEMP TRIGGER IF NOT EXISTS index_outbox_insert AFTER INSERT ON main.mentions
    BEGIN
        INSERT INTO index_outbox (mention_id, op, queued_at)
        VALUES (new.id, 'create', strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'));
    END""",
    """CREATE TEMP TRIGGER IF NOT EXISTS index_outbox_update AFTER UPDATE ON main.mentions
    BEGIN
        INSERT INTO index_outbox (mention_id, op, queued_at)
        VALUES (new.id, 'index', strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'));
    END""",
    """CREATE TEMP TRIGGER IF NOT EXISTS index_outbox_delete AFTER DELETE ON main.mentions
    BEGIN
        INSERT INTO index_outbox (mention_id, op, queued_at)
        VALUES (old.id, 'delete', strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'));
    END""",
)


def install_triggers(conn: sqlite3.Connection) -> None:
    for statement in TRIGGERS:
        conn.execute(statement)


def store_key_on(conn: sqlite3.Connection) -> bytes:
    key: bytes = conn.execute("SELECT store_key FROM index_writer").fetchone()[0]
    return key


def pending_on(conn: sqlite3.Connection) -> int:
    """Mentions waiting to be sent (each once, however many writes it had)."""
    count: int = conn.execute("SELECT count(DISTINCT mention_id) FROM index_outbox").fetchone()[0]
    return count


@dataclass(frozen=True, slots=True)
class Rejected:
    """A mention the cluster refused for good, parked until it changes."""

    mention_id: str
    status: int
    reason: str
    rejected_at: str


def rejected_on(conn: sqlite3.Connection, limit: int = 100) -> list[Rejected]:
    found = conn.execute(
        "SELECT mention_id, status, reason, rejected_at FROM index_rejected"
        " ORDER BY rejected_at DESC, mention_id LIMIT ?",
        (limit,),
    ).fetchall()
    return [Rejected(r[0], r[1], r[2], r[3]) for r in found]


def rejected_count_on(conn: sqlite3.Connection) -> int:
    count: int = conn.execute("SELECT count(*) FROM index_rejected").fetchone()[0]
    return count


@dataclass(slots=True)
class DrainReport:
    sent: int = 0  # mentions the cluster acknowledged (documents and deletes)
    rejected: list[Rejected] = field(default_factory=list)  # parked in index_rejected
    left: int = 0  # mentions read but not acknowledged (the cluster was away or busy)
    error: str | None = None  # why they were left


@dataclass(frozen=True, slots=True)
class _Queued:
    mention_id: str
    last_seq: int  # the newest outbox row read for it: rows up to here are acknowledged
    inserted_only: bool  # every queued write was its insert: sent with op_type=create
    # The cluster held its document when these writes were queued (its insert is not among
    # them, nor was it parked): the change replaces that document only if it still stands.
    replaces: bool = False


class IndexQueue:
    """Drains one store's outbox into the mentions index. Thread-safe: one drain at a time
    (the insert path and the upkeep may both ask); a drain asked for while one runs does not
    wait for it: the running one takes another round for it (``_asked_again``), and what
    that misses the upkeep sends on its next tick."""

    def __init__(
        self,
        cluster: Cluster,
        mentions_index: str,
        keys_index: str,
        *,
        read: Connection,
        write: Connection,
        unguarded_through: int = 0,
    ) -> None:
        """``unguarded_through``: the outbox seq up to which changes are sent without the
        erasure guard (the store opened against a mentions index it had to create: a
        document missing there was never sent to it, not erased)."""
        self._cluster = cluster
        self._index = mentions_index
        self._keys_index = keys_index
        self._read = read
        self._write = write
        self._lock = threading.Lock()
        self._asked_again = False
        self.last_error: str | None = None  # with its time; cleared once the queue empties
        self.rejected_total = 0
        self.send_failures_total = 0
        self._versions_error = ""
        self._unguarded_through = unguarded_through

    def drain(self, *, max_batches: int | None = None) -> DrainReport:
        """Send the queue, a batch of ``bulk_docs`` mentions at a time, until it is empty, a
        request fails, or ``max_batches`` were sent."""
        report = DrainReport()
        if not self._lock.acquire(blocking=False):
            self._asked_again = True
            return report
        try:
            for _ in range(ROUNDS_PER_DRAIN):
                self._asked_again = False
                self._drain_held(report, max_batches)
                if report.error is not None or not self._asked_again:
                    break
            if report.error is None and report.left == 0 and self._pending() == 0:
                self.last_error = None
        finally:
            self._lock.release()
        return report

    def _drain_held(self, report: DrainReport, max_batches: int | None) -> None:
        batches = 0
        while max_batches is None or batches < max_batches:
            batches += 1
            queued, documents = self._next_batch(self._cluster.settings.bulk_docs)
            if not queued:
                break
            self._send(queued, documents, report)
            if report.error is not None:
                break

    def _pending(self) -> int:
        with self._read() as conn:
            return pending_on(conn)

    def _next_batch(self, limit: int) -> tuple[list[_Queued], dict[str, dict[str, Any] | str]]:
        # One snapshot: the outbox rows first, then the mention rows as they are now (as new
        # or newer than those rows; a write after them queues a row of its own).
        with self._read() as conn:
            conn.execute("BEGIN")
            try:
                queued = _queued_on(conn, limit, self._unguarded_through)
                documents = _documents_on(conn, [q.mention_id for q in queued])
            finally:
                conn.execute("COMMIT")
        return queued, documents

    def _send(
        self,
        queued: list[_Queued],
        documents: dict[str, dict[str, Any] | str],
        report: DrainReport,
    ) -> None:
        now = rows.ts(datetime.now(UTC))
        done: list[tuple[str, int]] = []
        parked: list[Rejected] = []
        for q in queued:
            built = documents.get(q.mention_id)
            if isinstance(built, str):  # a row that makes no document: no retry can help
                parked.append(Rejected(q.mention_id, 0, built, now))
                done.append((q.mention_id, q.last_seq))
        queued = [q for q in queued if not isinstance(documents.get(q.mention_id), str)]
        versions = self._versions(
            [
                q.mention_id
                for q in queued
                if q.replaces and isinstance(documents.get(q.mention_id), dict)
            ]
        )
        sending: list[_Queued] = []
        actions: list[bulk.BulkAction] = []
        for q in queued:
            action = self._action(q, documents.get(q.mention_id))
            if action.op == "index" and q.replaces:
                if versions is None:  # its version could not be read: sent next time
                    report.left += 1
                    continue
                if q.mention_id not in versions:  # erased (or pruned) in the cluster: done
                    done.append((q.mention_id, q.last_seq))
                    continue
                action = dataclasses.replace(action, if_version=versions[q.mention_id])
            sending.append(q)
            actions.append(action)
        sent = bulk.send(self._cluster, actions)
        forgot = self._forget_claims(actions, sent)
        for q, action, outcome in zip(sending, actions, sent.outcomes, strict=True):
            if action.op == "delete" and not forgot:
                report.left += 1  # its claims may still stand: deleted again next time
            elif action.if_version is not None and _status(outcome) == 409:
                report.left += 1  # changed (or erased) since its version was read: next time
            elif bulk.acknowledged(action, outcome):
                done.append((q.mention_id, q.last_seq))
            elif outcome is not None and bulk.permanent(outcome):
                reason = outcome.reason or f"refused with status {outcome.status}"
                parked.append(Rejected(q.mention_id, outcome.status, reason, now))
                done.append((q.mention_id, q.last_seq))
            else:
                report.left += 1
        with self._write() as conn:
            conn.executemany("DELETE FROM index_outbox WHERE mention_id = ? AND seq <= ?", done)
            conn.executemany(
                "DELETE FROM index_rejected WHERE mention_id = ?",
                [(mention_id,) for mention_id, _ in done],
            )
            conn.executemany(
                "INSERT OR REPLACE INTO index_rejected (mention_id, status, reason, rejected_at)"
                " VALUES (?, ?, ?, ?)",
                [(r.mention_id, r.status, r.reason, r.rejected_at) for r in parked],
            )
        report.sent += len(done) - len(parked)
        report.rejected.extend(parked)
        self.rejected_total += len(parked)
        for r in parked:
            log.warning(
                "the cluster refused a mention's document; parked (index_rejected) until it "
                "changes",
                extra=fields(mention=r.mention_id, status=r.status, reason=r.reason),
            )
        if sent.request_error is not None or report.left:
            report.error = (
                sent.request_error
                or (None if versions is not None else self._versions_error)
                or (None if forgot else "the claims of deleted mentions could not be deleted")
                or f"{report.left} mentions not acknowledged"
            )
            self.send_failures_total += 1
            self.last_error = f"{now}: {report.error}"
            log.warning(
                "mentions not sent to the cluster; they stay queued and are sent again",
                extra=fields(left=report.left, reason=report.error),
            )

    def _forget_claims(self, actions: list[bulk.BulkAction], sent: bulk.BulkReport) -> bool:
        """Delete the dedupe claims naming the mentions whose documents were deleted (erased
        or pruned here): a URL or content claim would otherwise refuse the article to every
        daemon for a mention no one holds. False when the cluster could not do it."""
        gone = [
            a.id
            for a, outcome in zip(actions, sent.outcomes, strict=True)
            if a.op == "delete" and bulk.acknowledged(a, outcome)
        ]
        if not gone:
            return True
        try:
            forget_claims(self._cluster, self._keys_index, gone)
        except (ApiError, TransportError, StoreError) as exc:
            log.warning(
                "could not delete the dedupe claims of deleted mentions; tried again later",
                extra=fields(mentions=len(gone), reason=str(exc)[: bulk.REASON_CHARS]),
            )
            return False
        return True

    def _versions(self, ids: list[str]) -> dict[str, tuple[int, int]] | None:
        """(seq_no, primary_term) of those of ``ids`` the mentions index holds; None when
        the cluster could not say (``_versions_error`` says why)."""
        if not ids:
            return {}
        index = self._index
        try:
            body = self._cluster.call(lambda es: es.mget(index=index, ids=ids, source=False)).body
        except (ApiError, TransportError, StoreError) as exc:
            where = bulk.cluster_where(self._cluster)
            what = f"the cluster at {where}: reading the documents' versions: {exc}"
            self._versions_error = redact(what)[: bulk.REASON_CHARS * 2]
            return None
        return {
            str(doc["_id"]): (int(doc["_seq_no"]), int(doc["_primary_term"]))
            for doc in body.get("docs", [])
            if doc.get("found")
        }

    def _action(self, q: _Queued, document: dict[str, Any] | str | None) -> bulk.BulkAction:
        if not isinstance(document, dict):
            return bulk.BulkAction("delete", self._index, q.mention_id)
        op: bulk.Op = "create" if q.inserted_only else "index"
        return bulk.BulkAction(op, self._index, q.mention_id, document)


def _queued_on(conn: sqlite3.Connection, limit: int, unguarded_through: int) -> list[_Queued]:
    # The oldest ``limit`` outbox rows, one entry per mention, in the order first queued.
    # A change replaces (guarded) unless its insert, a parked refusal or a row queued before
    # the store found its mentions index new is among them: the cluster never held those.
    found = conn.execute(
        "SELECT q.mention_id, max(q.seq), min(q.op = 'create'),"
        " max(q.op = 'create') OR min(q.seq) <= ? OR EXISTS"
        " (SELECT 1 FROM index_rejected r WHERE r.mention_id = q.mention_id) FROM"
        " (SELECT seq, mention_id, op FROM index_outbox ORDER BY seq LIMIT ?) q"
        " GROUP BY q.mention_id ORDER BY min(q.seq)",
        (unguarded_through, limit),
    ).fetchall()
    return [_Queued(r[0], r[1], bool(r[2]), replaces=not r[3]) for r in found]


def _status(outcome: bulk.ItemOutcome | None) -> int | None:
    return None if outcome is None else outcome.status


def _documents_on(conn: sqlite3.Connection, ids: list[str]) -> dict[str, dict[str, Any] | str]:
    found = conn.execute(
        "SELECT m.* FROM mentions m WHERE m.id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids, ensure_ascii=False),),
    ).fetchall()
    documents: dict[str, dict[str, Any] | str] = {}
    writer = writer_id_for(store_key_on(conn))  # its bits keep the daemons' order keys apart
    for r in found:
        try:
            documents[r["id"]] = document_of(rows.row_to_mention(r), seq=r["seq"], writer=writer)
        except (ValueError, TypeError, KeyError) as exc:
            # One bad row must not hold up the queue behind it: parked, with the reason.
            documents[r["id"]] = f"could not build its document: {exc!r}"[: bulk.REASON_CHARS]
    return documents
