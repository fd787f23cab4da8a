"""``/api/v1/stats/{panel}`` (JSON) and ``/api/v1/stats/{panel}.csv``: every dashboard
panel, for a team's own reports, through the same functions as the page
(``listener.web.dashboard_panels``) and with the page's parameters
(``listener.web.dashboard_scope``): the page's query string works on any panel's URL.

One route per panel, so the OpenAPI document names each panel's own response model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from listener.store.stats.scope import Bucket
from listener.web.api_document import problem_responses
from listener.web.auth import Principal, Role, require
from listener.web.context import WebContext, context_of
from listener.web.dashboard_csv import panel_csv
from listener.web.dashboard_models import (
    BreakdownOut,
    ComplaintsOut,
    EngagedMentionsOut,
    HeadlineOut,
    PanelOut,
    ResponseOut,
    RisingTermsOut,
    ShareOfVoiceOut,
    TopAuthorsOut,
    VolumeOut,
)
from listener.web.dashboard_panels import PANEL_NAMES, panel
from listener.web.dashboard_scope import PARAMS, DashboardProblem, scope_from_params

router = APIRouter(prefix="/api/v1", tags=["stats"])
Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Context = Annotated[WebContext, Depends(context_of)]

MODELS: dict[str, type[PanelOut]] = {
    "headline": HeadlineOut,
    "volume": VolumeOut,
    "complaints": ComplaintsOut,
    "share-of-voice": ShareOfVoiceOut,
    "topics": BreakdownOut,
    "feelings": BreakdownOut,
    "sources": BreakdownOut,
    "languages": BreakdownOut,
    "rising-terms": RisingTermsOut,
    "authors": TopAuthorsOut,
    "engaged": EngagedMentionsOut,
    "response": ResponseOut,
}
SUMMARIES = {
    "headline": "Mentions, negative share, complaints, median first response, open alerts",
    "volume": "Mentions per bucket by sentiment, with the spike incidents of the range",
    "complaints": "Complaints and the complaint rate per bucket, and the previous period's",
    "share-of-voice": "Every brand's mentions and negative mentions in the range",
    "topics": "Mentions per topic, now and in the previous period",
    "feelings": "Mentions per feeling, now and in the previous period",
    "sources": "Mentions per source, now and in the previous period",
    "languages": "Mentions per language (primary subtag; unknown: not recognised)",
    "rising-terms": "Words most over-represented against the previous period (sampled)",
    "authors": "The authors whose mentions in the range reach furthest",
    "engaged": "The mentions of the range with the most likes, shares and replies",
    "response": "First response and resolve times, SLA met, open alerts by age, per assignee",
}
BAD_SCOPE = problem_responses(
    {400: "A range, bucket or brand the dashboard cannot count over (detail says why)"}
)
Range = Literal["24h", "7d", "30d", "90d", "180d", "custom"]


def _scope_params(
    brand: Annotated[
        str | None, Query(max_length=100, description="A configured brand; empty: all")
    ] = None,
    range: Annotated[
        Range | None, Query(description="A preset (default 7d) or custom (since/until)")
    ] = None,
    since: Annotated[
        str | None,
        Query(max_length=100, description="custom: a date (its midnight UTC) or ISO time"),
    ] = None,
    until: Annotated[
        str | None,
        Query(max_length=100, description="custom: exclusive; a date or ISO time; now if empty"),
    ] = None,
    bucket: Annotated[
        Bucket | None, Query(description="hour, day or week; fitted to the range if empty")
    ] = None,
) -> None:
    """Only documents the parameters: they are read from the query as the page reads
    them (``scope_from_params``), one reading for both."""


def _counted(name: str, request: Request, context: WebContext) -> PanelOut:
    repeated = [p for p in PARAMS if len(request.query_params.getlist(p)) > 1]
    if repeated:
        # Which of two ranges was meant? Taking the last would answer a question not asked.
        raise HTTPException(400, f"give {', '.join(repeated)} once, not several times")
    try:
        asked = scope_from_params(request.query_params, context.settings, context.clock())
    except DashboardProblem as problem:
        raise HTTPException(400, str(problem)) from None
    return panel(name, context, asked.scope)


def _json_route(name: str) -> Callable[..., Any]:
    def read(
        request: Request,
        context: Context,
        _who: Viewer,
        _params: Annotated[None, Depends(_scope_params)],
    ) -> PanelOut:
        return _counted(name, request, context)

    return read


def _csv_route(name: str) -> Callable[..., Any]:
    def read(
        request: Request,
        context: Context,
        _who: Viewer,
        _params: Annotated[None, Depends(_scope_params)],
    ) -> Response:
        text = panel_csv(_counted(name, request, context))
        return Response(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="listener-{name}.csv"'},
        )

    return read


for _name in PANEL_NAMES:
    router.add_api_route(
        f"/stats/{_name}",
        _json_route(_name),
        methods=["GET"],
        response_model=MODELS[_name],
        summary=SUMMARIES[_name],
        operation_id=f"stats_{_name.replace('-', '_')}",
        responses=BAD_SCOPE,
    )
    router.add_api_route(
        f"/stats/{_name}.csv",
        _csv_route(_name),
        methods=["GET"],
        response_class=Response,
        summary=SUMMARIES[_name] + " (CSV)",
        operation_id=f"stats_{_name.replace('-', '_')}_csv",
        responses={200: {"content": {"text/csv": {}}}, **BAD_SCOPE},
    )
