"""Search on the shared index: ``SearchReads``, the search half of ``ElasticIndex``.

Each reader answers as the SQLite reader of the same name does (``listener.store.search``,
``search_walk``, ``search_facets``, ``search_export_rows``, ``stats.exact``):

- ``search``: with a text query, by relevance (score, then newest published, then newest
  stored); without one, newest published first. Offset paging. The SQLite engine ranks the
  newest ``RANKED_WINDOW`` stored matches only; the cluster ranks every match.
- ``walk_page``: newest stored first by ``order_key`` (``documents.order_key``), the cursor
  being the last hit's key: each page is a range below it, so a page costs its own rows.
- ``facet_counts``: the counts over the ``sample`` newest stored matches, ``capped`` when
  there are more, as ``search_facets.FACET_SAMPLE`` means it.
- Highlights: the markers wrap matched words in the title (whole) and in one fragment of
  the text, plain text (the cluster's default encoder adds no HTML), as FTS5's highlight()
  and snippet() give them; a fragment cut from inside the text gets an ellipsis.

Tombstones are never found (``live``), whatever the query.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterator
from typing import Any

from elasticsearch import NotFoundError

from listener.models import Mention
from listener.query import QueryError, to_fts5
from listener.store.base import DEFAULT_HIGHLIGHT, SearchHit
from listener.store.elasticsearch.cluster import Cluster
from listener.store.elasticsearch.documents import mention_of
from listener.store.elasticsearch.translate import (
    Query,
    ask_filters,
    ask_query,
    highlight_request,
)
from listener.store.mention_index import SearchAsk
from listener.store.search import plain_snippet
from listener.store.search_facets import FACET_NAMES, FacetCounts
from listener.store.search_walk import FIRST_PAGE, WalkPage

# About FTS5's 24-token snippet, in characters (the cluster cuts fragments by characters).
SNIPPET_CHARS = 150
_ELLIPSIS = "…"
_NEWEST_STORED: list[Query] = [{"order_key": {"order": "desc"}}]
_NEWEST_PUBLISHED: list[Query] = [
    {"published_at": {"order": "desc"}},
    {"order_key": {"order": "desc"}},
    {"id": {"order": "desc"}},  # two daemons' keys may tie: search_after needs a total order
]
_RELEVANCE: list[Query] = [{"_score": {"order": "desc"}}, *_NEWEST_PUBLISHED]
# The cluster's default index.max_result_window: from + size may not pass it.
RESULT_WINDOW = 10_000
# Deeper pages are reached by skipping ahead a window per request (sort keys only): the
# deepest page a search may ask for is kept to a few such requests, so one crafted page link
# cannot cost the cluster a hundred searches. Past it, the search says to narrow itself.
MAX_DEEP_OFFSET = 5 * RESULT_WINDOW
# A facet's values within one sample: more than any real search's distinct brands or tags.
_FACET_BUCKETS = 10_000
# The facets as search_facets names them → the document's field.
_FACET_FIELDS = (
    ("brand", "brands"),
    ("source", "source"),
    ("sentiment", "sentiment_label"),
    ("complaint", "complaint"),
    ("feeling", "feelings"),
    ("topic", "topics"),
    ("urgency", "urgency"),
    ("flag", "flags"),
)


def ranked(ask: SearchAsk) -> bool:
    """Whether ``ask`` is ranked by relevance: it has a positive text part (as the SQLite
    engine decides: a query of filters or exclusions alone lists newest first)."""
    return bool(ask.query and ask.query.strip()) and to_fts5(ask.query or "").match is not None


def cluster_marks() -> tuple[str, str]:
    """Markers the cluster is asked to wrap matched words in: printable, and a fresh
    random word no stored text holds. The caller's markers are not sent: the web's and
    the CLI's are control characters, which the cluster trims off a fragment's ends
    with the whitespace, losing the marker of a word that starts or ends the title or
    text (osmem does; whether Elasticsearch does is not documented)."""
    nonce = secrets.token_hex(8)
    return f"[{nonce}>", f"<{nonce}]"


def _remarked(text: str, sent: tuple[str, str], highlight: tuple[str, str]) -> str:
    return text.replace(sent[0], highlight[0]).replace(sent[1], highlight[1])


def _unmarked(text: str, highlight: tuple[str, str]) -> str:
    return text.replace(highlight[0], "").replace(highlight[1], "")


def snippet_of(text: str, fragment: str | None, highlight: tuple[str, str]) -> str:
    """The hit's snippet: the marked fragment, with an ellipsis where it cuts the text."""
    if fragment is None:
        return plain_snippet(text)
    plain = _unmarked(fragment, highlight)
    at = text.find(plain)
    before = _ELLIPSIS if at != 0 else ""
    after = _ELLIPSIS if at < 0 or at + len(plain) < len(text) else ""
    return before + fragment + after


def _first(marks: dict[str, list[str]], *names: str) -> str | None:
    for name in names:
        found = marks.get(name)
        if found:
            return found[0]
    return None


def hit_of(
    found: dict[str, Any], *, scored: bool, sent: tuple[str, str], highlight: tuple[str, str]
) -> SearchHit:
    """The hit of the cluster's ``found``, marked with ``highlight`` where the cluster
    marked it with ``sent`` (``cluster_marks``)."""
    mention = mention_of(found["_source"])
    if not scored:
        return SearchHit(mention, None, plain_snippet(mention.text), mention.title)
    marks = found.get("highlight") or {}
    title = _remarked(_first(marks, "title", "title.cjk") or mention.title, sent, highlight)
    fragment = _first(marks, "text", "text.cjk")
    snippet = _remarked(snippet_of(mention.text, fragment, sent), sent, highlight)
    score = found.get("_score")
    return SearchHit(mention, float(score) if score is not None else 0.0, snippet, title)


class SearchReads:
    cluster: Cluster
    mentions_index: str

    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        index = self.mentions_index
        found: dict[str, Any] = self.cluster.call(lambda es: es.search(index=index, **body)).body
        return found

    def search(
        self,
        ask: SearchAsk,
        *,
        limit: int = 20,
        offset: int = 0,
        highlight: tuple[str, str] = DEFAULT_HIGHLIGHT,
    ) -> list[SearchHit]:
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        if offset > MAX_DEEP_OFFSET:
            raise QueryError(
                f"pages past the first {MAX_DEEP_OFFSET:,} results are not kept by the shared "
                "index: narrow the search (a date range, a source or another word)",
                ask.query or "",
                1,
            )
        scored = ranked(ask)
        body: dict[str, Any] = {
            "query": ask_query(ask),
            "sort": _RELEVANCE if scored else _NEWEST_PUBLISHED,
            "from": offset,
            "size": limit,
            "track_total_hits": False,
        }
        if offset + limit > RESULT_WINDOW:
            # Past the cluster's from + size limit: skip ahead in the same order by
            # search_after, a window at a time (the web allows offsets the SQLite engine
            # pages to; each window costs one request of sort keys only).
            after = self._sort_values_at(body, offset)
            if after is None:
                return []
            body["from"] = 0
            body["search_after"] = after
        sent = cluster_marks()
        if scored:
            body["highlight"] = highlight_request(sent, fragment_chars=SNIPPET_CHARS)
        hits = self._search(body)["hits"]["hits"]
        return [hit_of(h, scored=scored, sent=sent, highlight=highlight) for h in hits]

    def _sort_values_at(self, body: dict[str, Any], offset: int) -> list[Any] | None:
        """The sort values of the ``offset``-th hit of ``body``'s search (the last one
        skipped), or None when it has no more hits than that."""
        skip = {**body, "_source": False, "from": 0}
        after: list[Any] | None = None
        left = offset
        while left > 0:
            skip["size"] = min(left, RESULT_WINDOW)
            if after is not None:
                skip["search_after"] = after
            hits = self._search(skip)["hits"]["hits"]
            if len(hits) < skip["size"]:
                return None
            after = list(hits[-1]["sort"])
            left -= len(hits)
        return after

    def walk_page(
        self,
        ask: SearchAsk,
        *,
        after: int,
        limit: int,
        highlight: tuple[str, str] = DEFAULT_HIGHLIGHT,
    ) -> WalkPage:
        if limit < 1:
            raise ValueError("a walk's page holds at least one mention")
        scored = ranked(ask)
        body: dict[str, Any] = {
            "query": _below(ask_query(ask), after),
            "sort": _NEWEST_STORED,
            "size": limit + 1,  # one past the page says whether another follows
            "track_total_hits": False,
        }
        sent = cluster_marks()
        if scored:
            body["highlight"] = highlight_request(sent, fragment_chars=SNIPPET_CHARS)
        found = self._search(body)["hits"]["hits"]
        more = len(found) > limit
        found = found[:limit]
        # A walk's hits carry no score, as the SQLite walk's.
        hits = [
            SearchHit(h.mention, None, h.snippet, h.title_highlighted)
            for h in (hit_of(f, scored=scored, sent=sent, highlight=highlight) for f in found)
        ]
        next_after = int(found[-1]["_source"]["order_key"]) if more else None
        return WalkPage(hits, next_after)

    def _newest(self, query: Query, *, count: int) -> list[tuple[str, str | None]]:
        """(id, language as stored) of the ``count`` newest stored matches of ``query``."""
        body = {
            "query": query,
            "sort": _NEWEST_STORED,
            "size": count,
            "_source": ["stored.language"],
            "track_total_hits": False,
        }
        hits = self._search(body)["hits"]["hits"]
        return [(str(h["_id"]), (h["_source"].get("stored") or {}).get("language")) for h in hits]

    def export_pages(self, ask: SearchAsk, *, page_size: int) -> Iterator[list[SearchHit]]:
        after: int | None = FIRST_PAGE
        while after is not None:
            page = self.walk_page(ask, after=after, limit=page_size)
            if page.hits:
                yield page.hits
            after = page.next_after

    def facet_counts(self, ask: SearchAsk, *, sample: int) -> FacetCounts:
        query = ask_query(ask)
        values: dict[str, list[tuple[str, int]]] = {name: [] for name in FACET_NAMES}
        if sample < 1:
            return FacetCounts(counted=0, capped=self._count(query) > 0, values=values)
        # The sample's ids (one more says whether the search has more), then the counts.
        newest = self._newest(query, count=sample + 1)
        capped = len(newest) > sample
        newest = newest[:sample]
        aggs = {
            name: {"terms": {"field": field, "size": _FACET_BUCKETS}}
            for name, field in _FACET_FIELDS
        }
        body = {
            "query": {"ids": {"values": [mention_id for mention_id, _ in newest]}},
            "size": 0,
            "aggs": aggs,
        }
        found = self._search(body)
        for name, _ in _FACET_FIELDS:
            for bucket in found["aggregations"][name]["buckets"]:
                values[name].append((_facet_value(name, bucket), int(bucket["doc_count"])))
        # Languages as stored (the index's language field is lowercased for the filters;
        # the SQLite facet shows "en-GB"), '' for one not recognised.
        languages = Counter(language or "" for _, language in newest)
        values["language"] = list(languages.items())
        for listed in values.values():
            listed.sort(key=lambda pair: (-pair[1], pair[0].lower()))
        return FacetCounts(counted=len(newest), capped=capped, values=values)

    def exact_count(self, ask: SearchAsk) -> int:
        return self._count(ask_query(ask))

    def count_mentions(self) -> int:
        return self._count({"bool": {"filter": ask_filters(SearchAsk())}})

    def _count(self, query: Query) -> int:
        index = self.mentions_index
        found = self.cluster.call(lambda es: es.count(index=index, query=query)).body
        return int(found["count"])

    def get_mention(self, mention_id: str) -> Mention | None:
        index = self.mentions_index
        try:
            found = self.cluster.call(lambda es: es.get(index=index, id=mention_id)).body
        except NotFoundError:
            return None
        return mention_of(found["_source"]) if found.get("found") else None


def _below(query: Query, after: int) -> Query:
    """``query`` (``ask_query``'s) narrowed to the mentions stored before the key ``after``
    (order_key is exact below 2**53, in every engine: see documents.order_key)."""
    query["bool"]["filter"].append({"range": {"order_key": {"lt": after}}})
    return query


def _facet_value(name: str, bucket: dict[str, Any]) -> str:
    if name == "complaint":
        # A boolean's bucket key is 1/0 (key_as_string "true"/"false").
        return "yes" if bucket["key"] in (1, True, "true") else "no"
    return str(bucket["key"])
