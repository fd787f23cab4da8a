"""``listener reindex --to elasticsearch``: the local mentions into the cluster (see
``reindex``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from elasticsearch import ApiError, TransportError

from listener.clock import utcnow
from listener.models import Mention
from listener.store import rows
from listener.store.elasticsearch import bulk
from listener.store.elasticsearch.bulk import BulkAction, ItemOutcome, acknowledged, permanent
from listener.store.elasticsearch.claims import content_key, id_key, url_key
from listener.store.elasticsearch.cluster import Cluster, ClusterError
from listener.store.elasticsearch.documents import document_of, writer_id_for
from listener.store.elasticsearch.mapping import index_names
from listener.store.elasticsearch.outbox import store_key_on
from listener.store.elasticsearch.reindex import (
    SHOWN_DIFFERENCES,
    TO_CLUSTER,
    CopyJob,
    CopyReport,
    Rejection,
    Tally,
    cluster_failure,
    save_checkpoint,
)
from listener.store.schema_reindex import Checkpoint
from listener.store.sqlite import SQLiteStore

_SETTLE_ROUNDS = 3  # re-reads of a sent page: a row edited more often than this is queued anyway
_COMPARE_PAGE = 1000


class ToCluster(CopyJob):
    """Copies ``store``'s mentions into ``cluster``'s mentions index."""

    direction = TO_CLUSTER

    def __init__(
        self, store: SQLiteStore, cluster: Cluster, *, page_size: int, restart: bool = False
    ) -> None:
        super().__init__(store, cluster, page_size=page_size, restart=restart)
        with store._read() as conn:
            self.writer = writer_id_for(store_key_on(conn))

    @property
    def after_seq(self) -> int:
        return int(self.checkpoint.position) if self.checkpoint is not None else 0

    def remaining(self) -> int:
        """Local mentions not sent yet."""
        with self.store._read() as conn:
            count: int = conn.execute(
                "SELECT count(*) FROM mentions WHERE seq > ?", (self.after_seq,)
            ).fetchone()[0]
        return count

    def run(
        self, *, stop_after: int | None = None, on_page: Callable[[int], None] = lambda n: None
    ) -> CopyReport:
        report = CopyReport(copied_total=self.checkpoint.copied if self.checkpoint else 0)
        started = self.checkpoint.started_at if self.checkpoint else utcnow()
        while True:
            room = self.page_size if stop_after is None else stop_after - report.copied_now
            if room <= 0:
                if self.local_page(1):
                    return report
                break
            page = self.local_page(min(room, self.page_size))
            if not page:
                break
            resume = f"run `listener reindex` again: it resumes after mention seq {page[0][0] - 1}"
            report.rejected += self.send_page(page, resume=resume)
            report.copied_now += len(page)
            report.copied_total += len(page)
            self.checkpoint = Checkpoint(page[-1][0], report.copied_total, started, utcnow())
            save_checkpoint(self.store, TO_CLUSTER, self.target, self.checkpoint)
            on_page(len(page))
        report.finished = True
        report.source, report.target, report.differences = self.compare()
        # The dashboard and search see the whole copy at once, not within the next second.
        everything = ",".join(index_names(self.cluster.settings.index_prefix))
        try:
            self.cluster.call(lambda es: es.indices.refresh(index=everything))
        except (ApiError, TransportError) as exc:
            raise cluster_failure(
                exc, "the copy is done; the index refreshes within a second"
            ) from exc
        return report

    def send_page(self, page: list[tuple[int, Mention]], *, resume: str) -> list[Rejection]:
        """Send ``page`` as it was read, then read its rows again until they stand still: a
        daemon writing this file meanwhile may have sent a newer state (or a delete) from
        its outbox before this send arrived, and this send must not be the last word."""
        rejected = send_documents(self.cluster, page, writer=self.writer, resume=resume)
        for _ in range(_SETTLE_ROUNDS):
            now = dict(self._rows_between(page[0][0], page[-1][0]))
            changed = [(seq, now[seq]) for seq, m in page if seq in now and now[seq] != m]
            gone = [m.id for seq, m in page if seq not in now]
            if not changed and not gone:
                break
            if changed:
                rejected += send_documents(self.cluster, changed, writer=self.writer, resume=resume)
            if gone:
                delete_documents(self.cluster, gone, resume=resume)
            page = sorted(now.items())
            if not page:
                break
        return list({r.mention_id: r for r in rejected}.values())

    def _rows_between(self, first: int, last: int) -> list[tuple[int, Mention]]:
        with self.store._read() as conn:
            found = conn.execute(
                "SELECT m.* FROM mentions m WHERE m.seq BETWEEN ? AND ? ORDER BY m.seq",
                (first, last),
            ).fetchall()
        return [(int(row["seq"]), rows.row_to_mention(row)) for row in found]

    def local_page(self, limit: int) -> list[tuple[int, Mention]]:
        with self.store._read() as conn:
            found = conn.execute(
                "SELECT m.* FROM mentions m WHERE m.seq > ? ORDER BY m.seq LIMIT ?",
                (self.after_seq, limit),
            ).fetchall()
        return [(int(row["seq"]), rows.row_to_mention(row)) for row in found]

    def compare(self) -> tuple[Tally, Tally, list[str]]:
        """(local counts, the index's counts of those same ids, differing ids)."""
        local_live = local_dead = index_live = index_dead = 0
        differences: list[str] = []
        for page in self._local_states():
            states = self._index_states([mention_id for mention_id, _ in page])
            for mention_id, live in page:
                local_live, local_dead = local_live + live, local_dead + (not live)
                there = states.get(mention_id)
                if there is not None:
                    index_live, index_dead = index_live + there, index_dead + (not there)
                if there != live and len(differences) < SHOWN_DIFFERENCES:
                    differences.append(f"{mention_id}: {_state(live)} here, {_state(there)} there")
        return Tally(local_live, local_dead), Tally(index_live, index_dead), differences

    def _local_states(self) -> Iterator[list[tuple[str, bool]]]:
        after = 0
        while True:
            with self.store._read() as conn:
                found = conn.execute(
                    "SELECT seq, id, deleted_at IS NULL FROM mentions WHERE seq > ?"
                    " ORDER BY seq LIMIT ?",
                    (after, _COMPARE_PAGE),
                ).fetchall()
            if not found:
                return
            after = int(found[-1][0])
            yield [(str(row[1]), bool(row[2])) for row in found]

    def _index_states(self, ids: Sequence[str]) -> dict[str, bool]:
        try:
            body = self.cluster.call(
                lambda es: es.mget(index=self.mentions_index, ids=list(ids), source=["live"])
            ).body
        except (ApiError, TransportError) as exc:
            raise cluster_failure(exc, "the copy is done; run it again to compare") from exc
        return {d["_id"]: bool(d["_source"]["live"]) for d in body["docs"] if d.get("found")}


def _state(live: bool | None) -> str:
    return "missing" if live is None else ("live" if live else "a tombstone")


def send_documents(
    cluster: Cluster, page: Sequence[tuple[int, Mention]], *, writer: str, resume: str
) -> list[Rejection]:
    """Write the page's documents by id, and claim their dedupe keys for this store
    (``claims``' keys, create-only: a key another daemon holds stays theirs), through
    ``bulk`` (bounded requests, 429 backed off). Returns what the cluster refused for good;
    anything else not acknowledged (the cluster away, still busy, a 5xx) raises, so the
    checkpoint stays before this page."""
    mentions_index, keys_index = index_names(cluster.settings.index_prefix)
    actions: list[BulkAction] = []
    owners: list[str] = []
    for seq, m in page:
        actions.append(
            BulkAction("index", mentions_index, m.id, document_of(m, seq=seq, writer=writer))
        )
        owners.append(m.id)
        for kind, key in _dedupe_keys(m):
            claim = {"kind": kind, "mention_id": m.id, "source": m.source, "writer": writer,
                     "seen_at": rows.ts(m.fetched_at)}  # fmt: skip
            actions.append(BulkAction("create", keys_index, key, claim))
            owners.append(m.id)
    report = bulk.send(cluster, actions)
    rejected: dict[str, Rejection] = {}
    for action, owner, outcome in zip(actions, owners, report.outcomes, strict=True):
        if outcome is not None and permanent(outcome) and not acknowledged(action, outcome):
            what = "" if action.op == "index" else f"its dedupe key {action.id}: "
            reason = f"{what}{outcome.reason or 'refused'}"
            rejected.setdefault(owner, Rejection(owner, outcome.status, reason))
        elif not acknowledged(action, outcome):
            problem = report.request_error or f"{action.id} was answered {_status(outcome)}"
            raise ClusterError(f"{problem}; {resume}")
    return list(rejected.values())


def delete_documents(cluster: Cluster, mention_ids: Sequence[str], *, resume: str) -> None:
    """Delete these mentions' documents (a 404 is fine: nothing to delete)."""
    mentions_index, _ = index_names(cluster.settings.index_prefix)
    actions = [BulkAction("delete", mentions_index, i) for i in mention_ids]
    report = bulk.send(cluster, actions)
    for action, outcome in zip(actions, report.outcomes, strict=True):
        if not acknowledged(action, outcome):
            problem = report.request_error or f"{action.id} was answered {_status(outcome)}"
            raise ClusterError(f"{problem}; {resume}")


def _dedupe_keys(m: Mention) -> Iterator[tuple[str, str]]:
    # The keys the store claims when it inserts (claims.py): tombstones' too, since their
    # claims keep a deleted post from being stored again by another daemon.
    yield "id", id_key(m.id)
    if m.canonical_url:
        yield "url", url_key(m.canonical_url)
    for brand in dict.fromkeys(m.brands):
        yield "content", content_key(brand, m.content_hash)


def _status(outcome: ItemOutcome | None) -> str:
    return "nothing" if outcome is None else str(outcome.status)
