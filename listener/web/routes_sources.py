"""The sources page: the health table (refreshed every 10 s by htmx), "poll now" ("reconnect
now" for a stream waiting to reconnect) and "unpark". Without JavaScript the table is as
fresh as the page, and the buttons are plain form posts answered with a redirect back (303)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from listener.web.auth import Principal, Role, require
from listener.web.context import WebContext, context_of
from listener.web.display import Show
from listener.web.index_status import index_status
from listener.web.pages import render
from listener.web.source_views import poll_now, source_list, unpark_now

router = APIRouter()

_TABLE_ID = "sources-table"


def _page(
    request: Request,
    context: WebContext,
    who: Principal,
    *,
    said: str | None = None,
    block: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "sources/sources.html",
        {
            "sources": source_list(context).items,
            "index": index_status(context),
            "can_act": who.may(Role.AGENT),
            "show": Show(context.clock()),
            "said": said,
            "table_id": _TABLE_ID,
        },
        block=block,
    )


def _from_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


@router.get("/sources", response_class=HTMLResponse)
def sources_page(
    request: Request,
    context: Annotated[WebContext, Depends(context_of)],
    who: Annotated[Principal, Depends(require(Role.VIEWER))],
) -> HTMLResponse:
    # The 10-second refresh asks for the table alone.
    block = "table" if request.headers.get("hx-target") == _TABLE_ID else None
    return _page(request, context, who, block=block)


@router.post("/sources/{name}/poll", response_model=None)
async def poll_from_page(
    name: str,
    request: Request,
    context: Annotated[WebContext, Depends(context_of)],
    who: Annotated[Principal, Depends(require(Role.AGENT))],
) -> Response:
    done = await poll_now(context, name)
    if not _from_htmx(request):
        return RedirectResponse("/sources", status_code=303)
    # The table reads the store: in a worker thread, off the loop the daemon shares.
    return await run_in_threadpool(_page, request, context, who, said=done.message, block="table")


@router.post("/sources/{name}/unpark", response_model=None)
async def unpark_from_page(
    name: str,
    request: Request,
    context: Annotated[WebContext, Depends(context_of)],
    who: Annotated[Principal, Depends(require(Role.AGENT))],
) -> Response:
    done = await unpark_now(context, name)
    if not _from_htmx(request):
        return RedirectResponse("/sources", status_code=303)
    return await run_in_threadpool(_page, request, context, who, said=done.message, block="table")
