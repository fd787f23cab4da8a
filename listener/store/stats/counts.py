"""The panels that are sums of rollup rows: volume, complaints, breakdowns, share of voice.

Each reads one connection (one WAL snapshot per statement; the few statements of a panel
run back to back) and never the mentions table: a 180-day range of a million mentions is
a few thousand rollup rows.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
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
from listener.store.stats.scope import DAY, StatsScope
from listener.store.stats.sums import (
    LANGUAGE,
    Filters,
    key_start,
    sum_rows,
    sums_by,
    totals,
)

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
    """Live mentions of the scope's brand in its range (from the shared ``totals``)."""
    return totals(conn, scope.brand, scope.since, scope.until)[0]


def _bucketed(
    conn: sqlite3.Connection,
    scope: StatsScope,
    sums: Sequence[str],
    shift: timedelta = timedelta(0),
) -> tuple[list[tuple[datetime, datetime]], list[list[int]]]:
    """Per bucket of the scope, the ``sums`` (``sums_by``); with ``shift``, of the same
    buckets moved that far back (the previous period aligned bucket by bucket)."""
    spans = [(start - shift, end - shift) for start, end in scope.buckets()]
    starts = [start for start, _ in spans]
    per_bucket = [[0] * len(sums) for _ in spans]
    # Day rows only when every moved bucket edge still falls on a midnight.
    whole_days = shift % DAY == timedelta(0)
    found = sums_by(
        conn,
        brand=scope.brand,
        since=scope.since - shift,
        until=scope.until - shift,
        sums=sums,
        by_time=True,
        days=scope.bucket != "hour" and whole_days,
    )
    for (key,), counts in found.items():
        into = per_bucket[bisect_right(starts, key_start(key)) - 1]
        for i, count in enumerate(counts):
            into[i] += count
    return spans, per_bucket


# Counts split by sentiment or complaint as sums per value (see sums_by).
_BY_SENTIMENT = tuple(f"iif(sentiment = '{label}', mentions, 0)" for label in SENTIMENTS)
_WITH_COMPLAINTS = ("mentions", "iif(complaint, mentions, 0)")
# Volume and complaints read one bucketed sum (shared within a page): sentiments, then these.
_BUCKET_SUMS = _BY_SENTIMENT + _WITH_COMPLAINTS
_WITH_NEGATIVE = ("mentions", "iif(sentiment = 'negative', mentions, 0)")


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
    if (index := store.shared_index) is not None:
        # The incidents are this daemon's spike alerts: alerts stay local.
        charted = index.volume(scope)
        with store._read() as conn:
            return replace(charted, incidents=incidents(conn, scope))
    with store._read() as conn:
        spans, per_bucket = _bucketed(conn, scope, _BUCKET_SUMS)
        previous = total(conn, scope.previous())
        marked = incidents(conn, scope)
    points = [
        VolumePoint(start, end, dict(zip(SENTIMENTS, counts[: len(SENTIMENTS)], strict=True)))
        for (start, end), counts in zip(spans, per_bucket, strict=True)
    ]
    return Volume(points, previous, marked)


def complaints(store: SQLiteStore, scope: StatsScope) -> Complaints:
    """Complaints and mentions per bucket, and both over the previous period, in total and
    per bucket (the previous period's buckets are this one's moved back by its length: as
    many, aligned by position)."""
    if (index := store.shared_index) is not None:
        return index.complaints(scope)
    before_scope = scope.previous()
    with store._read() as conn:
        spans, per_bucket = _bucketed(conn, scope, _BUCKET_SUMS)
        before_spans, before_per_bucket = _bucketed(conn, scope, _WITH_COMPLAINTS, scope.length)
        previous_mentions, _, previous_complaints = totals(
            conn, scope.brand, before_scope.since, before_scope.until
        )
    points = [
        ComplaintPoint(start, end, counts[-1], counts[-2])
        for (start, end), counts in zip(spans, per_bucket, strict=True)
    ]
    previous_points = [
        ComplaintPoint(start, end, complained, mentions)
        for (start, end), (mentions, complained) in zip(
            before_spans, before_per_bucket, strict=True
        )
    ]
    return Complaints(points, previous_complaints, previous_mentions, previous_points)


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
    if (index := store.shared_index) is not None:
        return index.breakdown(scope, dimension)
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
    if (index := store.shared_index) is not None:
        return index.share_of_voice(scope)
    with store._read() as conn:
        found = sums_by(
            conn,
            brand=None,
            since=scope.since,
            until=scope.until,
            sums=_WITH_NEGATIVE,
            group=("brand",),
            brands=_BRANDS,
        )
    per_brand: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for (brand,), (mentions, negative) in found.items():
        key = str(brand).lower()  # the rollups' brand is NOCASE: one brand, however written
        names.setdefault(key, str(brand))
        counts = per_brand.setdefault(key, [0, 0])
        counts[0] += mentions
        counts[1] += negative
    shares = [
        BrandShare(names[key], mentions, negative)
        for key, (mentions, negative) in per_brand.items()
        if mentions
    ]
    shares.sort(key=lambda b: (-b.mentions, b.brand.lower()))
    return ShareOfVoice(shares)
