"""Helpers for the mention, author and sources page tests: a client that carries the CSRF
token as the pages do, people of each role, and the hostile strings every page must show
as text."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from listener.store import SQLiteStore, accounts
from listener.web.auth import SESSION_COOKIE, session_policy
from tests.web_fixtures import WebServer

PASSWORD = "correct horse battery staple"

# Text from the internet at its worst: markup, event handlers, a script URL, CSS, and Jinja
# markup that must never be evaluated (49 would mean it was).
HOSTILE_TEXT = (
    '<script>alert("text")</script><img src=x onerror="alert(\'img\')">'
    " {{ 7*7 }} {% raw %}x{% endraw %} <style>body{display:none}</style>"
)
HOSTILE_NAME = '<b onmouseover="alert(1)">Eve</b><script>alert("name")</script>'
HOSTILE_URL = "javascript:alert('url')"


def browser_client(running: WebServer) -> httpx.Client:
    """A client that has loaded a page: it holds the CSRF cookie and sends its token."""
    client = httpx.Client(base_url=running.url, follow_redirects=False)
    client.get("/healthz")
    page = client.get("/sources")
    token = client.cookies.get("listener_csrf") or page.cookies.get("listener_csrf")
    assert token, "the app set no CSRF cookie"
    client.headers["X-CSRF-Token"] = token
    return client


def signed_in(running: WebServer, name: str, role: str) -> httpx.Client:
    """A browser-like client signed in as a new user ``name`` with ``role``."""
    store: SQLiteStore = running.store
    now = datetime.now(UTC)
    user = accounts.add_user(store, name, role, PASSWORD, now)
    session = accounts.start_session(
        store, user, "test", now, session_policy(running.context.settings.web)
    )
    client = httpx.Client(base_url=running.url, follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, session)
    client.get("/sources")
    token = client.cookies.get("listener_csrf")
    assert token
    client.headers["X-CSRF-Token"] = token
    return client


def token_client(running: WebServer, name: str, role: str) -> httpx.Client:
    """An API script with a bearer token of ``role`` (exempt from CSRF, as scripts are)."""
    _, secret = accounts.create_token(running.store, name, role, "test", datetime.now(UTC))
    return httpx.Client(base_url=running.url, headers={"Authorization": f"Bearer {secret}"})
