"""``listener reindex``: a store's mentions copied into the cluster, or the cluster's into a
local SQLite file (issue 19).

``ToCluster`` sends every local mention, tombstones included (a tombstone keeps a deleted
post from coming back as new), in pages by local ``seq``: each page is written by document
id (``index``: the local row is this daemon's record of its own mention, so it wins), and
the checkpoint (``schema_reindex``) moves past a page only once the cluster acknowledged it.
At the end each local mention is looked up in the index by id (``_mget``, real-time: no
refresh needed): the counts of live mentions and tombstones on both sides, and the ids that
are missing or differ. The index may hold more: other daemons' mentions are not compared.

``ToSQLite`` reads the whole index newest-last (``order_key`` then ``id``, ``search_after``)
and stores what this file lacks through ``insert_mentions`` without alert rules (history is
history: importing it raises no alert); ids this store erased or pruned stay out, as they
would from a source. Then the index's counts and the file's are compared.

Both write idempotently (by document id; ``ON CONFLICT (id) DO NOTHING``), so a crash between
a page and its checkpoint only repeats that page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from elasticsearch import ApiError, TransportError

from listener.clock import utcnow
from listener.models import Mention
from listener.store import rows
from listener.store.elasticsearch import bulk
from listener.store.elasticsearch.bulk import BulkAction, ItemOutcome, acknowledged, permanent
from listener.store.elasticsearch.claims import content_key, id_key, url_key
from listener.store.elasticsearch.cluster import Cluster, ClusterError
from listener.store.elasticsearch.documents import document_of, mention_of, writer_id_for
from listener.store.elasticsearch.mapping import index_names
from listener.store.elasticsearch.outbox import store_key_on
from listener.store.schema_reindex import (
    Checkpoint,
    forget_checkpoint_on,
    read_checkpoint_on,
    save_checkpoint_on,
)
from listener.store.sqlite import SQLiteStore

TO_CLUSTER = "elasticsearch"
TO_SQLITE = "sqlite"
SHOWN_DIFFERENCES = 10
_COMPARE_PAGE = 1000


@dataclass(frozen=True, slots=True)
class Tally:
    live: int
    tombstones: int

    @property
    def total(self) -> int:
        return self.live + self.tombstones

    def __str__(self) -> str:
        return f"{self.live:,} live, {self.tombstones:,} tombstones"


@dataclass(frozen=True, slots=True)
class Rejection:
    """A mention the cluster refused for good (a mapping error, a document too large)."""

    mention_id: str
    status: int
    reason: str


@dataclass(slots=True)
class CopyReport:
    copied_now: int = 0  # sent (or stored) by this run
    copied_total: int = 0  # since the copy began, by the checkpoint
    already_there: int = 0  # ToSQLite: ids this file had (stored, erased or pruned)
    finished: bool = False  # False when --stop-after ended the run first
    rejected: list[Rejection] = field(default_factory=list)
    source: Tally | None = None  # compared once finished
    target: Tally | None = None
    differences: list[str] = field(default_factory=list)  # a few ids, with what differs

    @property
    def counts_match(self) -> bool:
        return self.source == self.target and not self.differences


def cluster_target(cluster: Cluster) -> str:
    """The checkpoint's key: which cluster and index prefix (no credentials in it)."""
    urls = sorted(_without_userinfo(u) for u in cluster.settings.urls)
    return f"{' '.join(urls)} {cluster.settings.index_prefix}"


def _without_userinfo(url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _checkpoint(store: SQLiteStore, direction: str, target: str) -> Checkpoint | None:
    with store._read() as conn:
        return read_checkpoint_on(conn, direction, target)


def _save(store: SQLiteStore, direction: str, target: str, checkpoint: Checkpoint) -> None:
    with store._write() as conn:
        save_checkpoint_on(conn, direction, target, checkpoint)


def _forget(store: SQLiteStore, direction: str, target: str) -> None:
    with store._write() as conn:
        forget_checkpoint_on(conn, direction, target)


def _cluster_failure(exc: Exception, resume: str) -> ClusterError:
    return ClusterError(f"the cluster failed: {exc}; {resume}")


class ToCluster:
    """Copies ``store``'s mentions into ``cluster``'s mentions index."""

    def __init__(
        self, store: SQLiteStore, cluster: Cluster, *, page_size: int, restart: bool = False
    ) -> None:
        self.store, self.cluster, self.page_size = store, cluster, max(1, page_size)
        self.mentions_index, _ = index_names(cluster.settings.index_prefix)
        self.target = cluster_target(cluster)
        with store._read() as conn:
            self.writer = writer_id_for(store_key_on(conn))
        if restart:
            _forget(store, TO_CLUSTER, self.target)
        self.checkpoint = _checkpoint(store, TO_CLUSTER, self.target)

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
                if self._local_page(1):
                    return report
                break
            page = self._local_page(min(room, self.page_size))
            if not page:
                break
            resume = f"run `listener reindex` again: it resumes after mention seq {page[0][0] - 1}"
            report.rejected += send_documents(self.cluster, page, writer=self.writer, resume=resume)
            report.copied_now += len(page)
            report.copied_total += len(page)
            self.checkpoint = Checkpoint(page[-1][0], report.copied_total, started, utcnow())
            _save(self.store, TO_CLUSTER, self.target, self.checkpoint)
            on_page(len(page))
        report.finished = True
        report.source, report.target, report.differences = self.compare()
        return report

    def _local_page(self, limit: int) -> list[tuple[int, Mention]]:
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
            raise _cluster_failure(exc, "the copy is done; run it again to compare") from exc
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
        actions.append(BulkAction("index", mentions_index, m.id, document_of(m, seq=seq)))
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


class ToSQLite:
    """Copies ``cluster``'s mentions into ``store`` (a plain SQLite store: no outbox)."""

    def __init__(
        self, store: SQLiteStore, cluster: Cluster, *, page_size: int, restart: bool = False
    ) -> None:
        self.store, self.cluster, self.page_size = store, cluster, max(1, page_size)
        self.mentions_index, _ = index_names(cluster.settings.index_prefix)
        self.target = cluster_target(cluster)
        if restart:
            _forget(store, TO_SQLITE, self.target)
        self.checkpoint = _checkpoint(store, TO_SQLITE, self.target)

    def remaining(self) -> int:
        """About how many index documents are left (the index may grow meanwhile)."""
        done = self.checkpoint.copied if self.checkpoint else 0
        return max(0, self.index_counts().total - done)

    def run(
        self, *, stop_after: int | None = None, on_page: Callable[[int], None] = lambda n: None
    ) -> CopyReport:
        report = CopyReport(copied_total=self.checkpoint.copied if self.checkpoint else 0)
        started = self.checkpoint.started_at if self.checkpoint else utcnow()
        after = self.checkpoint.position if self.checkpoint else None
        while True:
            room = self.page_size if stop_after is None else stop_after - report.copied_now
            if room <= 0:
                if self._index_page(after, 1):
                    return report
                break
            hits = self._index_page(after, min(room, self.page_size))
            if not hits:
                break
            mentions = [mention_of(h["_source"]) for h in hits]
            known = self.store.existing_ids(m.id for m in mentions)
            # No recheck and no on_stored: the index already deduplicated them, and
            # imported history raises no alert.
            self.store.insert_mentions([m for m in mentions if m.id not in known])
            report.already_there += len(known)
            report.copied_now += len(hits)
            report.copied_total += len(hits)
            after = hits[-1]["sort"]
            self.checkpoint = Checkpoint(after, report.copied_total, started, utcnow())
            _save(self.store, TO_SQLITE, self.target, self.checkpoint)
            on_page(len(hits))
        report.finished = True
        report.source = self.index_counts()
        with self.store._read() as conn:
            live, dead = conn.execute(
                "SELECT count(*) FILTER (WHERE deleted_at IS NULL),"
                " count(*) FILTER (WHERE deleted_at IS NOT NULL) FROM mentions"
            ).fetchone()
        report.target = Tally(int(live), int(dead))
        return report

    def _index_page(self, after: Any, size: int) -> list[dict[str, Any]]:
        request: dict[str, Any] = {
            "index": self.mentions_index,
            "size": size,
            "query": {"match_all": {}},
            # order_key is unique per daemon only: the id breaks ties across daemons.
            "sort": [{"order_key": "asc"}, {"id": "asc"}],
            "source": ["stored"],
            "track_total_hits": False,
        }
        if after is not None:
            request["search_after"] = after
        try:
            body = self.cluster.call(lambda es: es.search(**request)).body
        except (ApiError, TransportError) as exc:
            raise _cluster_failure(exc, "run `listener reindex` again: it resumes") from exc
        hits: list[dict[str, Any]] = body["hits"]["hits"]
        return hits

    def index_counts(self) -> Tally:
        def count(live: bool) -> int:
            query = {"term": {"live": live}}
            try:
                answer = self.cluster.call(
                    lambda es: es.count(index=self.mentions_index, query=query)
                ).body
            except (ApiError, TransportError) as exc:
                raise _cluster_failure(exc, "run `listener reindex` again") from exc
            return int(answer["count"])

        return Tally(count(True), count(False))
