"""Errors, in the shape each kind of client reads.

Under ``/api/v1`` every error is ``application/problem+json`` (RFC 9457: ``type``, ``title``,
``status``, ``detail``), validation errors and unknown routes included, so a script never has to
parse an HTML page. Everywhere else a person gets a calm HTML page that says what happened and
where to go next. Routes only ``raise HTTPException(status, detail)``; the handlers here choose
the shape, and the security middleware uses the same two builders for what it refuses itself.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

API_PREFIX = "/api/v1"
PROBLEM_JSON = "application/problem+json"

log = logging.getLogger(__name__)


class Problem(BaseModel):
    """An RFC 9457 problem: what went wrong, in words a script can log and a person can read."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    # Validation errors: where each one is (``["query", "limit"]``) and what is wrong with it.
    errors: list[dict[str, Any]] | None = None


def is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def status_title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_response(
    status: int,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    problem = Problem(title=status_title(status), status=status, detail=detail, errors=errors)
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def error_page(
    request: Request, status: int, detail: str, *, headers: dict[str, str] | None = None
) -> HTMLResponse:
    # Imported here: pages imports the template environment, which this module's users (the
    # middleware, at import time) do not otherwise need.
    from listener.web.pages import render

    response = render(
        request,
        "error.html",
        {"status": status, "title": status_title(status), "detail": detail},
        status_code=status,
    )
    if headers:
        response.headers.update(headers)
    return response


def error_response(
    request: Request,
    status: int,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A problem+json under /api/v1, the HTML error page elsewhere."""
    if is_api_path(request.url.path):
        return problem_response(status, detail, errors=errors, headers=headers)
    return error_page(request, status, detail, headers=headers)


def _detail_text(detail: Any, status: int) -> tuple[str, list[dict[str, Any]] | None]:
    if isinstance(detail, str):
        return detail, None
    if isinstance(detail, list):
        return status_title(status), [d if isinstance(d, dict) else {"msg": str(d)} for d in detail]
    return status_title(status), None


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Only where and what: pydantic's "input" would echo the request (hostile text, secrets).
    return [
        {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))}
        for error in exc.errors()
    ]


def allowed_methods(request: Request) -> str:
    """Every method some route answers at this path. Starlette's 405 names only the first
    route whose path matched, so ``/api/v1/users`` said ``Allow: GET`` though it takes POST."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        if route.methods and route.matches(request.scope)[0] != Match.NONE:
            methods |= route.methods
    return ", ".join(sorted(methods))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail, errors = _detail_text(exc.detail, exc.status_code)
    if exc.status_code == 404 and detail == status_title(404):
        detail = f"nothing at {request.url.path}"
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = allowed_methods(request) or headers.get("Allow", "")
    return error_response(request, exc.status_code, detail, errors=errors, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc)
    summary = (
        "; ".join(f"{'.'.join(e['loc'][1:] or e['loc'])}: {e['msg']}" for e in errors[:5])
        or "the request is not valid"
    )
    return error_response(request, 422, summary, errors=errors)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    _document_problems(app)


def _document_problems(app: FastAPI) -> None:
    """Say in the OpenAPI document what errors really look like: problem+json, for every status
    (FastAPI documents its own 422 shape otherwise, which these handlers replace)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, routes=app.routes, description=app.description
        )
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas["Problem"] = Problem.model_json_schema()
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        problem = {
            "description": "A problem (RFC 9457)",
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                responses = operation["responses"]
                if "422" in responses:
                    responses["422"] = dict(problem, description="Validation error")
                responses.setdefault("default", problem)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
