"""What ``/api/v1/openapi.json`` promises beyond what FastAPI derives from the routes.

- Only the API: pages answer HTML and are not part of the contract a script relies on, so
  their paths (and the schemas only they use) are left out.
- Who may call: every operation sits behind ``require(...)``, so each declares the two ways in
  (an API token as ``Authorization: Bearer``, or a browser's session cookie) and the 401
  (nobody, or a revoked token) and 403 (a lesser role, or a browser post without its CSRF
  token) answers, as problems; one with a body also the 400 for a body that is not JSON.
  The problems a route raises itself it declares with ``responses=problem_responses(...)``.
- How lists page: ``cursor`` and ``limit`` say what to send, so a script knows to pass the
  previous page's ``next_cursor`` back rather than guess at offsets.

``document_api(app)`` wraps the app's ``openapi()`` (which ``problems`` has already shaped
for errors); the result is built once and cached on the app as before.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from listener.web.auth import SESSION_COOKIE
from listener.web.problems import PROBLEM_JSON, is_api_path

BEARER = "bearerToken"
SESSION = "sessionCookie"

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    BEARER: {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token from `listener tokens create NAME --role viewer|agent|admin`"
        " (or the admin page), shown once when made. Requests with one need no CSRF token.",
    },
    SESSION: {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": "A browser's session after signing in at /login; its state changes must"
        " also carry the CSRF token (X-CSRF-Token header).",
    },
}

CURSOR_TEXT = (
    "Where to continue: the `next_cursor` of the previous page, as given (an opaque value; one"
    " this server did not give out is refused with 400). Leave it out for the first page."
)
LIMIT_TEXT = "The most items this page holds; `next_cursor` is null on the last page."


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def problem_responses(declared: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: the problems it raises itself, each with what it means."""
    return {status: _problem(description) for status, description in declared.items()}


BAD_CURSOR = {400: "The cursor is not one this server gave out"}

UNAUTHENTICATED = _problem(
    "No credentials, or an unknown or revoked API token (WWW-Authenticate: Bearer)"
)
UNREADABLE_BODY = _problem("The body is not JSON (FastAPI cannot parse it)")
FORBIDDEN = _problem(
    "The caller's role does not allow this, or a browser's state change lacks its CSRF token"
)


def _refs(value: Any) -> set[str]:
    """The component schema names ``value`` refers to (``#/components/schemas/NAME``)."""
    text = json.dumps(value)
    prefix = '"#/components/schemas/'
    found: set[str] = set()
    start = text.find(prefix)
    while start != -1:
        end = text.index('"', start + len(prefix))
        found.add(text[start + len(prefix) : end])
        start = text.find(prefix, end)
    return found


def _used_schemas(document: dict[str, Any]) -> set[str]:
    schemas = document.get("components", {}).get("schemas", {})
    used: set[str] = set()
    pending = _refs(document.get("paths", {}))
    while pending:
        name = pending.pop()
        if name in used:
            continue
        used.add(name)
        pending |= _refs(schemas.get(name, {})) - used
    return used


def _describe_paging(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "query":
            continue
        if parameter.get("name") == "cursor":
            parameter.setdefault("description", CURSOR_TEXT)
        elif parameter.get("name") == "limit":
            parameter.setdefault("description", LIMIT_TEXT)


def shape_document(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` narrowed to the API, with its auth and paging said (changed in place)."""
    paths = document.get("paths", {})
    for path in [p for p in paths if not is_api_path(p)]:
        del paths[path]
    components = document.setdefault("components", {})
    schemas = components.get("schemas", {})
    used = _used_schemas(document)
    for name in [n for n in schemas if n not in used]:
        del schemas[name]
    components["securitySchemes"] = SECURITY_SCHEMES
    for operations in paths.values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            operation["security"] = [{BEARER: []}, {SESSION: []}]
            operation["responses"].setdefault("401", UNAUTHENTICATED)
            operation["responses"].setdefault("403", FORBIDDEN)
            if "requestBody" in operation:
                operation["responses"].setdefault("400", UNREADABLE_BODY)
            _describe_paging(operation)
    return document


def document_api(app: FastAPI) -> None:
    """Serve the shaped document at ``app.openapi_url`` (after ``install_error_handlers``)."""
    build: Callable[[], dict[str, Any]] = app.openapi
    shaped: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        if not shaped:
            shaped.append(shape_document(build()))
        return shaped[0]

    app.openapi = openapi  # type: ignore[method-assign]
