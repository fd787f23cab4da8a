"""The search page ``/search``, its export downloads and the saved searches' pages.

The search lives in the URL (``/search?q=…&sentiment=negative``): a plain GET form without
JavaScript, and with htmx the same request answers with the results block only (and the
URL is pushed, so it stays shareable). ``?saved=NAME`` opens a saved search; any filter also
in the URL overrides the saved one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from listener.web.auth import Principal, Role, require
from listener.web.context import WebContext, context_of
from listener.web.display import Show
from listener.web.pages import render
from listener.web.saved_search_views import (
    SavedSearchConflict,
    SavedSearchMissing,
    delete_saved,
    get_saved,
    list_saved,
    rename_saved,
    save_search,
)
from listener.web.search_export import (
    MEDIA_TYPES,
    ExportFormat,
    content_disposition,
    export_chunks,
)
from listener.web.search_form import FLAG_CHOICES, URGENCY_CHOICES
from listener.web.search_views import (
    DEFAULT_LIMIT,
    FACET_LABELS,
    MAX_LIMIT,
    SearchForm,
    SearchPage,
    SearchProblem,
    form_from_params,
    run_search,
)

# Pages, not the API: /api/v1/openapi.json documents their JSON twins in api_search.
router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Agent = Annotated[Principal, Depends(require(Role.AGENT))]
Context = Annotated[WebContext, Depends(context_of)]
# What the search form sends besides the search itself.
_PAGING = ("cursor", "limit", "saved")
JUST_SAVED_COOKIE = "listener_just_saved"


def _limit(raw: str | None) -> int:
    if not raw:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise SearchProblem(f"limit must be a number from 1 to {MAX_LIMIT}")
    return int(raw)


def resolve_form(context: WebContext, params: Mapping[str, str]) -> SearchForm:
    """The search a URL asks for: its own parameters, over a saved search's when it names
    one (``SavedSearchMissing`` when it names none that exists)."""
    own = {k: v for k, v in params.items() if k not in _PAGING}
    name = params.get("saved", "").strip()
    if not name:
        return form_from_params(own)
    saved = get_saved(context.store, context.settings, name)
    merged = {**saved.filters, "q": saved.query}
    merged.update({k: v for k, v in own.items() if v.strip()})
    return form_from_params(merged)


def _search_page(
    request: Request,
    context: WebContext,
    who: Principal,
    *,
    flash: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    params = dict(request.query_params)
    saved_name = params.get("saved", "").strip()
    just_saved = bool(saved_name) and request.cookies.get(JUST_SAVED_COOKIE) == quote(
        saved_name, safe=""
    )
    form: SearchForm | None = None
    page: SearchPage | None = None
    problem: SearchProblem | None = None
    missing: str | None = None
    try:
        form = resolve_form(context, params)
        page = context_run(context, form, params)
    except SearchProblem as error:
        problem = error
    except SavedSearchMissing as error:
        missing = str(error)
    values = form.params() if form is not None else params
    # htmx swaps only the results (the form stays as typed); a plain GET, and htmx restoring
    # a page from history (Back), get the whole page.
    partial = (
        request.headers.get("HX-Target") == "results"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "values": values,
            "page": page,
            "problem": problem,
            "missing": missing,
            "saved_name": params.get("saved", "").strip() if missing is None else "",
            "flash": flash,
            "just_saved": just_saved,
            "share_url": tidy_url(params),
            "facet_labels": FACET_LABELS,
            "can_save": who.may(Role.AGENT),
            "show": Show(context.clock()),
            "export_query": _export_query(form),
            # The configured ones, as the inbox offers them (a name no longer configured
            # still shows when a link carries it).
            "brands": [b.name for b in context.settings.brands],
            "sources": [s.name for s in context.settings.sources],
            "urgency_choices": URGENCY_CHOICES,
            "flag_choices": FLAG_CHOICES,
        },
        block="results" if partial else None,
        # A query that does not parse is an answer (the error under the box), not a failure.
        status_code=status_code,
    )


def context_run(context: WebContext, form: SearchForm, params: Mapping[str, str]) -> SearchPage:
    return run_search(
        context.store, form, cursor=params.get("cursor") or None, limit=_limit(params.get("limit"))
    )


def _export_query(form: SearchForm | None) -> str:
    if form is None:
        return ""
    url = form.url()
    return url.split("?", 1)[1] if "?" in url else ""


def tidy_url(params: Mapping[str, str]) -> str:
    """The search's URL without the empty fields a plain GET form sends, nor the default
    order: the address people copy and share."""
    kept = {k: v for k, v in params.items() if v.strip() and (k, v) != ("sort", "relevance")}
    return "/search" + ("?" + urlencode(kept) if kept else "")


@router.get("/search", response_class=HTMLResponse, response_model=None)
def search_page(request: Request, context: Context, who: Viewer) -> HTMLResponse | RedirectResponse:
    params = dict(request.query_params)
    tidy = tidy_url(params)
    partial = request.headers.get("HX-Target") == "results"
    if not partial and tidy != "/search" + ("?" + urlencode(params) if params else ""):
        return RedirectResponse(tidy, status_code=303)
    response = _search_page(request, context, who)
    if JUST_SAVED_COOKIE in request.cookies:
        response.delete_cookie(JUST_SAVED_COOKIE, path="/search")
    if partial:
        response.headers["HX-Push-Url"] = tidy
    return response


def export_response(
    context: WebContext, params: Mapping[str, str], fmt: ExportFormat
) -> StreamingResponse:
    """The whole result set of the search in ``params``, streamed (the query is checked
    first, so a bad one is a 400 rather than a download that breaks off)."""
    try:
        form = resolve_form(context, params)
        form.where()
    except SearchProblem as error:
        raise HTTPException(400, error.message) from None
    except SavedSearchMissing as error:
        raise HTTPException(404, str(error)) from None
    today = context.clock().date()
    return StreamingResponse(
        export_chunks(context.store, form, fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": content_disposition(fmt, today)},
    )


@router.get("/search/export.csv")
def export_csv(request: Request, context: Context, _who: Viewer) -> StreamingResponse:
    return export_response(context, request.query_params, "csv")


@router.get("/search/export.jsonl")
def export_jsonl(request: Request, context: Context, _who: Viewer) -> StreamingResponse:
    return export_response(context, request.query_params, "jsonl")


# ---- saved searches ------------------------------------------------------------------------


@router.post("/search/saved", response_model=None)
async def save_from_page(
    request: Request, context: Context, who: Agent
) -> RedirectResponse | HTMLResponse:
    """The search page's "Save" form: the name plus the search's own fields (hidden)."""
    fields: dict[str, Any] = dict(await request.form())
    name = str(fields.pop("name", ""))
    replace = fields.pop("replace", "") == "yes"
    fields.pop("csrf_token", None)
    params = {k: str(v) for k, v in fields.items() if k not in _PAGING}
    try:
        form = form_from_params(params)
        saved = save_search(
            context.store, context.settings, name, form, by=who.name, at=context.clock(),
            replace=replace,
        )  # fmt: skip
    except (SearchProblem, SavedSearchConflict) as error:
        request.scope["query_string"] = _query_bytes(params)
        status = 409 if isinstance(error, SavedSearchConflict) else 400
        return _search_page(request, context, who, flash=str(error), status_code=status)
    # The page it lands on says "Saved as …" once; a cookie carries that, so the address
    # people copy stays the saved search's own.
    landing = RedirectResponse(saved.url, status_code=303)
    landing.set_cookie(
        JUST_SAVED_COOKIE, quote(saved.name, safe=""), max_age=60, path="/search",
        httponly=True, samesite="lax",
    )  # fmt: skip
    return landing


def _query_bytes(params: Mapping[str, str]) -> bytes:
    return urlencode(dict(params)).encode("ascii")


def _saved_list_page(
    request: Request, context: WebContext, who: Principal, *, flash: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    cursor = request.query_params.get("cursor") or None
    listed = list_saved(context.store, context.settings, cursor=cursor, limit=50)
    return render(
        request,
        "search/saved.html",
        {
            "listed": listed,
            "cursor": cursor,
            "flash": flash,
            "can_edit": who.may(Role.AGENT),
            "show": Show(context.clock()),
        },
        status_code=status_code,
    )


@router.get("/search/saved", response_class=HTMLResponse)
def saved_list(request: Request, context: Context, who: Viewer) -> HTMLResponse:
    return _saved_list_page(request, context, who)


@router.post("/search/saved/rename", response_model=None)
def rename_from_page(
    request: Request,
    context: Context,
    who: Agent,
    name: Annotated[str, Form()],
    new_name: Annotated[str, Form()],
) -> Response:
    try:
        rename_saved(context.store, context.settings, name, new_name, by=who.name,
                     at=context.clock())  # fmt: skip
    except (SearchProblem, SavedSearchConflict, SavedSearchMissing) as error:
        status = 404 if isinstance(error, SavedSearchMissing) else 409
        return _saved_list_page(request, context, who, flash=str(error), status_code=status)
    return RedirectResponse("/search/saved", status_code=303)


@router.post("/search/saved/delete", response_model=None)
def delete_from_page(
    request: Request, context: Context, who: Agent, name: Annotated[str, Form()]
) -> Response:
    try:
        delete_saved(context.store, context.settings, name)
    except (SavedSearchConflict, SavedSearchMissing) as error:
        status = 404 if isinstance(error, SavedSearchMissing) else 409
        return _saved_list_page(request, context, who, flash=str(error), status_code=status)
    return RedirectResponse("/search/saved", status_code=303)
