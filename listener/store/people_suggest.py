"""Suggested links between accounts (issue 18): strong profile signals only, never acted on.

A pair is suggested when two accounts of different source types share a ``site`` or an
``email`` key (``listener.store.profile_keys``), or one's profile names the other's handle.
The same display name is never a signal. A key shared by more than ``COMMON`` accounts (a
company's domain, a big community's site) says little about who is who and is skipped. Pairs
already linked to one person, or dismissed, are not suggested again.

The pairs are worked out here when an account's keys or links change and kept in the
``person_suggestions`` table (``listener.store.people_suggest_table``), which the pages read.

The store cannot tell networks: a pair may be two types of one network (``x`` and
``x_stream``), which callers drop with ``listener.sources.registry.network_of``.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable

from listener.store.people_links import person_id_of_on

__all__ = ["COMMON", "AccountKey", "evidence_around", "evidence_everywhere", "handle_of"]

COMMON = 5  # more accounts than this on one site or email key: too common to suggest
_EVIDENCE_CAP = 80  # characters of a handle or key quoted in evidence (hostile text)
_WEIGHT = {"names": 3, "site": 2, "email": 1}

AccountKey = tuple[str, str]  # (source_type, handle_key)
_Pair = tuple[AccountKey, AccountKey]


def _cap(text: str) -> str:
    return text if len(text) <= _EVIDENCE_CAP else text[: _EVIDENCE_CAP - 1] + "…"


def _named(value: str) -> str:
    return value if "." in value and "@" not in value else f"@{value}"


class _Found:
    def __init__(self) -> None:
        self.evidence: defaultdict[_Pair, dict[str, int]] = defaultdict(dict)

    def add(self, a: AccountKey, b: AccountKey, kind: str, words: str) -> None:
        if a[0] == b[0]:
            return  # one source type: the signal is across networks
        pair = (a, b) if a < b else (b, a)
        self.evidence[pair].setdefault(words, _WEIGHT[kind])


def _shared_key_members(conn: sqlite3.Connection, kind: str, value: str) -> list[AccountKey]:
    rows = conn.execute(
        "SELECT source_type, handle_key FROM author_keys WHERE kind = ? AND value = ? LIMIT ?",
        (kind, value, COMMON + 1),
    ).fetchall()
    return [] if len(rows) > COMMON else [(r[0], r[1]) for r in rows]


def _add_shared(found: _Found, conn: sqlite3.Connection, kind: str, value: str) -> None:
    members = _shared_key_members(conn, kind, value)
    words = (
        f"both profiles link {_cap(value)}"
        if kind == "site"
        else f"both profiles give an email address at {_cap(value)}"
    )
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            found.add(a, b, kind, words)


def handle_of(conn: sqlite3.Connection, account: AccountKey) -> str:
    row = conn.execute(
        "SELECT handle FROM authors WHERE source_type = ? AND handle_key = ?", account
    ).fetchone()
    return str(row[0]) if row is not None else account[1]


def _add_naming(
    found: _Found, conn: sqlite3.Connection, namer: AccountKey, value: str, named: AccountKey
) -> None:
    who = _cap(f"{namer[0]}:{handle_of(conn, namer)}")
    found.add(namer, named, "names", f"{who}'s profile names {_cap(_named(value))}")


_NAMED_AUTHORS = (
    "SELECT source_type, handle_key FROM authors INDEXED BY authors_handle"
    " WHERE handle_key = ? LIMIT 20"
)


def _around(found: _Found, conn: sqlite3.Connection, me: AccountKey) -> None:
    keys = conn.execute(
        "SELECT kind, value FROM author_keys WHERE source_type = ? AND handle_key = ?", me
    ).fetchall()
    for kind, value in keys:
        if kind == "names":
            for named in conn.execute(_NAMED_AUTHORS, (value,)).fetchall():
                _add_naming(found, conn, me, value, (named[0], named[1]))
        else:
            _add_shared(found, conn, kind, value)
    namers = conn.execute(
        "SELECT source_type, handle_key FROM author_keys WHERE kind = 'names' AND value = ?"
        " LIMIT 20",
        (me[1],),
    ).fetchall()
    for namer in namers:
        _add_naming(found, conn, (namer[0], namer[1]), me[1], me)


def _everywhere(found: _Found, conn: sqlite3.Connection) -> None:
    shared = conn.execute(
        "SELECT kind, value FROM author_keys WHERE kind IN ('site', 'email')"
        " GROUP BY kind, value HAVING count(*) BETWEEN 2 AND ?",
        (COMMON,),
    ).fetchall()
    for kind, value in shared:
        _add_shared(found, conn, kind, value)
    named = conn.execute(
        "SELECT k.source_type, k.handle_key, k.value, a.source_type, a.handle_key"
        " FROM author_keys k JOIN authors a INDEXED BY authors_handle ON a.handle_key = k.value"
        " WHERE k.kind = 'names' AND a.source_type <> k.source_type"
    ).fetchall()
    for row in named:
        _add_naming(found, conn, (row[0], row[1]), row[2], (row[3], row[4]))


def _settled(conn: sqlite3.Connection, pair: _Pair) -> bool:
    (a_type, a_key), (b_type, b_key) = pair
    dismissed = conn.execute(
        "SELECT 1 FROM person_dismissals WHERE a_type = ? AND a_key = ? AND b_type = ?"
        " AND b_key = ?",
        (a_type, a_key, b_type, b_key),
    ).fetchone()
    if dismissed is not None:
        return True
    person_a = person_id_of_on(conn, [a_type], a_key)
    return person_a is not None and person_a == person_id_of_on(conn, [b_type], b_key)


def evidence_around(
    conn: sqlite3.Connection, accounts: Iterable[AccountKey]
) -> dict[_Pair, dict[str, int]]:
    """Every open pair holding one of ``accounts``, with its whole evidence (reason in words
    -> weight): all the keys two accounts share are keys of each, so looking around one
    side finds them all."""
    found = _Found()
    wanted = set(accounts)
    for me in sorted(wanted):
        _around(found, conn, me)
    return {
        pair: evidence
        for pair, evidence in found.evidence.items()
        if (pair[0] in wanted or pair[1] in wanted) and not _settled(conn, pair)
    }


def evidence_everywhere(conn: sqlite3.Connection) -> dict[_Pair, dict[str, int]]:
    """Every open pair of the store: a full scan, for rebuilding the suggestions table."""
    found = _Found()
    _everywhere(found, conn)
    return {p: e for p, e in found.evidence.items() if not _settled(conn, p)}
