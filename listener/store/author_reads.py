"""What the web app reads about an author and about the alerts mentions belong to: an
author's mentions newest first in keyset pages, their records on other networks, and the
alerts that hold a set of mentions.

SQLite-only reads (not part of the engine-neutral ``Store`` contract), so these are
functions over a ``SQLiteStore``'s own reader connections, like ``listener.store.accounts``.
Every query is answered from an index and stops at its LIMIT: ``mentions_author`` for an
author's mentions (its last column, the rowid, orders equal times), ``alert_mentions_mention``
for a mention's alerts, the authors table's primary key for records.

An "author" is a handle on one network, compared without case as everywhere in the store:
the same handle on two sources of one type (two RSS feeds, two Mastodon timelines), or on a
polled type and its stream (``mastodon`` and ``mastodon_stream``), is one author. The store
cannot tell which types make a network (it sits beside the sources), so the caller names
them; each type is read through the index on its own and the pages merged, since an IN over
the types would read the author's whole history to sort it. The same handle on another
network may be someone else; it is only ever offered as "also seen as", never merged.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from listener.models import AlertKind, AlertState, Mention, Severity
from listener.store.base import AuthorRecord
from listener.store.lookups import existing_ids_on
from listener.store.rows import parse_ts, row_to_author, row_to_mention, ts
from listener.store.rule_reads import SourceTypes, as_source_types, newest_rows

if TYPE_CHECKING:
    from listener.store.sqlite import SQLiteStore

__all__ = [
    "AlertBrief",
    "MentionKey",
    "accounts_mentions_page",
    "alerts_of_author",
    "alerts_of_mentions",
    "author_mentions_page",
    "author_records",
    "existing_mentions",
    "with_local_record",
]


@dataclass(frozen=True, slots=True)
class MentionKey:
    """Where a page of an author's mentions ended: the last one's time and row number."""

    published_at: datetime
    seq: int


@dataclass(frozen=True, slots=True)
class AlertBrief:
    """An alert as a list shows it (its mentions and drafts are on its own page)."""

    id: int
    kind: AlertKind
    state: AlertState
    severity: Severity
    title: str
    brand: str | None
    created_at: datetime


def _read(store: SQLiteStore) -> AbstractContextManager[sqlite3.Connection]:
    return store._read()


def author_records(
    store: SQLiteStore, source_types: Iterable[str], handle: str
) -> list[AuthorRecord]:
    """The store's record of ``handle`` on each of ``source_types`` that has one.

    One primary-key lookup per type: the caller names the types (those configured), as the
    authors table has no index by handle alone."""
    if (index := store.shared_index) is not None:
        types = list(dict.fromkeys(t.lower() for t in source_types))
        shared = {r.source_type.lower(): r for r in index.author_records(types, handle)}
        own = {r.source_type.lower(): r for r in _local_records(store, types, handle)}
        merged = (with_local_record(store, shared.get(t), own.get(t)) for t in types)
        return [r for r in merged if r is not None]
    return _local_records(store, source_types, handle)


def with_local_record(
    store: SQLiteStore, shared: AuthorRecord | None, own: AuthorRecord | None
) -> AuthorRecord | None:
    """The shared index's record of an author completed by this daemon's authors row.

    The index counts the documents that still name the author; the row also counted this
    daemon's mentions of them since tombstoned (the tombstone blanks the author) or pruned,
    which its own rows no longer name: those are added, and the first and last seen widened
    to them; while there are such, the row's handle, name, url and followers win too (they
    may come from those mentions, which no document names now). The profile (bio, links,
    account age, following, posts) is the row's: mention rows and documents keep none.
    Mentions another daemon stored and then tombstoned or pruned are counted only by that
    daemon's row."""
    if shared is None or own is None:
        return shared or own
    gone = own.mention_count - _named_rows(store, own.source_type, own.handle)
    if gone > 0:
        shared = replace(
            shared,
            handle=own.handle,
            name=own.name if own.name is not None else shared.name,
            url=own.url if own.url is not None else shared.url,
            followers=own.followers if own.followers is not None else shared.followers,
        )
    return replace(
        shared,
        mention_count=shared.mention_count + max(gone, 0),
        first_seen_at=min(shared.first_seen_at, own.first_seen_at),
        last_seen_at=max(shared.last_seen_at, own.last_seen_at),
        bio=own.bio,
        links=own.links,
        created_at=own.created_at,
        following=own.following,
        posts=own.posts,
    )


def _named_rows(store: SQLiteStore, source_type: str, handle: str) -> int:
    # The rows the authors row's count still stands for, by the author index.
    with _read(store) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM mentions INDEXED BY mentions_author"
            " WHERE source_type = ? AND author_handle = ? COLLATE NOCASE",
            (source_type, handle),
        ).fetchone()
    return int(count)


def _local_records(
    store: SQLiteStore, source_types: Iterable[str], handle: str
) -> list[AuthorRecord]:
    key = handle.strip().removeprefix("@").lower()
    found: list[AuthorRecord] = []
    with _read(store) as conn:
        for source_type in dict.fromkeys(t.lower() for t in source_types):
            row = conn.execute(
                "SELECT * FROM authors WHERE source_type = ? AND handle_key = ?",
                (source_type, key),
            ).fetchone()
            if row is not None:
                found.append(row_to_author(row))
    return found


_AUTHOR_MENTIONS = (
    "SELECT m.* FROM mentions m INDEXED BY mentions_author"
    " WHERE m.source_type = :type AND m.author_handle = :handle COLLATE NOCASE"
    " AND m.deleted_at IS NULL"
)
_AUTHOR_ORDER = " ORDER BY m.published_at DESC, m.seq DESC LIMIT :limit"
# A row value: the index (…, published_at, rowid) seeks straight to the key, so a deep page
# costs what the first does.
_AFTER_KEY = " AND (m.published_at, m.seq) < (:at, :seq)"


def author_mentions_page(
    store: SQLiteStore,
    source_type: SourceTypes,
    handle: str,
    *,
    after: MentionKey | None,
    limit: int,
) -> tuple[list[Mention], MentionKey | None]:
    """Up to ``limit`` of the author's live mentions newest first, from after ``after``,
    and the key to continue from (None when this page is the last). ``source_type``: one
    type or the types of one network."""
    if (index := store.shared_index) is not None:
        return index.accounts_mentions_page([(source_type, handle)], after=after, limit=limit)
    params = {
        "handle": handle.strip().removeprefix("@"),
        "at": ts(after.published_at) if after else None,
        "seq": after.seq if after else 0,
        "limit": limit + 1,  # one more tells whether another page exists
    }
    sql = _AUTHOR_MENTIONS + (_AFTER_KEY if after else "") + _AUTHOR_ORDER
    found: list[sqlite3.Row] = []
    with _read(store) as conn:
        for one_type in as_source_types(source_type):
            found += conn.execute(sql, params | {"type": one_type}).fetchall()
    found = newest_rows(found, limit + 1)
    page = found[:limit]
    more = len(found) > limit
    last = page[-1] if page else None
    key = MentionKey(parse_ts(last["published_at"]), last["seq"]) if more and last else None
    return [row_to_mention(r) for r in page], key


def accounts_mentions_page(
    store: SQLiteStore,
    accounts: Sequence[tuple[SourceTypes, str]],
    *,
    after: MentionKey | None,
    limit: int,
) -> tuple[list[Mention], MentionKey | None]:
    """As ``author_mentions_page`` over several accounts at once (a person's: each a handle
    on the types of one network), merged newest first. The key is a mention's own
    (published_at, seq), the same for every account, so one cursor continues them all: each
    account is read through its index from after the key and the pages merged."""
    if (index := store.shared_index) is not None:
        return index.accounts_mentions_page(accounts, after=after, limit=limit)
    params = {
        "at": ts(after.published_at) if after else None,
        "seq": after.seq if after else 0,
        "limit": limit + 1,
    }
    sql = _AUTHOR_MENTIONS + (_AFTER_KEY if after else "") + _AUTHOR_ORDER
    found: dict[int, sqlite3.Row] = {}  # by seq: two accounts may name one row
    with _read(store) as conn:
        for types, handle in accounts:
            bare = handle.strip().removeprefix("@")
            for one_type in as_source_types(types):
                for row in conn.execute(sql, params | {"type": one_type, "handle": bare}):
                    found[row["seq"]] = row
    rows = newest_rows(found.values(), limit + 1)
    page = rows[:limit]
    last = page[-1] if page else None
    more = len(rows) > limit
    key = MentionKey(parse_ts(last["published_at"]), last["seq"]) if more and last else None
    return [row_to_mention(r) for r in page], key


def _brief(row: sqlite3.Row) -> AlertBrief:
    return AlertBrief(
        id=row["id"],
        kind=AlertKind(row["kind"]),
        state=AlertState(row["state"]),
        severity=Severity(row["severity"]),
        title=row["title"],
        brand=row["brand"],
        created_at=parse_ts(row["created_at"]),
    )


_ALERTS_OF_MENTIONS = (
    "SELECT am.mention_id, a.id, a.kind, a.state, a.severity, a.title, a.brand, a.created_at"
    " FROM alert_mentions am JOIN alerts a ON a.id = am.alert_id"
    " WHERE am.mention_id IN (SELECT value FROM json_each(?))"
    " ORDER BY a.created_at DESC, a.id DESC"
)
_ALERTS_OF_AUTHOR = (
    "SELECT DISTINCT a.id, a.kind, a.state, a.severity, a.title, a.brand, a.created_at"
    " FROM mentions m INDEXED BY mentions_author"
    " JOIN alert_mentions am ON am.mention_id = m.id"
    " JOIN alerts a ON a.id = am.alert_id"
    " WHERE m.source_type = ? AND m.author_handle = ? COLLATE NOCASE"
    " ORDER BY a.created_at DESC, a.id DESC LIMIT ?"
)


def alerts_of_mentions(
    store: SQLiteStore, mention_ids: Sequence[str]
) -> dict[str, list[AlertBrief]]:
    """The alerts each of ``mention_ids`` belongs to, newest first."""
    held: dict[str, list[AlertBrief]] = {m: [] for m in mention_ids}
    if not mention_ids:
        return held
    with _read(store) as conn:
        found = conn.execute(
            _ALERTS_OF_MENTIONS,
            (_json_list(mention_ids),),
        ).fetchall()
    for row in found:
        held[row["mention_id"]].append(_brief(row))
    return held


def alerts_of_author(
    store: SQLiteStore, source_type: SourceTypes, handle: str, *, limit: int
) -> list[AlertBrief]:
    """Up to ``limit`` alerts holding any of the author's mentions, newest first
    (``source_type``: one type or the types of one network).

    Reads the author's mentions through their index and each one's alerts through
    ``alert_mentions_mention``: cost in proportion to the author's own history."""
    found: dict[int, sqlite3.Row] = {}  # an alert may hold mentions of two types
    with _read(store) as conn:
        for one_type in as_source_types(source_type):
            for row in conn.execute(
                _ALERTS_OF_AUTHOR, (one_type, handle.strip().removeprefix("@"), limit)
            ):
                found.setdefault(row["id"], row)
    newest = sorted(found.values(), key=lambda r: (r["created_at"], r["id"]), reverse=True)
    return [_brief(r) for r in newest[:limit]]


def existing_mentions(store: SQLiteStore, mention_ids: Iterable[str]) -> set[str]:
    """Which of ``mention_ids`` the store holds (a thread's parent and root may not be)."""
    with _read(store) as conn:
        return existing_ids_on(conn, mention_ids)


def _json_list(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)
