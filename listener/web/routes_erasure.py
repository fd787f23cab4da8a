"""Erasure for admins (issue 18): "Erase this person's data" on the author and person pages
leads to ``/erase/author/{type}/{handle}`` or ``/erase/person/{id}``, a page with the counts
of what will go; its form posts (CSRF-checked as every form) to ``/erase``, which erases and
shows the audit line. ``/admin/erasures`` lists the audit. Everyone else gets 403.

An author is erased on every type of its network, as the CLI does (``listener erase``).
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse

from listener.sources.registry import same_network_types, source_types
from listener.store.erasure import NothingToErase, accounts_of
from listener.store.people import Account
from listener.web.auth import Principal, Role, require
from listener.web.context import WebContext, context_of
from listener.web.display import Show
from listener.web.pages import render

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)

Context = Annotated[WebContext, Depends(context_of)]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
MAX_FIELD = 1024


def _author_accounts(source_type: str, handle: str) -> list[Account]:
    if source_type not in source_types():
        raise HTTPException(status_code=404, detail=f"no source type {source_type!r}")
    return accounts_of(same_network_types(source_type), handle)


def _confirm(
    request: Request,
    context: WebContext,
    accounts: list[Account],
    *,
    person_id: int | None,
    source_type: str = "",
    handle: str = "",
) -> HTMLResponse:
    counts = context.store.preview_erasure(accounts, person_id=person_id)
    page = {
        "counts": sorted(counts.items()),
        "person_id": person_id,
        "source_type": source_type,
        "handle": handle,
        "networks": sorted({a.source_type for a in accounts}),
    }
    return render(request, "erasure/confirm.html", page, status_code=200 if counts else 404)


@router.get("/erase/author/{source_type}/{handle:path}", response_class=HTMLResponse)
def confirm_author(
    source_type: str, handle: str, request: Request, context: Context, _who: Admin
) -> HTMLResponse:
    accounts = _author_accounts(source_type, handle)
    return _confirm(
        request, context, accounts, person_id=None, source_type=source_type, handle=handle
    )


@router.get("/erase/person/{person_id}", response_class=HTMLResponse)
def confirm_person(person_id: int, request: Request, context: Context, _who: Admin) -> HTMLResponse:
    accounts = context.store.accounts_of_person(person_id)
    return _confirm(request, context, accounts, person_id=person_id)


@router.post("/erase", response_class=HTMLResponse)
def erase(
    request: Request,
    context: Context,
    who: Admin,
    reason: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    source_type: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    handle: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    person_id: Annotated[int | None, Form()] = None,
) -> HTMLResponse:
    try:
        if person_id is not None:
            report = context.store.erase_person(person_id, asked_by=who.name, reason=reason)
        elif source_type and handle:
            report = context.store.erase_accounts(
                _author_accounts(source_type, handle), asked_by=who.name, reason=reason
            )
        else:
            raise HTTPException(status_code=422, detail="say whose data: an author or a person")
    except NothingToErase:
        return render(request, "erasure/done.html", {"entry": None}, status_code=404)
    (entry,) = [e for e in context.store.erasure_audit(limit=20) if e.id == report.audit_id]
    return render(request, "erasure/done.html", {"entry": entry, "show": Show(context.clock())})


@router.get("/admin/erasures", response_class=HTMLResponse)
def audit(request: Request, context: Context, _who: Admin) -> HTMLResponse:
    entries = context.store.erasure_audit(limit=500)
    return render(
        request, "erasure/audit.html", {"entries": entries, "show": Show(context.clock())}
    )
