"""The daemon's cue to look at the outbox when another process wrote to the store.

In the daemon's own process every path that queues outbox rows wakes the sender itself (a
stored batch, the time-based rules). Another process cannot: ``listener alerts outbox
retry``, ``listener poll --once`` or a second daemon on the same file queue rows the daemon
would otherwise see only at its next tick. So the daemon keeps one more connection to the
store and asks SQLite's ``PRAGMA data_version`` a few times a second: its value changes when
any other connection committed since the last ask, and reading it takes a few microseconds
and no lock a writer waits for (``bench/outbox_wakeup.py`` measures it). A change wakes the
sender, whose flush reads the due rows anyway: a change that queued nothing costs one
flush that sends nothing. The daemon's own commits (on its writer connection) count as
changes here too, which is harmless: at most one extra flush per look.

A look that fails (the file briefly locked for a checkpoint, a full disk) is retried at the
next one; nothing waits on it, and the interval tick still flushes every couple of seconds.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from listener.logs import fields

log = logging.getLogger("alerts.outbox_watch")

# How often the daemon looks: a row queued by another process is sent within this (plus the
# flush), well before the scheduler's 2 s tick.
WATCH_EVERY_S = 0.2
# A look never waits for a lock (it runs on the event loop): the next one is a fifth of a
# second away.
_BUSY_TIMEOUT_S = 0.0


class StoreChanges:
    """``changed()`` is True when another connection committed to ``database`` since the
    last call (the first call only takes the reading)."""

    def __init__(self, database: Path) -> None:
        # Read-only and of its own: data_version counts the commits of *other* connections,
        # and this one never writes.
        self._conn = sqlite3.connect(
            f"{database.resolve().as_uri()}?mode=ro",
            uri=True,
            timeout=_BUSY_TIMEOUT_S,
            isolation_level=None,
        )
        self._version: int | None = None

    def changed(self) -> bool:
        (version,) = self._conn.execute("PRAGMA data_version").fetchone()
        previous, self._version = self._version, int(version)
        return previous is not None and previous != self._version

    def close(self) -> None:
        self._conn.close()


async def watch_store(
    database: Path, wake: Callable[[], None], *, every_s: float = WATCH_EVERY_S
) -> None:
    """Call ``wake`` (on the event loop) whenever another connection committed to
    ``database``; runs until cancelled."""
    try:
        changes = StoreChanges(database)
    except sqlite3.Error as error:
        log.warning(
            "cannot watch the store for new outbox rows; the tick still flushes",
            extra=fields(error=str(error)),
        )
        return
    failing = False
    try:
        while True:
            # The first look comes at once: it only takes the reading, and taking it late
            # would leave a row committed before it unnoticed until the next tick.
            try:
                # On the loop, not in a thread: it takes microseconds and never waits for a
                # lock, and a cancelled thread could still be using the connection as it
                # is closed.
                changed = changes.changed()
            except sqlite3.Error as error:
                if not failing:  # logged on the transition only: a locked file recurs
                    log.warning(
                        "could not look for new outbox rows; the tick still flushes",
                        extra=fields(error=str(error)),
                    )
                failing = True
            else:
                failing = False
                if changed:
                    wake()
            await asyncio.sleep(every_s)
    finally:
        changes.close()
