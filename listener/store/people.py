"""People: one customer behind author accounts on several networks (issue 18).

An *account* is a handle on a source type, as the authors table keys it; a *person* links
accounts by hand (CLI, web, settings), never silently. Suggestions come from strong profile
signals and wait for a person's yes or no. Like every store read about authors, the caller
names the source types of one network (``listener.sources.registry.same_network_types``):
the store sits beside the sources and cannot tell which types make a network, so
``suggestions*`` may return a pair on one network (``x`` and ``x_stream``), which callers
drop with ``listener.sources.registry.network_of``.

The parts: ``people_models`` (the data), ``people_links`` (link, merge, unlink, tags on a
connection), ``people_suggest`` (suggestions), ``people_profiles`` (profile fields and keys
written by ``insert_mentions``), ``people_sync`` (the settings list), ``profile_keys`` (pure).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from listener.store.people_links import (
    get_person_on,
    link_on,
    merges_of_on,
    person_of_on,
    unlink_on,
    update_person_on,
)
from listener.store.people_models import Account, MergeNeeded, PeopleError, Person, Suggestion
from listener.store.people_profiles import write_profile_keys_on
from listener.store.people_suggest_table import (
    drop_suggestion_on,
    rebuild_suggestions_on,
    refresh_suggestions_on,
    suggestions_on,
)
from listener.store.people_sync import PersonEntry, SyncReport, sync_people_on
from listener.store.rows import ts

__all__ = [
    "Account",
    "MergeNeeded",
    "PeopleError",
    "PeopleRows",
    "Person",
    "PersonEntry",
    "Suggestion",
    "SyncReport",
    "person_of_on",
    "write_profile_keys_on",
]


class PeopleRows:
    """The store's people methods; mixed into ``SQLiteStore``."""

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def person_of(self, source_types: Iterable[str], handle: str) -> Person | None:
        with self._read() as conn:
            return person_of_on(conn, source_types, handle)

    def get_person(self, person_id: int) -> Person | None:
        with self._read() as conn:
            return get_person_on(conn, person_id)

    def merges_of(self, person_id: int) -> list[tuple[int, str, str]]:
        """The people merged into ``person_id``: (former id, merged by, when)."""
        with self._read() as conn:
            return merges_of_on(conn, person_id)

    def list_people(self, *, limit: int = 200) -> list[Person]:
        """People by name (unnamed last), then by id."""
        with self._read() as conn:
            ids = conn.execute(
                "SELECT id FROM people ORDER BY name IS NULL, name COLLATE NOCASE, id LIMIT ?",
                (limit,),
            ).fetchall()
            found = [get_person_on(conn, int(row[0])) for row in ids]
        return [p for p in found if p is not None]

    def link_accounts(
        self,
        accounts: Sequence[Account],
        *,
        by: str,
        name: str | None = None,
        merge: bool = False,
    ) -> Person:
        """Make ``accounts`` one person (joining the person any of them already belongs to).
        Accounts of two or more people raise ``MergeNeeded`` unless ``merge`` asks for it;
        a merge is recorded with ``by`` (``merges_of``)."""
        with self._write() as conn:
            person = link_on(conn, accounts, by=by, name=name, merge=merge)
            # Two people merged leave pairs between their accounts: all of them are redone.
            refresh_suggestions_on(conn, [a.key for a in (*person.accounts, *accounts)])
            return person

    def unlink_account(self, account: Account, *, by: str) -> Person | None:
        """Take ``account`` off its person (a person left with none is removed); the person
        afterwards, or None. ``by`` is who asked (kept for the audit of later slices)."""
        with self._write() as conn:
            left = unlink_on(conn, account)
            # The account may be suggested with its former person's accounts again.
            refresh_suggestions_on(conn, [account.key])
            return left

    def update_person(
        self,
        person_id: int,
        *,
        name: str | None = None,
        tags: Sequence[str] | None = None,
        note: str | None = None,
    ) -> Person:
        with self._write() as conn:
            return update_person_on(conn, person_id, name=name, tags=tags, note=note)

    def suggestions_for(
        self, source_types: Iterable[str], handle: str, *, limit: int = 10
    ) -> list[Suggestion]:
        with self._read() as conn:
            return suggestions_on(conn, around=(list(source_types), handle), limit=limit)

    def suggestions(self, *, limit: int = 50) -> list[Suggestion]:
        with self._read() as conn:
            return suggestions_on(conn, limit=limit)

    def dismiss_suggestion(self, a: Account, b: Account, *, by: str) -> None:
        if not by.strip():
            raise PeopleError("a dismissal needs the name of who made it")
        first, second = sorted((a.key, b.key))
        if first == second:
            raise PeopleError(f"{a!s} and {b!s} are one account")
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO person_dismissals"
                " (a_type, a_key, b_type, b_key, dismissed_by, dismissed_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (*first, *second, by, ts(datetime.now(UTC))),
            )
            drop_suggestion_on(conn, first, second)

    def sync_people(self, entries: Sequence[PersonEntry]) -> SyncReport:
        """Make the store's settings people what ``entries`` (settings' ``people:``) say,
        in one transaction; accounts linked by hand to someone else are left and reported."""
        with self._write() as conn:
            before = _settings_linked(conn)
            report = sync_people_on(conn, entries)
            refresh_suggestions_on(conn, before | _settings_linked(conn))
            return report

    def rebuild_suggestions(self) -> None:
        """Work every suggestion out afresh from the stored profile keys (a full scan)."""
        with self._write() as conn:
            rebuild_suggestions_on(conn)


def _settings_linked(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    rows = conn.execute(
        "SELECT source_type, handle_key FROM person_accounts WHERE linked_by = 'settings'"
    ).fetchall()
    return {(str(r[0]).lower(), str(r[1])) for r in rows}
