"""Schema 22: where ``listener reindex`` stopped, so an interrupted copy resumes (issue 19).

One row per direction and cluster: ``position`` is the last local ``seq`` the cluster
acknowledged (``--to elasticsearch``) or the sort values of the last index document stored
here (``--to sqlite``), as JSON; ``copied`` counts the mentions sent or stored so far. A row
is written in the same transaction as nothing else: the copy's writes are idempotent (the
index is written by document id, the local insert ignores known ids), so a crash between a
page and its checkpoint only sends that page again.

Part of ``listener.store.schema``'s ordered migrations (shipped: never edit, append).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from listener.store.rows import parse_ts, ts

REINDEX_SCHEMA = 22
_V22: tuple[str, ...] = (
    """CREATE TABLE reindex_checkpoints (
        direction TEXT NOT NULL,
        target TEXT NOT NULL,
        position TEXT NOT NULL,
        copied INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (direction, target)
    ) WITHOUT ROWID""",
)

REINDEX_MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = ((REINDEX_SCHEMA, _V22),)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """How far one copy got: ``position`` is JSON-shaped (an int seq, or sort values)."""

    position: Any
    copied: int
    started_at: datetime
    updated_at: datetime


def read_checkpoint_on(conn: sqlite3.Connection, direction: str, target: str) -> Checkpoint | None:
    row = conn.execute(
        "SELECT position, copied, started_at, updated_at FROM reindex_checkpoints"
        " WHERE direction = ? AND target = ?",
        (direction, target),
    ).fetchone()
    if row is None:
        return None
    return Checkpoint(json.loads(row[0]), int(row[1]), parse_ts(row[2]), parse_ts(row[3]))


def save_checkpoint_on(
    conn: sqlite3.Connection, direction: str, target: str, checkpoint: Checkpoint
) -> None:
    conn.execute(
        "INSERT INTO reindex_checkpoints (direction, target, position, copied, started_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (direction, target) DO UPDATE SET"
        " position = excluded.position, copied = excluded.copied,"
        " started_at = excluded.started_at, updated_at = excluded.updated_at",
        (
            direction,
            target,
            json.dumps(checkpoint.position),
            checkpoint.copied,
            ts(checkpoint.started_at),
            ts(checkpoint.updated_at),
        ),
    )


def forget_checkpoint_on(conn: sqlite3.Connection, direction: str, target: str) -> None:
    conn.execute(
        "DELETE FROM reindex_checkpoints WHERE direction = ? AND target = ?", (direction, target)
    )
