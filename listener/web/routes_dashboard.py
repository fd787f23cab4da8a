"""The dashboard page ``/dashboard``: every panel over a brand and a range, its numbers in
tables (the charts are drawn from them by ``static/js/dashboard.js``), each number a link.

The URL holds the whole state (``listener.web.dashboard_scope``); a form's empty fields are
tidied away by a redirect, so the address people copy is the short one.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from listener.web.auth import Principal, Role, require
from listener.web.context import WebContext, context_of
from listener.web.dashboard_format import FORMAT
from listener.web.dashboard_panels import all_panels
from listener.web.dashboard_scope import (
    CUSTOM,
    DEFAULT_RANGE,
    PRESET_LABELS,
    PRESETS,
    DashboardProblem,
    DashboardRequest,
    iso_param,
    scope_from_params,
)
from listener.web.display import Show
from listener.web.pages import render

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Context = Annotated[WebContext, Depends(context_of)]
# The most rows a ranking shows on the page (its CSV and JSON hold them all).
PAGE_ROWS = 12


def _page_context(context: WebContext, asked: DashboardRequest | None) -> dict[str, Any]:
    return {
        "asked": asked,
        "presets": PRESET_LABELS,
        "custom": CUSTOM,
        "default_range": DEFAULT_RANGE,
        "brands": [b.name for b in context.settings.brands],
        "fmt": FORMAT,
        "show": Show(context.clock()),
        "page_rows": PAGE_ROWS,
        "iso": iso_param,
        "has_sla": context.settings.alerts.sla is not None,
    }


@router.get("/dashboard", response_class=HTMLResponse, response_model=None)
def dashboard(request: Request, context: Context, _who: Viewer) -> HTMLResponse | RedirectResponse:
    sent = {k: v for k, v in request.query_params.items() if v.strip()}
    try:
        asked = scope_from_params(sent, context.settings, context.clock())
    except DashboardProblem as problem:
        # Dates typed beside a preset's name make the range custom (as a good range's
        # redirect says it), so the address of the mistake is the one that was asked.
        if sent.get("since") and sent.get("range", DEFAULT_RANGE) in PRESETS:
            return RedirectResponse(
                "/dashboard?" + urlencode({**sent, "range": CUSTOM}), status_code=303
            )
        return render(
            request,
            "dashboard/dashboard.html",
            {**_page_context(context, None), "problem": str(problem), "values": sent},
            status_code=400,
        )
    if urlencode(sorted(asked.params().items())) != urlencode(sorted(request.query_params.items())):
        return RedirectResponse(asked.url(), status_code=303)
    panels = all_panels(context, asked.scope)
    return render(
        request,
        "dashboard/dashboard.html",
        {
            **_page_context(context, asked),
            "panels": panels,
            "values": asked.params(),
            "api_query": asked.query(),
        },
    )
