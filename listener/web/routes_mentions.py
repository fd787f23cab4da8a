"""The mention page: ``/mentions/{id}``, and its label buttons' form posts.

With htmx the buttons swap the judgments block in place; without JavaScript the form post
answers with a redirect back to the page (303), which then shows the new judgment.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from listener.web.auth import Principal, Role, require
from listener.web.context import WebContext, context_of
from listener.web.display import Show
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
    block: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "mentions/mention.html",
        {
            "detail": detail,
            "m": detail.mention,
            "labelled": labelled,
            "can_label": who.may(Role.AGENT),
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
