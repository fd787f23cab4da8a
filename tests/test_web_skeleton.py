"""The app answers on a real port, serves its static files, and renders a page escaped."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.web_fixtures import WebServer


def test_openapi_document_is_served(web_server: Callable[..., WebServer]) -> None:
    running = web_server()
    response = httpx.get(f"{running.url}/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "listener"


def test_static_css_is_served(web_server: Callable[..., WebServer]) -> None:
    running = web_server()
    assert httpx.get(f"{running.url}/static/app.css").status_code == 200
    assert httpx.get(f"{running.url}/static/nothing-here.js").status_code == 404
