"""Opaque tombstones of erased and pruned mentions: HMAC-SHA256 of the id under the store's
own random key (schema 16), looked up by the dedupe checks so an erased post re-served by
its source is not stored again.

Why keyed: mention ids are guessable (a network's post number), so a plain hash would let
whoever reads the table confirm "this post was here" by hashing a guess. The key lives in the
same file, so someone holding the whole database can still confirm a guess; what the
tombstone never holds is the id, the author or a word (docs/privacy.md says so).
"""

from __future__ import annotations

import hmac
import json
import sqlite3
from collections.abc import Iterable

_SELECT_KEY = "SELECT key FROM erasure_key WHERE id = 1"
_ANY_MARK = "SELECT 1 FROM erased_ids LIMIT 1"


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """Whether the store has table ``name`` (the erasure modules' one check: a store held at
    an older schema in tests lacks later tables)."""
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    return found.fetchone() is not None


def store_key_on(conn: sqlite3.Connection) -> bytes | None:
    """The store's tombstone key; None for a store held below schema 16 (tests make such)."""
    try:
        row = conn.execute(_SELECT_KEY).fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else bytes(row[0])


def digest(key: bytes, mention_id: str) -> str:
    # hmac.digest: the one-shot C path, a third quicker than hmac.new(...).hexdigest().
    return hmac.digest(key, mention_id.encode("utf-8"), "sha256").hex()


def mark_erased_on(conn: sqlite3.Connection, key: bytes, ids: Iterable[str]) -> int:
    """Write a tombstone for each of ``ids``; return how many were new."""
    found = conn.executemany(
        "INSERT OR IGNORE INTO erased_ids (digest) VALUES (?)",
        [(digest(key, i),) for i in dict.fromkeys(ids)],
    )
    return max(found.rowcount, 0)


def erased_among_on(conn: sqlite3.Connection, ids: Iterable[str]) -> set[str]:
    """Those of ``ids`` that were erased or pruned."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return set()
    key = store_key_on(conn)
    # A store that never erased or pruned pays one indexed probe per batch, no hashing.
    if key is None or conn.execute(_ANY_MARK).fetchone() is None:
        return set()
    by_digest = {digest(key, i): i for i in wanted}
    found = conn.execute(
        "SELECT digest FROM erased_ids WHERE digest IN (SELECT value FROM json_each(?))",
        (json.dumps(list(by_digest)),),
    )
    return {by_digest[r[0]] for r in found}
