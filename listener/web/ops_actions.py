"""What the web app asks of the daemon, working with or without one in this process.

"Poll now" is data: the source's next check becomes now in the store. With a daemon in this
process (``listener run``) it is also woken, so the poll starts at once; the app served alone
(``listener web``) only writes the store, and whichever daemon runs on it polls the source at
its next tick (every couple of seconds).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Literal

from fastapi import HTTPException
from pydantic import BaseModel

from listener.web.context import WebContext


class PollRequested(BaseModel):
    source: str
    requested_at: datetime
    # "daemon": the daemon in this process starts it now; "store": the next tick of the
    # daemon running on this store does.
    by: Literal["daemon", "store"]
    message: str


async def poll_now(context: WebContext, source: str) -> PollRequested:
    """Ask for ``source`` to be polled now; 404 when it is not configured, 409 when parked."""
    if not any(s.name == source for s in context.settings.sources):
        raise HTTPException(404, f"no source named {source!r} in the settings")
    state = await asyncio.to_thread(context.store.load_source_state, source)
    if state is not None and state.parked_reason:
        raise HTTPException(
            409, f"{source} is parked ({state.parked_reason}): unpark it to poll it again"
        )
    now = context.clock()
    if context.operations is not None and context.operations.request_poll(source):
        return PollRequested(
            source=source, requested_at=now, by="daemon", message=f"{source} is being polled now"
        )
    await asyncio.to_thread(context.store.make_source_due, source, now)
    return PollRequested(
        source=source,
        requested_at=now,
        by="store",
        message=f"{source} is polled at the running daemon's next tick, within seconds",
    )
