"""Erasure and retention in the SQLite store (issue 18): a person's mentions, accounts and
words removed on request, leaving an opaque tombstone and an audit line; mentions past
``storage.retention`` pruned, keeping the rollup counts.

Contract written by the lead; the erasure slice fills it in.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager

__all__ = ["ErasureRows"]


class ErasureRows:
    """The store's erasure and retention methods; mixed into ``SQLiteStore``."""

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError
