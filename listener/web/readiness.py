"""Whether this process can do its work: what ``/readyz`` reports, one named check each.

- ``store``: a write reaches the disk. A connection of its own takes SQLite's write lock and
  commits the header's ``application_id`` unchanged (one WAL frame, no data): taking the lock
  alone proves little, since SQLite hands a new connection a descriptor the process opened
  before the file became read-only, and a write rolled back never reaches the file. A
  read-only file or folder, a full disk, or a lock held past ``STORE_LOCK_WAIT_S`` fail it.
- ``scheduler``: with a daemon in this process, its last tick is at most three ticks old.
  ``listener web`` alone has no scheduler, and says so.
- ``outbox``: no delivery has been due for longer than ``OUTBOX_STUCK_AFTER`` and still
  unsent (a channel down that long, or no daemon sending at all).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from pydantic import BaseModel

from listener.web.context import WebContext

# The daemon's TICK_SECONDS (listener.service.daemon; the web cannot import it, a test
# checks the two agree).
SCHEDULER_TICK_S = 2.0
STALLED_AFTER_TICKS = 3
OUTBOX_STUCK_AFTER = timedelta(minutes=15)
# The daemon's writes are batches of tens of milliseconds; a lock held longer than this is
# a problem worth reporting.
STORE_LOCK_WAIT_S = 1.0


class Check(BaseModel):
    name: str
    ok: bool
    detail: str


class Readiness(BaseModel):
    ready: bool
    checks: list[Check]


def store_check(path: Path) -> Check:
    try:
        conn = sqlite3.connect(
            f"file:{path}?mode=rw", uri=True, timeout=STORE_LOCK_WAIT_S, isolation_level=None
        )
    except sqlite3.Error as exc:
        return Check(name="store", ok=False, detail=f"cannot open {path}: {exc}")
    try:
        conn.execute("BEGIN IMMEDIATE")
        # Read inside the write lock: the value written back is the one there.
        same = int(conn.execute("PRAGMA application_id").fetchone()[0])
        conn.execute(f"PRAGMA application_id = {same}")
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        return Check(name="store", ok=False, detail=f"cannot write to {path}: {exc}")
    finally:
        if conn.in_transaction:
            conn.rollback()
        conn.close()
    return Check(name="store", ok=True, detail="writable")


def scheduler_check(context: WebContext, now: datetime) -> Check:
    if context.operations is None:
        return Check(name="scheduler", ok=True, detail="no daemon in this process (listener web)")
    last = context.operations.last_tick_at()
    limit = timedelta(seconds=SCHEDULER_TICK_S * STALLED_AFTER_TICKS)
    if last is None:
        return Check(name="scheduler", ok=False, detail="the scheduler has not ticked yet")
    age = now - last
    if age > limit:
        return Check(
            name="scheduler",
            ok=False,
            detail=f"the last tick was {age.total_seconds():.0f} s ago "
            f"(more than {STALLED_AFTER_TICKS} ticks of {SCHEDULER_TICK_S:g} s)",
        )
    return Check(name="scheduler", ok=True, detail=f"ticked {age.total_seconds():.1f} s ago")


def outbox_check(context: WebContext, now: datetime) -> Check:
    stuck = context.store.due_deliveries(now - OUTBOX_STUCK_AFTER, limit=1)
    if not stuck:
        return Check(name="outbox", ok=True, detail="no delivery waiting too long")
    oldest = min(stuck, key=lambda d: d.not_before)
    minutes = (now - oldest.not_before).total_seconds() / 60
    why = f"; last error: {oldest.last_error}" if oldest.last_error else ""
    return Check(
        name="outbox",
        ok=False,
        detail=f"a delivery to {oldest.channel} has waited {minutes:.0f} min "
        f"({len(stuck)} channel(s) behind){why}",
    )


def readiness(context: WebContext) -> Readiness:
    now = context.clock()
    checks = [
        store_check(context.store.path),
        scheduler_check(context, now),
    ]
    try:
        checks.append(outbox_check(context, now))
    except sqlite3.Error as exc:
        checks.append(Check(name="outbox", ok=False, detail=f"cannot read the outbox: {exc}"))
    return Readiness(ready=all(c.ok for c in checks), checks=checks)
