"""What the alert rules read of mentions, on one SQLite connection (writer or reader).

Tombstones (``deleted_at`` set) are left out everywhere: their words are gone, and a post
its author removed should neither make a spike nor show up as someone's history.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from listener.clock import ensure_utc
from listener.models import Mention, SentimentLabel
from listener.store import rows

_NEGATIVE = str(SentimentLabel.NEGATIVE)

# Microseconds since the epoch of a ts() value ("YYYY-MM-DDTHH:MM:SS.ffffff+00:00"): whole
# seconds from its first 19 characters (strftime would round the fraction to milliseconds,
# putting 12:09:59.999999 at 12:10:00), the fraction from characters 21-26. Integer
# arithmetic, so a mention on either side of a bucket boundary lands in its own bucket;
# julianday() is a float of days and could not promise that.
_MICROS = "(CAST(strftime('%s', substr(m.published_at, 1, 19)) AS INTEGER) * 1000000" \
    " + CAST(substr(m.published_at, 21, 6) AS INTEGER))"  # fmt: skip

# CROSS JOIN fixes the loop order: mentions in the time range first (by the published_at
# index), each then checked against its brand by mention_brands' primary key. The planner's
# own choice — every mention of the brand ever, each then checked for its time — costs in
# proportion to the brand's whole history, inside the write transaction of every batch.
_BRAND_WINDOW = (
    " FROM mentions m CROSS JOIN mention_brands mb"
    " ON mb.brand = :brand AND mb.mention_id = m.id"
    " WHERE m.published_at >= :since AND m.published_at < :until"
    " AND m.deleted_at IS NULL AND (:negative = 0 OR m.sentiment_label = :label)"
)
# The same for negative mentions only, from the partial index of live negative mentions
# (schema 9): its WHERE must be written as the index's for SQLite to use it.
_NEGATIVE_BRAND_WINDOW = (
    " FROM mentions m INDEXED BY mentions_negative CROSS JOIN mention_brands mb"
    " ON mb.brand = :brand AND mb.mention_id = m.id"
    " WHERE m.published_at >= :since AND m.published_at < :until"
    " AND m.sentiment_label = 'negative' AND m.deleted_at IS NULL"
)


def _brand_window(negative_only: bool) -> str:
    return _NEGATIVE_BRAND_WINDOW if negative_only else _BRAND_WINDOW


def counts_sql(negative_only: bool) -> str:
    """The SQL of ``mention_counts_on`` (public for the test that reads its plan)."""
    return (
        f"SELECT ({_MICROS} - :start) / :step AS k, count(*) AS n"
        f"{_brand_window(negative_only)} GROUP BY k ORDER BY k"
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _epoch_micros(value: datetime) -> int:
    return (ensure_utc(value) - _EPOCH) // timedelta(microseconds=1)


def mention_counts_on(
    conn: sqlite3.Connection,
    brand: str,
    since: datetime,
    until: datetime,
    *,
    bucket: timedelta,
    negative_only: bool,
) -> dict[datetime, int]:
    step = bucket // timedelta(microseconds=1)
    if step <= 0:
        raise ValueError(f"a count bucket must be longer than zero (got {bucket})")
    start = ensure_utc(since)
    found = conn.execute(
        counts_sql(negative_only),
        {
            "brand": brand,
            "since": rows.ts(since),
            "until": rows.ts(until),
            "negative": int(negative_only),
            "label": _NEGATIVE,
            "start": _epoch_micros(start),
            "step": step,
        },
    )
    return {start + k * bucket: n for k, n in found}


def mentions_between_on(
    conn: sqlite3.Connection,
    brand: str,
    since: datetime,
    until: datetime,
    *,
    negative_only: bool,
    limit: int,
) -> list[Mention]:
    found = conn.execute(
        f"SELECT m.*{_brand_window(negative_only)}"
        " ORDER BY m.published_at DESC, m.seq DESC LIMIT :limit",
        {
            "brand": brand,
            "since": rows.ts(since),
            "until": rows.ts(until),
            "negative": int(negative_only),
            "label": _NEGATIVE,
            "limit": limit,
        },
    )
    return [rows.row_to_mention(r) for r in found]


SourceTypes = str | Sequence[str]


def as_source_types(source_type: SourceTypes) -> tuple[str, ...]:
    """One source type or several (the types of one network, which the store cannot name
    itself: it sits beside the sources), as a tuple without repeats, in the given order."""
    return (source_type,) if isinstance(source_type, str) else tuple(dict.fromkeys(source_type))


def newest_rows(found: Iterable[sqlite3.Row], limit: int) -> list[sqlite3.Row]:
    """The ``limit`` newest of mention rows read per source type, as one query's ORDER BY
    published_at DESC, seq DESC would give them (stored times sort as text)."""
    return sorted(found, key=lambda r: (r["published_at"], r["seq"]), reverse=True)[:limit]


def author_mentions_on(
    conn: sqlite3.Connection,
    source_type: SourceTypes,
    handle: str,
    *,
    before: datetime,
    limit: int,
) -> list[Mention]:
    # COLLATE NOCASE folds ASCII letters only; handles on the networks we read are ASCII or
    # compared exactly by the network itself, and it lets the mentions_author index answer.
    # One query per source type of the network, each stopping at its LIMIT in the index:
    # an IN over the types would read the author's whole history to sort it.
    found: list[sqlite3.Row] = []
    for one_type in as_source_types(source_type):
        found += conn.execute(
            "SELECT m.* FROM mentions m WHERE m.source_type = ?"
            " AND m.author_handle = ? COLLATE NOCASE AND m.published_at < ?"
            " AND m.deleted_at IS NULL ORDER BY m.published_at DESC, m.seq DESC LIMIT ?",
            (one_type, handle, rows.ts(before), limit),
        ).fetchall()
    return [rows.row_to_mention(r) for r in newest_rows(found, limit)]
