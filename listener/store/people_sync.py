"""The settings' ``people:`` list, synced into the store (issue 18).

Settings own the people they name (origin 'settings', matched by name) and the links they
make (``linked_by = 'settings'``): a sync creates, updates and removes those to match the
list. A link made by hand wins over the list: an account the list gives one person but a
person linked by hand to another is left where it is and reported, for the log. A settings
person that someone also linked accounts to by hand is not deleted when the list drops it:
it keeps those accounts and becomes a hand-made person.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

from listener.store.people_links import (
    attach_on,
    check_tags,
    create_person_on,
    delete_person_on,
)
from listener.store.people_models import Account

__all__ = ["SETTINGS", "PersonEntry", "SyncReport", "sync_people_on"]

SETTINGS = "settings"  # linked_by and origin of what the settings made


@dataclass(frozen=True, slots=True)
class PersonEntry:
    """One person of the settings' ``people:`` list, as the store takes it."""

    name: str
    accounts: tuple[Account, ...]
    tags: tuple[str, ...] = ()
    note: str | None = None


@dataclass(slots=True)
class SyncReport:
    added: int = 0
    removed: int = 0
    # "x:jane: linked by hand to person 4, not to 'Jane Doe' as settings say"
    conflicts: list[str] = field(default_factory=list)


def _settings_people(conn: sqlite3.Connection) -> dict[str, int]:
    rows = conn.execute("SELECT id, name FROM people WHERE origin = 'settings' ORDER BY id")
    return {str(row[1]): int(row[0]) for row in rows}


def _drop_person(conn: sqlite3.Connection, person_id: int) -> None:
    conn.execute(
        "DELETE FROM person_accounts WHERE person_id = ? AND linked_by = ?", (person_id, SETTINGS)
    )
    kept = conn.execute(
        "SELECT 1 FROM person_accounts WHERE person_id = ? LIMIT 1", (person_id,)
    ).fetchone()
    if kept is None:
        delete_person_on(conn, person_id)
    else:
        conn.execute("UPDATE people SET origin = 'hand' WHERE id = ?", (person_id,))


def _owner(conn: sqlite3.Connection, account: Account) -> tuple[int, str] | None:
    row = conn.execute(
        "SELECT person_id, linked_by FROM person_accounts WHERE source_type = ? AND handle_key = ?",
        account.key,
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def _sync_entry(
    conn: sqlite3.Connection, person_id: int, entry: PersonEntry, report: SyncReport
) -> None:
    conn.execute(
        "UPDATE people SET tags = ?, note = ? WHERE id = ?",
        (json.dumps(list(check_tags(entry.tags))), entry.note or None, person_id),
    )
    wanted = {a.key for a in entry.accounts}
    for account in entry.accounts:
        owner = _owner(conn, account)
        if owner is None or (owner[0] != person_id and owner[1] == SETTINGS):
            attach_on(conn, person_id, account, SETTINGS)  # new, or moved in the settings
        elif owner[0] != person_id:
            report.conflicts.append(
                f"{account!s}: linked by hand to person {owner[0]},"
                f" not to {entry.name!r} as settings say; the hand link is kept"
            )
    linked = conn.execute(
        "SELECT source_type, handle_key FROM person_accounts WHERE person_id = ? AND linked_by = ?",
        (person_id, SETTINGS),
    ).fetchall()
    for source_type, key in linked:
        if (source_type.lower(), key) not in wanted:
            conn.execute(
                "DELETE FROM person_accounts WHERE source_type = ? AND handle_key = ?",
                (source_type, key),
            )


def sync_people_on(conn: sqlite3.Connection, entries: Sequence[PersonEntry]) -> SyncReport:
    """Make the settings people on ``conn`` what ``entries`` say (see the module's note)."""
    report = SyncReport()
    existing = _settings_people(conn)
    names = {entry.name for entry in entries}
    for name, person_id in existing.items():
        if name not in names:
            _drop_person(conn, person_id)
            report.removed += 1
    for entry in entries:
        known = existing.get(entry.name)
        if known is None:
            known = create_person_on(conn, name=entry.name, origin=SETTINGS)
            report.added += 1
        _sync_entry(conn, known, entry, report)
    return report
