"""``ElasticStore``: the SQLite store whose mentions also go to the shared index.

The local file stays the system of record for this daemon (fetch state, alerts, its outbox,
the mentions it stored itself); the cluster's mentions index is shared by every daemon and
answers the web's and CLI's mention reads (``shared_index``). How a write reaches it:

1. ``insert_mentions`` runs the caller's recheck, then claims the survivors' dedupe keys in
   the cluster (``claims``), inside the same write transaction: only what this store
   claimed is stored. Cluster away: the batch is not stored (``ClaimError``), the source is
   polled again.
2. Every local write to a mention row queues it in ``index_outbox`` (TEMP triggers on the
   writer connection, ``outbox``), committed with the write.
3. After each write transaction that queued something, the queue is sent (``bulk``),
   synchronously, in the writer's thread but outside the write lock; the daemon's upkeep
   sends it too (``drain_index``), so what a cluster outage held back goes when it is back.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from elastic_transport import TransportError
from elasticsearch import ApiError

from listener.logs import fields
from listener.models import Judgments, Mention
from listener.store.alert_contract import OnStored
from listener.store.base import DuplicateLookups, Recheck, StoreError
from listener.store.elasticsearch.claims import Claims, claim
from listener.store.elasticsearch.claims_asked import RecordingLookups
from listener.store.elasticsearch.cluster import Cluster
from listener.store.elasticsearch.documents import writer_id_for
from listener.store.elasticsearch.erasure import count_accounts_in_index, erase_accounts_in_index
from listener.store.elasticsearch.index import ElasticIndex
from listener.store.elasticsearch.local_copies import store_as_indexed
from listener.store.elasticsearch.outbox import (
    DrainReport,
    IndexQueue,
    Rejected,
    install_triggers,
    pending_on,
    rejected_count_on,
    rejected_on,
    store_key_on,
)
from listener.store.elasticsearch.settings import ClusterSettings
from listener.store.elasticsearch.template import ensure_indices
from listener.store.lookups import TransactionLookups
from listener.store.people_models import Account
from listener.store.rows import ts
from listener.store.schema import MIGRATIONS, Migration
from listener.store.schema_index import INDEX_SCHEMA
from listener.store.sqlite import SQLiteStore

log = logging.getLogger("listener.store.elasticsearch")

# After a failed send, writes stop sending for this long (each would wait out the
# cluster's timeouts); the upkeep keeps trying on its own schedule.
SEND_PAUSE_AFTER_FAILURE_S = 30.0
# Batches a write sends before returning: its own mentions, and a little of any backlog
# (the upkeep sends the rest, without holding up a poll).
BATCHES_PER_WRITE = 2


class ElasticStore(SQLiteStore):
    """A daemon's store when ``storage.elasticsearch`` is set."""

    shared_index: ElasticIndex

    def __init__(
        self,
        path: str | Path,
        cluster: ClusterSettings,
        *,
        migrations: Sequence[Migration] = MIGRATIONS,
    ) -> None:
        super().__init__(path, migrations=migrations)
        self._sending = threading.local()
        self._send_paused_until = 0.0
        try:
            if self.schema_version < INDEX_SCHEMA:
                raise StoreError(
                    f"{self.path} is at schema {self.schema_version}: the Elasticsearch "
                    f"engine needs schema {INDEX_SCHEMA} (its index outbox)"
                )
            with self._write_lock:
                install_triggers(self._writer)
                self.writer_id = writer_id_for(store_key_on(self._writer))
            self.cluster = Cluster(cluster)
            created = ensure_indices(self.cluster)
        except BaseException:
            self.close()  # the cluster's client too when it was made: no unclosed session
            raise
        self.shared_index = ElasticIndex(self.cluster)
        index = self.shared_index
        # A mentions index made just now (a new or emptied cluster) holds nothing this store
        # sent before: the changes waiting in the outbox go to it whole, unguarded.
        with self._read() as conn:
            queued_through: int = conn.execute(
                "SELECT coalesce(max(seq), 0) FROM index_outbox"
            ).fetchone()[0]
        self._queue = IndexQueue(
            self.cluster,
            index.mentions_index,
            index.keys_index,
            read=self._read,
            write=self._write,
            unguarded_through=queued_through if created else 0,
        )

    # -- writes ------------------------------------------------------------------------

    def insert_mentions(
        self,
        mentions: Sequence[Mention],
        *,
        recheck: Recheck | None = None,
        on_stored: OnStored | None = None,
    ) -> list[Mention]:
        taken: list[Claims] = []

        def claimed(lookups: DuplicateLookups) -> Sequence[Mention]:
            if recheck is None:
                kept, asked = mentions, None
            else:
                assert isinstance(lookups, TransactionLookups)  # lookups.rechecked's own
                recording = RecordingLookups(lookups)
                kept, asked = recheck(recording), recording.asked
            claims = claim(
                self.cluster, self.shared_index.keys_index, kept, writer=self.writer_id, asked=asked
            )
            taken.append(claims)
            return claims.kept

        try:
            return super().insert_mentions(mentions, recheck=claimed, on_stored=on_stored)
        except BaseException:
            for claims in taken:  # not stored: the keys must not stand for it
                claims.release()
            raise

    def forget_content_hashes(self, before: datetime) -> int:
        """As on SQLite (the content hashes seen before the window's start), and the content
        claims in the cluster seen before it: any daemon would take them over anyway, so
        they only take room. The cluster away: kept for the next hourly pass."""
        forgotten = super().forget_content_hashes(before)
        index = self.shared_index
        stale = {"bool": {"filter": [
            {"term": {"kind": "content"}}, {"range": {"seen_at": {"lt": ts(before)}}},
        ]}}  # fmt: skip
        try:
            self.cluster.call(
                lambda es: es.delete_by_query(
                    index=index.keys_index, query=stale, conflicts="proceed"
                )
            )
        except (ApiError, TransportError, StoreError) as exc:
            log.warning(
                "could not forget the cluster's stale content claims; next hour",
                extra=fields(reason=str(exc)[:300]),
            )
        return forgotten

    # -- judgments and labels of any daemon's mention -----------------------------------

    def update_judgments(self, mention_id: str, judgments: Judgments) -> Mention:
        self._keep_locally(mention_id)
        return super().update_judgments(mention_id, judgments)

    def set_complaint_label(
        self, mention_id: str, is_complaint: bool, *, by: str, at: datetime
    ) -> Mention:
        """As on SQLite, for any mention in the index (the web's label buttons are on every
        search hit): one another daemon stored is first written into this file as the
        index holds it, then labelled here; the outbox sends the labelled document, and
        the label is this daemon's (``complaint_labels``, which its models learn from).

        Left: the daemon that stored it keeps its own row unlabelled; a later change it
        sends of that mention (an edit, a tombstone, new judgments) replaces the
        labelled document. Within its second the document then walks in this
        daemon's insert order (``order_key`` is made from the writing store's row)."""
        if by.strip():  # an empty name is refused by the label itself, before any write
            self._keep_locally(mention_id)
        return super().set_complaint_label(mention_id, is_complaint, by=by, at=at)

    def _keep_locally(self, mention_id: str) -> None:
        if self.existing_ids([mention_id]):
            return
        found = self.shared_index.get_mention(mention_id)
        if found is None:
            return  # in neither: the write raises UnknownMention
        # Not sent on its own (a 'create' the cluster answers 409): the write that follows
        # sends the row once, changed.
        self._sending.active = True
        try:
            store_as_indexed(self, [found])
        finally:
            self._sending.active = False

    # -- erasure: the cluster first ----------------------------------------------------

    def preview_erasure(
        self, accounts: Sequence[Account], *, person_id: int | None = None
    ) -> dict[str, int]:
        """As on SQLite, and the accounts' documents in the shared index whichever daemon
        stored them (``index_documents``: this daemon's own are among them)."""
        counts = super().preview_erasure(accounts, person_id=person_id)
        index = self.shared_index
        found = count_accounts_in_index(self.cluster, index.mentions_index, _pairs(accounts))
        if found:
            counts["index_documents"] = found
        return counts

    def _erase_on(
        self, conn: sqlite3.Connection, accounts: Sequence[Account], person_id: int | None
    ) -> dict[str, int]:
        """The accounts' documents and claims in the cluster (whichever daemon stored them,
        ``erasure``), then the local rows, in the erasure's write transaction: if the cluster
        is away the erasure fails whole and is run again, rather than half done. What the
        cluster removed is counted with the rest (``index_documents``, ``index_claims``),
        so a person whose mentions only other daemons stored is erased, audited and said."""
        index = self.shared_index
        done = erase_accounts_in_index(
            self.cluster, index.mentions_index, index.keys_index, _pairs(accounts)
        )
        log.info(
            "erased from the shared index",
            extra=fields(documents=done.documents, claims=done.claims),
        )
        counts = super()._erase_on(conn, accounts, person_id)
        for kind, n in (("index_documents", done.documents), ("index_claims", done.claims)):
            if n:
                counts[kind] = n
        return counts

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        # Only a transaction that queued something sends (a web session's write must not
        # pay for a backlog: the upkeep sends that). A new outbox row has the highest seq.
        with super()._write() as conn:
            before = conn.execute("SELECT max(seq) FROM index_outbox").fetchone()[0]
            yield conn
            after = conn.execute("SELECT max(seq) FROM index_outbox").fetchone()[0]
        if after != before and not getattr(self._sending, "active", False):
            self._send_after_write()

    def _send_after_write(self) -> None:
        if time.monotonic() < self._send_paused_until:
            return
        self._sending.active = True  # the drain's own writes must not start another drain
        try:
            report = self._queue.drain(max_batches=BATCHES_PER_WRITE)
            failed = report.error is not None
        except Exception:
            # The write is committed: it must not be reported failed (nor its claims
            # released) because sending it did not work; the queue keeps it for the upkeep.
            log.exception("sending the index outbox after a write failed; it stays queued")
            failed = True
        finally:
            self._sending.active = False
        if failed:
            self._send_paused_until = time.monotonic() + SEND_PAUSE_AFTER_FAILURE_S

    # -- the queue, for the upkeep, `listener check` and the web ------------------------

    def drain_index(self, *, max_batches: int | None = None) -> DrainReport:
        """Send what the outbox holds (all of it by default); the report says what went."""
        self._sending.active = True
        try:
            report = self._queue.drain(max_batches=max_batches)
        finally:
            self._sending.active = False
        self._send_paused_until = (
            0.0 if report.error is None else time.monotonic() + SEND_PAUSE_AFTER_FAILURE_S
        )
        return report

    def index_pending(self) -> int:
        """Mentions written here that the cluster has not acknowledged yet."""
        with self._read() as conn:
            return pending_on(conn)

    def index_last_error(self) -> str | None:
        """This process's last failure to send ("<time>: <reason>"), until the queue is empty
        again. Another process on the same file (``listener check``) sees None: it has
        ``index_waiting_since`` for how long the queue has waited."""
        return self._queue.last_error

    def index_waiting_since(self) -> str | None:
        """When the oldest write still waiting for the cluster was queued (UTC), or None."""
        with self._read() as conn:
            found: str | None = conn.execute("SELECT min(queued_at) FROM index_outbox").fetchone()[
                0
            ]
        return found

    def index_rejected(self, limit: int = 100) -> list[Rejected]:
        """Mentions the cluster refused for good (newest first), with its reasons."""
        with self._read() as conn:
            return rejected_on(conn, limit)

    def index_rejected_count(self) -> int:
        with self._read() as conn:
            return rejected_count_on(conn)

    def index_counters(self) -> tuple[int, int]:
        """(documents rejected, failed sends) since this store opened, for the metrics."""
        return self._queue.rejected_total, self._queue.send_failures_total

    def close(self) -> None:
        try:
            super().close()
        finally:
            cluster = getattr(self, "cluster", None)
            if cluster is not None:
                cluster.close()


def _pairs(accounts: Sequence[Account]) -> list[tuple[str, str]]:
    return [(a.source_type, a.handle) for a in accounts]


def open_elastic_store(path: str | Path, cluster: ClusterSettings) -> ElasticStore:
    """The store of a daemon whose mentions are indexed in the cluster ``cluster`` names."""
    return ElasticStore(path, cluster)
