"""Operations: ``/healthz`` and ``/readyz`` for probes (no auth: an orchestrator has no
account), ``/metrics`` for Prometheus (a bearer token when ``web.metrics_token`` is set).
"""

from __future__ import annotations

import asyncio
import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from listener.web.auth import from_this_machine
from listener.web.context import WebContext, context_of
from listener.web.readiness import Readiness, readiness

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", response_model=Readiness)
async def readyz(context: Annotated[WebContext, Depends(context_of)]) -> JSONResponse:
    # In a thread: the store check may wait up to a second for SQLite's write lock.
    found = await asyncio.to_thread(readiness, context)
    return JSONResponse(found.model_dump(), status_code=200 if found.ready else 503)


@router.get("/metrics")
async def metrics(
    request: Request, context: Annotated[WebContext, Depends(context_of)]
) -> Response:
    web = context.settings.web
    if web.metrics_token is not None:
        scheme, _, sent = request.headers.get("authorization", "").partition(" ")
        expected = web.metrics_token.get_secret_value()
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            sent.strip().encode(), expected.encode()
        ):
            return _refusal(
                401,
                "send Authorization: Bearer <web.metrics_token>",
                {"WWW-Authenticate": 'Bearer realm="metrics"'},
            )
    elif not from_this_machine(request, web):
        # A proxy in front (web.trust_proxy, or a relayed request) serves every machine it
        # relays for: without a token the counters are for this machine's eyes only.
        return _refusal(403, "set web.metrics_token to scrape /metrics from another machine")
    return Response(context.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


def _refusal(status: int, why: str, headers: dict[str, str] | None = None) -> Response:
    # Plain text, as the scrape itself is: a scraper's log (or curl) shows the sentence,
    # not the HTML error page meant for people in a browser.
    return PlainTextResponse(f"{why}\n", status_code=status, headers=headers)
