"""Helpers for testing API sources against a real local HTTP server (pytest-httpserver).

A captured response is replayed as it was recorded: the body bytes and, for the
``extracted/`` captures, the status and headers of its ``.meta.json`` (the headers that
described the original encoding are left out: the server recomputes them).

    poll_source(module, state, base_url=httpserver.url_for(""), query="acme")

runs one poll of a source module the way the scheduler would: a fresh HTTP client, a fixed
clock, and the options validated by the module's own ``Options`` model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.models import SourceState
from listener.sources.base import PollResult
from tests.helpers import FIXTURES
from tests.rss_helpers import run_with_ctx

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
# Recomputed by the replay server: the body files hold decoded bytes.
_HOP_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection"}


@dataclass(frozen=True)
class Capture:
    """One recorded response: body bytes, status and headers."""

    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    def response(self) -> Response:
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_HEADERS}
        headers.setdefault("Content-Type", "application/json; charset=utf-8")
        return Response(self.body, status=self.status, headers=headers)

    def json(self) -> Any:
        return json.loads(self.body)


def fixture(path: str) -> Path:
    """A file under tests/fixtures/ (provenance in tests/fixtures/README.md)."""
    found = FIXTURES / path
    if not found.exists():
        raise FileNotFoundError(f"no fixture {found}")
    return found


def capture(path: str, *, status: int = 200, headers: dict[str, str] | None = None) -> Capture:
    """A capture from a file: an ``extracted/…__NN.meta.json`` brings its body file, status
    and headers; any other file is a body served with ``status`` and ``headers``."""
    found = fixture(path)
    if not found.name.endswith(".meta.json"):
        return Capture(found.read_bytes(), status, dict(headers or {}))
    meta = json.loads(found.read_text(encoding="utf-8"))
    stem = found.name.removesuffix(".meta.json")
    [body_file] = [p for p in found.parent.glob(stem + ".body.*")]
    recorded = {name: _one(value) for name, value in (meta.get("headers") or {}).items()}
    return Capture(body_file.read_bytes(), int(meta["status"]), {**recorded, **(headers or {})})


def _one(value: Any) -> str:
    # vcrpy/betamax keep header values as lists; R vcr as plain strings.
    return str(value[-1]) if isinstance(value, list) else str(value)


@dataclass
class Recorder:
    """A handler that answers with ``capture`` and remembers every request it was sent."""

    capture: Capture
    requests: list[Request] = field(default_factory=list)

    def __call__(self, request: Request) -> Response:
        self.requests.append(request)
        return self.capture.response()

    @property
    def args(self) -> list[dict[str, str]]:
        """The query parameters of each request, in order."""
        return [dict(r.args) for r in self.requests]


def serve(
    server: HTTPServer, path: str, answer: Capture, *, method: str = "GET", **match: Any
) -> Recorder:
    """Answer requests for ``path`` (any query string unless ``query_string=`` is given)."""
    recorder = Recorder(answer)
    server.expect_request(path, method=method, **match).respond_with_handler(recorder)
    return recorder


def poll_source(
    module: ModuleType,
    state: SourceState | None = None,
    *,
    now: datetime = NOW,
    max_response_bytes: int = 10 * 1024 * 1024,
    **options: Any,
) -> PollResult:
    """One poll of ``module`` (a ``listener.sources`` module) with ``options``."""
    opts = module.Options(**options)
    return run_with_ctx(
        lambda ctx: module.poll(ctx, state or SourceState(source="test")),
        options=opts,
        now=now,
        max_response_bytes=max_response_bytes,
    )


def next_state(result: PollResult, state: SourceState | None = None) -> SourceState:
    """The state the runner would save after ``result`` (cursor and validators carried)."""
    before = state or SourceState(source="test")
    return SourceState(
        source=before.source,
        etag=result.etag,
        last_modified=result.last_modified,
        cursor=result.cursor if result.cursor is not None else before.cursor,
    )


@dataclass(frozen=True)
class ReplayPlan:
    """How one source type's captured answers are served for the all-sources test.

    Each ``tests/test_source_<type>.py`` defines ``replay(server) -> ReplayPlan``: it
    registers its captures on ``server`` and says which settings keys point the source at
    them, a word its replayed posts contain (the brand query ORs these) and how many
    mentions one ``listener poll --once`` must store from it.
    """

    options: dict[str, Any]  # the type's own keys in a settings.yaml source block
    term: str  # a word in the replayed posts, for the brand query
    mentions: int  # mentions one poll stores
    environ: dict[str, str] = field(default_factory=dict)  # ${VARS} the options use
