"""The dashboard's panels that rank mentions, on the mentions index: top authors by reach,
the most engaged mentions, and the newest texts rising terms counts; and the scope's
filter every statistics read shares.

Each ranks as ``listener.store.stats.people`` and ``.terms`` do on SQLite: largest first,
then the newest published, then the last stored. "Last stored" is the local store's
insert order there and ``order_key`` here (fetch time to the second, then the writing
store's seq): the same order when mentions are stored in the order they were fetched, which
one daemon does; across daemons only the index has an order at all. ``published_at`` compares to the
millisecond here (Elasticsearch's date precision), to the microsecond in SQLite.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from listener.query.terms import TEXT_CHARS
from listener.store.elasticsearch.cluster import Cluster, ClusterError
from listener.store.rows import parse_ts
from listener.store.stats.models import EngagedMention, TopAuthor
from listener.store.stats.people import excerpt
from listener.store.stats.scope import StatsScope

# Hits read per request when a sample is larger (under every cluster's result window).
_PAGE = 1000
# Source types are a handful (rss, reddit, x…): one collapsed search per type in one
# _msearch keeps two networks' same handle two authors, as the SQLite engine keys them.
_MOST_TYPES = 1000
_NEWEST = [{"published_at": "desc"}, {"order_key": "desc"}]
_BY_REACH = [{"reach": "desc"}, *_NEWEST]
# engagement_total is likes + shares + replies (listener.store.elasticsearch.documents),
# the sum stats.people.ENGAGEMENT ranks by; views are not engagement.
_BY_ENGAGEMENT = [{"engagement_total": "desc"}, *_NEWEST]


def period(since: datetime, until: datetime) -> dict[str, Any]:
    """The filter of mentions published in ``[since, until)``."""
    return {"range": {"published_at": {"gte": since.isoformat(), "lt": until.isoformat()}}}


def scope_query(brand: str | None, since: datetime, until: datetime) -> dict[str, Any]:
    """Live mentions of ``brand`` (None: any; compared without case) in ``[since, until)``."""
    filters: list[dict[str, Any]] = [{"term": {"live": True}}, period(since, until)]
    if brand is not None:
        filters.append({"term": {"brand_keys": brand.lower()}})
    return {"bool": {"filter": filters}}


def _and(query: dict[str, Any], *more: dict[str, Any]) -> dict[str, Any]:
    return {"bool": {"filter": [*query["bool"]["filter"], *more]}}


_HAS_HANDLE = {"exists": {"field": "author.handle_key"}}


class RankedReads:
    cluster: Cluster
    mentions_index: str

    def _stats_search(self, body: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = self.cluster.call(
            lambda es: es.search(index=self.mentions_index, body=body)
        ).body
        return found

    def top_authors(self, scope: StatsScope, limit: int) -> list[TopAuthor]:
        """The ``limit`` authors whose mentions in the range reach furthest (an author's
        largest reach there), with their number of mentions in the range."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        query = _and(scope_query(scope.brand, scope.since, scope.until), _HAS_HANDLE)
        types = self._stats_search({
            "size": 0, "query": query,
            "aggs": {"types": {"terms": {"field": "source_type", "size": _MOST_TYPES}}},
        })["aggregations"]["types"]["buckets"]  # fmt: skip
        if not types:
            return []
        searches: list[dict[str, Any]] = []
        for found in types:
            searches.append({})
            searches.append({
                "size": limit, "sort": _BY_REACH,
                "query": _and(query, {"term": {"source_type": found["key"]}}),
                "collapse": {"field": "author.handle_key"},
                "_source": ["source_type", "author", "reach"],
            })  # fmt: skip
        answers = self.cluster.call(
            lambda es: es.msearch(index=self.mentions_index, searches=searches)
        ).body["responses"]
        hits: list[dict[str, Any]] = []
        for answer in answers:
            if "error" in answer:
                raise ClusterError(f"the top authors' search was refused: {answer['error']}")
            hits.extend(answer["hits"]["hits"])
        # Each type's best authors, merged: the overall best are among them.
        hits.sort(key=lambda h: tuple(h["sort"]), reverse=True)
        leaders = [h["_source"] for h in hits[:limit]]
        counted = self._stats_search({
            "size": 0, "query": query,
            "aggs": {"authors": {"filters": {"filters": [
                {"bool": {"filter": [{"term": {"source_type": s["source_type"]}},
                                     {"term": {"author.handle_key": s["author"]["handle_key"]}}]}}
                for s in leaders
            ]}}},
        })["aggregations"]["authors"]["buckets"]  # fmt: skip
        return [
            TopAuthor(
                s["source_type"],
                s["author"]["handle"],
                s["author"].get("name"),
                s["author"].get("url"),
                int(s["reach"]),
                int(count["doc_count"]),
            )
            for s, count in zip(leaders, counted, strict=True)
        ]

    def engaged_mentions(self, scope: StatsScope, limit: int) -> list[EngagedMention]:
        """The ``limit`` mentions of the range with the most likes, shares and replies."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        hits = self._stats_search({
            "size": limit, "sort": _BY_ENGAGEMENT,
            "query": scope_query(scope.brand, scope.since, scope.until),
            "_source": ["id", "source", "published_at", "author", "title", "text", "url",
                        "engagement_total", "sentiment_label", "complaint"],
        })["hits"]["hits"]  # fmt: skip
        return [
            EngagedMention(
                mention_id=s["id"],
                source=s["source"],
                published_at=parse_ts(s["published_at"]),
                author=(s.get("author") or {}).get("handle") or (s.get("author") or {}).get("name"),
                title=s["title"],
                excerpt=excerpt(s["text"]),
                url=s.get("url"),
                engagement=int(s["engagement_total"]),
                sentiment=s["sentiment_label"],
                complaint=bool(s["complaint"]),
            )
            for s in (h["_source"] for h in hits)
        ]

    def newest_texts(self, scope: StatsScope, sample: int) -> list[str]:
        """The title and text (cut to ``TEXT_CHARS``) of the scope's newest ``sample`` live
        mentions, newest first."""
        query = scope_query(scope.brand, scope.since, scope.until)
        texts: list[str] = []
        after: list[Any] | None = None
        while len(texts) < sample:
            size = min(_PAGE, sample - len(texts))
            body: dict[str, Any] = {"size": size, "sort": _NEWEST, "query": query,
                                    "_source": ["title", "text"]}  # fmt: skip
            if after is not None:
                body["search_after"] = after
            hits = self._stats_search(body)["hits"]["hits"]
            for hit in hits:
                s = hit["_source"]
                texts.append(f"{s.get('title') or ''}\n{s.get('text') or ''}"[:TEXT_CHARS])
            if len(hits) < size:
                break
            after = hits[-1]["sort"]
        return texts
