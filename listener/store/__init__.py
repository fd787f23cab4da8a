"""Storage: one engine-neutral protocol (``Store``, in ``base``), an embedded SQLite engine by
default (``sqlite``; ``open_store("listener.db")``). This face lists the contract's names; the
store may import only ``query`` and the shared ground.
"""

from __future__ import annotations

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
from listener.store.sqlite import SQLiteStore, open_store

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


if TYPE_CHECKING:
    # Nothing else assigns the engine to the contract: this line makes mypy prove that
    # SQLiteStore implements all of Store, signatures included.
    _SQLITE_IS_A_STORE: type[Store] = SQLiteStore
