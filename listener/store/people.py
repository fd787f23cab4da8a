"""People: one customer behind author accounts on several networks (issue 18).

An *account* is a handle on a source type, as the authors table keys it; a *person* links
accounts by hand (CLI, web, settings), never silently. Suggestions come from strong profile
signals and wait for a person's yes or no. Like every store read about authors, the caller
names the source types of one network (``listener.sources.registry.same_network_types``):
the store sits beside the sources and cannot tell which types make a network.

Contract written by the lead; the people slice fills it in.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from listener.models import Mention
from listener.store.base import StoreError

__all__ = [
    "Account",
    "PeopleError",
    "PeopleRows",
    "Person",
    "Suggestion",
    "person_of_on",
    "write_profile_keys_on",
]


class PeopleError(StoreError):
    """A link or change that cannot be made; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Account:
    """One author account: a handle (as last seen; compared without case, '@' dropped) on a
    source type."""

    source_type: str
    handle: str


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str | None
    tags: tuple[str, ...]  # vip, loyal, press
    note: str | None
    accounts: tuple[Account, ...]  # every linked account, oldest link first
    origin: str  # "hand" (CLI or web) or "settings" (the people list in settings.yaml)
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Two accounts that may be one person, with the evidence in words ("both profiles link
    example.com"); never acted on until a person links or dismisses them."""

    accounts: tuple[Account, Account]
    evidence: tuple[str, ...]


def person_of_on(
    conn: sqlite3.Connection, source_types: Iterable[str], handle: str
) -> Person | None:
    """The person ``handle`` on any of ``source_types`` is linked to, on ``conn`` (a reader,
    or the writer inside its transaction: the alert rules ask here)."""
    return None


def write_profile_keys_on(conn: sqlite3.Connection, new: Sequence[Mention]) -> None:
    """Keep what the new mentions' authors' profiles say (bio, links, account age and
    shape) and the keys that suggest links; called by ``insert_mentions`` inside its
    transaction, after the authors' rows are written."""


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
        raise NotImplementedError

    def list_people(self, *, limit: int = 200) -> list[Person]:
        raise NotImplementedError

    def link_accounts(
        self, accounts: Sequence[Account], *, by: str, name: str | None = None
    ) -> Person:
        """Make ``accounts`` one person (joining the person any of them already belongs to;
        two different people are merged only when ``by`` asked for it by linking them)."""
        raise NotImplementedError

    def unlink_account(self, account: Account, *, by: str) -> Person | None:
        raise NotImplementedError

    def update_person(
        self,
        person_id: int,
        *,
        name: str | None = None,
        tags: Sequence[str] | None = None,
        note: str | None = None,
    ) -> Person:
        raise NotImplementedError

    def suggestions_for(
        self, source_types: Iterable[str], handle: str, *, limit: int = 10
    ) -> list[Suggestion]:
        raise NotImplementedError

    def suggestions(self, *, limit: int = 50) -> list[Suggestion]:
        raise NotImplementedError

    def dismiss_suggestion(self, a: Account, b: Account, *, by: str) -> None:
        raise NotImplementedError
