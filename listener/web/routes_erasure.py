"""Erasure for admins (issue 18): "Erase this person's data" on the author and person pages
leads to ``/erase/author/{type}/{handle}`` or ``/erase/person/{id}``, a page saying whose data
(name, accounts) and the counts of what will go, with Cancel; its form posts (CSRF-checked as
every form) to ``/erase``, which erases and redirects (303) to the audit line's page
``/admin/erasures/{id}``. ``/admin/erasures`` lists
the audit. Everyone else gets 403.

An author is erased on every type of its network, as the CLI does (``listener erase``). An
account linked to a person offers the person's erasure first; the account alone only with
``?only=1`` (the form then says ``only_this_account``), as the CLI's --only-this-account.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from listener.config.listed import Listing, listed_in_settings
from listener.sources.registry import same_network_types, source_types
from listener.store import erasure_words
from listener.store.erasure import AuditEntry, NothingToErase, accounts_of
from listener.store.people import Account, Person
from listener.web.auth import Principal, Role, require
from listener.web.context import WebContext, context_of
from listener.web.display import Show
from listener.web.pages import render

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)

Context = Annotated[WebContext, Depends(context_of)]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
MAX_FIELD = 1024
MAX_BACK = 1000  # as the people forms' back field
MAX_AUDIT = 500  # rows /admin/erasures lists, and reaches by id


def _author_accounts(source_type: str, handle: str) -> list[Account]:
    if source_type not in source_types():
        raise HTTPException(status_code=404, detail=f"no source type {source_type!r}")
    return accounts_of(same_network_types(source_type), handle)


def _network_accounts(linked: list[Account]) -> list[Account]:
    # A person's stream posts go with their polled API's, as for one author.
    return [n for a in linked for n in accounts_of(same_network_types(a.source_type), a.handle)]


def _shown(account: Account) -> str:
    return f"@{account.handle.lstrip('@')} on {account.source_type}"


@dataclass(frozen=True, slots=True)
class _Whose:
    """Who the page erases, in words: name, accounts; the person an account belongs to."""

    name: str
    accounts: list[str]
    page: str  # where Cancel goes back to
    person: Person | None = None  # for an author linked to a person


def _came_from(whose: _Whose, back: str) -> _Whose:
    """Cancel goes back to ``back`` when it is a path of this app (the page the user came
    from, e.g. the author page that offered the person's erasure), else to ``whose.page``: a
    query value is the client's word, and an absolute or scheme-relative URL would send the
    browser away."""
    local = back.startswith("/") and not back.startswith(("//", "/\\"))
    return replace(whose, page=back) if local else whose


def _whose_author(context: WebContext, source_type: str, handle: str) -> _Whose:
    record = context.store.get_author(source_type, handle)
    bare = handle.lstrip("@")
    return _Whose(
        name=(record.name if record and record.name else f"@{bare}"),
        accounts=[f"@{bare} on {', '.join(same_network_types(source_type))}"],
        page=f"/authors/{quote(source_type, safe='')}/{quote(handle, safe='')}",
        person=context.store.person_of(same_network_types(source_type), handle),
    )


def _whose_person(person: Person | None, person_id: int) -> _Whose:
    if person is None:
        return _Whose(name=f"person #{person_id}", accounts=[], page="/people")
    return _Whose(
        name=person.name or f"person #{person.id}",
        accounts=[_shown(a) for a in person.accounts],
        page=f"/people/{person.id}",
    )


def _confirm(
    request: Request,
    context: WebContext,
    accounts: list[Account],
    whose: _Whose,
    *,
    person_id: int | None,
    source_type: str = "",
    handle: str = "",
    only_this_account: bool = False,
    status_code: int = 200,
) -> HTMLResponse:
    # A linked account offers the person first: a request to erase someone is about all
    # their accounts, and the page says whose erasure it is.
    choose = whose.person is not None and not only_this_account
    # Settings people come back at the next start: their entry goes first (CLI: --force).
    listed = [] if choose else _listed(context, accounts)
    counts = (
        {} if choose or listed else context.store.preview_erasure(accounts, person_id=person_id)
    )
    page = {
        "whose": whose,
        "choose": choose,
        "removed": erasure_words.removed(counts),
        "created": erasure_words.created(counts),
        "person_id": person_id,
        "source_type": source_type,
        "handle": handle,
        "only_this_account": only_this_account,
        "hold_seconds": 0 if choose or listed else context.store.erasure_hold_seconds(),
        "listed": [x.describe() for x in listed],
    }
    found = choose or bool(counts) or bool(listed)
    code = 409 if listed else status_code if found else 404
    return render(request, "erasure/confirm.html", page, status_code=code)


def _listed(context: WebContext, accounts: list[Account]) -> list[Listing]:
    return listed_in_settings(context.settings, [(a.source_type, a.handle) for a in accounts])


@router.get("/erase/author/{source_type}/{handle:path}", response_class=HTMLResponse)
def confirm_author(
    source_type: str,
    handle: str,
    request: Request,
    context: Context,
    _who: Admin,
    only: Annotated[bool, Query()] = False,
    back: Annotated[str, Query(max_length=MAX_BACK)] = "",
) -> HTMLResponse:
    accounts = _author_accounts(source_type, handle)
    whose = _came_from(_whose_author(context, source_type, handle), back)
    return _confirm(
        request, context, accounts, whose,
        person_id=None, source_type=source_type, handle=handle, only_this_account=only,
    )  # fmt: skip


@router.get("/erase/person/{person_id}", response_class=HTMLResponse)
def confirm_person(
    person_id: int,
    request: Request,
    context: Context,
    _who: Admin,
    back: Annotated[str, Query(max_length=MAX_BACK)] = "",
) -> HTMLResponse:
    person = context.store.get_person(person_id)
    accounts = _network_accounts(context.store.accounts_of_person(person_id))
    whose = _came_from(_whose_person(person, person_id), back)
    return _confirm(request, context, accounts, whose, person_id=person_id)


@router.post("/erase", response_class=HTMLResponse)
def erase(
    request: Request,
    context: Context,
    who: Admin,
    reason: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    source_type: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    handle: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    person_id: Annotated[int | None, Form()] = None,
    only_this_account: Annotated[bool, Form()] = False,
    back: Annotated[str, Form(max_length=MAX_BACK)] = "",
) -> Response:
    try:
        if person_id is not None:
            accounts = _network_accounts(context.store.accounts_of_person(person_id))
            if _listed(context, accounts):
                person = context.store.get_person(person_id)
                return _confirm(
                    request, context, accounts, _came_from(_whose_person(person, person_id), back),
                    person_id=person_id,
                )  # fmt: skip
            report = context.store.erase_person(
                person_id, asked_by=who.name, reason=reason, accounts=accounts
            )
        elif source_type and handle:
            accounts = _author_accounts(source_type, handle)
            whose = _came_from(_whose_author(context, source_type, handle), back)
            if whose.person is not None and not only_this_account:
                # Never one account of a person by a stale or hand-made form: ask again.
                return _confirm(
                    request, context, accounts, whose, person_id=None, source_type=source_type,
                    handle=handle, status_code=409,
                )  # fmt: skip
            if _listed(context, accounts):
                return _confirm(
                    request, context, accounts, whose, person_id=None, source_type=source_type,
                    handle=handle, only_this_account=only_this_account,
                )  # fmt: skip
            report = context.store.erase_accounts(accounts, asked_by=who.name, reason=reason)
        else:
            raise HTTPException(status_code=422, detail="say whose data: an author or a person")
    except NothingToErase:
        return render(request, "erasure/done.html", {"entry": None}, status_code=404)
    # Post/redirect/get: a refresh of the done page reloads it rather than offering to post
    # the erasure again.
    return RedirectResponse(f"/admin/erasures/{report.audit_id}", status_code=303)


@router.get("/admin/erasures/{audit_id}", response_class=HTMLResponse)
def erased(audit_id: int, request: Request, context: Context, _who: Admin) -> HTMLResponse:
    """One audit row as the done page says it: where an erasure's form lands."""
    found = [e for e in context.store.erasure_audit(limit=MAX_AUDIT) if e.id == audit_id]
    if not found:
        raise HTTPException(status_code=404, detail=f"no erasure #{audit_id}")
    return render(request, "erasure/done.html", _shown_entry(context, found[0]))


def _shown_entry(context: WebContext, entry: AuditEntry) -> dict[str, object]:
    return {
        "entry": entry,
        "removed": erasure_words.removed(entry.counts),
        "created": erasure_words.created(entry.counts),
        "show": Show(context.clock()),
    }


@router.get("/admin/erasures", response_class=HTMLResponse)
def audit(request: Request, context: Context, _who: Admin) -> HTMLResponse:
    entries = context.store.erasure_audit(limit=MAX_AUDIT)
    lines = {e.id: erasure_words.counts_line(e.counts) for e in entries}
    return render(
        request,
        "erasure/audit.html",
        {"entries": entries, "lines": lines, "show": Show(context.clock())},
    )
