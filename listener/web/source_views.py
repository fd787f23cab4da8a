"""The sources' health as the sources page and ``/api/v1/sources`` show it — what
``listener sources`` prints — and the two things a person can do about a source: poll it
now, and unpark it.

Every text that may hold a secret (an error a server echoed with the feed URL in it, a
parked reason) is redacted twice over: with the secrets in force in this process (as the
CLI's renderers do) and with the values this app's own settings interpolated, so a
``${VAR}`` value is blanked even where nothing put it in force.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from fastapi import HTTPException
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from listener.config.settings import SourceSettings
from listener.models import SourceHealth, SourceState
from listener.redaction import redact, redact_values, secret_forms
from listener.web import ops_actions
from listener.web.context import WebContext
from listener.web.ops_actions import PollRequested


class SourceRow(BaseModel):
    name: str
    type: str
    enabled: bool
    status: str  # ok, new, failing, parked or disabled
    interval_s: int
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


def source_list(context: WebContext) -> SourceList:
    """Every configured source in settings order, with its stored state."""
    states = {s.source: s for s in context.store.source_states()}
    now, clean = context.clock(), _Redactor(context)
    return SourceList(
        items=[
            _row(source, states.get(source.name) or SourceState(source=source.name), now, clean)
            for source in context.settings.sources
        ]
    )


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
    return await ops_actions.poll_now(context, name)


def unpark(context: WebContext, name: str) -> Unparked:
    """What ``listener unpark`` does: clear the parked reason and make the source due."""
    _configured(context, name)
    state = context.store.load_source_state(name)
    if state is None or not state.parked_reason:
        return Unparked(source=name, was_parked=False, message=f"{name} is not parked")
    context.store.save_source_state(replace(state, parked_reason=None, next_check_at=None))
    return Unparked(
        source=name,
        was_parked=True,
        message=f"{name} unparked; the running daemon polls it within seconds",
    )
