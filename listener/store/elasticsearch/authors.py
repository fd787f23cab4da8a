"""Authors on the cluster: an author's record as aggregations over their mentions' documents,
and their history (or a person's, over several accounts) in keyset pages newest first.

The SQLite engine keeps an ``authors`` row updated by each insert; the index keeps no such
row (each daemon would race to update it), so the record is computed from the documents
that name the author, with the same rules the row's upsert follows:

- ``mention_count``, ``first_seen_at``, ``last_seen_at``: the count and the earliest and
  latest ``published_at`` of the documents with the author's handle key on the type;
- ``handle`` as last seen, and ``name`` and ``url`` as last given, "last" in insert order,
  which on the cluster is ``order_key`` (fetch time, then the storing daemon's row number);
- ``followers`` from the most recently fetched mention that reported a count;
- the profile (bio, links, account age, following, posts) is not in the documents (the
  mention rows do not keep it either: only the authors row does), so ``author_reads``
  takes it from this daemon's own authors row, where it has one.

A tombstoned mention's document no longer names its author (the tombstone blanks it, as the
row does) and a pruned one is gone, so the index counts only the mentions it still
attributes; ``author_reads.with_local_record`` adds back the ones this daemon stored (from
its authors row). Where the engines still differ (for the README): such mentions stored by
*another* daemon are not counted by this one; and ``url`` is read from the author's
``PROFILE_WINDOW`` newest mentions (it is not an indexed field), where the row's coalesce
has no limit.

History pages sort by ``published_at`` then ``order_key``, both descending; the page key
is a ``MentionKey`` whose ``seq`` is the last document's ``order_key`` (unique per daemon's
row, and below 2**63 as the web's cursor requires), so a deep page costs what the first
does (``search_after``) and no mention is skipped or repeated across accounts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from listener.store.base import AuthorRecord
from listener.store.elasticsearch.cluster import Cluster
from listener.store.elasticsearch.documents import mention_of
from listener.store.rows import parse_ts
from listener.store.rule_reads import as_source_types

if TYPE_CHECKING:
    from listener.models import Mention
    from listener.store.author_reads import MentionKey
    from listener.store.rule_reads import SourceTypes

__all__ = ["PROFILE_WINDOW", "AuthorReads", "epoch_millis", "handle_key"]

# The newest mentions an author's url is read from (one top_hits per type): 100 is the
# index.max_inner_result_window a top_hits may return by default; a url a person stopped
# giving 100 mentions ago is not worth a setting of its own.
PROFILE_WINDOW = 100
_URL_SOURCE = ["stored.author.handle", "stored.author.url"]
_NEWEST_FIRST = [{"order_key": {"order": "desc"}}]
_HISTORY_ORDER = [{"published_at": {"order": "desc"}}, {"order_key": {"order": "desc"}}]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_millis(at: datetime) -> int:
    """``at`` as the cluster sorts a date: whole milliseconds since 1970, rounded down (the
    way a ``date`` field truncates a stored microsecond time)."""
    return (at - _EPOCH) // timedelta(milliseconds=1)


def handle_key(handle: str) -> str:
    """The handle as the authors table keys a question about it: no padding, no '@', lower."""
    return handle.strip().removeprefix("@").lower()


class AuthorReads:
    """The author reads of ``ElasticIndex`` (see ``listener.store.mention_index``)."""

    cluster: Cluster
    mentions_index: str

    # -- records -------------------------------------------------------------------------

    def author_records(self, source_types: Sequence[str], handle: str) -> list[AuthorRecord]:
        types = list(dict.fromkeys(t.lower() for t in source_types))
        found = self._records(types, handle_key(handle))
        return [found[t] for t in types if t in found]

    def get_author(self, source_type: str, handle: str) -> AuthorRecord | None:
        # Store.get_author's key: the handle lowercased as given (an '@' stays part of it).
        return self._records([source_type], handle.lower()).get(source_type)

    def _records(self, types: list[str], key: str) -> dict[str, AuthorRecord]:
        if not types or not key:
            return {}
        body: dict[str, Any] = {
            "size": 0,
            "query": {
                "bool": {
                    "filter": [
                        {"terms": {"source_type": types}},
                        {"term": {"author.handle_key": key}},
                    ]
                }
            },
            "aggs": {"by_type": {"terms": {"field": "source_type", "size": len(types)},
                                 "aggs": _RECORD_AGGS}},
        }  # fmt: skip
        answer = self.cluster.call(lambda es: es.search(index=self.mentions_index, **body)).body
        buckets = answer.get("aggregations", {}).get("by_type", {}).get("buckets", [])
        return {str(b["key"]): _record_of(str(b["key"]), b) for b in buckets if b["doc_count"]}

    # -- history ---------------------------------------------------------------------------

    def accounts_mentions_page(
        self,
        accounts: Sequence[tuple[SourceTypes, str]],
        *,
        after: MentionKey | None,
        limit: int,
    ) -> tuple[list[Mention], MentionKey | None]:
        from listener.store.author_reads import MentionKey  # the type routes through us

        wanted = [
            {"bool": {"filter": [
                {"terms": {"source_type": list(as_source_types(types))}},
                {"term": {"author.handle_key": handle_key(handle)}},
            ]}}
            for types, handle in accounts
            if handle_key(handle)
        ]  # fmt: skip
        if not wanted or limit <= 0:
            return [], None
        body: dict[str, Any] = {
            "size": limit + 1,  # one more tells whether another page exists
            "query": {"bool": {"filter": [{"term": {"live": True}}],
                               "should": wanted, "minimum_should_match": 1}},
            "sort": _HISTORY_ORDER,
            "_source": ["stored", "order_key"],
            "track_total_hits": False,
        }  # fmt: skip
        if after is not None:
            body["search_after"] = [epoch_millis(after.published_at), after.seq]
        answer = self.cluster.call(lambda es: es.search(index=self.mentions_index, **body)).body
        hits = answer["hits"]["hits"]
        page = hits[:limit]
        mentions = [mention_of(h["_source"]) for h in page]
        if len(hits) <= limit or not page:
            return mentions, None
        last = page[-1]
        return mentions, MentionKey(mentions[-1].published_at, int(last["_source"]["order_key"]))


def _newest_with(field: str, source: list[str]) -> dict[str, Any]:
    return {
        "filter": {"exists": {"field": field}},
        "aggs": {"top": _top(_NEWEST_FIRST, source, size=1)},
    }


def _top(sort: list[dict[str, Any]], source: list[str], *, size: int) -> dict[str, Any]:
    return {"top_hits": {"size": size, "sort": sort, "_source": source}}


# First and last seen come from the documents themselves, not min/max aggregations: those
# answer in whole milliseconds, and the row keeps the times to the microsecond.
_RECORD_AGGS: dict[str, Any] = {
    "first": _top([{"published_at": "asc"}, {"order_key": "asc"}], ["stored.published_at"], size=1),
    "last": _top(_HISTORY_ORDER, ["stored.published_at"], size=1),
    "named": _newest_with("author.name", ["author.name"]),
    "counted": _newest_with("author.followers", ["author.followers"]),
    "newest": _top(_NEWEST_FIRST, _URL_SOURCE, size=PROFILE_WINDOW),
}


def _hits(agg: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [h["_source"] for h in agg.get("hits", {}).get("hits", [])]


def _record_of(source_type: str, bucket: Mapping[str, Any]) -> AuthorRecord:
    newest = [s["stored"].get("author") or {} for s in _hits(bucket["newest"])]
    named = _hits(bucket["named"]["top"])
    counted = _hits(bucket["counted"]["top"])
    return AuthorRecord(
        source_type=source_type,
        handle=str(newest[0].get("handle") or ""),
        name=named[0]["author"]["name"] if named else None,
        url=next((a["url"] for a in newest if a.get("url") is not None), None),
        followers=counted[0]["author"]["followers"] if counted else None,
        first_seen_at=parse_ts(_hits(bucket["first"])[0]["stored"]["published_at"]),
        last_seen_at=parse_ts(_hits(bucket["last"])[0]["stored"]["published_at"]),
        mention_count=int(bucket["doc_count"]),
    )
