"""The suggestions table (issue 18): open "maybe the same person" pairs kept as they change.

``/people`` used to work every pair out at each view, grouping every site and email key of
the store (39,353 groups, 3.4-4.6 s on a store of a million mentions). The pairs now live in
``person_suggestions``, rewritten around the accounts whose profile keys, links or
dismissals change, and the pages read the strongest rows by an index.

A pair is two rows, one keyed by each account (``(source_type, handle_key)``, as erasure
finds author rows); a trigger deletes the mirror of a deleted row. What counts as a pair is
``listener.store.people_suggest``'s: never one source type, never a key more than
``COMMON`` accounts share, never a dismissed pair or two accounts of one person.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from listener.store.people_models import Account, Suggestion, handle_key
from listener.store.people_suggest import (
    COMMON,
    AccountKey,
    evidence_around,
    evidence_everywhere,
    handle_of,
)

__all__ = [
    "drop_suggestion_on",
    "rebuild_suggestions_on",
    "refresh_suggestions_on",
    "suggestions_on",
    "touched_by_keys",
]

_DELETE_AROUND = "DELETE FROM person_suggestions WHERE source_type = ? AND handle_key = ?"
_INSERT = (
    "INSERT OR REPLACE INTO person_suggestions"
    " (source_type, handle_key, other_type, other_key, leads, weight, evidence)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_TOP = (
    "SELECT source_type, handle_key, other_type, other_key, evidence"
    " FROM person_suggestions INDEXED BY person_suggestions_rank WHERE leads = 1"
    " ORDER BY weight DESC, source_type, handle_key, other_type, other_key LIMIT ?"
)
_OF = (
    "SELECT source_type, handle_key, other_type, other_key, weight, evidence"
    " FROM person_suggestions WHERE source_type = ? AND handle_key = ?"
)
_MEMBERS = "SELECT source_type, handle_key FROM author_keys WHERE kind = ? AND value = ? LIMIT ?"


_Pairs = dict[tuple[AccountKey, AccountKey], dict[str, int]]


def _write(conn: sqlite3.Connection, pairs: _Pairs) -> None:
    rows: list[tuple[object, ...]] = []
    for (a, b), evidence in pairs.items():
        weight, words = sum(evidence.values()), json.dumps(list(evidence))
        rows.append((*a, *b, 1, weight, words))
        rows.append((*b, *a, 0, weight, words))
    conn.executemany(_INSERT, rows)


def refresh_suggestions_on(conn: sqlite3.Connection, accounts: Iterable[AccountKey]) -> None:
    """Work the pairs of ``accounts`` out again (their keys, links or dismissals changed),
    inside the caller's transaction; pairs of other accounts are left as they are."""
    wanted = sorted({(t.lower(), k) for t, k in accounts})
    if not wanted:
        return
    conn.executemany(_DELETE_AROUND, wanted)
    _write(conn, evidence_around(conn, wanted))


def rebuild_suggestions_on(conn: sqlite3.Connection) -> None:
    """Every pair of the store worked out afresh (a full scan of the keys: seconds on a big
    store): for a store whose keys were written before the table kept them."""
    conn.execute("DELETE FROM person_suggestions")
    _write(conn, evidence_everywhere(conn))


def touched_by_keys(
    conn: sqlite3.Connection, changed: Iterable[tuple[str, str]]
) -> set[AccountKey]:
    """The accounts holding one of the ``changed`` site or email keys (one an account gained
    or lost), when the key is shared by few enough to matter before or after the change: a
    sixth holder makes a key too common, and the other five lose it as evidence."""
    touched: set[AccountKey] = set()
    for kind, value in changed:
        if kind == "names":
            continue  # a pair through a named handle holds the namer, refreshed already
        members = conn.execute(_MEMBERS, (kind, value, COMMON + 2)).fetchall()
        if len(members) <= COMMON + 1:
            touched.update((str(r[0]), str(r[1])) for r in members)
    return touched


def drop_suggestion_on(conn: sqlite3.Connection, a: AccountKey, b: AccountKey) -> None:
    conn.execute(
        "DELETE FROM person_suggestions WHERE source_type = ? AND handle_key = ?"
        " AND other_type = ? AND other_key = ?",
        (*a, *b),
    )


def _suggestion(conn: sqlite3.Connection, a: AccountKey, b: AccountKey, words: str) -> Suggestion:
    first, second = (Account(t, handle_of(conn, (t, k))) for t, k in sorted((a, b)))
    return Suggestion(accounts=(first, second), evidence=tuple(json.loads(words)))


def suggestions_on(
    conn: sqlite3.Connection,
    *,
    around: tuple[Iterable[str], str] | None = None,
    limit: int = 50,
) -> list[Suggestion]:
    """Open suggestions, strongest first (a profile naming a handle weighs most, then a
    shared site, then an email domain; more evidence weighs more), then by the pair: every
    one, or those of ``around`` (source types of one network, a handle)."""
    if around is None:
        return [
            _suggestion(conn, (r[0], r[1]), (r[2], r[3]), r[4])
            for r in conn.execute(_TOP, (limit,)).fetchall()
        ]
    types, handle = around
    key = handle_key(handle)
    found: dict[tuple[AccountKey, AccountKey], tuple[int, str]] = {}
    for source_type in dict.fromkeys(t.strip().lower() for t in types):
        for row in conn.execute(_OF, (source_type, key)).fetchall():
            a, b = (row[0], row[1]), (row[2], row[3])
            found[(a, b) if a < b else (b, a)] = (int(row[4]), str(row[5]))
    ranked = sorted(found.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return [_suggestion(conn, a, b, words) for (a, b), (_, words) in ranked]
