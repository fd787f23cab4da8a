"""A person asking for a source to be polled now: its next check set to now, in one write.

Written as one statement rather than load-then-save so that a poll finishing at the same
moment cannot be overwritten with the state read before it; a parked source is left alone
(unparking is its own, deliberate act). The daemon reads ``next_check_at`` at every tick, so
this alone gets the source polled within a tick; ``Operations.request_poll`` wakes a daemon
in this process at once.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING

from listener.store.rows import ts

if TYPE_CHECKING:
    from listener.store.sqlite import SQLiteStore

_POLL_NOW = (
    "INSERT INTO source_state (source, next_check_at, error_count, items_total, last_new_items)"
    " VALUES (:source, :now, 0, 0, 0)"
    " ON CONFLICT (source) DO UPDATE SET next_check_at = :now WHERE parked_reason IS NULL"
)


def _write(store: SQLiteStore) -> AbstractContextManager[sqlite3.Connection]:
    return store._write()


def request_poll_now(store: SQLiteStore, source: str, now: datetime) -> bool:
    """Make ``source`` due at ``now``; False when it is parked (and so left as it was)."""
    with _write(store) as conn:
        changed: int = conn.execute(_POLL_NOW, {"source": source, "now": ts(now)}).rowcount
    return changed > 0
