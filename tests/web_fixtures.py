"""Fixtures for the web app's tests: the app served by uvicorn on a real local port, over a
real SQLite file, and a headless Chromium driven by Playwright.

``web_server(settings_text)`` returns a running ``WebServer`` (its ``url``, ``store``,
``context``); ``page`` is a fresh browser page that fails the test on any console error or
dialog (hostile text must never run). Browser tests skip, with the reason, where no Chromium
can be had.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from listener.config.settings import Settings, load_settings
from listener.metrics import Metrics
from listener.store import SQLiteStore, open_store
from listener.web.app import create_app
from listener.web.context import WebContext

MINIMAL_SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: {db}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class WebServer:
    url: str
    context: WebContext
    server: uvicorn.Server
    thread: threading.Thread
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def store(self) -> SQLiteStore:
        return self.context.store

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve_context(
    context: WebContext,
    *,
    host: str = "127.0.0.1",
    extend: Callable[[FastAPI], None] | None = None,
) -> WebServer:
    """Serve ``create_app(context)`` on a free port in a thread; returns once it answers.

    ``extend(app)`` may add routes only a test needs (a deliberately bad page, a POST to
    check CSRF on) before it is served: they pass through the same middleware."""
    port = free_port()
    app = create_app(context)
    if extend is not None:
        extend(app)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        lifespan="on",
        # As `listener web` serves it (listener/cli/web.py): uvicorn would otherwise believe
        # X-Forwarded-Proto from 127.0.0.1 whatever web.trust_proxy says.
        proxy_headers=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"web-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web app did not start")
        time.sleep(0.02)
    return WebServer(url=f"http://{host}:{port}", context=context, server=server, thread=thread)


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[Callable[..., WebServer]]:
    """``web_server(settings_text=None, **context_fields)``: settings text may use ``{db}``."""
    started: list[WebServer] = []

    def start(
        settings_text: str | None = None,
        *,
        extend: Callable[[FastAPI], None] | None = None,
        **context_fields: Any,
    ) -> WebServer:
        db = tmp_path / "listener.db"
        path = tmp_path / "settings.yaml"
        path.write_text((settings_text or MINIMAL_SETTINGS).format(db=db), encoding="utf-8")
        settings: Settings = load_settings(path, environ={})
        store = open_store(settings.storage.sqlite)
        context = WebContext(settings=settings, store=store, metrics=Metrics(), **context_fields)
        running = serve_context(context, extend=extend)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()
        running.store.close()


def chromium_executable() -> str | None:
    """Debian's Chromium (``make test`` installs it); LISTENER_CHROMIUM overrides."""
    named = os.environ.get("LISTENER_CHROMIUM")
    if named:
        return named if Path(named).exists() else None
    for candidate in ("chromium", "chromium-browser"):
        found = shutil.which(candidate)
        if found:
            return found
    return None


# Per module, not per session: while Playwright's sync API is started its event loop counts
# as running in the main thread, so asyncio.run fails in every later test until it stops.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_executable()
    if executable is None:
        pytest.skip(
            "no Chromium here: install Debian's chromium (make test does) or set LISTENER_CHROMIUM"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        # A loaded CI machine can take longer than the default 30 s to start a browser.
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, timeout=120_000
        )
        yield launched
        launched.close()


@dataclass
class PageProblems:
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def without_aborts(errors: list[str]) -> list[str]:
    """``errors`` less the requests a navigation cancelled: htmx reports each as an
    "htmx:sendAbort" and an "htmx:afterRequest" (in either order). A test that moves to
    another page while the last one still loads causes those; a failed request (a 500)
    reports "htmx:afterRequest" without an abort, and stays."""
    aborts = sum(1 for error in errors if error.startswith("htmx:sendAbort"))
    kept: list[str] = []
    for error in errors:
        if error.startswith("htmx:sendAbort"):
            continue
        if error.startswith("htmx:afterRequest") and aborts:
            aborts -= 1
            continue
        kept.append(error)
    return kept


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page; any console error or dialog (alert/confirm/prompt) fails the test."""
    context = browser.new_context()
    opened = context.new_page()
    problems = PageProblems()
    opened.on(
        "console", lambda m: problems.console_errors.append(m.text) if m.type == "error" else None
    )

    def on_dialog(dialog: Any) -> None:
        problems.dialogs.append(dialog.message)
        dialog.dismiss()

    opened.on("dialog", on_dialog)
    opened.problems = problems
    yield opened
    # What the test's own steps caused: closing the page aborts requests still in flight
    # (a search the last keystroke started), and those are the closing's, not the page's.
    dialogs, console_errors = list(problems.dialogs), without_aborts(problems.console_errors)
    context.close()
    assert not dialogs, f"a dialog opened: {dialogs}"
    assert not console_errors, f"console errors: {console_errors}"
