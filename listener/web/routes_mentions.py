"""The mention page: ``/mentions/{id}``, and its label buttons' form posts.

With htmx the buttons swap the judgments block in place; without JavaScript the form post
answers with a redirect back to the page (303), which then shows the new judgment.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from listener.models import AlertKind, AlertState
from listener.web.auth import Principal, Role, require
from listener.web.context import WebContext, context_of
from listener.web.display import Show, model_words
from listener.web.inbox_actions import act
from listener.web.inbox_models import MAX_ID, ActionBody
from listener.web.mention_views import (
    LabelResult,
    MentionDetail,
    label_mention,
    mention_detail,
    mention_page_path,
)
from listener.web.pages import render

router = APIRouter()

_VERDICTS = {"complaint": True, "not": False}


def _page(
    request: Request,
    context: WebContext,
    who: Principal,
    detail: MentionDetail,
    *,
    labelled: LabelResult | None = None,
    ignored: int | None = None,
    block: str | None = None,
) -> HTMLResponse:
    verdict = detail.mention.judgments
    # A person said "not a complaint": the complaint alerts still open over it are what
    # they would go and ignore next, so the page offers that here.
    to_ignore = [
        a
        for a in detail.alerts
        if verdict.complaint_by == "person"
        and not verdict.complaint
        and a.kind == AlertKind.COMPLAINT.value
        and AlertState(a.state).is_open
    ]
    return render(
        request,
        "mentions/mention.html",
        {
            "detail": detail,
            "m": detail.mention,
            "labelled": labelled,
            "can_label": who.may(Role.AGENT),
            "to_ignore": to_ignore if who.may(Role.AGENT) else [],
            "ignored": ignored,
            "judged_by": model_words(verdict.model) if verdict.model else None,
            "show": Show(context.clock()),
        },
        block=block,
    )


@router.get("/mentions/{mention_id:path}", response_class=HTMLResponse)
def mention_page(
    mention_id: str,
    request: Request,
    context: Annotated[WebContext, Depends(context_of)],
    who: Annotated[Principal, Depends(require(Role.VIEWER))],
) -> HTMLResponse:
    return _page(request, context, who, mention_detail(context, mention_id))


@router.post("/mentions/{mention_id:path}/label", response_model=None)
def label_from_page(
    mention_id: str,
    request: Request,
    verdict: Annotated[str, Form()],
    context: Annotated[WebContext, Depends(context_of)],
    who: Annotated[Principal, Depends(require(Role.AGENT))],
) -> Response:
    if verdict not in _VERDICTS:
        raise HTTPException(status_code=422, detail="verdict must be 'complaint' or 'not'")
    labelled = label_mention(context, mention_id, _VERDICTS[verdict], by=who.name)
    if request.headers.get("hx-request") != "true":
        return RedirectResponse(mention_page_path(mention_id), status_code=303)
    detail = mention_detail(context, mention_id)
    return _page(request, context, who, detail, labelled=labelled, block="judgments")


@router.post("/mentions/{mention_id:path}/ignore-alert", response_model=None)
def ignore_alert_from_page(
    mention_id: str,
    request: Request,
    alert_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    context: Annotated[WebContext, Depends(context_of)],
    who: Annotated[Principal, Depends(require(Role.AGENT))],
) -> Response:
    """ "Ignore the alert" beside a "not a complaint" label: the inbox's own ignore."""
    detail = mention_detail(context, mention_id)
    if alert_id not in {a.id for a in detail.alerts}:
        raise HTTPException(status_code=404, detail=f"alert #{alert_id} does not hold this mention")
    act(context, who, alert_id, "ignore", ActionBody())
    if request.headers.get("hx-request") != "true":
        return RedirectResponse(mention_page_path(mention_id), status_code=303)
    detail = mention_detail(context, mention_id)
    return _page(request, context, who, detail, ignored=alert_id, block="judgments")
