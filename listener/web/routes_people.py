"""People pages: ``/people`` (every person with their accounts and tags, and the open
suggestions with their evidence) and ``/people/{id}`` (one person's accounts and history),
and the form posts that link, unlink, dismiss and tag from there and from the author page.

Every post is a plain form: CSRF-checked by the middleware like any state change, for an
agent or above, answered with a redirect back (303), so it works without JavaScript.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from listener.sources.registry import source_types
from listener.web.auth import Principal, Role, require
from listener.web.author_views import DEFAULT_LIMIT, MAX_LIMIT, person_page
from listener.web.context import WebContext, context_of
from listener.web.display import Show
from listener.web.inbox_models import MAX_ID
from listener.web.pages import render
from listener.web.people_views import (
    MAX_HANDLE,
    MAX_NAME,
    MAX_NOTE,
    PERSON_TAGS,
    MergeAsked,
    account_of,
    dismiss,
    edit,
    link,
    people_list,
    person_page_path,
    unlink,
)

router = APIRouter()

PersonId = Annotated[int, Path(ge=1, le=MAX_ID)]
TypeField = Annotated[str, Form(min_length=1, max_length=64)]
HandleField = Annotated[str, Form(min_length=1, max_length=MAX_HANDLE)]
BackField = Annotated[str, Form(max_length=1000)]


def back_to(back: str, fallback: str, *, done: str | None = None) -> RedirectResponse:
    """A 303 to ``back`` when it is a path of this app, else to ``fallback``: a form field
    is the client's word, and an absolute or scheme-relative URL would send the browser away.
    ``done`` (a fixed word, see people/_notice.html) tells the page what just happened: a
    plain form post has no other way to confirm it."""
    local = back.startswith("/") and not back.startswith(("//", "/\\"))
    target = back if local else fallback
    if done is not None:
        path, _, fragment = target.partition("#")
        target = f"{path}{'&' if '?' in path else '?'}done={done}" + (
            f"#{fragment}" if fragment else ""
        )
    return RedirectResponse(target, status_code=303)


def form_context(who: Principal) -> dict[str, object]:
    """What the people forms need: whether to show them, the types to pick from, the tags."""
    return {
        "can_edit": who.may(Role.AGENT),
        "source_type_names": sorted(source_types()),
        "person_tags": PERSON_TAGS,
    }


@router.get("/people", response_class=HTMLResponse)
def people(
    request: Request,
    context: Annotated[WebContext, Depends(context_of)],
    who: Annotated[Principal, Depends(require(Role.VIEWER))],
) -> HTMLResponse:
    listed = people_list(context)
    return render(
        request,
        "people/people.html",
        {"listed": listed, "show": Show(context.clock())} | form_context(who),
    )


@router.get("/people/{person_id:int}", response_class=HTMLResponse)
def person(
    person_id: PersonId,
    request: Request,
    context: Annotated[WebContext, Depends(context_of)],
    who: Annotated[Principal, Depends(require(Role.VIEWER))],
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> HTMLResponse:
    page = person_page(context, person_id, cursor=cursor, limit=limit)
    base = person_page_path(person_id)
    kept = None if limit == DEFAULT_LIMIT else limit
    context_values = {
        "p": page,
        "items": page.items,
        "next_cursor": page.next_cursor,
        "show": Show(context.clock()),
        "base": base,
        "paged": cursor is not None,
        "limit": kept,
    } | form_context(who)
    if cursor and request.headers.get("hx-request") == "true":
        return render(request, "people/person.html", context_values, block="rows")
    return render(request, "people/person.html", context_values)


@router.post("/people/link", response_model=None)
def link_from_page(
    source_type: TypeField,
    handle: HandleField,
    other_source_type: TypeField,
    other_handle: HandleField,
    context: Annotated[WebContext, Depends(context_of)],
    who: Annotated[Principal, Depends(require(Role.AGENT))],
    request: Request,
    back: BackField = "",
    merge: Annotated[bool, Form()] = False,
) -> RedirectResponse | HTMLResponse:
    """ "Link" on a suggestion, or "Link another account" on an author page. Accounts of
    two people already are not merged on one click: a page asks first (409), and its
    "Merge" button posts the same form with ``merge``."""
    accounts = [account_of(source_type, handle), account_of(other_source_type, other_handle)]
    try:
        linked = link(context, accounts, by=who.name, merge=merge)
    except MergeAsked as asked:
        fields = {
            "source_type": source_type,
            "handle": handle,
            "other_source_type": other_source_type,
            "other_handle": other_handle,
            "back": back,
        }
        return render(
            request,
            "people/merge.html",
            {"people": asked.people, "fields": fields, "back": back or "/people"},
            status_code=409,
        )
    return back_to(back, linked.page)


@router.post("/people/dismiss", response_model=None)
def dismiss_from_page(
    source_type: TypeField,
    handle: HandleField,
    other_source_type: TypeField,
    other_handle: HandleField,
    context: Annotated[WebContext, Depends(context_of)],
    who: Annotated[Principal, Depends(require(Role.AGENT))],
    back: BackField = "",
) -> RedirectResponse:
    """ "Not the same": the suggestion is not offered again."""
    a, b = account_of(source_type, handle), account_of(other_source_type, other_handle)
    dismiss(context, a, b, by=who.name)
    return back_to(back, "/people", done="not-same")


@router.post("/people/{person_id:int}/unlink", response_model=None)
def unlink_from_page(
    person_id: PersonId,
    source_type: TypeField,
    handle: HandleField,
    context: Annotated[WebContext, Depends(context_of)],
    who: Annotated[Principal, Depends(require(Role.AGENT))],
    back: BackField = "",
) -> RedirectResponse:
    left = unlink(context, person_id, account_of(source_type, handle), by=who.name)
    return back_to(back, left.person.page if left.person else "/people")


@router.post("/people/{person_id:int}/edit", response_model=None)
def edit_from_page(
    person_id: PersonId,
    context: Annotated[WebContext, Depends(context_of)],
    _who: Annotated[Principal, Depends(require(Role.AGENT))],
    tags: Annotated[list[str] | None, Form(max_length=len(PERSON_TAGS))] = None,
    note: Annotated[str, Form(max_length=MAX_NOTE)] = "",
    name: Annotated[str, Form(max_length=MAX_NAME)] = "",
    back: BackField = "",
) -> RedirectResponse:
    # An unticked box sends nothing: no tags field at all means every tag was unticked.
    edit(context, person_id, tags=tags or [], note=note, name=name)
    return back_to(back, person_page_path(person_id))
