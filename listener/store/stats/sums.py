"""Sums over the rollup rows of a range: days for the whole UTC days inside it, hours only
for the partial days at its edges, so a 180-day range sums 180 days of rows (plus at most
46 hours), not 4,320 hours of them.

Every SQL fragment pasted into a statement here is one of this package's constants; the
values (brand, times, filters) are bound parameters.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal

from listener.store.stats.scope import DAY, StatsScope

Table = Literal["main", "tag"]
_TABLES = {"main": ("rollup_hours", "rollup_days"), "tag": ("rollup_tag_hours", "rollup_tag_days")}

# A mention's language as search's language filter groups it: the primary subtag ("hi"
# holds hi-Latn, as language=hi finds both), lowercase; '' (not recognised) is 'unknown'.
LANGUAGE = (
    "coalesce(nullif(lower(CASE WHEN instr(lang, '-') > 0"
    " THEN substr(lang, 1, instr(lang, '-') - 1) ELSE lang END), ''), 'unknown')"
)
UNKNOWN_LANGUAGE = "unknown"
# Bounds for "no bound": every stored hour lies between them (four-digit years: strftime
# writes year 1 as "1", which would sort after "2026").
EARLIEST = datetime.fromisoformat("1000-01-01T00:00:00+00:00")
LATEST = datetime.fromisoformat("9999-12-31T00:00:00+00:00")


@dataclass
class Filters:
    """Extra WHERE clauses over a rollup row, with their parameters."""

    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> Filters:
        self.clauses.append(clause)
        self.params.extend(params)
        return self

    def sql(self) -> str:
        return "".join(f" AND {c}" for c in self.clauses)


def tuples(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> sqlite3.Cursor:
    """``conn.execute`` answering plain tuples: the store's connections make a
    ``sqlite3.Row`` of every row, which a read of thousands of rows (a 180-day range's
    alerts, its rollup rows) paid more for than for the SQL itself."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params)


def hour_key(moment: datetime) -> str:
    # substr(published_at, 1, 13) of a stored ts(): "2026-12-05T23".
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H")


def day_key(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


@lru_cache(maxsize=8192)
def key_start(key: str) -> datetime:
    """The start of the hour ("2026-12-05T23") or day ("2026-12-05") a rollup key names."""
    if len(key) == 13:
        return datetime.strptime(key, "%Y-%m-%dT%H").replace(tzinfo=UTC)
    return datetime.strptime(key, "%Y-%m-%d").replace(tzinfo=UTC)


def _day_floor(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def split_range(
    since: datetime, until: datetime, *, days: bool
) -> tuple[list[tuple[datetime, datetime]], tuple[datetime, datetime] | None]:
    """``[since, until)`` (whole hours) as the hour spans and the day span to read; with
    ``days`` False, all of it in hours (charting by the hour needs every hour's count)."""
    if not days:
        return [(since, until)], None
    first_day = _day_floor(since)
    if first_day < since:
        first_day += DAY
    last_day = _day_floor(until)
    if first_day >= last_day:
        return [(since, until)], None
    hours = [(a, b) for a, b in ((since, first_day), (last_day, until)) if a < b]
    return hours, (first_day, last_day)


# A page's panels ask for the same sums (the range's and the previous period's totals, by
# the headline, the breakdowns, volume, complaints): within ``shared_sums`` each distinct
# read runs once. Only the page opens it; an API route reads alone, so both answer the same.
_SHARED: ContextVar[dict[tuple[Any, ...], dict[tuple[Any, ...], list[int]]] | None] = ContextVar(
    "listener_shared_sums", default=None
)


@contextmanager
def shared_sums() -> Iterator[None]:
    """Within this block (one request, one store), ``sums_by`` answers a read it has
    already made from memory."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def sum_rows(
    conn: sqlite3.Connection,
    *,
    brand: str | None,
    since: datetime,
    until: datetime,
    group: Sequence[str] = (),
    by_time: bool = False,
    days: bool = True,
    table: Table = "main",
    filters: Filters | None = None,
    brands: str | None = None,
) -> dict[tuple[Any, ...], int]:
    """``sum(mentions)`` per ``group`` (``sums_by`` with one sum)."""
    found = sums_by(
        conn, brand=brand, since=since, until=until, group=group, by_time=by_time, days=days,
        table=table, filters=filters, brands=brands,
    )  # fmt: skip
    return {key: counts[0] for key, counts in found.items()}


def sums_by(
    conn: sqlite3.Connection,
    *,
    brand: str | None,
    since: datetime,
    until: datetime,
    sums: Sequence[str] = ("mentions",),
    group: Sequence[str] = (),
    by_time: bool = False,
    days: bool = True,
    table: Table = "main",
    filters: Filters | None = None,
    brands: str | None = None,
) -> dict[tuple[Any, ...], list[int]]:
    """The ``sums`` (SQL expressions over a rollup row, e.g. ``iif(complaint, mentions,
    0)``) per ``group`` (SQL expressions), with the row's hour or day key first when
    ``by_time``; ``brand`` None is all brands (the '' rows). ``brands``: instead of one
    brand, a statement giving the brands to sum (each apart: put ``brand`` in ``group``).

    Grouping by what the key's order already gives (the time, the brand) needs no sort;
    splitting a count by a column that follows in the key (sentiment, complaint) is
    cheaper as a sum per value than as a group: a 180-day range's sort of every day row
    was most of a panel's time."""
    memo = _SHARED.get()
    if memo is None:
        return _sums_by(
            conn, brand, since, until, sums, group, by_time, days, table, filters, brands
        )
    extra = filters or Filters()
    key = (brand, since, until, tuple(sums), tuple(group), by_time, days, table,
           tuple(extra.clauses), tuple(extra.params), brands)  # fmt: skip
    if key not in memo:
        memo[key] = _sums_by(
            conn, brand, since, until, sums, group, by_time, days, table, filters, brands
        )
    # Copies: a caller may add to the lists it is given.
    return {k: list(v) for k, v in memo[key].items()}


def _sums_by(
    conn: sqlite3.Connection,
    brand: str | None,
    since: datetime,
    until: datetime,
    sums: Sequence[str],
    group: Sequence[str],
    by_time: bool,
    days: bool,
    table: Table,
    filters: Filters | None,
    brands: str | None,
) -> dict[tuple[Any, ...], list[int]]:
    hour_table, day_table = _TABLES[table]
    extra = filters or Filters()
    hours, day_span = split_range(since, until, days=days)
    parts: list[tuple[str, str, str, str]] = [
        (hour_table, "hour", hour_key(a), hour_key(b)) for a, b in hours
    ]
    if day_span is not None:
        parts.append((day_table, "day", day_key(day_span[0]), day_key(day_span[1])))
    columns = ([] if not by_time else ["{time}"]) + list(group)
    totals: dict[tuple[Any, ...], list[int]] = {}
    width = len(columns)
    for name, time_column, low, high in parts:
        selected = ", ".join([c.format(time=time_column) for c in columns] + [
            f"sum({expression})" for expression in sums
        ])  # fmt: skip
        who = f"brand IN ({brands})" if brands is not None else "brand = ?"
        sql = (
            f"SELECT {selected} FROM {name}"  # noqa: S608 - fragments of this package
            f" WHERE {who} AND {time_column} >= ? AND {time_column} < ?{extra.sql()}"
            + (f" GROUP BY {', '.join(str(i + 1) for i in range(width))}" if columns else "")
        )
        params = ([] if brands is not None else [brand or ""]) + [low, high, *extra.params]
        for row in tuples(conn, sql, params):
            key = tuple(row[:width])
            counts = totals.setdefault(key, [0] * len(sums))
            for i, value in enumerate(row[width:]):
                counts[i] += value or 0
    return totals


def bucket_index(scope: StatsScope) -> tuple[list[datetime], list[tuple[datetime, datetime]]]:
    """The scope's buckets and their starts (for ``bisect``: a rollup key's start lies in
    the bucket of the last start at or before it)."""
    spans = scope.buckets()
    return [start for start, _ in spans], spans


# The range totals every panel shares (the headline's three; breakdowns, volume and
# complaints take theirs from the same read): one read per range within ``shared_sums``.
TOTALS = ("mentions", "iif(sentiment = 'negative', mentions, 0)", "iif(complaint, mentions, 0)")


def totals(
    conn: sqlite3.Connection, brand: str | None, since: datetime, until: datetime
) -> tuple[int, int, int]:
    """(mentions, negative, complaints) of ``brand`` (None: all) in ``[since, until)``."""
    mentions, negative, complaints = sums_by(
        conn, brand=brand, since=since, until=until, sums=TOTALS
    ).get((), [0, 0, 0])
    return mentions, negative, complaints
