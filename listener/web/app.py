"""The app factory: one FastAPI app per ``WebContext``, its routers, static files and the
security middleware every response passes through."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from listener import __version__
from listener.web.context import WebContext
from listener.web.pages import STATIC_DIR


def create_app(context: WebContext) -> FastAPI:
    app = FastAPI(
        title="listener",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.context = context
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Each feature's routers are added here, one line each: pages and their /api/v1 twin.
    return app
