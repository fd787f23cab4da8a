"""Near-copy fingerprints and clusters in the SQLite store (issue 18).

A mention that is a near-copy of another (``Mention.copy_of``) joins the cluster of the
first one stored, its head. What the pages and messages show as "also on N sources" is
``copies_of``: the copies of each head, oldest first.

Contract written by the lead; the near-copies slice fills it in.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from listener.models import Mention

__all__ = ["CopyRef", "NearCopyRows", "copies_of_on", "write_prints_on"]


@dataclass(frozen=True, slots=True)
class CopyRef:
    """One copy in a head's cluster, as a list of links shows it."""

    mention_id: str
    source: str
    source_type: str
    url: str | None
    title: str
    published_at: datetime


def copies_of_on(conn: sqlite3.Connection, head_ids: Iterable[str]) -> dict[str, list[CopyRef]]:
    """The live copies of each of ``head_ids``, oldest first (every id is a key)."""
    return {head: [] for head in head_ids}


def write_prints_on(conn: sqlite3.Connection, new: Sequence[Mention]) -> None:
    """Keep the new mentions' fingerprints (and cluster heads) for later batches to find;
    called by ``insert_mentions`` inside its transaction."""


class NearCopyRows:
    """The store's near-copy methods; mixed into ``SQLiteStore``."""

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def copies_of(self, head_ids: Iterable[str]) -> dict[str, list[CopyRef]]:
        with self._read() as conn:
            return copies_of_on(conn, head_ids)
