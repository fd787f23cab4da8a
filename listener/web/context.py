"""What every route reads: one ``WebContext`` per app, built by the command that serves it.

The web layer cannot import the daemon (``service`` and ``web`` are siblings), so what it asks
of a running daemon is the ``Operations`` protocol, which ``Daemon`` satisfies structurally.
``listener web`` serves the app without a daemon: ``operations`` is then ``None`` and anything
that needs one works through the store instead (a source's next check is data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from fastapi import Request

from listener.clock import Clock, utcnow
from listener.config.settings import Settings
from listener.metrics import Metrics
from listener.store import SQLiteStore


class Operations(Protocol):
    """The running daemon, as the web app sees it."""

    def last_tick_at(self) -> datetime | None:
        """When the scheduler last ticked (None before the first tick)."""
        ...

    def request_poll(self, source: str) -> bool:
        """Poll ``source`` at the next chance; False when no such source is configured."""
        ...


@dataclass
class WebContext:
    settings: Settings
    store: SQLiteStore
    metrics: Metrics
    operations: Operations | None = None
    clock: Clock = utcnow


def context_of(request: Request) -> WebContext:
    """The app's ``WebContext`` (``Depends(context_of)`` in a route)."""
    context: WebContext = request.app.state.context
    return context
