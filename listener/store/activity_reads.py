"""What the bot judge needs to know of an account's recent posting, read from the store in
one batch per pipeline batch (issue 18).

Contract written by the lead; the bot-signals slice fills it in.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager

__all__ = ["ActivityRows"]


class ActivityRows:
    """The store's account-activity reads; mixed into ``SQLiteStore``."""

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError
