"""Schema 14 and the rows of ``stream_health``: the live state of each stream source.

The daemon writes one row per stream every few seconds (and at each connect, drop and
stop); `listener sources` and the web app read them from any process. Fetch state (the
cursor, errors, parking) stays in ``source_state``: a stream's cursor is saved there after
the mentions it covers are stored, like a poll's.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from typing import Any

from listener.models import StreamHealth, StreamStatus
from listener.store.rows import parse_ts, parse_ts_or_none, ts, ts_or_none

STREAMS_SCHEMA = 14

_V14: tuple[str, ...] = (
    """CREATE TABLE stream_health (
        source TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        connected_since TEXT,
        last_event_at TEXT,
        stream_time TEXT,
        events_total INTEGER NOT NULL DEFAULT 0,
        events_per_s REAL NOT NULL DEFAULT 0,
        reconnects INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    ) WITHOUT ROWID""",
)

# Appended to listener.store.schema.MIGRATIONS, in order.
STREAMS_MIGRATIONS = ((STREAMS_SCHEMA, _V14),)

_UPSERT = """INSERT OR REPLACE INTO stream_health (
    source, status, updated_at, connected_since, last_event_at, stream_time,
    events_total, events_per_s, reconnects, last_error
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
_SELECT = "SELECT * FROM stream_health ORDER BY source"


def _to_row(h: StreamHealth) -> tuple[Any, ...]:
    return (
        h.source, h.status.value, ts(h.updated_at), ts_or_none(h.connected_since),
        ts_or_none(h.last_event_at), ts_or_none(h.stream_time), h.events_total,
        h.events_per_s, h.reconnects, h.last_error,
    )  # fmt: skip


def _from_row(row: sqlite3.Row) -> StreamHealth:
    return StreamHealth(
        source=row["source"],
        status=StreamStatus(row["status"]),
        updated_at=parse_ts(row["updated_at"]),
        connected_since=parse_ts_or_none(row["connected_since"]),
        last_event_at=parse_ts_or_none(row["last_event_at"]),
        stream_time=parse_ts_or_none(row["stream_time"]),
        events_total=row["events_total"],
        events_per_s=row["events_per_s"],
        reconnects=row["reconnects"],
        last_error=row["last_error"],
    )


class StreamHealthRows:
    """The store's stream-health methods; mixed into ``SQLiteStore``."""

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def save_stream_health(self, health: StreamHealth) -> None:
        with self._write() as conn:
            conn.execute(_UPSERT, _to_row(health))

    def stream_healths(self) -> dict[str, StreamHealth]:
        """Every stream's last written health, by source name."""
        with self._read() as conn:
            found = conn.execute(_SELECT).fetchall()
        return {row["source"]: _from_row(row) for row in found}
