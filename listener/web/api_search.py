"""``/api/v1/search``, ``/api/v1/export`` and ``/api/v1/saved-searches``: the search page's
data and actions as JSON, through the same functions (``search_views``,
``saved_search_views``).

A query that does not parse is a 400 problem whose ``column`` (1-based) says where.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from listener.web.api_document import problem_responses
from listener.web.auth import Principal, Role, require
from listener.web.context import WebContext, context_of
from listener.web.problems import PROBLEM_JSON, Problem, status_title
from listener.web.routes_search import export_response
from listener.web.saved_search_views import (
    SavedSearchConflict,
    SavedSearchList,
    SavedSearchMissing,
    SavedSearchOut,
    delete_saved,
    get_saved,
    list_saved,
    rename_saved,
    save_search,
)
from listener.web.search_views import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    SearchPage,
    SearchProblem,
    form_from_params,
    run_search,
)

router = APIRouter(prefix="/api/v1", tags=["search"])
Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Agent = Annotated[Principal, Depends(require(Role.AGENT))]
Context = Annotated[WebContext, Depends(context_of)]


class QueryProblem(Problem):
    """A 400 for a query that does not parse: ``column`` is where (1-based)."""

    column: int | None = None


_BAD_QUERY: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "The query does not parse (column says where) or a filter is wrong",
        "content": {PROBLEM_JSON: {"schema": QueryProblem.model_json_schema()}},
    }
}


def query_problem(error: SearchProblem) -> JSONResponse:
    problem = QueryProblem(
        title=status_title(400), status=400, detail=error.message, column=error.column
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True), status_code=400, media_type=PROBLEM_JSON
    )


def _search_params(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if k not in ("cursor", "limit")}


@router.get("/search", response_model=SearchPage, responses=_BAD_QUERY)
def search(
    request: Request,
    context: Context,
    _who: Viewer,
    q: str = "",
    brand: str | None = None,
    source: str | None = None,
    sentiment: Literal["positive", "neutral", "negative", "unknown"] | None = None,
    complaint: Literal["yes", "no"] | None = None,
    feeling: str | None = None,
    topic: str | None = None,
    language: str | None = None,
    urgency: Literal["low", "normal", "high"] | None = None,
    flag: Annotated[
        Literal["spam", "bot", "abuse", "threat", "press"] | None,
        Query(description="Only mentions flagged so"),
    ] = None,
    date_from: Annotated[str | None, Query(alias="from", description="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(alias="to", description="YYYY-MM-DD, inclusive")] = None,
    since: Annotated[
        str | None, Query(description="A whole UTC hour, e.g. 2026-11-01T13:00Z (or a date)")
    ] = None,
    until: Annotated[
        str | None, Query(description="A whole UTC hour, exclusive, e.g. 2026-11-02T00:00Z")
    ] = None,
    sort: Literal["relevance", "newest"] = "relevance",
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> SearchPage | JSONResponse:
    """Hits (newest published or best first, see ``sort``), counts per facet over the
    newest 1,000 matches (``facets.capped`` when there are more), and the next page's cursor."""
    try:
        form = form_from_params(_search_params(request))
        return run_search(context.store, form, cursor=cursor, limit=limit)
    except SearchProblem as error:
        return query_problem(error)


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}, "application/x-ndjson": {}}},
        **problem_responses(
            {
                400: "The query does not parse or a filter is wrong",
                404: "No saved search of that name (saved=)",
            }
        ),
    },
)
def export(
    request: Request,
    context: Context,
    _who: Viewer,
    format: Literal["csv", "jsonl"] = "csv",
) -> StreamingResponse:
    """The whole result set of the search (same parameters as ``/search``, and ``saved``),
    streamed as CSV (formula-safe) or JSON Lines, newest stored first, with no row cap."""
    params = {k: v for k, v in request.query_params.items() if k != "format"}
    return export_response(context, params, format)


# ---- saved searches ------------------------------------------------------------------------


class SavedSearchIn(BaseModel):
    name: str = Field(max_length=200)
    query: str = Field(default="", max_length=10_000)
    filters: dict[str, str] = Field(default_factory=dict, max_length=20)
    replace: bool = False  # overwrite a saved search of that name


class SavedSearchChange(BaseModel):
    """A rename (``name``) and/or a new search (``query`` and ``filters``)."""

    name: str | None = Field(default=None, max_length=200)
    query: str | None = Field(default=None, max_length=10_000)
    filters: dict[str, str] | None = Field(default=None, max_length=20)


def _refused(error: Exception) -> HTTPException:
    if isinstance(error, SavedSearchMissing):
        return HTTPException(404, str(error))
    if isinstance(error, SavedSearchConflict):
        return HTTPException(409, str(error))
    return HTTPException(400, str(error))


@router.get("/saved-searches")
def saved_searches(
    context: Context,
    _who: Viewer,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> SavedSearchList:
    """Saved searches by name; ``next_cursor`` pages on."""
    return list_saved(context.store, context.settings, cursor=cursor, limit=limit)


@router.post(
    "/saved-searches",
    status_code=201,
    response_model=SavedSearchOut,
    responses={**_BAD_QUERY, **problem_responses({409: "The name is taken (send replace)"})},
)
def create_saved_search(
    body: SavedSearchIn, context: Context, who: Agent
) -> SavedSearchOut | JSONResponse:
    """Save a search under a name (409 when the name is taken, unless ``replace``)."""
    try:
        form = form_from_params({**body.filters, "q": body.query})
        saved = save_search(
            context.store, context.settings, body.name, form, by=who.name,
            at=context.clock(), replace=body.replace,
        )  # fmt: skip
    except SearchProblem as error:
        return query_problem(error)
    except SavedSearchConflict as error:
        raise _refused(error) from None
    return saved


@router.get("/saved-searches/{name}", responses=problem_responses({404: "No such saved search"}))
def saved_search(name: str, context: Context, _who: Viewer) -> SavedSearchOut:
    try:
        return get_saved(context.store, context.settings, name)
    except SavedSearchMissing as error:
        raise _refused(error) from None


@router.put(
    "/saved-searches/{name}",
    response_model=SavedSearchOut,
    responses={
        **_BAD_QUERY,
        **problem_responses(
            {
                404: "No such saved search",
                409: "The new name is taken, or an alert rule names the search",
            }
        ),
    },
)
def change_saved_search(
    name: str, body: SavedSearchChange, context: Context, who: Agent
) -> SavedSearchOut | JSONResponse:
    """Change a saved search's query and filters, and/or rename it."""
    try:
        current = get_saved(context.store, context.settings, name)
        if body.query is not None or body.filters is not None:
            query = current.query if body.query is None else body.query
            filters = current.filters if body.filters is None else body.filters
            form = form_from_params({**filters, "q": query})
            save_search(
                context.store, context.settings, current.name, form, by=who.name,
                at=context.clock(), replace=True,
            )  # fmt: skip
        if body.name is not None and body.name != current.name:
            return rename_saved(
                context.store, context.settings, current.name, body.name, by=who.name,
                at=context.clock(),
            )  # fmt: skip
        return get_saved(context.store, context.settings, current.name)
    except SearchProblem as error:
        return query_problem(error)
    except (SavedSearchMissing, SavedSearchConflict) as error:
        raise _refused(error) from None


@router.delete(
    "/saved-searches/{name}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(
        {
            404: "No such saved search",
            409: "An alert rule names it (change the rule first)",
        }
    ),
)
def delete_saved_search(name: str, context: Context, _who: Agent) -> Response:
    """Delete it (409 while an alert rule names it)."""
    try:
        delete_saved(context.store, context.settings, name)
    except (SavedSearchMissing, SavedSearchConflict) as error:
        raise _refused(error) from None
    return Response(status_code=204)
