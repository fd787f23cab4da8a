"""The sources' health as the sources page and ``/api/v1/sources`` show it — what
``listener sources`` prints — and the two things a person can do about a source: poll it
now (for a stream: reconnect now), and unpark it.

A stream source's row carries its live health (``stream``), read by ``stream_status`` from
the row the daemon keeps writing: a row gone stale shows "not running", never "connected".

Every text that may hold a secret (an error a server echoed with the feed URL in it, a
parked reason) is redacted twice over: with the secrets in force in this process (as the
CLI's renderers do) and with the values this app's own settings interpolated, so a
``${VAR}`` value is blanked even where nothing put it in force.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Literal

from fastapi import HTTPException
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from listener.config.settings import SourceSettings
from listener.models import SourceHealth, SourceState, StreamHealth
from listener.redaction import redact, redact_values, secret_forms
from listener.web import ops_actions
from listener.web.context import WebContext
from listener.web.ops_actions import PollRequested
from listener.web.stream_status import (
    StreamState,
    StreamView,
    sentence,
    span_words,
    stream_view,
)


class StreamRow(BaseModel):
    """A stream's live health (see ``listener.web.stream_status``)."""

    # connected, connecting, backing_off, parked, stopped, never_started, not_running, disabled
    state: str
    headline: str  # "Live", "Reconnecting", "Not running"…
    sentence: str  # "Live — 240 events/s, last post 1 s ago, 0.4 s behind" (secrets blanked)
    connected_since: datetime | None
    connected_for_s: float | None
    connected_for: str | None  # the same in words: "2 h"
    events_per_s: float
    events_total: int  # read since the daemon started
    last_event_at: datetime | None
    lag_s: float | None  # behind the stream's own clock
    reconnects: int  # since the daemon started
    last_error: str | None  # why the last connection ended, secrets blanked
    retry_at: datetime | None  # the next connect, when backing off
    updated_at: datetime | None  # when the daemon last wrote this (stale after a minute)
    # "Reconnect now" does something: backing off, with the daemon in this process.
    can_reconnect: bool


class SourceRow(BaseModel):
    name: str
    type: str
    enabled: bool
    # Polled: ok, new, failing, parked or disabled; a stream: its ``stream.state``.
    status: str
    kind: Literal["poll", "stream"] = "poll"
    interval_s: int | None  # None for a stream: it listens all the time
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    error_count: int  # failures in a row; 0 after a success
    last_error: str | None  # the source's own words, secrets blanked
    parked_reason: str | None
    next_check_at: datetime | None  # None: due now (or parked, or disabled)
    # Failing and waiting: the backoff, or the server's Retry-After for a rate limit, holds
    # the next check back until next_check_at.
    paused: bool
    items_total: int
    last_new_items: int
    empty_polls: int
    stream: StreamRow | None = None  # a stream source's live health


class SourceList(BaseModel):
    items: list[SourceRow]
    # Always null: every configured source fits one page (the field keeps the list shape).
    next_cursor: None = None


class Unparked(BaseModel):
    source: str
    was_parked: bool
    message: str


class _Redactor:
    def __init__(self, context: WebContext) -> None:
        self._forms = secret_forms(context.settings.secrets)

    def __call__(self, text: str | None) -> str | None:
        if not text:
            return text
        return redact_values(redact(text), self._forms)


def _row(source: SourceSettings, state: SourceState, now: datetime, clean: _Redactor) -> SourceRow:
    status = state.health.value if source.enabled else "disabled"
    paused = (
        source.enabled
        and state.health == SourceHealth.FAILING
        and state.next_check_at is not None
        and state.next_check_at > now
    )
    return SourceRow(
        name=source.name,
        type=source.type,
        enabled=source.enabled,
        status=status,
        interval_s=int(source.expected_interval.total_seconds()),
        last_success_at=state.last_success_at,
        last_attempt_at=state.last_attempt_at,
        error_count=state.error_count,
        last_error=clean(state.last_error),
        parked_reason=clean(state.parked_reason),
        next_check_at=state.next_check_at,
        paused=paused,
        items_total=state.items_total,
        last_new_items=state.last_new_items,
        empty_polls=state.empty_polls,
    )


# A stream's error is a server's words, seen live: terminal escapes and bidi overrides in it
# are noise on a page (escaping stops markup, not these), so they go before it is shown.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown(text: str | None) -> str | None:
    return _CONTROLS.sub("", text) if text else text


def _stream_row(
    source: SourceSettings,
    state: SourceState,
    view: StreamView,
    clean: _Redactor,
    daemon_here: bool,
) -> SourceRow:
    common = _row(source, state, view.now, clean)
    stream = StreamRow(
        state=view.state.value,
        headline=view.headline,
        sentence=_shown(clean(sentence(view))) or "",
        connected_since=view.connected_since,
        connected_for_s=view.connected_for_s,
        connected_for=None if view.connected_for_s is None else span_words(view.connected_for_s),
        events_per_s=view.events_per_s,
        events_total=view.events_total,
        last_event_at=view.last_event_at,
        lag_s=view.lag_s,
        reconnects=view.reconnects,
        last_error=_shown(clean(view.error)),
        retry_at=view.retry_at,
        updated_at=view.updated_at,
        can_reconnect=daemon_here and view.state == StreamState.BACKING_OFF,
    )
    return common.model_copy(
        update={
            "status": view.state.value,
            "kind": "stream",
            "interval_s": None,
            "paused": False,
            "stream": stream,
        }
    )


def source_list(context: WebContext) -> SourceList:
    """Every configured source in settings order, with its stored state (and a stream's
    live health)."""
    states = {s.source: s for s in context.store.source_states()}
    streaming = any(source.is_stream for source in context.settings.sources)
    healths = context.store.stream_healths() if streaming else {}
    now, clean = context.clock(), _Redactor(context)
    rows = []
    for source in context.settings.sources:
        state = states.get(source.name) or SourceState(source=source.name)
        if source.is_stream:
            view = stream_view(healths.get(source.name), state, enabled=source.enabled, now=now)
            rows.append(_stream_row(source, state, view, clean, context.operations is not None))
        else:
            rows.append(_row(source, state, now, clean))
    return SourceList(items=rows)


def _configured(context: WebContext, name: str) -> SourceSettings:
    for source in context.settings.sources:
        if source.name == name:
            return source
    raise HTTPException(status_code=404, detail=f"no source named {name!r} in the settings")


async def poll_now(context: WebContext, name: str) -> PollRequested:
    """Ask for the source to be polled now, through ``ops_actions.poll_now`` (the store, and
    the daemon in this process when there is one).

    Refused here first, in this page's words: a disabled source (the daemon would never poll
    it: asking must not look as if it worked) and a parked one, whose reason is shown
    redacted like everywhere on this page."""
    source = _configured(context, name)
    if not source.enabled:
        raise HTTPException(
            status_code=409, detail=f"{name} is disabled: set enabled: true in the settings first"
        )
    state = await run_in_threadpool(context.store.load_source_state, name)
    if state is not None and state.parked_reason:
        raise HTTPException(
            status_code=409,
            detail=f"{name} is parked ({_Redactor(context)(state.parked_reason)}): unpark it first",
        )
    if source.is_stream:
        return await _reconnect_now(context, source, state)
    return await ops_actions.poll_now(context, name)


async def _reconnect_now(
    context: WebContext, source: SourceSettings, state: SourceState | None
) -> PollRequested:
    """A stream is not polled: "poll now" asks the daemon to skip a backoff wait. Only the
    daemon in this process can be asked (a stream's next connect is not in the store), and
    only a stream that is waiting has a wait to skip: anything else is refused, not
    pretended."""
    name = source.name
    if context.operations is None:
        raise HTTPException(
            status_code=409,
            detail=(
                f"{name} is a stream; only the daemon's own web app (`listener run`) can"
                " reconnect it now"
            ),
        )
    healths: dict[str, StreamHealth] = await run_in_threadpool(context.store.stream_healths)
    view = stream_view(
        healths.get(name),
        state or SourceState(source=name),
        enabled=source.enabled,
        now=context.clock(),
    )
    if view.state != StreamState.BACKING_OFF:
        raise HTTPException(
            status_code=409,
            detail=f"{name} is {view.label}: there is no reconnect wait to skip",
        )
    done = await ops_actions.poll_now(context, name)
    return done.model_copy(update={"message": f"{name} reconnects now"})


def unpark(context: WebContext, name: str) -> Unparked:
    """What ``listener unpark`` does: clear the parked reason and make the source due."""
    source = _configured(context, name)
    state = context.store.load_source_state(name)
    if state is None or not state.parked_reason:
        return Unparked(source=name, was_parked=False, message=f"{name} is not parked")
    context.store.save_source_state(replace(state, parked_reason=None, next_check_at=None))
    then = "reconnects it" if source.is_stream else "polls it"
    return Unparked(
        source=name,
        was_parked=True,
        message=f"{name} unparked; the running daemon {then} within seconds",
    )


async def unpark_now(context: WebContext, name: str) -> Unparked:
    """``unpark``, and a stream's runner in this process told at once: it would otherwise
    notice the cleared reason at its next look at the store, seconds later."""
    done = await run_in_threadpool(unpark, context, name)
    source = _configured(context, name)
    if not (done.was_parked and source.is_stream and context.operations is not None):
        return done
    # On the daemon's loop (this app shares it), as the Operations protocol asks.
    if context.operations.request_poll(name):
        return done.model_copy(update={"message": f"{name} unparked; reconnecting now"})
    return done
