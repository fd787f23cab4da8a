"""The app factory: one FastAPI app per ``WebContext``, its routers, static files and the
security middleware every response passes through."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from listener import __version__
from listener.web import (
    api_accounts,
    api_alerts,
    api_authors,
    api_mentions,
    api_people,
    api_search,
    api_sources,
    api_stats,
    inbox_stream,
    routes_auth,
    routes_authors,
    routes_dashboard,
    routes_erasure,
    routes_inbox,
    routes_mentions,
    routes_ops,
    routes_people,
    routes_search,
    routes_sources,
)
from listener.web.api_document import document_api
from listener.web.context import WebContext
from listener.web.pages import STATIC_DIR
from listener.web.problems import install_error_handlers
from listener.web.security import AllowedHosts, SecurityMiddleware
from listener.web.timing import RequestTimingMiddleware


def create_app(context: WebContext) -> FastAPI:
    app = FastAPI(
        title="listener",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.context = context
    web = context.settings.web
    # The last added runs first: time the whole request, security included.
    app.add_middleware(
        SecurityMiddleware,
        allowed_hosts=AllowedHosts(
            web_host=web.host,
            ports={web.port},
            base_url=context.settings.alerts.base_url,
            extra=web.allowed_hosts,
        ),
        trust_proxy=web.trust_proxy,
    )
    app.add_middleware(RequestTimingMiddleware, metrics=context.metrics)
    install_error_handlers(app)
    document_api(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # No role needed to be sent on: the inbox itself asks who is there.
    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/inbox", status_code=303)

    # Browsers ask for it on every page that names none (an error from a proxy, a JSON view).
    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")

    app.include_router(routes_ops.router)
    app.include_router(routes_auth.router)
    app.include_router(api_accounts.router)
    # Each feature's routers are added here, one line each: pages and their /api/v1 twin.
    app.include_router(routes_mentions.router)
    app.include_router(api_mentions.router)
    app.include_router(routes_inbox.router)
    app.include_router(inbox_stream.router)
    app.include_router(api_alerts.router)
    app.include_router(routes_sources.router)
    app.include_router(api_sources.router)
    app.include_router(routes_authors.router)
    app.include_router(api_authors.router)
    app.include_router(routes_people.router)
    app.include_router(routes_erasure.router)
    app.include_router(api_people.router)
    app.include_router(routes_search.router)
    app.include_router(api_search.router)
    app.include_router(routes_dashboard.router)
    app.include_router(api_stats.router)
    return app
