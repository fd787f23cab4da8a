"""People as the web app and ``/api/v1/people`` show and change them (issue 18): a person
links author accounts across networks, by hand only. Suggestions come from the store with
their evidence and wait for someone to press "Link" or "Not the same"; nothing here links
an account on its own.

The changes are shared by the pages' form posts and the API's JSON posts, so both check an
account and a tag the same way and answer a refusal with the same words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from fastapi import HTTPException
from pydantic import BaseModel, Field, JsonValue

from listener.sources.registry import network_of, same_network_types, source_types
from listener.store.people import Account, MergeNeeded, PeopleError, Person, Suggestion
from listener.web.context import WebContext
from listener.web.display import author_page_path

PersonTag = Literal["vip", "loyal", "press"]
PERSON_TAGS: tuple[str, ...] = ("vip", "loyal", "press")
MAX_HANDLE = 200
MAX_NAME = 200
MAX_NOTE = 2000
PEOPLE_LISTED = 200
SETTINGS_ORIGIN = "settings"
SETTINGS_OWNED = (
    "person #{id} comes from the people list in settings.yaml: edit their name, tags and"
    " note there (a change here would be undone at the next start)"
)
SUGGESTIONS_LISTED = 50
KNOWN_TYPES: list[JsonValue] = [*sorted(source_types())]


class AccountIn(BaseModel):
    # The document lists the registered types; ``account_of`` checks them in any case.
    source_type: str = Field(min_length=1, max_length=64, json_schema_extra={"enum": KNOWN_TYPES})
    # Something besides spaces and the leading '@', which are dropped.
    handle: str = Field(min_length=1, max_length=MAX_HANDLE, pattern=r"[^\s@]")


class LinkIn(BaseModel):
    accounts: list[AccountIn] = Field(min_length=2, max_length=20)
    name: str | None = Field(default=None, max_length=MAX_NAME)
    # Accounts of two people already: they are merged into the oldest only when this says
    # so (409 otherwise), as a "Link" must not silently fold one person into another.
    merge: bool = False


class DismissIn(BaseModel):
    accounts: list[AccountIn] = Field(min_length=2, max_length=2)


class PersonEditIn(BaseModel):
    """Only the fields given change; an empty note or name clears it."""

    tags: list[PersonTag] | None = Field(default=None, max_length=len(PERSON_TAGS))
    note: str | None = Field(default=None, max_length=MAX_NOTE)
    name: str | None = Field(default=None, max_length=MAX_NAME)


class AccountOut(BaseModel):
    source_type: str
    network: str
    handle: str
    page: str | None


class PersonOut(BaseModel):
    id: int
    name: str | None
    tags: list[str]
    note: str | None
    origin: str  # "hand" or "settings"
    created_at: datetime
    accounts: list[AccountOut]  # oldest link first
    page: str


class SuggestionOut(BaseModel):
    accounts: list[AccountOut]  # two, on different networks
    evidence: list[str]  # in words, from their profiles


class PeopleList(BaseModel):
    people: list[PersonOut]
    suggestions: list[SuggestionOut]  # open ones, across networks only


class UnlinkOut(BaseModel):
    person: PersonOut | None  # None when the person had no other account left


class DismissOut(BaseModel):
    dismissed: bool


def person_page_path(person_id: int) -> str:
    return f"/people/{person_id}"


def account_out(account: Account) -> AccountOut:
    return AccountOut(
        source_type=account.source_type,
        network=network_of(account.source_type),
        handle=account.handle,
        page=author_page_path(account.source_type, account.handle),
    )


def person_out(person: Person) -> PersonOut:
    return PersonOut(
        id=person.id,
        name=person.name,
        tags=list(person.tags),
        note=person.note,
        origin=person.origin,
        created_at=person.created_at,
        accounts=[account_out(a) for a in person.accounts],
        page=person_page_path(person.id),
    )


def _across_networks(suggestion: Suggestion) -> bool:
    # Two accounts of one network are one author already when their handles match, and
    # the page lists another handle of that network apart: only a cross-network pair is news.
    a, b = suggestion.accounts
    return network_of(a.source_type) != network_of(b.source_type)


def _one_person(context: WebContext, a: Account, b: Account) -> bool:
    first = person_of_author(context, a.source_type, a.handle)
    if first is None:
        return False
    second = person_of_author(context, b.source_type, b.handle)
    return second is not None and second.id == first.id


def _one_per_pair(context: WebContext, suggestions: Sequence[Suggestion]) -> list[SuggestionOut]:
    """The cross-network suggestions, one per pair of authors. The store keys accounts by
    type and cannot tell a network's types apart, while the app treats a handle on a polled
    type and on its stream (``x`` and ``x_stream``) as one author: so the store's two pairs
    for it are shown once (with the first one's evidence), and a pair whose accounts are one
    person already by network (linked as ``x``, suggested as ``x_stream``) is not shown."""
    shown: dict[frozenset[tuple[str, str]], SuggestionOut] = {}
    for s in suggestions:
        if not _across_networks(s):
            continue
        pair = frozenset((network_of(a.source_type), a.handle.lower()) for a in s.accounts)
        if pair in shown or _one_person(context, *s.accounts):
            continue
        shown[pair] = suggestion_out(s)
    return list(shown.values())


def suggestion_out(suggestion: Suggestion) -> SuggestionOut:
    return SuggestionOut(
        accounts=[account_out(a) for a in suggestion.accounts],
        evidence=list(suggestion.evidence),
    )


def person_of_author(context: WebContext, source_type: str, handle: str) -> Person | None:
    return context.store.person_of(same_network_types(source_type), handle)


def suggestions_of_author(
    context: WebContext, source_type: str, handle: str
) -> list[SuggestionOut]:
    found = context.store.suggestions_for(same_network_types(source_type), handle)
    return _one_per_pair(context, found)


def people_list(context: WebContext) -> PeopleList:
    return PeopleList(
        people=[person_out(p) for p in context.store.list_people(limit=PEOPLE_LISTED)],
        suggestions=_one_per_pair(context, context.store.suggestions(limit=SUGGESTIONS_LISTED)),
    )


def get_person(context: WebContext, person_id: int) -> Person:
    person = context.store.get_person(person_id)
    if person is None:
        raise HTTPException(status_code=404, detail=f"no person #{person_id}")
    return person


def account_of(source_type: str, handle: str) -> Account:
    """The account a form or a script named; 422 for a type listener does not know or an
    empty handle, with the known types."""
    kind = source_type.strip().lower()
    known = source_types()
    if kind not in known:
        raise HTTPException(
            status_code=422,
            detail=f"unknown source type {source_type!r}; known types: {', '.join(sorted(known))}",
        )
    bare = handle.strip().removeprefix("@").strip()
    if not bare or len(bare) > MAX_HANDLE:
        raise HTTPException(status_code=422, detail="a handle must be 1 to 200 characters")
    return Account(source_type=kind, handle=bare)


def _refused(error: PeopleError) -> HTTPException:
    return HTTPException(status_code=409, detail=str(error))


class MergeAsked(HTTPException):
    """409: the accounts belong to two or more people; the web page asks to confirm the
    merge, a script sends ``merge: true``."""

    def __init__(self, people: Sequence[Person]) -> None:
        self.people = list(people)
        named = " and ".join(f"#{p.id}" for p in people)
        super().__init__(
            status_code=409,
            detail=f"both already belong to people {named}: merge? (linking them merges"
            f" those people into #{people[0].id}; ask for the merge to do it)",
        )


def link(
    context: WebContext,
    accounts: Sequence[Account],
    *,
    by: str,
    name: str | None = None,
    merge: bool = False,
) -> PersonOut:
    if len({(a.source_type, a.handle.lower()) for a in accounts}) < 2:
        # 409 as the store's own refusals: the request is well formed, the link impossible.
        raise HTTPException(status_code=409, detail="linking needs two different accounts")
    try:
        linked = context.store.link_accounts(accounts, by=by, name=name or None, merge=merge)
    except MergeNeeded as needed:
        found = [context.store.get_person(p) for p in needed.people]
        raise MergeAsked([p for p in found if p is not None]) from None
    except PeopleError as error:
        raise _refused(error) from None
    return person_out(linked)


def unlink(context: WebContext, person_id: int, account: Account, *, by: str) -> UnlinkOut:
    person = get_person(context, person_id)
    held = {(a.source_type.lower(), a.handle.lower()) for a in person.accounts}
    if (account.source_type, account.handle.lower()) not in held:
        named = f"@{account.handle} on {account.source_type}"
        raise HTTPException(status_code=404, detail=f"{named} is not linked to person #{person_id}")
    try:
        left = context.store.unlink_account(account, by=by)
    except PeopleError as error:
        raise _refused(error) from None
    return UnlinkOut(person=person_out(left) if left else None)


def dismiss(context: WebContext, a: Account, b: Account, *, by: str) -> DismissOut:
    """ "Not the same" for the two authors, on every type of each one's network: the page
    shows one author per network, so the pair must not come back through the stream's type."""
    try:
        for a_type in same_network_types(a.source_type):
            for b_type in same_network_types(b.source_type):
                context.store.dismiss_suggestion(
                    Account(a_type, a.handle), Account(b_type, b.handle), by=by
                )
    except PeopleError as error:
        raise _refused(error) from None
    return DismissOut(dismissed=True)


def edit(
    context: WebContext,
    person_id: int,
    *,
    tags: Sequence[str] | None,
    note: str | None,
    name: str | None,
) -> PersonOut:
    """Change what is given (None keeps it); a form's tags arrive unchecked, so they are
    checked here for both the page and the API. A person of the settings' people list is
    refused (422): the sync at each start would undo the change, and a new name would
    part it from the settings entry it is matched by."""
    person = get_person(context, person_id)
    if person.origin == SETTINGS_ORIGIN and (tags, note, name) != (None, None, None):
        raise HTTPException(status_code=422, detail=SETTINGS_OWNED.format(id=person_id))
    if tags is not None:
        tags = [t.strip().lower() for t in tags if t.strip()]
        wrong = [t for t in tags if t not in PERSON_TAGS]
        if wrong:
            raise HTTPException(
                status_code=422,
                detail=f"unknown tag {wrong[0]!r}; a person's tags are {', '.join(PERSON_TAGS)}",
            )
        tags = list(dict.fromkeys(tags))
    try:
        person = context.store.update_person(
            person_id,
            name=None if name is None else name.strip(),
            tags=tags,
            note=None if note is None else note.strip(),
        )
    except PeopleError as error:
        raise _refused(error) from None
    return person_out(person)
