"""Mapping between a source's fetch state (``SourceState``) and its ``source_state`` row."""

from __future__ import annotations

import sqlite3
from typing import Any

from listener.models import SourceState
from listener.store.rows import parse_ts_or_none, ts_or_none

UPSERT_STATE = """
INSERT OR REPLACE INTO source_state (
    source, etag, last_modified, cursor, next_check_at, last_attempt_at, last_success_at,
    error_count, last_error, parked_reason, items_total, last_new_items, empty_polls
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
SELECT_STATES = "SELECT * FROM source_state"
MAKE_DUE = """UPDATE source_state SET next_check_at = :now
WHERE source = :source AND (next_check_at IS NULL OR next_check_at > :now)"""


def state_to_row(s: SourceState) -> tuple[Any, ...]:
    return (
        s.source, s.etag, s.last_modified, s.cursor, ts_or_none(s.next_check_at),
        ts_or_none(s.last_attempt_at), ts_or_none(s.last_success_at),
        s.error_count, s.last_error, s.parked_reason, s.items_total, s.last_new_items,
        s.empty_polls,
    )  # fmt: skip


def row_to_state(row: sqlite3.Row) -> SourceState:
    return SourceState(
        source=row["source"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        cursor=row["cursor"],
        next_check_at=parse_ts_or_none(row["next_check_at"]),
        last_attempt_at=parse_ts_or_none(row["last_attempt_at"]),
        last_success_at=parse_ts_or_none(row["last_success_at"]),
        error_count=row["error_count"],
        last_error=row["last_error"],
        parked_reason=row["parked_reason"],
        items_total=row["items_total"],
        last_new_items=row["last_new_items"],
        empty_polls=row["empty_polls"],
    )
