"""The author page: ``/authors/{source_type}/{handle}``. "Older mentions" loads the next
keyset page below the list with htmx; without JavaScript it is a link to that page. The
person the account is linked to, "maybe the same person" and "link another account" post to
``routes_people``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from listener.web.auth import Principal, Role, require
from listener.web.author_views import DEFAULT_LIMIT, MAX_LIMIT, author_mentions, author_page
from listener.web.context import WebContext, context_of
from listener.web.display import Show, author_page_path
from listener.web.pages import render
from listener.web.routes_people import form_context

router = APIRouter()


def _kept(limit: int) -> int | None:
    """The limit the next page's link carries (none when it is the default)."""
    return None if limit == DEFAULT_LIMIT else limit


@router.get("/authors/{source_type}/{handle:path}", response_class=HTMLResponse)
def author(
    source_type: str,
    handle: str,
    request: Request,
    context: Annotated[WebContext, Depends(context_of)],
    who: Annotated[Principal, Depends(require(Role.VIEWER))],
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> HTMLResponse:
    show = Show(context.clock())
    # Quoted again here: the path Starlette hands over is decoded, and a handle may hold
    # characters (?, #, spaces) that would end a URL early.
    base = author_page_path(source_type.lower(), handle.strip().removeprefix("@"))
    if cursor and request.headers.get("hx-request") == "true":
        items, next_cursor = author_mentions(
            context, source_type.lower(), handle, cursor=cursor, limit=limit
        )
        return render(
            request,
            "authors/author.html",
            {
                "items": items,
                "next_cursor": next_cursor,
                "show": show,
                "base": base,
                "limit": _kept(limit),
            },
            block="rows",
        )
    page = author_page(context, source_type, handle, cursor=cursor, limit=limit)
    return render(
        request,
        "authors/author.html",
        {
            "a": page,
            "items": page.items,
            "next_cursor": page.next_cursor,
            "show": show,
            "base": base,
            "paged": cursor is not None,
            "limit": _kept(limit),
        }
        | form_context(who),
    )
