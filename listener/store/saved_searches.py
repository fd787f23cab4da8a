"""Saved searches: a named query in the brand query language and its filters (schema 11).

The web app lists, saves, renames and deletes them; a ``saved_search`` alert rule can name
one (``saved: NAME``) instead of spelling its query in the settings, and ``listener check``
and the daemon read it through ``read_saved_search``, from the file, without a store.
The filters are the search form's fields as one JSON object, opaque here.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from listener.store.base import StoreError
from listener.store.rows import parse_ts, ts
from listener.store.sqlite import SQLiteStore

_SELECT = (
    "SELECT name, query, filters, created_by, created_at, updated_by, updated_at"
    " FROM saved_searches"
)
_GET = _SELECT + " WHERE name = ?"
# A list page: keyset on the name (the primary key, so an index walk from the cursor).
_LIST = _SELECT + " WHERE name > ? ORDER BY name LIMIT ?"
_INSERT = (
    "INSERT INTO saved_searches (name, query, filters, created_by, created_at, updated_by,"
    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


class SavedSearchExists(StoreError):
    """Another saved search already has this name (names compare without case)."""


class UnknownSavedSearch(StoreError, KeyError):
    """No saved search has this name."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True, slots=True)
class SavedSearchRecord:
    name: str
    query: str
    filters: dict[str, str]
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


def _record(row: sqlite3.Row | tuple[object, ...]) -> SavedSearchRecord:
    name, query, filters, created_by, created_at, updated_by, updated_at = tuple(row)
    loaded = json.loads(str(filters))
    return SavedSearchRecord(
        name=str(name),
        query=str(query),
        filters={str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {},
        created_by=str(created_by),
        created_at=parse_ts(str(created_at)),
        updated_by=str(updated_by),
        updated_at=parse_ts(str(updated_at)),
    )


def _get(conn: sqlite3.Connection, name: str) -> SavedSearchRecord | None:
    row = conn.execute(_GET, (name,)).fetchone()
    return None if row is None else _record(row)


class SavedSearches:
    """Saved searches on a store's connections (its one writer and pooled readers)."""

    def __init__(self, store: SQLiteStore) -> None:
        self._store = store

    def page(self, *, after: str = "", limit: int = 50) -> list[SavedSearchRecord]:
        """Saved searches by name, those after ``after`` (a keyset cursor), at most ``limit``."""
        with self._store._read() as conn:
            return [_record(r) for r in conn.execute(_LIST, (after, limit))]

    def get(self, name: str) -> SavedSearchRecord | None:
        with self._store._read() as conn:
            return _get(conn, name)

    def save(
        self,
        name: str,
        query: str,
        filters: dict[str, str],
        *,
        by: str,
        at: datetime,
        replace: bool = False,
    ) -> SavedSearchRecord:
        """Store a search under ``name``; one of that name is ``SavedSearchExists`` unless
        ``replace`` (which keeps its creator and creation time)."""
        encoded = json.dumps(filters, ensure_ascii=False, sort_keys=True)
        with self._store._write() as conn:
            existing = _get(conn, name)
            if existing is not None and not replace:
                raise SavedSearchExists(f"a saved search is already named {existing.name!r}")
            if existing is None:
                conn.execute(
                    _INSERT,
                    (name, query, encoded, by, ts(at), by, ts(at)),
                )
            else:
                conn.execute(
                    "UPDATE saved_searches SET query = ?, filters = ?, updated_by = ?,"
                    " updated_at = ? WHERE name = ?",
                    (query, encoded, by, ts(at), name),
                )
            saved = _get(conn, name)
        assert saved is not None
        return saved

    def rename(self, name: str, new_name: str, *, by: str, at: datetime) -> SavedSearchRecord:
        with self._store._write() as conn:
            if _get(conn, name) is None:
                raise UnknownSavedSearch(f"no saved search is named {name!r}")
            clash = _get(conn, new_name)
            # A change of case only ("acme" → "Acme") is the same row, not a clash.
            if clash is not None and clash.name.lower() != name.lower():
                raise SavedSearchExists(f"a saved search is already named {clash.name!r}")
            conn.execute(
                "UPDATE saved_searches SET name = ?, updated_by = ?, updated_at = ? WHERE name = ?",
                (new_name, by, ts(at), name),
            )
            renamed = _get(conn, new_name)
        assert renamed is not None
        return renamed

    def delete(self, name: str) -> bool:
        """Delete the saved search; False when there was none of that name."""
        with self._store._write() as conn:
            return conn.execute("DELETE FROM saved_searches WHERE name = ?", (name,)).rowcount > 0


def read_saved_search(path: str | Path, name: str) -> SavedSearchRecord | None:
    """The saved search ``name`` in the store file at ``path``, read-only (``listener check``
    and the alert rules read it this way); None when the file or the search is missing."""
    where = Path(path)
    if not where.exists():
        return None
    conn = sqlite3.connect(f"file:{quote(str(where))}?mode=ro", uri=True)
    try:
        return _get(conn, name)
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):  # a store from before schema 11
            return None
        raise
    finally:
        conn.close()
