"""Storage: one engine-neutral protocol (``Store``), an embedded SQLite engine by default.

Use::

    with open_store("listener.db") as store:
        new = store.insert_mentions(mentions)
        hits = store.search("acme -job lang:en", sentiment="negative")
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from listener.store.base import (
    DEFAULT_HIGHLIGHT,
    AuthorRecord,
    DuplicateLookups,
    LabelledMention,
    Recheck,
    Revision,
    SchemaTooNewError,
    SearchHit,
    Store,
    StoredModel,
    StoreError,
    UnknownMention,
)
from listener.store.sqlite import SQLiteStore

__all__ = [
    "DEFAULT_HIGHLIGHT",
    "AuthorRecord",
    "DuplicateLookups",
    "LabelledMention",
    "Recheck",
    "Revision",
    "SQLiteStore",
    "SchemaTooNewError",
    "SearchHit",
    "Store",
    "StoreError",
    "StoredModel",
    "UnknownMention",
    "open_store",
]


def open_store(path: str | Path) -> SQLiteStore:
    """Open the SQLite store at ``path``, creating its folder, file and schema as needed."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SQLiteStore(path)


if TYPE_CHECKING:
    # Nothing else assigns the engine to the contract: this line makes mypy prove that
    # SQLiteStore implements all of Store, signatures included.
    _SQLITE_IS_A_STORE: type[Store] = SQLiteStore
