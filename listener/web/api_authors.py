"""``/api/v1/authors/{source_type}/{handle}``: the author page's data as JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from listener.web.api_document import BAD_CURSOR, problem_responses
from listener.web.auth import Principal, Role, require
from listener.web.author_views import DEFAULT_LIMIT, MAX_LIMIT, AuthorPage, author_page
from listener.web.context import WebContext, context_of

router = APIRouter(prefix="/api/v1", tags=["authors"])


@router.get(
    "/authors/{source_type}/{handle:path}",
    responses=problem_responses({**BAD_CURSOR, 404: "No mention by that author is stored"}),
)
def get_author(
    source_type: str,
    handle: str,
    context: Annotated[WebContext, Depends(context_of)],
    _who: Annotated[Principal, Depends(require(Role.VIEWER))],
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> AuthorPage:
    """An author on one network: their record, tags, alerts, and their mentions newest
    first (``items``, continued with ``?cursor=next_cursor``)."""
    return author_page(context, source_type, handle, cursor=cursor, limit=limit)
