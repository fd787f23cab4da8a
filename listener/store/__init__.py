"""Storage: one engine-neutral protocol (``Store``), an embedded SQLite engine by default.

Use::

    with open_store("listener.db") as store:
        new = store.insert_mentions(mentions)
        hits = store.search("acme -job lang:en", sentiment="negative")
"""

from __future__ import annotations

from pathlib import Path

from listener.store.base import (
    DEFAULT_HIGHLIGHT,
    AuthorRecord,
    SchemaTooNewError,
    SearchHit,
    Store,
    StoreError,
)
from listener.store.sqlite import SQLiteStore

__all__ = [
    "DEFAULT_HIGHLIGHT",
    "AuthorRecord",
    "SQLiteStore",
    "SchemaTooNewError",
    "SearchHit",
    "Store",
    "StoreError",
    "open_store",
]


def open_store(path: str | Path) -> SQLiteStore:
    """Open the SQLite store at ``path``, creating its folder, file and schema as needed."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SQLiteStore(path)
