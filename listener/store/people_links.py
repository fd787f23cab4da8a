"""Reading and changing people on a connection (issue 18): who an account belongs to,
linking (merging people when the accounts linked belong to several), unlinking, tags.

Functions over a connection so the alert rules can ask inside the writer's transaction and
the settings sync can do its whole plan in one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from listener.store.people_models import (
    TAGS,
    Account,
    MergeNeeded,
    PeopleError,
    Person,
    handle_key,
)
from listener.store.rows import parse_ts, ts

__all__ = [
    "attach_on",
    "check_tags",
    "create_person_on",
    "delete_person_on",
    "get_person_on",
    "link_on",
    "merges_of_on",
    "person_id_of_on",
    "person_of_on",
    "unlink_on",
    "update_person_on",
]

_INSERT_ACCOUNT = """
INSERT INTO person_accounts (source_type, handle_key, handle, person_id, linked_at, linked_by)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (source_type, handle_key) DO UPDATE SET
    handle = excluded.handle, person_id = excluded.person_id,
    linked_at = excluded.linked_at, linked_by = excluded.linked_by
"""


def _now() -> str:
    return ts(datetime.now(UTC))


def check_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """``tags`` lowercased, once each, in the order given; a tag not in TAGS is refused."""
    cleaned = tuple(dict.fromkeys(t.strip().lower() for t in tags))
    unknown = [t for t in cleaned if t not in TAGS]
    if unknown:
        raise PeopleError(f"unknown tag {unknown[0]!r}: a person's tags are {', '.join(TAGS)}")
    return cleaned


def get_person_on(conn: sqlite3.Connection, person_id: int) -> Person | None:
    row = conn.execute("SELECT * FROM people WHERE id = ?", (person_id,)).fetchone()
    if row is None:
        return None
    accounts = conn.execute(
        "SELECT source_type, handle FROM person_accounts INDEXED BY person_accounts_person"
        " WHERE person_id = ? ORDER BY linked_at, source_type, handle_key",
        (person_id,),
    ).fetchall()
    return Person(
        id=row["id"],
        name=row["name"],
        tags=tuple(json.loads(row["tags"])),
        note=row["note"],
        accounts=tuple(Account(a["source_type"], a["handle"]) for a in accounts),
        origin=row["origin"],
        created_at=parse_ts(row["created_at"]),
    )


def person_id_of_on(
    conn: sqlite3.Connection, source_types: Iterable[str], handle: str
) -> int | None:
    key = handle_key(handle)
    for source_type in dict.fromkeys(t.strip().lower() for t in source_types):
        row = conn.execute(
            "SELECT person_id FROM person_accounts WHERE source_type = ? AND handle_key = ?",
            (source_type, key),
        ).fetchone()
        if row is not None:
            return int(row[0])
    return None


def person_of_on(
    conn: sqlite3.Connection, source_types: Iterable[str], handle: str
) -> Person | None:
    """The person ``handle`` on any of ``source_types`` is linked to, on ``conn`` (a reader,
    or the writer inside its transaction: the alert rules ask here). One primary-key lookup
    per type, the first linked wins (an account belongs to at most one person)."""
    person_id = person_id_of_on(conn, source_types, handle)
    return None if person_id is None else get_person_on(conn, person_id)


def _clean_accounts(accounts: Sequence[Account]) -> list[Account]:
    cleaned: dict[tuple[str, str], Account] = {}
    for account in accounts:
        source_type, key = account.key
        if not source_type or not key:
            raise PeopleError(f"{account!s}: an account is TYPE:HANDLE, both non-empty")
        handle = account.handle.strip().removeprefix("@")
        cleaned.setdefault((source_type, key), Account(source_type, handle))
    if not cleaned:
        raise PeopleError("name at least one account to link (TYPE:HANDLE)")
    return list(cleaned.values())


def create_person_on(
    conn: sqlite3.Connection, *, name: str | None, origin: str, tags: Sequence[str] = (),
    note: str | None = None,
) -> int:  # fmt: skip
    now = _now()
    cursor = conn.execute(
        "INSERT INTO people (name, tags, note, origin, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (name or None, json.dumps(list(check_tags(tags))), note or None, origin, now, now),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def attach_on(conn: sqlite3.Connection, person_id: int, account: Account, by: str) -> None:
    source_type, key = account.key
    conn.execute(
        _INSERT_ACCOUNT,
        (source_type, key, account.handle.strip().removeprefix("@"), person_id, _now(), by),
    )


def link_on(
    conn: sqlite3.Connection,
    accounts: Sequence[Account],
    *,
    by: str,
    name: str | None = None,
    origin: str = "hand",
    merge: bool = False,
) -> Person:
    """Make ``accounts`` one person: the person they belong to, or a new one. When they
    belong to several, ``merge`` must say so (else ``MergeNeeded``): the others are merged
    into the oldest (their accounts, tags and notes), and the merge is recorded with ``by``."""
    if not by.strip():
        raise PeopleError("a link needs the name of who made it")
    cleaned = _clean_accounts(accounts)
    owners = sorted(
        {pid for a in cleaned if (pid := person_id_of_on(conn, [a.key[0]], a.handle)) is not None}
    )
    if len(owners) > 1 and not merge:
        raise MergeNeeded(tuple(owners))
    if owners:
        target = owners[0]
        for other in owners[1:]:
            _merge_on(conn, other, into=target, by=by)
    else:
        target = create_person_on(conn, name=name, origin=origin)
    for account in cleaned:
        if person_id_of_on(conn, [account.key[0]], account.handle) != target:
            attach_on(conn, target, account, by)
    if name:
        origin_of = conn.execute("SELECT origin FROM people WHERE id = ?", (target,)).fetchone()
        if origin_of[0] == "settings":
            raise PeopleError(
                f"person {target} comes from the people list in settings.yaml: name them there"
            )
        conn.execute("UPDATE people SET name = ? WHERE id = ?", (name, target))
    conn.execute("UPDATE people SET updated_at = ? WHERE id = ?", (_now(), target))
    person = get_person_on(conn, target)
    assert person is not None
    return person


def _merge_on(conn: sqlite3.Connection, source_id: int, *, into: int, by: str) -> None:
    source = get_person_on(conn, source_id)
    target = get_person_on(conn, into)
    assert source is not None and target is not None
    tags = list(dict.fromkeys((*target.tags, *source.tags)))
    notes = [n for n in (target.note, source.note) if n]
    conn.execute(
        "UPDATE people SET tags = ?, note = ?, name = coalesce(name, ?) WHERE id = ?",
        (json.dumps(tags), "\n".join(dict.fromkeys(notes)) or None, source.name, into),
    )
    conn.execute("UPDATE person_accounts SET person_id = ? WHERE person_id = ?", (into, source_id))
    conn.execute("DELETE FROM people WHERE id = ?", (source_id,))
    conn.execute(
        "INSERT INTO person_merges (person_id, merged_id, merged_by, merged_at)"
        " VALUES (?, ?, ?, ?)",
        (into, source_id, by, _now()),
    )


def merges_of_on(conn: sqlite3.Connection, person_id: int) -> list[tuple[int, str, str]]:
    """The people merged into ``person_id``: (their former id, who merged, when), oldest first."""
    rows = conn.execute(
        "SELECT merged_id, merged_by, merged_at FROM person_merges WHERE person_id = ?"
        " ORDER BY merged_at, merged_id",
        (person_id,),
    ).fetchall()
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


def unlink_on(conn: sqlite3.Connection, account: Account) -> Person | None:
    """Take ``account`` off its person; a person left with no account is removed. The
    person as it is afterwards, or None (removed, or the account was linked to nobody)."""
    source_type, key = account.key
    person_id = person_id_of_on(conn, [source_type], key)
    if person_id is None:
        return None
    conn.execute(
        "DELETE FROM person_accounts WHERE source_type = ? AND handle_key = ?", (source_type, key)
    )
    left = conn.execute(
        "SELECT 1 FROM person_accounts WHERE person_id = ? LIMIT 1", (person_id,)
    ).fetchone()
    if left is None:
        delete_person_on(conn, person_id)
        return None
    return get_person_on(conn, person_id)


def delete_person_on(conn: sqlite3.Connection, person_id: int) -> None:
    conn.execute("DELETE FROM people WHERE id = ?", (person_id,))  # accounts by cascade


def update_person_on(
    conn: sqlite3.Connection,
    person_id: int,
    *,
    name: str | None = None,
    tags: Sequence[str] | None = None,
    note: str | None = None,
) -> Person:
    """Change what is given (None keeps it; an empty name or note clears it). A person of
    the settings' people list is refused: the sync at each start rewrites their tags and
    note, and matches them by name, so a change here would be undone or part them."""
    person = get_person_on(conn, person_id)
    if person is None:
        raise PeopleError(f"no person {person_id}: `listener people list` shows them")
    if person.origin == "settings" and (name, tags, note) != (None, None, None):
        raise PeopleError(
            f"person {person_id} comes from the people list in settings.yaml: edit their"
            " name, tags and note there"
        )
    if name is not None:
        conn.execute("UPDATE people SET name = ? WHERE id = ?", (name.strip() or None, person_id))
    if tags is not None:
        conn.execute(
            "UPDATE people SET tags = ? WHERE id = ?",
            (json.dumps(list(check_tags(tags))), person_id),
        )
    if note is not None:
        conn.execute("UPDATE people SET note = ? WHERE id = ?", (note.strip() or None, person_id))
    conn.execute("UPDATE people SET updated_at = ? WHERE id = ?", (_now(), person_id))
    person = get_person_on(conn, person_id)
    assert person is not None
    return person
