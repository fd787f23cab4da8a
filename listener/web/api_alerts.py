"""``/api/v1/alerts``: the inbox and its actions as JSON, the same functions as the pages.

- ``GET /api/v1/alerts`` — the inbox (the page's filters as query parameters), cursor pages
- ``GET /api/v1/alerts/{id}`` — one alert with its mentions, judgments, drafts and history
- ``POST /api/v1/alerts/{id}/{action}`` — acknowledge, assign, reply, resolve, ignore,
  reopen, snooze, unsnooze (agent role); answers the alert as the inbox shows it now
- ``POST /api/v1/alerts/bulk`` — one action on many alerts, an outcome for each
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query

from listener.web.api_document import BAD_CURSOR, problem_responses
from listener.web.auth import Principal, Role, require
from listener.web.context import WebContext, context_of
from listener.web.inbox_actions import act, act_on_many
from listener.web.inbox_models import (
    Action,
    ActionBody,
    AlertDetail,
    AlertId,
    AlertSummary,
    BulkBody,
    BulkResult,
    InboxPage,
)
from listener.web.inbox_views import MAX_PAGE, PAGE_SIZE, InboxFilters, alert_detail, list_inbox

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"])

Context = Annotated[WebContext, Depends(context_of)]


@router.get("", response_model=InboxPage, responses=problem_responses(BAD_CURSOR))
def list_alerts(
    context: Context,
    who: Annotated[Principal, Depends(require(Role.VIEWER))],
    filters: Annotated[InboxFilters, Query()],
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = PAGE_SIZE,
) -> InboxPage:
    """Open alerts (or the ``state`` asked for), most severe then newest first."""
    return list_inbox(context, who, filters, cursor=cursor, limit=limit)


@router.post("/bulk", response_model=BulkResult)
def bulk(
    context: Context,
    who: Annotated[Principal, Depends(require(Role.AGENT))],
    body: BulkBody,
) -> BulkResult:
    return act_on_many(context, who, body)


@router.get(
    "/{alert_id}", response_model=AlertDetail, responses=problem_responses({404: "No such alert"})
)
def get_alert(
    alert_id: AlertId,
    context: Context,
    who: Annotated[Principal, Depends(require(Role.VIEWER))],
) -> AlertDetail:
    return alert_detail(context, alert_id)


@router.post(
    "/{alert_id}/{action}",
    response_model=AlertSummary,
    responses=problem_responses(
        {
            404: "No such alert",
            409: "The alert's state does not allow the action (resolving a resolved alert)",
            422: "The body does not fit the action (a snooze in the past, assign without assignee)",
        }
    ),
)
def act_on_alert(
    alert_id: AlertId,
    action: Action,
    context: Context,
    who: Annotated[Principal, Depends(require(Role.AGENT))],
    body: Annotated[ActionBody | None, Body()] = None,
) -> AlertSummary:
    return act(context, who, alert_id, action, body or ActionBody())
