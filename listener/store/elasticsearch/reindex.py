"""``listener reindex``: a store's mentions copied into the cluster, or the cluster's into a
local SQLite file (issue 19). What both directions share is here: the checkpoint's key and
rows, the counts and the report; the copies are ``reindex_to_cluster`` and
``reindex_to_sqlite``.

``ToCluster`` sends every local mention, tombstones included (a tombstone keeps a deleted
post from coming back as new), in pages by local ``seq``: each page is written by document
id (``index``: the local row is this daemon's record of its own mention, so it wins), and
the checkpoint (``schema_reindex``) moves past a page only once the cluster acknowledged it.
At the end each local mention is looked up in the index by id (``_mget``, real-time: no
refresh needed): the counts of live mentions and tombstones on both sides, and the ids that
are missing or differ. The index may hold more: other daemons' mentions are not compared.
A sent page's rows are read again until they stand still, so a daemon changing or deleting
one of them meanwhile (and sending that from its outbox first) is not overwritten by the
older state.

``ToSQLite`` reads the whole index newest-last (``order_key`` then ``id``, ``search_after``)
and stores what this file lacks through ``insert_mentions`` without alert rules (history is
history: importing it raises no alert); ids this store erased or pruned stay out, as they
would from a source. Then the index's counts and the file's are compared.

Both write idempotently (by document id; ``ON CONFLICT (id) DO NOTHING``), so a crash between
a page and its checkpoint only repeats that page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from listener.store.elasticsearch.cluster import Cluster, ClusterError
from listener.store.elasticsearch.mapping import index_names
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


def read_checkpoint(store: SQLiteStore, direction: str, target: str) -> Checkpoint | None:
    with store._read() as conn:
        return read_checkpoint_on(conn, direction, target)


def save_checkpoint(
    store: SQLiteStore, direction: str, target: str, checkpoint: Checkpoint
) -> None:
    with store._write() as conn:
        save_checkpoint_on(conn, direction, target, checkpoint)


def forget_checkpoint(store: SQLiteStore, direction: str, target: str) -> None:
    with store._write() as conn:
        forget_checkpoint_on(conn, direction, target)


def cluster_failure(exc: Exception, resume: str) -> ClusterError:
    return ClusterError(f"the cluster failed: {exc}; {resume}")


class CopyJob:
    """What both directions of a copy start from: the store, the cluster, the page size and
    the checkpoint of this direction and cluster (forgotten first on ``restart``)."""

    direction: str

    def __init__(
        self, store: SQLiteStore, cluster: Cluster, *, page_size: int, restart: bool = False
    ) -> None:
        self.store, self.cluster, self.page_size = store, cluster, max(1, page_size)
        self.mentions_index, _ = index_names(cluster.settings.index_prefix)
        self.target = cluster_target(cluster)
        if restart:
            forget_checkpoint(store, self.direction, self.target)
        self.checkpoint = read_checkpoint(store, self.direction, self.target)
