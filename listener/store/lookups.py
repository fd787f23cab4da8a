"""Duplicate lookups on one SQLite connection, shared by the store's reader methods and the
recheck that ``insert_mentions`` runs inside its write transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from listener.models import Mention
from listener.store import erasure_marks, rows
from listener.store.base import Recheck, StoreError
from listener.store.near_prints import NearCandidate, near_candidates_on


def _json_list(values: Iterable[object]) -> str:
    # A whole batch travels as one JSON parameter, read back with json_each(): one query per
    # call whatever the batch size, and no SQLITE_MAX_VARIABLE_NUMBER to hit.
    return json.dumps(list(values), ensure_ascii=False)


def existing_ids_on(conn: sqlite3.Connection, ids: Iterable[str]) -> set[str]:
    """Those of ``ids`` stored, or erased or pruned (their opaque tombstones answer too, so
    neither dedupe pass stores an erased post again when its source serves it anew)."""
    wanted = list(ids)
    found = conn.execute(
        "SELECT id FROM mentions WHERE id IN (SELECT value FROM json_each(?))",
        (_json_list(wanted),),
    )
    known = {r[0] for r in found}
    return known | erasure_marks.erased_among_on(conn, (i for i in wanted if i not in known))


def existing_canonical_urls_on(
    conn: sqlite3.Connection, urls: Iterable[str], exclude_source: str | None
) -> set[str]:
    # source compares under its column collation (NOCASE, as everywhere a source is named),
    # so the (canonical_url, source) index answers this without reading any mention row.
    found = conn.execute(
        "SELECT DISTINCT canonical_url FROM mentions"
        " WHERE canonical_url IN (SELECT value FROM json_each(:urls))"
        " AND (:exclude IS NULL OR source != :exclude)",
        {"urls": _json_list(u for u in urls if u), "exclude": exclude_source},
    )
    return {r[0] for r in found}


def recent_content_hashes_on(
    conn: sqlite3.Connection, pairs: Iterable[tuple[str, str]], since: datetime
) -> set[tuple[str, str]]:
    found = conn.execute(
        "SELECT brand, content_hash FROM content_hashes"
        " WHERE (brand, content_hash) IN"
        "   (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]')"
        "    FROM json_each(?))"
        " AND seen_at >= ?",
        (_json_list([brand, digest] for brand, digest in pairs), rows.ts(since)),
    )
    return {(r[0], r[1]) for r in found}


class TransactionLookups:
    """``DuplicateLookups`` on the writer connection, inside one insert's transaction.

    Valid only while the recheck runs: kept past it, it would query the writer connection
    without holding the writer lock.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = conn

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("recheck lookups are usable only while the recheck runs")
        return self._conn

    def end(self) -> None:
        self._conn = None

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        return existing_ids_on(self._live(), ids)

    def existing_canonical_urls(
        self, urls: Iterable[str], *, exclude_source: str | None = None
    ) -> set[str]:
        return existing_canonical_urls_on(self._live(), urls, exclude_source)

    def recent_content_hashes(
        self, pairs: Iterable[tuple[str, str]], since: datetime
    ) -> set[tuple[str, str]]:
        return recent_content_hashes_on(self._live(), pairs, since)

    def near_candidates(self, band_keys: Iterable[int], since: datetime) -> list[NearCandidate]:
        return near_candidates_on(self._live(), band_keys, since)


def rechecked(
    conn: sqlite3.Connection, recheck: Recheck, prepared: list[tuple[Mention, tuple[Any, ...]]]
) -> list[tuple[Mention, tuple[Any, ...]]]:
    """The (mention, row) pairs to insert: those ``recheck`` keeps, in its order."""
    lookups = TransactionLookups(conn)
    try:
        kept = recheck(lookups)
    finally:
        lookups.end()
    by_id = {m.id: (m, row) for m, row in prepared}
    chosen: list[tuple[Mention, tuple[Any, ...]]] = []
    for m in kept:
        known = by_id.get(m.id)
        # A recheck normally returns some of the very objects it was given; anything else
        # (a changed copy, a mention not in the batch) gets its row built here.
        chosen.append(known if known is not None and known[0] == m else (m, rows.mention_to_row(m)))
    return chosen
