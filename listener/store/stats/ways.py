"""Which way a panel that reads mentions takes to them, from what the rollups count.

Three ways to a range's mentions of a brand, each cheap in its own case:

- ``walk``: down an index of every live mention in rank order (reach, engagement, or
  publication time for the newest), keeping those of the range and brand, until enough
  are found: about ``wanted × everything walked / matching`` entries, each an index step
  and a lookup of the narrow ``mention_filters`` row;
- ``range``: every mention of the range by the published-time index, the brand checked
  on each, sorted: the range's mentions of all brands, each a wide row read;
- ``brand``: every mention the brand ever had, by ``mention_brands``, the range checked
  on each, sorted: the brand's whole history, each a wide row read.

A walk's estimate assumes rank and time are independent; where they are not (reach grew
over the years, so an old range sits low in the index), the walk runs under an
instruction budget (SQLite's progress handler) and gives way to the next cheapest.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from listener.store.stats.scope import StatsScope
from listener.store.stats.sums import EARLIEST, LATEST, sum_rows

Way = Literal["walk", "range", "brand"]

# A wide mentions row read (and its share of a sort) against an index step and a narrow
# row lookup: roughly what bench measurements on a 1M store showed.
ROW_COST = 3
# SQLite VM steps between progress-handler calls, and the calls a walk may take (about
# 20 ms on two shared cores) before it gives way.
PROGRESS_STEP = 1000
WALK_BUDGET_CALLS = 500

# A brand's key in mention_filters.brand_keys, made as schema 10 makes the stored ones.
_BRAND_KEY = (
    "char(31) || replace(replace(lower(:brand), char(30), char(30) || 'e'),"
    " char(31), char(30) || 's') || char(31)"
)
OF_BRAND = f" AND instr(f.brand_keys, {_BRAND_KEY}) > 0"
# The FROM and WHERE of each way, over ``m`` (a mentions row), with ``:since``, ``:until``
# and ``:brand`` bound; {index} names the walk's index, {brand} is OF_BRAND or ''.
WALK_FROM = (
    " FROM mentions m INDEXED BY {index} CROSS JOIN mention_filters f ON f.seq = m.seq"
    " WHERE m.deleted_at IS NULL AND m.published_at >= :since AND m.published_at < :until"
    "{brand}"
)
RANGE_FROM = (
    " FROM mentions m INDEXED BY mentions_published CROSS JOIN mention_filters f"
    " ON f.seq = m.seq WHERE m.published_at >= :since AND m.published_at < :until{brand}"
)
BRAND_FROM = (
    " FROM mention_brands b CROSS JOIN mentions m ON m.id = b.mention_id"
    " WHERE b.brand = :brand AND m.deleted_at IS NULL"
    " AND m.published_at >= :since AND m.published_at < :until"
)


class OverBudget(Exception):
    """A walk took more than its budget of SQLite steps."""


@contextmanager
def budget(conn: sqlite3.Connection, calls: int = WALK_BUDGET_CALLS) -> Iterator[None]:
    """Interrupt the statements run inside after ``calls`` progress calls (``OverBudget``)."""
    left = [calls]

    def tick() -> int:
        left[0] -= 1
        return 1 if left[0] < 0 else 0

    conn.set_progress_handler(tick, PROGRESS_STEP)
    try:
        yield
    except sqlite3.OperationalError as exc:
        if left[0] < 0:
            raise OverBudget from exc
        raise
    finally:
        conn.set_progress_handler(None, 0)


@dataclass(frozen=True, slots=True)
class Counts:
    """Live mentions, from the rollups: of every brand ever, of the range (all brands), of
    the range and the scope's brand, of the brand ever (0 without a brand)."""

    everything: int
    in_range: int
    matching: int
    brand_ever: int


def counts_of(conn: sqlite3.Connection, scope: StatsScope) -> Counts:
    def total(brand: str | None, since: datetime, until: datetime) -> int:
        return sum_rows(conn, brand=brand, since=since, until=until).get((), 0)

    everything = total(None, EARLIEST, LATEST)
    in_range = total(None, scope.since, scope.until)
    if scope.brand is None:
        return Counts(everything, in_range, in_range, 0)
    matching = total(scope.brand, scope.since, scope.until)
    return Counts(everything, in_range, matching, total(scope.brand, EARLIEST, LATEST))


def ways(counts: Counts, wanted: int, *, branded: bool, walked: int | None = None) -> list[Way]:
    """The ways to try, cheapest estimate first; a walk is only ever followed by another.

    ``walked``: how many live mentions the walk's index holds (default: every one; a walk
    by publication time inside the range holds only the range's)."""
    if not counts.matching:
        return ["range"]  # nothing to find: the range's own index says so at once
    size = counts.everything if walked is None else walked
    cost: dict[Way, float] = {
        "walk": min(wanted * size / counts.matching, size),
        "range": ROW_COST * counts.in_range,
    }
    if branded:
        cost["brand"] = ROW_COST * counts.brand_ever
    order: list[Way] = sorted(cost, key=lambda way: cost[way])
    if order[0] == "walk":
        return order
    return order[:1]
