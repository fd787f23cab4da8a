"""``/api/v1/sources``: the health table, and poll now / unpark, as JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from listener.web.api_document import problem_responses
from listener.web.auth import Principal, Role, require
from listener.web.context import WebContext, context_of
from listener.web.ops_actions import PollRequested
from listener.web.source_views import SourceList, Unparked, poll_now, unpark_now
from listener.web.source_views import source_list as list_of_sources

router = APIRouter(prefix="/api/v1", tags=["sources"])


@router.get("/sources")
def sources(
    context: Annotated[WebContext, Depends(context_of)],
    _who: Annotated[Principal, Depends(require(Role.VIEWER))],
) -> SourceList:
    """Every configured source's health, as ``listener sources`` prints it (secrets blanked);
    a stream's live health in ``stream``."""
    return list_of_sources(context)


@router.post(
    "/sources/{name}/poll",
    responses=problem_responses(
        {
            404: "No source of that name in the settings",
            409: (
                "The source is parked (unpark it first) or disabled; a stream that has no"
                " reconnect wait to skip, or no daemon in this process to ask"
            ),
        }
    ),
)
async def poll(
    name: str,
    context: Annotated[WebContext, Depends(context_of)],
    _who: Annotated[Principal, Depends(require(Role.AGENT))],
) -> PollRequested:
    """Poll the source now: due at once in the store; a daemon in this process is woken.
    409 when it is parked (unpark it first) or disabled. For a stream: reconnect now, skipping
    the wait after a drop; only the daemon in this process can, and only while it waits."""
    return await poll_now(context, name)


@router.post(
    "/sources/{name}/unpark",
    responses=problem_responses({404: "No source of that name in the settings"}),
)
async def unpark_source(
    name: str,
    context: Annotated[WebContext, Depends(context_of)],
    _who: Annotated[Principal, Depends(require(Role.AGENT))],
) -> Unparked:
    """Let a parked source be polled (a stream: reconnected) again, as ``listener unpark``."""
    return await unpark_now(context, name)
