"""The panels that are sums of rollup rows: volume, complaints, breakdowns, share of voice.

Each reads one connection (one WAL snapshot per statement; the few statements of a panel
run back to back) and never the mentions table: a 180-day range of a million mentions is
a few thousand rollup rows.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_right
from datetime import datetime
from typing import Literal

from listener.models import AlertKind
from listener.store.rows import parse_ts, ts
from listener.store.sqlite import SQLiteStore
from listener.store.stats.models import (
    SENTIMENTS,
    BrandShare,
    Breakdown,
    ComplaintPoint,
    Complaints,
    CountChange,
    Incident,
    ShareOfVoice,
    Volume,
    VolumePoint,
)
from listener.store.stats.scope import StatsScope
from listener.store.stats.sums import LANGUAGE, Filters, key_start, sum_rows

Dimension = Literal["topic", "feeling", "source", "language"]
DIMENSIONS: tuple[Dimension, ...] = ("topic", "feeling", "source", "language")

# Every brand with rollup rows, one index seek per brand (a loose index scan: DISTINCT
# would step through every row of the table).
_BRANDS = """
WITH RECURSIVE named(brand) AS (
    SELECT min(brand) FROM rollup_days WHERE brand > ''
    UNION ALL
    SELECT (SELECT min(brand) FROM rollup_days WHERE brand > named.brand) FROM named
    WHERE named.brand IS NOT NULL
)
SELECT brand FROM named WHERE brand IS NOT NULL"""

_INCIDENTS = (
    "SELECT id, created_at, brand, title, severity FROM alerts"
    " WHERE kind = ? AND created_at >= ? AND created_at < ?{brand}"
    " ORDER BY created_at, id"
)


def total(conn: sqlite3.Connection, scope: StatsScope) -> int:
    """Live mentions of the scope's brand in its range."""
    found = sum_rows(conn, brand=scope.brand, since=scope.since, until=scope.until)
    return found.get((), 0)


def _bucketed(
    conn: sqlite3.Connection, scope: StatsScope, column: str
) -> tuple[list[tuple[datetime, datetime]], list[dict[object, int]]]:
    """Per bucket of the scope, the mentions per value of ``column``."""
    spans = scope.buckets()
    starts = [start for start, _ in spans]
    per_bucket: list[dict[object, int]] = [{} for _ in spans]
    found = sum_rows(
        conn,
        brand=scope.brand,
        since=scope.since,
        until=scope.until,
        group=(column,),
        by_time=True,
        days=scope.bucket != "hour",
    )
    for (key, value), count in found.items():
        counts = per_bucket[bisect_right(starts, key_start(key)) - 1]
        counts[value] = counts.get(value, 0) + count
    return spans, per_bucket


def incidents(conn: sqlite3.Connection, scope: StatsScope) -> list[Incident]:
    """The spike alerts raised in the range (for the brand, or any)."""
    params: list[object] = [AlertKind.INCIDENT.value, ts(scope.since), ts(scope.until)]
    if scope.brand is not None:
        params.append(scope.brand)
    sql = _INCIDENTS.format(brand=" AND brand = ?" if scope.brand is not None else "")
    return [
        Incident(row[0], parse_ts(row[1]), row[2], row[3], row[4])
        for row in conn.execute(sql, params)
    ]


def volume(store: SQLiteStore, scope: StatsScope) -> Volume:
    """Mentions per bucket by sentiment, the previous period's total, the incidents."""
    with store._read() as conn:
        spans, per_bucket = _bucketed(conn, scope, "sentiment")
        previous = total(conn, scope.previous())
        marked = incidents(conn, scope)
    points = []
    for (start, end), counts in zip(spans, per_bucket, strict=True):
        by_sentiment = dict.fromkeys(SENTIMENTS, 0)
        for label, count in counts.items():
            by_sentiment[str(label)] = by_sentiment.get(str(label), 0) + count
        points.append(VolumePoint(start, end, by_sentiment))
    return Volume(points, previous, marked)


def complaints(store: SQLiteStore, scope: StatsScope) -> Complaints:
    """Complaints and mentions per bucket, and both over the previous period."""
    with store._read() as conn:
        spans, per_bucket = _bucketed(conn, scope, "complaint")
        before = sum_rows(
            conn,
            brand=scope.brand,
            since=scope.previous().since,
            until=scope.previous().until,
            group=("complaint",),
        )
    points = [
        ComplaintPoint(start, end, counts.get(1, 0), sum(counts.values()))
        for (start, end), counts in zip(spans, per_bucket, strict=True)
    ]
    return Complaints(points, before.get((1,), 0), sum(before.values()))


def _values(conn: sqlite3.Connection, scope: StatsScope, dimension: Dimension) -> dict[str, int]:
    if dimension in ("topic", "feeling"):
        found = sum_rows(
            conn,
            brand=scope.brand,
            since=scope.since,
            until=scope.until,
            group=("value",),
            table="tag",
            filters=Filters().add("kind = ?", dimension),
        )
    else:
        column = "source" if dimension == "source" else LANGUAGE
        found = sum_rows(
            conn, brand=scope.brand, since=scope.since, until=scope.until, group=(column,)
        )
    merged: dict[str, int] = {}
    names: dict[str, str] = {}
    for (value,), count in found.items():
        # source is NOCASE in the rollups, grouped per part read: "News" from the hours
        # and "news" from the days are one source, shown as first read.
        name = str(value)
        key = name.lower() if dimension == "source" else name
        names.setdefault(key, name)
        merged[key] = merged.get(key, 0) + count
    return {names[key]: count for key, count in merged.items() if count}


def breakdown(store: SQLiteStore, scope: StatsScope, dimension: Dimension) -> Breakdown:
    """Mentions per topic, feeling, source or language (primary subtag), now and in the
    previous period, most first; a value present only before is listed with 0."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension must be one of {', '.join(DIMENSIONS)}, not {dimension!r}")
    previous_scope = scope.previous()
    with store._read() as conn:
        now = _values(conn, scope, dimension)
        before = _values(conn, previous_scope, dimension)
        mentions = total(conn, scope)
        previous_mentions = total(conn, previous_scope)
    rows = [
        CountChange(value, now.get(value, 0), before.get(value, 0))
        for value in now.keys() | before.keys()
    ]
    rows.sort(key=lambda r: (-r.count, -r.previous, r.value))
    return Breakdown(dimension, rows, mentions, previous_mentions)


def share_of_voice(store: SQLiteStore, scope: StatsScope) -> ShareOfVoice:
    """Every brand's mentions and negative mentions in the range, most first (the scope's
    brand does not narrow it: a share is relative to the others)."""
    with store._read() as conn:
        found = sum_rows(
            conn,
            brand=None,
            since=scope.since,
            until=scope.until,
            group=("brand", "sentiment = 'negative'"),
            brands=_BRANDS,
        )
    per_brand: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for (brand, negative), count in found.items():
        key = str(brand).lower()  # the rollups' brand is NOCASE: one brand, however written
        names.setdefault(key, str(brand))
        counts = per_brand.setdefault(key, [0, 0])
        counts[0] += count
        if negative:
            counts[1] += count
    shares = [
        BrandShare(names[key], mentions, negative)
        for key, (mentions, negative) in per_brand.items()
        if mentions
    ]
    shares.sort(key=lambda b: (-b.mentions, b.brand.lower()))
    return ShareOfVoice(shares)
