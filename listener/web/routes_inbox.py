"""The inbox (``/inbox``) and the alert page (``/alerts/{id}``), with their actions.

Every page works without JavaScript: filters are a GET form, actions are form posts that
answer with a redirect (303) back. With htmx the filters swap the list in place and push the
URL, an action answers with the updated row or page part, and the selection bar acts on the
checked rows. The rows come from ``inbox_views`` and the actions from ``inbox_actions``,
which the JSON API uses too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from listener.store import inbox_reads
from listener.web.auth import Principal, Role, require
from listener.web.context import WebContext, context_of
from listener.web.display import Show
from listener.web.draft_views import draft_titles, lint_advice, missing_drafts
from listener.web.inbox_actions import act, act_on_many
from listener.web.inbox_models import (
    MAX_ID,
    Action,
    ActionBody,
    AlertId,
    AlertSummary,
    BulkBody,
    BulkResult,
    InboxPage,
    ListedId,
)
from listener.web.inbox_views import (
    InboxFilters,
    alert_detail,
    list_inbox,
    newer_rows,
    one_row,
)
from listener.web.model_drafts import ModelNote, ask_local_model
from listener.web.outcome_views import outcome_lines
from listener.web.pages import render, templates

router = APIRouter()

# Snooze choices on the page; the API takes any time.
SNOOZE_FOR = {"1h": timedelta(hours=1), "4h": timedelta(hours=4), "1d": timedelta(days=1),
              "3d": timedelta(days=3)}  # fmt: skip

Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Agent = Annotated[Principal, Depends(require(Role.AGENT))]
Context = Annotated[WebContext, Depends(context_of)]


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def page_context(context: WebContext, who: Principal) -> dict[str, Any]:
    """What every inbox and alert template needs beside its data."""
    settings = context.settings
    return {
        "show": Show(context.clock()),
        "can_act": who.may(Role.AGENT),
        "brands": [b.name for b in settings.brands],
        "sources": [s.name for s in settings.sources],
        "rules": [r.rule_name for r in settings.alerts.rules],
        "has_sla": settings.alerts.sla is not None,
        "sla": settings.alerts.sla,
    }


@router.get("/inbox", response_class=HTMLResponse)
def inbox(
    request: Request,
    context: Context,
    who: Viewer,
    filters: Annotated[InboxFilters, Query()],
    cursor: str | None = None,
) -> HTMLResponse:
    page = list_inbox(context, who, filters, cursor=cursor)
    # Target "inbox-list": the filters changed; a cursor: "more" rows for the pager.
    block = None
    if _htmx(request):
        block = "more" if cursor else "list"
    return _inbox_page(request, context, who, filters, page, first_page=cursor is None, block=block)


def _inbox_page(
    request: Request,
    context: WebContext,
    who: Principal,
    filters: InboxFilters,
    page: InboxPage,
    *,
    first_page: bool,
    block: str | None,
    bulk: BulkResult | None = None,
    bulk_action: Action | None = None,
) -> HTMLResponse:
    """The inbox, or the part of it htmx swaps: the list after a filter or a bulk action,
    the next rows for the pager."""
    return render(
        request,
        "inbox/inbox.html",
        {
            **page_context(context, who),
            "page": page,
            "rows": page.items,
            "filters": filters,
            "query": filters.query_string(),
            "newest_id": inbox_reads.newest_alert_id(context.store),
            "first_page": first_page,
            "bulk": bulk,
            "bulk_lines": outcome_lines(bulk_action, bulk) if bulk and bulk_action else [],
        },
        block=block,
    )


@router.get("/inbox/newer", response_class=HTMLResponse)
def newer_notice(
    request: Request,
    context: Context,
    who: Viewer,
    filters: Annotated[InboxFilters, Query()],
    after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> HTMLResponse:
    """The fallback when the live stream is down: polled every 30 s, it says when alerts
    newer than the page have come in, with a link that reloads the list."""
    newer = newer_rows(context, who, filters, after)
    return render(request, "inbox/_newer.html", {"after": after, "newer": bool(newer)})


def _form_body(
    assignee: str | None,
    note: str,
    reply: str,
    snooze_for: str,
    until: str,
    context: WebContext,
) -> ActionBody:
    when: datetime | None = None
    escalation = snooze_for == "escalation"
    if snooze_for in SNOOZE_FOR:
        when = context.clock() + SNOOZE_FOR[snooze_for]
    elif until.strip():
        try:
            # The form's datetime-local has no zone: the page labels it UTC.
            when = datetime.fromisoformat(until.strip()).replace(tzinfo=UTC)
        except ValueError as error:
            raise HTTPException(422, f"not a date and time: {until[:40]!r}") from error
    elif snooze_for and not escalation:
        raise HTTPException(422, f"snooze for {snooze_for[:20]!r}? choose 1h, 4h, 1d or 3d")
    try:
        return ActionBody(
            assignee=assignee, note=note, reply=reply, until=when, until_escalation=escalation
        )
    except ValidationError as error:
        raise HTTPException(422, _first_problem(error)) from error


def _first_problem(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


Field = Annotated[str, Form()]


@router.post("/alerts/{alert_id}/{action}", response_model=None)
def act_from_page(
    alert_id: AlertId,
    action: Action,
    request: Request,
    context: Context,
    who: Agent,
    assignee: Annotated[str | None, Form()] = None,
    note: Field = "",
    reply: Field = "",
    snooze_for: Field = "",
    until: Field = "",
    view: Field = "page",
) -> Response:
    """One action from a row of the inbox (``view=row``) or from the alert page."""
    problem = None
    try:
        body = _form_body(assignee, note, reply, snooze_for, until, context)
        act(context, who, alert_id, action, body)
    except HTTPException as refused:
        if not _htmx(request) or refused.status_code == 404:
            raise
        problem = str(refused.detail)
    if not _htmx(request):
        return RedirectResponse(f"/alerts/{alert_id}", status_code=303)
    if view == "row":
        return render(
            request,
            "inbox/_rows.html",
            {**page_context(context, who), "rows": [one_row(context, alert_id)],
             "problems": {alert_id: problem} if problem else {}},
        )  # fmt: skip
    return _alert_page(request, context, who, alert_id, block="body", problem=problem)


def _filters_in_view(request: Request) -> InboxFilters:
    """The filters of the list the person is looking at: htmx names the page's URL (the
    filters swap the list and push their URL without reloading); a plain form posts them
    in its action's query."""
    current = request.headers.get("hx-current-url")
    query = urlsplit(current).query if current else str(request.url.query)
    try:
        return InboxFilters.model_validate(dict(parse_qsl(query)))
    except ValidationError as error:
        raise HTTPException(422, _first_problem(error)) from error


@router.post("/inbox/bulk", response_model=None)
def bulk_from_page(
    request: Request,
    context: Context,
    who: Agent,
    action: Annotated[Action, Form()],
    ids: Annotated[list[ListedId], Form()] = [],  # noqa: B006 -- FastAPI copies defaults
    assignee: Annotated[str | None, Form()] = None,
    note: Field = "",
    snooze_for: Field = "",
    until: Field = "",
) -> Response:
    """The selection bar: one action on every checked row, then the list as it is now."""
    filters = _filters_in_view(request)
    if not ids:
        raise HTTPException(422, "select one or more alerts first (x, or the checkboxes)")
    body = _form_body(assignee, note, "", snooze_for, until, context)
    result = act_on_many(
        context, who, BulkBody(ids=ids, action=action, **body.model_dump(exclude={"reply"}))
    )
    if not _htmx(request):
        query = filters.query_string()
        return RedirectResponse("/inbox" + (f"?{query}" if query else ""), status_code=303)
    page = list_inbox(context, who, filters)
    return _inbox_page(
        request,
        context,
        who,
        filters,
        page,
        first_page=True,
        block="list",
        bulk=result,
        bulk_action=action,
    )


def _alert_page(
    request: Request,
    context: WebContext,
    who: Principal,
    alert_id: AlertId,
    *,
    block: str | None = None,
    problem: str | None = None,
    model_note: ModelNote | None = None,
) -> HTMLResponse:
    detail = alert_detail(context, alert_id)
    drafted = [d.approach for d in detail.drafts]
    lead = next((m for m in detail.mention_list if m.lead and not m.missing), None)
    return render(
        request,
        "alerts/alert.html",
        {
            **page_context(context, who),
            "detail": detail,
            "a": detail.alert,
            "draft_titles": draft_titles(drafted),
            "draft_advice": [lint_advice(d.lint) for d in detail.drafts],
            "drafts_missing": missing_drafts(
                context,
                lead.id if lead else None,
                detail.alert.brand,
                drafted,
                detail.drafts[0].language if detail.drafts else "en",
            ),
            "problem": problem,
            "snooze_choices": list(SNOOZE_FOR),
            "local_model": llm if (llm := context.settings.replies.llm).enabled else None,
            "model_note": model_note,
        },
        block=block,
    )


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(alert_id: AlertId, request: Request, context: Context, who: Viewer) -> HTMLResponse:
    return _alert_page(request, context, who, alert_id)


@router.post("/alerts/{alert_id}/drafts/local-model", response_model=None)
def model_drafts_from_page(
    alert_id: AlertId, request: Request, context: Context, who: Agent
) -> Response:
    """Ask the local model (replies.llm) for drafts; kept with the alert, beside the
    template drafts, so a reload shows them without asking again."""
    note = ask_local_model(context, alert_id)
    if not _htmx(request):
        return RedirectResponse(f"/alerts/{alert_id}", status_code=303)
    return _alert_page(request, context, who, alert_id, block="body", model_note=note)


def row_html(
    context: WebContext, who: Principal, rows: list[AlertSummary], *, csrf_token: str
) -> str:
    """Rows as the list renders them, for the live stream (a string, not a response)."""
    template = templates.env.get_template("inbox/_rows.html")
    return template.render(
        {**page_context(context, who), "rows": rows, "live": True, "csrf_token": csrf_token}
    )
