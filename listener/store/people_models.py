"""The plain data of the people module (issue 18): accounts, people, suggestions, errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from listener.store.base import StoreError

__all__ = [
    "TAGS",
    "Account",
    "MergeNeeded",
    "PeopleError",
    "Person",
    "Suggestion",
    "handle_key",
]

TAGS = ("vip", "loyal", "press")  # the only tags a person carries; severity reads them


class PeopleError(StoreError):
    """A link or change that cannot be made; the message says why and what to do."""


class MergeNeeded(PeopleError):
    """A link that would merge people who exist already: refused unless asked for (a
    suggestion's "Link" pressed on two people's accounts must not silently fold one into
    the other). ``people`` are their ids, oldest first."""

    def __init__(self, people: tuple[int, ...]) -> None:
        self.people = people
        named = " and ".join(f"#{p}" for p in people)
        super().__init__(
            f"these accounts already belong to people {named}: linking them merges those"
            " people into one; ask for the merge to do it"
        )


def handle_key(handle: str) -> str:
    """A handle as the people tables key it: lowercase, surrounding space and one '@' off."""
    return handle.strip().removeprefix("@").lower()


@dataclass(frozen=True, slots=True)
class Account:
    """One author account: a handle (as last seen; compared without case, '@' dropped) on a
    source type."""

    source_type: str
    handle: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.source_type.strip().lower(), handle_key(self.handle))

    def __str__(self) -> str:
        return f"{self.source_type}:{self.handle}"


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
