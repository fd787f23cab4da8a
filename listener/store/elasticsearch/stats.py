"""The dashboard's counting panels as aggregations over the mentions index: volume,
complaints, the breakdowns, share of voice and the headline's totals. The ranking panels
(top authors, most engaged, rising terms' texts) are ``stats_ranked``'s.

Each answers what ``listener.store.stats`` answers from the SQLite rollups, for the same
mentions: live ones only (a tombstone counts nowhere), a scope's brand compared without
case (``brand_keys``), counted by ``published_at`` in ``[since, until)`` (whole UTC hours).
Buckets are ``date_histogram``s in UTC whose edges are the scope's own (the hour, the UTC
day, the ISO week from Monday; the previous period's buckets are this one's moved back by
its length, through the histogram's ``offset``); every histogram bucket lies inside one
scope bucket and is added to it, as the rollups' hour and day rows are.

Two things the rollups keep and the index does not: the counts of mentions retention or
an erasure removed (``rollup_kept_hours``: the SQLite dashboard still counts them, the
index has no document left to count), and the spike alerts marked on the volume chart,
which are this daemon's alerts (``listener.store.stats.counts.volume`` reads them locally).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from listener.store.elasticsearch.cluster import Cluster
from listener.store.elasticsearch.stats_ranked import RankedReads, period, scope_query
from listener.store.stats.models import (
    SENTIMENTS,
    BrandShare,
    Breakdown,
    ComplaintPoint,
    Complaints,
    CountChange,
    ShareOfVoice,
    Volume,
    VolumePoint,
)
from listener.store.stats.scope import DAY, HOUR, WEEK, Bucket, StatsScope

# The breakdowns' dimensions (listener.store.stats.counts.DIMENSIONS) and the field each
# counts; "unknown" is a mention whose language was not recognised, as the rollups say.
_FIELDS = {"topic": "topics", "feeling": "feelings", "source": "source",
           "language": "language_base"}  # fmt: skip
UNKNOWN_LANGUAGE = "unknown"
# Values read per page of a composite aggregation: every value is read (a breakdown lists
# them all), a page at a time, so no terms size cuts one off.
_PAGE = 1000
_SENTIMENT_TERMS = {"terms": {"field": "sentiment_label", "size": 16}}
_COMPLAINED = {"filter": {"term": {"complaint": True}}}
_NEGATIVE = {"filter": {"term": {"sentiment_label": "negative"}}}
_STEPS = {"hour": HOUR, "day": DAY, "week": WEEK}


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _histogram(bucket: Bucket, shift: timedelta, aggs: dict[str, Any]) -> dict[str, Any]:
    """Buckets of ``bucket`` size in UTC, their edges moved back by ``shift`` (whole hours),
    each with ``aggs``."""
    interval = {"fixed_interval": "1h"} if bucket == "hour" else {
        "calendar_interval": "1d" if bucket == "day" else "1w"
    }  # fmt: skip
    histogram: dict[str, Any] = {"field": "published_at", "time_zone": "UTC", **interval}
    moved = -shift % _STEPS[bucket]
    if moved:
        histogram["offset"] = f"+{int(moved / HOUR)}h"
    return {"date_histogram": histogram, "aggs": aggs}


def _per_span(
    spans: list[tuple[datetime, datetime]], buckets: list[dict[str, Any]]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index of the span, histogram bucket) for each non-empty histogram bucket: the span
    holding the bucket's start (the first span's start when the bucket began before it,
    as a week's Monday does before a range that starts mid-week)."""
    starts = [_millis(start) for start, _ in spans]
    for found in buckets:
        if found.get("doc_count"):
            yield bisect_right(starts, max(int(found["key"]), starts[0])) - 1, found


def _sentiments(found: dict[str, Any]) -> dict[str, int]:
    counts = {b["key"]: int(b["doc_count"]) for b in found["sentiments"]["buckets"]}
    return {label: counts.get(label, 0) for label in SENTIMENTS}


class StatsReads(RankedReads):
    cluster: Cluster
    mentions_index: str

    # -- volume and complaints -----------------------------------------------------------

    def volume(self, scope: StatsScope) -> Volume:
        """Mentions per bucket by sentiment and the previous period's total; incidents are
        the local alerts' (left empty here)."""
        aggs = self._now_and_before(scope, {"sentiments": _SENTIMENT_TERMS})
        spans = scope.buckets()
        per_span = [dict.fromkeys(SENTIMENTS, 0) for _ in spans]
        for i, found in _per_span(spans, aggs["now"]["buckets"]["buckets"]):
            for label, count in _sentiments(found).items():
                per_span[i][label] += count
        points = [
            VolumePoint(start, end, counts)
            for (start, end), counts in zip(spans, per_span, strict=True)
        ]
        return Volume(points, int(aggs["before"]["doc_count"]), [])

    def complaints(self, scope: StatsScope) -> Complaints:
        sums = {"complained": _COMPLAINED}
        before_sums = {"complained": _COMPLAINED,
                       "buckets": _histogram(scope.bucket, scope.length, sums)}  # fmt: skip
        aggs = self._now_and_before(scope, sums, before_sums)
        spans = scope.buckets()
        before_spans = [(start - scope.length, end - scope.length) for start, end in spans]
        points = self._complaint_points(spans, aggs["now"]["buckets"]["buckets"])
        previous_points = self._complaint_points(before_spans, aggs["before"]["buckets"]["buckets"])
        return Complaints(
            points,
            int(aggs["before"]["complained"]["doc_count"]),
            int(aggs["before"]["doc_count"]),
            previous_points,
        )

    def _now_and_before(
        self,
        scope: StatsScope,
        sums: dict[str, Any],
        before_sums: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """One request for the period's buckets (``sums`` in each) and the previous period
        (``before_sums`` over it), as volume and complaints both chart them."""
        before = scope.previous()
        previous: dict[str, Any] = {"filter": period(before.since, before.until)}
        if before_sums is not None:
            previous["aggs"] = before_sums
        answer = self._stats_search({
            "size": 0,
            "query": scope_query(scope.brand, before.since, scope.until),
            "aggs": {
                "now": {"filter": period(scope.since, scope.until),
                        "aggs": {"buckets": _histogram(scope.bucket, timedelta(0), sums)}},
                "before": previous,
            },
        })  # fmt: skip
        aggregations: dict[str, Any] = answer["aggregations"]
        return aggregations

    @staticmethod
    def _complaint_points(
        spans: list[tuple[datetime, datetime]], buckets: list[dict[str, Any]]
    ) -> list[ComplaintPoint]:
        counts = [[0, 0] for _ in spans]  # complaints, mentions
        for i, found in _per_span(spans, buckets):
            counts[i][0] += int(found["complained"]["doc_count"])
            counts[i][1] += int(found["doc_count"])
        return [
            ComplaintPoint(start, end, complained, mentions)
            for (start, end), (complained, mentions) in zip(spans, counts, strict=True)
        ]

    # -- breakdowns, share of voice, totals ---------------------------------------------

    def _composite(
        self, query: dict[str, Any], field: str, aggs: dict[str, Any] | None = None
    ) -> tuple[int, list[dict[str, Any]]]:
        """(mentions matching ``query``, every bucket of ``field``'s values with ``aggs``),
        page after page; a mention without the field is a bucket of key None."""
        buckets: list[dict[str, Any]] = []
        after: dict[str, Any] | None = None
        total = 0
        while True:
            composite: dict[str, Any] = {
                "size": _PAGE,
                "sources": [{"value": {"terms": {"field": field, "missing_bucket": True}}}],
            }
            if after is not None:
                composite["after"] = after
            body: dict[str, Any] = {
                "size": 0, "track_total_hits": True, "query": query,
                "aggs": {"values": {"composite": composite, **({"aggs": aggs} if aggs else {})}},
            }  # fmt: skip
            answer = self._stats_search(body)
            total = int(answer["hits"]["total"]["value"])
            page = answer["aggregations"]["values"]
            buckets.extend(page["buckets"])
            after = page.get("after_key")
            if len(page["buckets"]) < _PAGE or after is None:
                return total, buckets

    def _values(self, scope: StatsScope, dimension: str) -> tuple[int, dict[str, int]]:
        total, buckets = self._composite(
            scope_query(scope.brand, scope.since, scope.until), _FIELDS[dimension]
        )
        merged: dict[str, int] = {}
        names: dict[str, str] = {}
        for found in buckets:
            value = found["key"]["value"]
            if dimension == "language":
                name = str(value) if value else UNKNOWN_LANGUAGE
            elif value is None:
                continue  # no topic, no feeling: counted in the total only
            else:
                name = str(value)
            # Sources compare without case as the rollups' NOCASE column does: one source
            # however written, shown as the spelling that sorts first.
            key = name.lower() if dimension == "source" else name
            names.setdefault(key, name)
            merged[key] = merged.get(key, 0) + int(found["doc_count"])
        return total, {names[key]: count for key, count in merged.items() if count}

    def breakdown(self, scope: StatsScope, dimension: str) -> Breakdown:
        if dimension not in _FIELDS:
            raise ValueError(f"dimension must be one of {', '.join(_FIELDS)}, not {dimension!r}")
        mentions, now = self._values(scope, dimension)
        previous_mentions, before = self._values(scope.previous(), dimension)
        rows = [
            CountChange(value, now.get(value, 0), before.get(value, 0))
            for value in now.keys() | before.keys()
        ]
        rows.sort(key=lambda r: (-r.count, -r.previous, r.value))
        return Breakdown(dimension, rows, mentions, previous_mentions)

    def share_of_voice(self, scope: StatsScope) -> ShareOfVoice:
        """Every brand's mentions and negative ones in the range (whatever the scope's
        brand), most first; a brand however written is one brand, named by its most
        common spelling."""
        _, buckets = self._composite(
            scope_query(None, scope.since, scope.until),
            "brand_keys",
            {"negative": _NEGATIVE, "spellings": {"terms": {"field": "brands", "size": 50}}},
        )
        shares = []
        for found in buckets:
            key = found["key"]["value"]
            if not key or not found["doc_count"]:
                continue  # '' is the rollups' "all brands" row, never a brand of its own
            spellings = [b["key"] for b in found["spellings"]["buckets"] if b["key"].lower() == key]
            shares.append(
                BrandShare(
                    spellings[0] if spellings else key,
                    int(found["doc_count"]),
                    int(found["negative"]["doc_count"]),
                )
            )
        shares.sort(key=lambda b: (-b.mentions, b.brand.lower()))
        return ShareOfVoice(shares)

    def totals(self, scope: StatsScope) -> tuple[int, int, int]:
        answer = self._stats_search({
            "size": 0, "track_total_hits": True,
            "query": scope_query(scope.brand, scope.since, scope.until),
            "aggs": {"negative": _NEGATIVE, "complained": _COMPLAINED},
        })  # fmt: skip
        aggs = answer["aggregations"]
        return (
            int(answer["hits"]["total"]["value"]),
            int(aggs["negative"]["doc_count"]),
            int(aggs["complained"]["doc_count"]),
        )
