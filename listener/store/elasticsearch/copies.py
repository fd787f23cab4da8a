"""Near-copies on the shared index: ``CopyReads``, what ``near_prints.copies_of`` answers on
SQLite ("also on N sources"), read from every daemon's documents.

A copy's document carries its head's id (``copy_of``, a keyword), so one search finds each
head's live copies whichever daemon stored them or their head. Oldest first: by
``order_key`` (fetch time to the second, then the writing store's order, see
``documents.order_key``), then id, where SQLite orders its own rows by insert (seq).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from listener.store.elasticsearch.cluster import Cluster
from listener.store.near_prints import CopyRef
from listener.store.rows import parse_ts

# Documents a request reads: a head's copies are a handful; many heads page on.
_PAGE = 1_000
_FIELDS = ["id", "source", "source_type", "url", "title", "published_at", "copy_of"]


class CopyReads:
    cluster: Cluster
    mentions_index: str

    def copies_of(self, head_ids: Iterable[str]) -> dict[str, list[CopyRef]]:
        """The live copies of each of ``head_ids``, oldest first (every id is a key)."""
        heads = list(dict.fromkeys(head_ids))
        found: dict[str, list[CopyRef]] = {head: [] for head in heads}
        if not heads:
            return found
        head_sources = self._sources_of(heads)
        for doc in self._copies(heads):
            head = doc["copy_of"]
            found[head].append(
                CopyRef(
                    mention_id=doc["id"],
                    source=doc["source"],
                    source_type=doc["source_type"],
                    url=doc.get("url"),
                    title=doc["title"],
                    published_at=parse_ts(doc["published_at"]),
                    on_head_source=doc["source"] == head_sources.get(head),
                )
            )
        return found

    def _copies(self, heads: list[str]) -> list[dict[str, Any]]:
        query = {"bool": {"filter": [{"terms": {"copy_of": heads}}, {"term": {"live": True}}]}}
        request: dict[str, Any] = {
            "index": self.mentions_index,
            "query": query,
            "size": _PAGE,
            "sort": [{"order_key": "asc"}, {"id": "asc"}],
            "source": _FIELDS,
            "track_total_hits": False,
        }
        docs: list[dict[str, Any]] = []
        while True:
            body = self.cluster.call(lambda es: es.search(**request)).body
            hits: list[dict[str, Any]] = body["hits"]["hits"]
            docs.extend(h["_source"] for h in hits)
            if len(hits) < _PAGE:
                return docs
            request["search_after"] = hits[-1]["sort"]

    def _sources_of(self, heads: list[str]) -> dict[str, str]:
        # A tombstoned or pruned head still names its source while its document stands;
        # a head no longer in the index names none (SQLite: no row, no copy on its source).
        body = self.cluster.call(
            lambda es: es.mget(index=self.mentions_index, ids=heads, source=["source"])
        ).body
        return {d["_id"]: d["_source"]["source"] for d in body["docs"] if d.get("found")}
