"""Serving the web app: beside the daemon (``listener run``) or alone (``listener web``).

The app runs on uvicorn in the caller's event loop, as one more task. uvicorn's own signal
handling is left out: SIGINT/SIGTERM belong to the command, which first tells the app to stop
accepting and then stops the daemon, so a stop still takes at most about five seconds (a
server-sent event stream left open is cut after ``GRACE_S``).

The socket is bound here, before anything starts, so a port in use is one clear sentence
naming ``web.port`` rather than uvicorn's log line and exit from inside a task.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
import socket
import sys
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING

import click

from listener.cli.common import config_option, load_or_exit, start_logging
from listener.config.settings import Settings
from listener.logs import fields
from listener.metrics import Metrics

# The app and uvicorn load only when a command serves it: every other command starts faster.
if TYPE_CHECKING:
    import uvicorn

    from listener.store import SQLiteStore
    from listener.web.context import Operations, WebContext

log = logging.getLogger("listener.web")

# Open connections (an inbox's event stream) get this long to finish once stopping starts.
GRACE_S = 1
# How soon the app sees settings the daemon reloaded (its own tick is 2 s).
FOLLOW_S = 1.0


class WebAppError(Exception):
    """The app cannot be served; the message says why and what to do. ``exit_code`` 2 for
    settings that must change, 1 for the machine's state (a port in use)."""

    def __init__(self, message: str, *, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def bind(settings: Settings) -> socket.socket:
    """A listening socket on web.host:web.port, or ``WebAppError`` naming the setting."""
    host, port = settings.web.host, settings.web.port
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise WebAppError(f"web.host {host!r} is not an address of this machine: {exc}") from exc
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise WebAppError(
                f"web.port {port} is in use on {host} (another listener, or another program):"
                " stop it, or set another web.port in the settings"
                " (or web.enabled: false to run without the web app)",
                exit_code=1,
            ) from exc
        raise WebAppError(
            f"cannot serve on web.host {host} web.port {port}: {exc}", exit_code=1
        ) from exc
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def address(settings: Settings) -> str:
    host = settings.web.host
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{settings.web.port}/"


def refuse_unsafe(settings: Settings, store: SQLiteStore) -> None:
    from listener.web.auth import startup_refusal

    refusal = startup_refusal(settings, store)
    if refusal is not None:
        raise WebAppError(refusal)


def web_context(
    settings: Settings, store: SQLiteStore, metrics: Metrics, operations: Operations | None
) -> WebContext:
    from listener.web.context import WebContext

    return WebContext(settings=settings, store=store, metrics=metrics, operations=operations)


def build_server(context: WebContext) -> uvicorn.Server:
    import uvicorn

    from listener.web.app import create_app

    class EmbeddedServer(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Generator[None, None, None]:
            # The command's loop handles the signals and stops the server with should_exit;
            # uvicorn's handlers would replace those and re-raise the signal when it ends.
            yield

    config = uvicorn.Config(
        create_app(context),
        log_config=None,  # our key=value logging, set up by the command
        access_log=False,
        server_header=False,
        proxy_headers=False,  # the app reads X-Forwarded-* itself, only when web.trust_proxy
        timeout_graceful_shutdown=GRACE_S,
        lifespan="on",
    )
    return EmbeddedServer(config)


async def follow_reloads(context: WebContext, current: Callable[[], Settings]) -> None:
    """Keep the app's settings those the daemon runs with: it re-reads an edited settings
    file by itself (or on SIGHUP), and the sources page, the brands and the SLA must not go
    stale until a restart. The ``web`` section stays as started (its address, Host names and
    sessions take effect after a restart, as the README says)."""
    seen = current()
    while True:
        await asyncio.sleep(FOLLOW_S)
        fresh = current()
        if fresh is seen:
            continue
        seen = fresh
        context.settings = fresh.model_copy(update={"web": context.settings.web})
        log.info("web app follows the reloaded settings")


# Addresses that mean "listen on every interface": not one a browser can be sent to.
EVERY_INTERFACE = frozenset({"0.0.0.0", "::", ""})


def announce(settings: Settings) -> None:
    url = address(settings)
    if settings.web.host in EVERY_INTERFACE:
        # The address to hand colleagues is this machine's name, not 0.0.0.0.
        shared = f"http://{socket.gethostname()}:{settings.web.port}/"
        click.echo(f"web app: {url} ({settings.web.host or '0.0.0.0'} means every interface)")
        click.echo(f"web app for colleagues: {shared}")
        log.info("web app serving", extra=fields(url=url, shared=shared))
        return
    click.echo(f"web app: {url}")
    log.info("web app serving", extra=fields(url=url))


def quiet_uvicorn() -> None:
    # uvicorn's start and stop lines repeat what ours say; its errors still come through.
    logging.getLogger("uvicorn.error").setLevel(logging.WARNING)


@click.command()
@config_option
@click.pass_context
def web(ctx: click.Context, config_path: str | None) -> None:
    """Serve the web app alone against the store (no polling), until SIGINT/SIGTERM."""
    start_logging("DEBUG" if ctx.obj["verbose"] >= 2 else "INFO")
    quiet_uvicorn()
    settings = load_or_exit(config_path)
    from listener.config.engine import open_configured_store

    store = open_configured_store(settings.storage)
    try:
        refuse_unsafe(settings, store)
        sock = bind(settings)
    except WebAppError as error:
        store.close()
        click.echo(f"listener web: {error}", err=True)
        sys.exit(error.exit_code)

    async def serve() -> None:
        server = build_server(web_context(settings, store, Metrics(), None))
        loop = asyncio.get_running_loop()

        def stop() -> None:
            server.should_exit = True

        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop)
        announce(settings)
        await server.serve(sockets=[sock])

    try:
        asyncio.run(serve())
    finally:
        sock.close()
        store.close()
