"""The JSON API held to its own OpenAPI document.

Schemathesis makes one test per operation of ``/api/v1/openapi.json`` and calls the app served
on a real port, over a real SQLite file holding mentions, alerts (with drafts, in several
states), authors, sources and a saved search — reads and changes alike, as an admin script with
a bearer token (so CSRF does not apply). Every answer must be a non-5xx whose status code,
content type and body the document declares, problem+json for errors, and whose status the
operation lists itself (not only the catch-all ``default``). An account exists, so a request
without the token is refused (no local operator), and schemathesis checks that too.

The document is built in-process at collection (schemathesis's fixture loader,
``schemathesis.pytest.from_fixture``, fails on pytest 9: it sets ``Function._nodeid``, which
pytest no longer has); ``test_the_served_document_is_the_one_tested`` checks the one served.

The run is bounded and deterministic (a fixed seed, a few examples per operation) to stay well
under a minute in the suite; ``LISTENER_API_CONTRACT_EXAMPLES`` runs a longer one:
``LISTENER_API_CONTRACT_EXAMPLES=300 .venv/bin/python -m pytest -q
tests/test_web_api_contract.py -p no:cacheprovider``.

The document itself is checked too: it lists every ``/api/v1`` route the app has and nothing
else, each operation declares the bearer scheme, and lists say how to page on.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi.routing import iter_route_contexts
from schemathesis import Case

from listener.config.settings import load_settings
from listener.metrics import Metrics
from listener.models import AlertState, Author, ReplyDraft, Severity
from listener.store import accounts, open_store
from listener.store.saved_searches import SavedSearches
from listener.web.app import create_app
from listener.web.context import WebContext
from listener.web.dashboard_panels import PANEL_NAMES
from listener.web.inbox_models import BLANK_PATTERN
from tests.inbox_helpers import INBOX_SETTINGS, NOW, alert_about
from tests.store_helpers import make_mention
from tests.web_fixtures import MINIMAL_SETTINGS, WebServer, serve_context

SEED = 20261205
EXAMPLES = int(os.environ.get("LISTENER_API_CONTRACT_EXAMPLES", "5"))
TOKEN_NAME = "contract-admin-script"


def seed_store(context: WebContext) -> str:
    """Fill the store through its own API; returns the admin token's secret."""
    store = context.store
    for n in range(1, 13):
        alert_about(
            store,
            n,
            at=NOW - timedelta(minutes=10 * n),
            source=("news", "forum")[n % 2],
            author=Author(handle="vipfan" if n == 3 else f"user{n}", name=f"User {n}",
                          url=f"https://example.com/u/{n}", followers=40 * n),
            reach=40 * n,
            severity=(Severity.LOW, Severity.NORMAL, Severity.HIGH)[n % 3],
            drafts=(ReplyDraft("acknowledge", f"Sorry, User {n}, we are on it.", "en"),),
        )  # fmt: skip
    store.insert_mentions([
        make_mention(100 + n, source="news", text=f"acme rocket {n} is great",
                     brands=("Acme",), published_at=NOW - timedelta(hours=n))
        for n in range(1, 11)
    ])  # fmt: skip
    first, second, third = store.list_alerts(limit=3)
    store.set_alert_state(first.id, AlertState.ACKNOWLEDGED, at=NOW, by="owner")
    store.assign_alert(second.id, "owner", at=NOW, by="owner")
    store.set_alert_state(third.id, AlertState.RESOLVED, at=NOW, by="owner")
    SavedSearches(store).save("Rockets", "acme rocket", {"source": "news"}, by="owner", at=NOW)
    accounts.add_user(store, "owner", "admin", "a long enough passphrase", NOW)
    _token, secret = accounts.create_token(store, TOKEN_NAME, "admin", "owner", NOW)
    return secret


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WebServer, str]]:
    folder = tmp_path_factory.mktemp("contract")
    path = folder / "settings.yaml"
    path.write_text(INBOX_SETTINGS.format(db=folder / "listener.db"), encoding="utf-8")
    settings = load_settings(path, environ={})
    context = WebContext(
        settings=settings, store=open_store(settings.storage.sqlite), metrics=Metrics()
    )
    secret = seed_store(context)
    running = serve_context(context)
    yield running, secret
    running.stop()
    running.store.close()


def api_document() -> dict[str, Any]:
    """The app's OpenAPI document, built in-process at collection (schemathesis makes one test
    per operation from it); the served document is checked to be this one."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settings.yaml"
        path.write_text(MINIMAL_SETTINGS.format(db=Path(folder) / "doc.db"), encoding="utf-8")
        settings = load_settings(path, environ={})
        store = open_store(settings.storage.sqlite)
        try:
            app = create_app(WebContext(settings=settings, store=store, metrics=Metrics()))
            return app.openapi()
        finally:
            store.close()


DOCUMENT = api_document()
schema = schemathesis.openapi.from_dict(DOCUMENT, config=schemathesis.Config(seed=SEED))
schema.config.generation.update(max_examples=EXAMPLES, deterministic=True)

# Headers that frame the HTTP message itself: a made-up value ("content-length: kudos") is no
# HTTP request, and uvicorn's parser answers it (400, text/plain) before any operation runs.
FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding"})


@schema.hook
def filter_headers(context: Any, headers: dict[str, Any] | None) -> bool:
    return not headers or not FRAMING_HEADERS & {name.lower() for name in headers}


# Operations with a rule the schema cannot state, where a schema-valid request may rightly be
# refused (400/422, a problem the other checks still hold to the document): for these alone
# schemathesis does not expect every schema-valid request to be accepted.
RULES_BEYOND_THE_SCHEMA = {
    "POST /api/v1/users": "a name must be printable, a password strong (not the name, varied)",
    "POST /api/v1/tokens": "a name must be printable",
    "GET /api/v1/search": "the query language's grammar",
    "GET /api/v1/export": "the query language's grammar",
    "POST /api/v1/saved-searches": "the query grammar; a name without control characters",
    "PUT /api/v1/saved-searches/{name}": "the query grammar; a name without control characters",
    "POST /api/v1/alerts/{alert_id}/{action}": "a snooze must end in the future",
    "POST /api/v1/alerts/bulk": "a snooze must end in the future",
}
# The dashboard's statistics: a configured brand, since before until, few enough buckets.
RULES_BEYOND_THE_SCHEMA |= {
    f"GET /api/v1/stats/{name}{suffix}": "a configured brand; a range its bucket can cut"
    for name in PANEL_NAMES
    for suffix in ("", ".csv")
}


# Paths another route's parameter also matches, so a method the document does not list
# there is that route's to answer: a mention's id may hold "/" (a feed's guid is often a
# URL), so GET .../m/label reads the mention "m/label" (and its 405 allows GET); GET
# /alerts/bulk asks for the alert "bulk", a 422 (not an id) rather than a 405.
PATHS_SHARED_WITH_A_LONGER_ID = {
    "POST /api/v1/mentions/{mention_id}/label": ("allow_header_conformance",),
    "POST /api/v1/alerts/bulk": ("allow_header_conformance", "unsupported_method"),
}


def excluded_checks(case: Case) -> list[Any]:
    """A cursor is a value this server gave out (any other is a 400, as documented)."""
    label = case.operation.label
    excluded = []
    if label in RULES_BEYOND_THE_SCHEMA or "cursor" in (case.query or {}):
        excluded.append(schemathesis.checks.positive_data_acceptance)
    if label in PATHS_SHARED_WITH_A_LONGER_ID:
        excluded += [
            getattr(schemathesis.checks, name) for name in PATHS_SHARED_WITH_A_LONGER_ID[label]
        ]
    return excluded


@schemathesis.check
def status_named_by_its_operation(ctx: Any, response: Any, case: Case) -> bool | None:
    """The answer's status is one the operation lists itself: ``default`` (any problem) is
    there for what no route can foresee, not for the 404s and 409s a route raises."""
    if response.request.method != case.operation.method.upper():
        return None  # a probe with a method the path does not take: 405, not the operation's
    listed = set(case.operation.definition.raw.get("responses", {})) - {"default"}
    status = str(response.status_code)
    if status not in listed and f"{status[0]}XX" not in listed:
        raise AssertionError(f"{status} is not among {sorted(listed)} for {case.operation.label}")
    return None


@schema.parametrize()
def test_every_operation_answers_as_its_document_says(
    case: Case, served: tuple[WebServer, str]
) -> None:
    running, secret = served
    case.call_and_validate(
        base_url=running.url,
        headers={"Authorization": f"Bearer {secret}"},
        excluded_checks=excluded_checks(case),
    )


def test_the_served_document_is_the_one_tested(served: tuple[WebServer, str]) -> None:
    running, _secret = served
    served_document = httpx.get(f"{running.url}/api/v1/openapi.json").json()
    assert served_document == DOCUMENT


def _app_api_operations() -> set[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settings.yaml"
        path.write_text(MINIMAL_SETTINGS.format(db=Path(folder) / "doc.db"), encoding="utf-8")
        settings = load_settings(path, environ={})
        store = open_store(settings.storage.sqlite)
        try:
            app = create_app(WebContext(settings=settings, store=store, metrics=Metrics()))
        finally:
            store.close()
    found = set()
    for route in iter_route_contexts(app.routes):
        route_path = route.path or ""
        if not route_path.startswith("/api/v1/") or route_path == app.openapi_url:
            continue
        # The document names a path parameter without its convertor ({id:int} -> {id}).
        documented = re.sub(r"\{(\w+):\w+\}", r"{\1}", route_path)
        for method in route.methods or ():
            if method != "HEAD":
                found.add((method.lower(), documented))
    return found


def test_the_document_lists_every_api_route_and_no_page() -> None:
    documented = {
        (method, path) for path, operations in DOCUMENT["paths"].items() for method in operations
    }
    assert documented == _app_api_operations()
    assert all(path.startswith("/api/v1/") for _method, path in documented)


def test_every_operation_declares_who_may_call_it() -> None:
    schemes = DOCUMENT["components"]["securitySchemes"]
    assert schemes["bearerToken"] == {**schemes["bearerToken"], "type": "http", "scheme": "bearer"}
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            assert {"bearerToken": []} in operation["security"], f"{method} {path}"
            for status in ("401", "403"):
                content = operation["responses"][status]["content"]
                assert list(content) == ["application/problem+json"], f"{method} {path}"


def test_every_list_pages_by_cursor_and_says_how() -> None:
    lists = 0
    for path, operations in DOCUMENT["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        body = get["responses"]["200"]["content"].get("application/json", {}).get("schema", {})
        ref = body.get("$ref", "").rsplit("/", 1)[-1]
        fields = DOCUMENT["components"]["schemas"].get(ref, {}).get("properties", {})
        if "next_cursor" not in fields or fields["next_cursor"].get("type") == "null":
            continue  # not a list, or one that always fits one page (sources)
        lists += 1
        parameters = {p["name"]: p for p in get.get("parameters", []) if p["in"] == "query"}
        assert {"cursor", "limit"} <= set(parameters), path
        assert "next_cursor" in parameters["cursor"]["description"], path
        assert "items" in fields, path
    assert lists >= 6  # users, tokens, alerts, an author's mentions, search, saved searches


def test_a_405_names_every_method_the_path_takes(served: tuple[WebServer, str]) -> None:
    running, secret = served
    bearer = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=running.url, headers=bearer) as api:
        users = api.request("OPTIONS", "/api/v1/users")
        saved = api.patch("/api/v1/saved-searches/Rockets", json={})
    assert users.status_code == 405 and users.headers["allow"] == "GET, POST"
    assert users.headers["content-type"] == "application/problem+json"
    assert saved.status_code == 405 and saved.headers["allow"] == "DELETE, GET, PUT"


@pytest.mark.parametrize(
    "body",
    [
        {"ids": [1], "action": "snooze", "until_escalation": 1},
        {"ids": ["1"], "action": "acknowledge"},
        {"ids": [1.0], "action": "acknowledge"},
        {"ids": [1], "action": "snooze", "until": 1893456000},
    ],
)
def test_a_json_body_is_read_as_its_document_types_it(
    served: tuple[WebServer, str], body: dict[str, Any]
) -> None:
    """Lax reading let a 1 pass as true, "1" as an id and a number as a time."""
    running, secret = served
    answer = httpx.post(
        f"{running.url}/api/v1/alerts/bulk",
        json=body,
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"


def _documented_as_text(schema: dict[str, Any], value: str) -> bool:
    """Whether one of the parameter's string alternatives takes ``value`` (an enum's through
    its component)."""
    for alternative in schema.get("anyOf", [schema]):
        if "$ref" in alternative:
            alternative = DOCUMENT["components"]["schemas"][alternative["$ref"].split("/")[-1]]
        if alternative.get("type") != "string":
            continue
        if "enum" in alternative and value not in alternative["enum"]:
            continue
        if "pattern" in alternative and not re.search(alternative["pattern"], value):
            continue
        return True
    return False


@pytest.mark.parametrize(
    ("name", "value", "accepted"),
    [
        *[(name, blank, True) for name in ("severity", "state", "kind") for blank in ("", "  ")],
        ("mine", "", False),  # a check box sends "1" or nothing: a blank one is refused
        ("state", "open", True),
        ("state", " OPEN\t", True),
        ("state", "acknowledged", True),
        ("severity", "high", True),
        ("severity", " high", False),
        ("severity", "HIGH", False),
        ("state", "opened", False),
        ("kind", "nothing-such", False),
    ],
)
def test_a_blank_inbox_filter_means_any_and_the_document_says_so(
    served: tuple[WebServer, str], name: str, value: str, accepted: bool
) -> None:
    """The inbox form sends "" for "any": the document lists that beside the enum's values
    (schemathesis sent severity= expecting a refusal), and still refuses what the app does."""
    (parameter,) = [
        p for p in DOCUMENT["paths"]["/api/v1/alerts"]["get"]["parameters"] if p["name"] == name
    ]
    running, secret = served
    bearer = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=running.url, headers=bearer) as api:
        answer = api.get("/api/v1/alerts", params={name: value})
    assert answer.status_code == (200 if accepted else 422), answer.text
    assert _documented_as_text(parameter["schema"], value) == accepted


def test_the_documented_blank_is_what_str_strip_removes() -> None:
    blank = re.compile(BLANK_PATTERN)
    assert [c for c in map(chr, range(0x10000)) if bool(blank.search(c)) != c.isspace()] == []
