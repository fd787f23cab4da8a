"""Noticing a cluster that lost listener's indices, and putting them back.

A cluster restarted empty (an in-memory or wiped node, a restore of an older snapshot, an
operator's DELETE) loses the template and both indices. The daemons' next writes then let
the cluster auto-create them with dynamic mappings (every string becomes text), search and
the dashboard fail, and the dedupe claims are gone, so two daemons store one article twice.
Each daemon's SQLite file is the journal of its own mentions, so each can make the loss good:
``lost_indices`` says what is missing (asked by the daemon's upkeep every half minute), and
``repair`` removes an index the cluster auto-created (it holds only documents written since
the loss, all of them in some daemon's journal), puts the template and indices back, and
sends this daemon's mentions again with their claims, as ``listener reindex --to
elasticsearch --restart`` would. Every daemon sharing the cluster does the same for its own.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable
from functools import partial
from typing import Any

from elastic_transport import ObjectApiResponse, TransportError
from elasticsearch import ApiError, AsyncElasticsearch, NotFoundError

from listener.logs import fields
from listener.store.elasticsearch.cluster import Cluster
from listener.store.elasticsearch.mapping import index_names
from listener.store.elasticsearch.reindex_to_cluster import ToCluster
from listener.store.elasticsearch.template import ensure_indices
from listener.store.sqlite import SQLiteStore

log = logging.getLogger("listener.store.elasticsearch")


def _mappings(cluster: Cluster) -> dict[str, Any]:
    """Each of listener's indices present, with its mapping (missing ones left out)."""
    found: dict[str, Any] = {}
    for name in index_names(cluster.settings.index_prefix):
        try:
            body = cluster.call(partial(_get_mapping, index=name)).body
        except NotFoundError:
            continue
        found[name] = (body.get(name) or {}).get("mappings") or {}
    return found


def _get_mapping(es: AsyncElasticsearch, *, index: str) -> Awaitable[ObjectApiResponse[Any]]:
    return es.indices.get_mapping(index=index)


def _delete(es: AsyncElasticsearch, *, index: str) -> Awaitable[ObjectApiResponse[Any]]:
    return es.indices.delete(index=index)


def cluster_made(cluster: Cluster) -> list[str]:
    """listener's indices present with mappings the cluster made (auto-created by a write
    after the cluster lost listener's), which search and the dashboard cannot use."""
    return [n for n, m in _mappings(cluster).items() if m.get("dynamic") != "strict"]


def lost_indices(cluster: Cluster) -> str | None:
    """What the cluster lacks of listener's template and indices, in words, or None when all
    are there as listener made them. Cluster errors propagate (the caller tries later)."""
    mentions, keys = index_names(cluster.settings.index_prefix)
    problems: list[str] = []
    if not cluster.call(lambda es: es.indices.exists_index_template(name=mentions)).body:
        problems.append(f"the index template {mentions} is gone")
    present = _mappings(cluster)
    for name in (mentions, keys):
        if name not in present:
            problems.append(f"the index {name} is gone")
        elif present[name].get("dynamic") != "strict":
            problems.append(f"the index {name} was made by the cluster, not by listener")
    return "; ".join(problems) or None


def repair(store: SQLiteStore, cluster: Cluster) -> int:
    """Put listener's indices back and send this store's mentions again with their dedupe
    claims; return how many were sent."""
    present = _mappings(cluster)
    for name, mapping in present.items():
        if mapping.get("dynamic") != "strict":
            # Auto-created by a write after the loss: its documents are in the journals.
            with contextlib.suppress(NotFoundError):  # another daemon removed it first
                cluster.call(partial(_delete, index=name))
    ensure_indices(cluster)
    job = ToCluster(store, cluster, page_size=cluster.settings.bulk_docs, restart=True)
    report = job.run()
    log.warning(
        "the shared index is back: this daemon's mentions were sent again",
        extra=fields(mentions=report.copied_now, refused=len(report.rejected)),
    )
    return report.copied_now


def watch_once(store: SQLiteStore, cluster: Cluster) -> str | None:
    """Look once; repair when something is lost. Returns what was lost, or None."""
    try:
        problem = lost_indices(cluster)
    except (ApiError, TransportError):
        return None  # the cluster is away: the outbox's sends say so; look again later
    if problem is None:
        return None
    log.warning(
        "the cluster lost listener's indices (restarted empty?): putting them back and "
        "sending this daemon's mentions again",
        extra=fields(problem=problem),
    )
    repair(store, cluster)
    return problem
