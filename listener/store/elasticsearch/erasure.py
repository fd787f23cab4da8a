"""Erasure and retention in the cluster: what the local erasure cannot reach on its own.

The local erasure and retention delete mention rows; the outbox (``outbox``) turns each
deleted row into a delete of its document. Two things remain in the cluster after that, and
this module removes them:

- the dedupe claims in ``<prefix>-keys`` naming the deleted mentions (``id:<mention id>``,
  ``url:<sha256>``, ``content:<brand>:<hash>``, each with ``mention_id``): a claim's id
  names the post, and a url or content claim would keep refusing the article to every
  daemon for a mention no one holds. ``forget_claims`` deletes every claim whose
  ``mention_id`` is one of them. After that, this daemon's opaque tombstone
  (``erased_ids``) keeps an erased post from being stored here again; another daemon that
  never held it could store it again if its source serves it again, as a second SQLite
  store could (docs/privacy.md says to erase on each daemon).
- the documents of the erased accounts' mentions that *other* daemons stored (their rows
  live in other files, so no local delete queues them). ``erase_accounts_in_index`` finds
  the accounts' documents by their author's handle key on each type, as the local erasure
  finds the rows (the handle as given, its key, the key with '@'), deletes them and their
  claims.

Both are idempotent and safe to repeat: a retry after the cluster was away deletes what is
left. Deletes go through ``_delete_by_query`` with ``conflicts=proceed`` (a document
re-sent meanwhile is deleted all the same) and ``refresh`` so the next search agrees.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from listener.logs import fields
from listener.store.elasticsearch.cluster import Cluster, ClusterError
from listener.store.people_models import handle_key

__all__ = [
    "IndexErasure",
    "account_query",
    "count_accounts_in_index",
    "erase_accounts_in_index",
    "forget_claims",
]

log = logging.getLogger("listener.store.elasticsearch")

# Ids per delete_by_query: a terms query's default limit is 65,536 values; a retention batch
# is 1,000 mentions (erasure.PRUNE_BATCH), an erasure a person's history.
IDS_PER_REQUEST = 10_000
# The erased accounts' documents are read in pages of this many ids (to forget their claims
# before the documents go: a document whose claims could not be deleted is kept, and the
# next attempt finds it again).
PAGE = 1_000


@dataclass(frozen=True, slots=True)
class IndexErasure:
    """What an erasure removed from the cluster: documents and dedupe claims, counted."""

    documents: int = 0
    claims: int = 0


def forget_claims(cluster: Cluster, keys_index: str, mention_ids: Iterable[str]) -> int:
    """Delete every dedupe claim naming one of ``mention_ids``; return how many went."""
    ids = list(dict.fromkeys(mention_ids))
    deleted = 0
    for start in range(0, len(ids), IDS_PER_REQUEST):
        chunk = ids[start : start + IDS_PER_REQUEST]
        deleted += _delete_by_query(cluster, keys_index, {"terms": {"mention_id": chunk}})
    return deleted


def account_query(accounts: Sequence[tuple[str, str]]) -> dict[str, Any] | None:
    """The documents of ``accounts`` ((source_type, handle) pairs) as the local erasure's
    ``mentions_of_on`` finds their rows; None when no account has a handle."""
    wanted: list[dict[str, Any]] = []
    for source_type, handle in accounts:
        key = handle_key(handle)
        if not key:
            continue
        spellings = list(dict.fromkeys((handle.strip().lower(), key, "@" + key)))
        wanted.append(
            {"bool": {"filter": [
                {"term": {"source_type": source_type.strip().lower()}},
                {"terms": {"author.handle_key": spellings}},
            ]}}
        )  # fmt: skip
    if not wanted:
        return None
    return {"bool": {"should": wanted, "minimum_should_match": 1}}


def count_accounts_in_index(
    cluster: Cluster, mentions_index: str, accounts: Sequence[tuple[str, str]]
) -> int:
    """How many documents ``erase_accounts_in_index`` would delete (an erasure's preview)."""
    query = account_query(accounts)
    if query is None:
        return 0
    answer = cluster.call(lambda es: es.count(index=mentions_index, query=query)).body
    return int(answer["count"])


def erase_accounts_in_index(
    cluster: Cluster,
    mentions_index: str,
    keys_index: str,
    accounts: Sequence[tuple[str, str]],
) -> IndexErasure:
    """Delete the documents of ``accounts``' mentions, whichever daemon stored them, and the
    claims naming them. Called inside the local erasure's transaction, before its deletes
    (``ElasticStore._erase_on``)."""
    query = account_query(accounts)
    if query is None:
        return IndexErasure()
    documents = claims = 0
    while True:
        answer = cluster.call(
            lambda es: es.search(
                index=mentions_index, query=query, size=PAGE, source=False,
                sort=[{"order_key": "asc"}], track_total_hits=False,
            )
        ).body  # fmt: skip
        ids = [str(hit["_id"]) for hit in answer["hits"]["hits"]]
        if not ids:
            break
        # Claims first: were the documents gone and this failed, nothing would find the
        # claims again by the author.
        claims += forget_claims(cluster, keys_index, ids)
        documents += _delete_by_query(cluster, mentions_index, {"ids": {"values": ids}})
        if len(ids) < PAGE:
            break
    if documents or claims:
        log.warning(
            "erased on request from the shared index",
            extra=fields(documents=documents, claims=claims, accounts=len(accounts)),
        )
    return IndexErasure(documents=documents, claims=claims)


def _delete_by_query(cluster: Cluster, index: str, query: dict[str, Any]) -> int:
    answer = cluster.call(
        lambda es: es.delete_by_query(index=index, query=query, conflicts="proceed", refresh=True)
    ).body
    failures = answer.get("failures") or []
    if failures:
        # Partly done: said, so the erasure is not reported complete; a retry deletes the rest.
        raise ClusterError(
            f"the cluster left {len(failures)} deletes in {index} undone "
            f"({str(failures[0])[:200]}); run the erasure again"
        )
    return int(answer.get("deleted") or 0)
