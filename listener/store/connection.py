"""Opening one SQLite connection the way the store needs it: WAL, a busy timeout, foreign
keys on, readers that cannot write."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from listener.store.base import StoreError

BUSY_TIMEOUT_MS = 10_000


def connect(path: Path, *, reader: bool) -> sqlite3.Connection:
    # check_same_thread=False is safe only because every connection is guarded: the writer
    # by SQLiteStore._write_lock, each reader by being checked out of its pool by one thread
    # at a time.
    # isolation_level=None: no implicit BEGINs from the sqlite3 module; we open our own.
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if reader:
        conn.execute("PRAGMA query_only = ON")
    else:
        # WAL is persistent in the file; NORMAL sync is durable across application crashes
        # and only risks the last transactions on power loss, never corruption in WAL mode
        # (https://sqlite.org/pragma.html#pragma_synchronous).
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            conn.close()
            raise StoreError(f"{path}: cannot switch to WAL journal mode (got {mode!r})")
        conn.execute("PRAGMA synchronous = NORMAL")
        # A statement whose triggers write (the open-alert links) keeps a statement
        # journal; in a temporary file that was half of each such insert's cost.
        conn.execute("PRAGMA temp_store = MEMORY")
        # Checkpoint every ~40 MB of WAL instead of 4 MB: the pages every batch rewrites
        # (index tails, the FTS structure) are copied into the file once per checkpoint,
        # not once per few batches — a tenth of the insert cost into a 100k store.
        conn.execute("PRAGMA wal_autocheckpoint = 10000")
        # A checkpoint reuses the WAL file without shrinking it; past this size it is cut
        # back, so one busy burst does not leave a large -wal file for good.
        conn.execute(f"PRAGMA journal_size_limit = {64 * 2**20}")
    return conn
