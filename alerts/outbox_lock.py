"""One flush at a time per outbox, across processes: an exclusive ``flock`` on a file
beside the database. The kernel lets it go when the process dies, even by SIGKILL, so a
crash never leaves rows claimed (a lease column would hold them until it expired)."""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: one process at a time is the operator's to ensure
    fcntl = None  # type: ignore[assignment]


def outbox_lock_path(database: Path) -> Path:
    """The lock file of the outbox stored in ``database``: beside it, as SQLite's own are."""
    return database.with_name(database.name + "-outbox.lock")


class OutboxLock:
    """An exclusive, non-blocking lock on a file, one per flush. ``flock`` locks belong to
    an open file, so two senders conflict in one process as much as in two."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        if fcntl is None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the last descriptor releases the lock
