"""``/inbox/events``: new alerts pushed to an open inbox as server-sent events.

The stream polls the store (every ``POLL_S``) for alerts newer than the last one it sent that
the page's filters would show, so it sees alerts raised by any process on the same database
(``listener web`` beside a daemon). Each event carries the new rows' HTML, which the htmx SSE
extension puts on top of the list. A comment goes out every ``HEARTBEAT_S`` so proxies keep
the connection; the stream ends when the client leaves, the store closes, or after
``LIFETIME_S`` (the browser's EventSource then reconnects, resuming from ``Last-Event-ID``).
Who is asking is worked out again every ``RECHECK_S``: a session that ended (signed out
everywhere, a removed or disabled user, a revoked token) ends the stream too, rather than
sending alerts for up to the stream's lifetime.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.responses import StreamingResponse

from listener.logs import fields
from listener.web.auth import Principal, Role, identify, require
from listener.web.context import WebContext, context_of
from listener.web.inbox_models import MAX_ID, AlertSummary
from listener.web.inbox_views import InboxFilters, newer_rows
from listener.web.routes_inbox import row_html

log = logging.getLogger("listener.web")
router = APIRouter()

POLL_S = 1.0
HEARTBEAT_S = 15.0
LIFETIME_S = 600.0
RETRY_MS = 3000
RECHECK_S = 5.0
# Each open stream asks the store every POLL_S: a cap per person (a browser opens one a tab)
# keeps one account's script from holding thousands of them open.
MAX_STREAMS_PER_PERSON = 20


def sse_event(event: str, data: str, event_id: int) -> str:
    """One event; every line of ``data`` gets its own ``data:`` field (the spec joins them
    back with newlines), so a row's HTML cannot end the event early."""
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"id: {event_id}\nevent: {event}\n{lines}\n"


async def _stream(
    request: Request,
    context: WebContext,
    who: Principal,
    filters: InboxFilters,
    after: int,
) -> AsyncIterator[str]:
    csrf_token = str(getattr(request.state, "csrf_token", ""))
    yield f"retry: {RETRY_MS}\n\n"
    started = last_sent = checked = time.monotonic()
    while time.monotonic() - started < LIFETIME_S:
        if await request.is_disconnected():
            return
        if time.monotonic() - checked >= RECHECK_S:
            if not await asyncio.to_thread(_still_signed_in, request, who):
                return
            checked = time.monotonic()
        try:
            rows: list[AlertSummary] = await asyncio.to_thread(
                newer_rows, context, who, filters, after
            )
        except Exception as error:  # the store closed under us, or broke: end; the client retries
            log.info("inbox stream ends: %s", error, extra=fields(after=after))
            return
        if rows:
            # Nothing goes out to someone who is no longer signed in, however recently checked.
            if not await asyncio.to_thread(_still_signed_in, request, who):
                return
            checked = time.monotonic()
            after = max(r.id for r in rows)
            newest_first = sorted(rows, key=lambda r: r.id, reverse=True)
            html = row_html(context, who, newest_first, csrf_token=csrf_token)
            yield sse_event("alert", html, after)
            last_sent = time.monotonic()
        elif time.monotonic() - last_sent >= HEARTBEAT_S:
            yield ": heartbeat\n\n"
            last_sent = time.monotonic()
        await asyncio.sleep(POLL_S)


def _still_signed_in(request: Request, who: Principal) -> bool:
    try:
        now = identify(request)
    except HTTPException:  # a token revoked since the stream began
        now = None
    except Exception as error:  # the store closed under us, or broke: end; the client retries
        log.info("inbox stream ends: %s", error, extra=fields(user=who.name))
        return False
    if now is None or now.name != who.name or now.role != who.role:
        log.info("inbox stream ends: its session ended", extra=fields(user=who.name))
        return False
    return True


OpenStreams = defaultdict[str, "weakref.WeakSet[AsyncIterator[str]]"]


def _open_streams(request: Request) -> OpenStreams:
    """Each person's streams open in this app. Weak: a stream is gone from it as soon as its
    response is, however it ended (finished, left by the client, or never started)."""
    state = request.app.state
    if not hasattr(state, "inbox_streams"):
        state.inbox_streams = defaultdict(weakref.WeakSet)
    streams: OpenStreams = state.inbox_streams
    return streams


@router.get("/inbox/events", response_class=StreamingResponse)
async def inbox_events(
    request: Request,
    context: Annotated[WebContext, Depends(context_of)],
    who: Annotated[Principal, Depends(require(Role.VIEWER))],
    filters: Annotated[InboxFilters, Query()],
    after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """New alerts that match the filters, raised after alert ``after``."""
    if last_event_id and last_event_id.isdigit() and int(last_event_id) <= MAX_ID:
        after = max(after, int(last_event_id))
    # Filters are checked now (a bad one is a 4xx), not at the first poll.
    await asyncio.to_thread(newer_rows, context, who, filters, 2**62)
    open_streams = _open_streams(request)[who.name]
    if len(open_streams) >= MAX_STREAMS_PER_PERSON:
        raise HTTPException(
            429,
            f"{MAX_STREAMS_PER_PERSON} inboxes are open for {who.name} already: close some tabs"
            " (this one still refreshes every 30 s)",
            headers={"Retry-After": "60"},
        )
    events = _stream(request, context, who, filters, after)
    open_streams.add(events)
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
