"""Sent marks written the instant a receiver's answer is read, ahead of the store's.

Recording a send in SQLite takes a thread hop and the store's one write lock, which a busy
pipeline may hold for a batch: a kill in that wait (30 kills during a busy flush: 15 messages
sent twice) left the row pending, to be sent again. The journal closes that gap: one
``write`` to a file beside the database, made in the sender's own thread right after the
2xx, survives the process being killed (it is in the kernel's hands at once), so only a kill
inside the one call to the receiver can repeat a message.

The store's mark follows at once; when every mark written to the journal is in the store,
the journal is emptied. A flush that finds lines left (the process died between the two)
records them in the store before it reads what is due. Flushes never overlap, across
processes either (``alerts.outbox_lock``), so the journal has one writer at a time.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


def sent_journal_path(database: Path) -> Path:
    """The journal of the outbox stored in ``database``: beside it, as the flush lock is."""
    return database.with_name(database.name + "-outbox.sent")


@dataclass(frozen=True)
class SentMark:
    delivery_id: int
    channel: str
    at: datetime


class SentJournal:
    def __init__(self, path: Path) -> None:
        self.path = path

    def record(self, mark: SentMark) -> None:
        """Append ``mark``: one ``write`` of one line, so a kill leaves it whole or absent."""
        line = json.dumps([mark.delivery_id, mark.channel, mark.at.isoformat()]) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)

    def marks(self) -> list[SentMark]:
        """The marks written and not yet known to be in the store."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        found = []
        for line in text.splitlines():
            try:
                delivery_id, channel, at = json.loads(line)
                found.append(SentMark(int(delivery_id), str(channel), datetime.fromisoformat(at)))
            except (ValueError, TypeError):
                continue  # a line cut by a full disk: nothing to record from it
        return found

    def clear(self) -> None:
        """Every mark is in the store: start empty."""
        with contextlib.suppress(FileNotFoundError):
            os.truncate(self.path, 0)
