"""``/api/v1/people``: the people pages' data and changes as JSON. A script posts with an API
token (an agent's or above); a browser's post is CSRF-checked like every other."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from listener.web.api_document import BAD_CURSOR, problem_responses
from listener.web.auth import Principal, Role, require
from listener.web.author_views import DEFAULT_LIMIT, MAX_LIMIT, PersonPage, person_page
from listener.web.context import WebContext, context_of
from listener.web.inbox_models import MAX_ID
from listener.web.people_views import (
    AccountIn,
    DismissIn,
    DismissOut,
    LinkIn,
    PeopleList,
    PersonEditIn,
    PersonOut,
    UnlinkOut,
    account_of,
    dismiss,
    edit,
    link,
    people_list,
    unlink,
)

router = APIRouter(prefix="/api/v1", tags=["people"])

PersonId = Annotated[int, Path(ge=1, le=MAX_ID)]
REFUSED = {409: "The store refused the change (the detail says why)"}
BAD_ACCOUNT = {422: "An unknown source type, an empty handle or an unknown tag"}


@router.get("/people")
def get_people(
    context: Annotated[WebContext, Depends(context_of)],
    _who: Annotated[Principal, Depends(require(Role.VIEWER))],
) -> PeopleList:
    """Every person with their accounts and tags, and the open suggestions (two accounts on
    different networks that may be one person) with their evidence."""
    return people_list(context)


@router.get(
    "/people/{person_id:int}",
    responses=problem_responses({**BAD_CURSOR, 404: "No such person"}),
)
def get_person(
    person_id: PersonId,
    context: Annotated[WebContext, Depends(context_of)],
    _who: Annotated[Principal, Depends(require(Role.VIEWER))],
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> PersonPage:
    """One person: their accounts, tags and note, and one history over all their accounts
    newest first (``items``, continued with ``?cursor=next_cursor``), each with its network."""
    return person_page(context, person_id, cursor=cursor, limit=limit)


@router.post("/people/link", responses=problem_responses({**REFUSED, **BAD_ACCOUNT}))
def link_people(
    body: LinkIn,
    context: Annotated[WebContext, Depends(context_of)],
    who: Annotated[Principal, Depends(require(Role.AGENT))],
) -> PersonOut:
    """Make the accounts one person (joining the person any of them is linked to already).
    Accounts of two or more people are refused (409) unless ``merge`` is true: then those
    people are merged into the oldest, and the merge recorded with the caller's name."""
    accounts = [account_of(a.source_type, a.handle) for a in body.accounts]
    return link(context, accounts, by=who.name, name=body.name, merge=body.merge)


@router.post(
    "/people/{person_id:int}/unlink",
    responses=problem_responses({**REFUSED, **BAD_ACCOUNT, 404: "Not one of their accounts"}),
)
def unlink_account(
    person_id: PersonId,
    body: AccountIn,
    context: Annotated[WebContext, Depends(context_of)],
    who: Annotated[Principal, Depends(require(Role.AGENT))],
) -> UnlinkOut:
    return unlink(context, person_id, account_of(body.source_type, body.handle), by=who.name)


@router.post("/people/dismiss", responses=problem_responses({**REFUSED, **BAD_ACCOUNT}))
def dismiss_suggestion(
    body: DismissIn,
    context: Annotated[WebContext, Depends(context_of)],
    who: Annotated[Principal, Depends(require(Role.AGENT))],
) -> DismissOut:
    """ "Not the same person": the pair is not suggested again."""
    a, b = (account_of(x.source_type, x.handle) for x in body.accounts)
    return dismiss(context, a, b, by=who.name)


@router.post(
    "/people/{person_id:int}/tags",
    responses=problem_responses({**REFUSED, **BAD_ACCOUNT, 404: "No such person"}),
)
def tag_person(
    person_id: PersonId,
    body: PersonEditIn,
    context: Annotated[WebContext, Depends(context_of)],
    _who: Annotated[Principal, Depends(require(Role.AGENT))],
) -> PersonOut:
    """Set the person's tags (vip, loyal, press), note or name; a field left out stays."""
    return edit(context, person_id, tags=body.tags, note=body.note, name=body.name)
