"""A stream source's health as a person reads it, for the sources page, ``/api/v1/sources``
and ``listener sources`` alike (the CLI imports it from here: one reading, one set of words).

The daemon writes a ``StreamHealth`` row every few seconds while it runs; a row that has not
been written for ``STALE_AFTER`` means no daemon is listening (stopped without saying so,
killed, or stuck), so it is shown as "not running" with the time it was last heard from,
never as the "connected" it last said. Parking lives in ``SourceState`` (``listener
unpark`` clears it there), so the stored state decides "parked", whatever the row says.

Nothing here formats for HTML or the terminal: the error texts come from servers and are
returned as they are, for each caller to escape (Jinja) or make terminal-safe and redact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from listener.models import SourceState, StreamHealth, StreamStatus

# The daemon writes every ~2 s while connected and at each change; a minute of silence is
# many missed writes, not a slow one.
STALE_AFTER = timedelta(seconds=60)


class StreamState(StrEnum):
    CONNECTED = "connected"
    CONNECTING = "connecting"
    BACKING_OFF = "backing_off"
    PARKED = "parked"
    STOPPED = "stopped"
    NEVER_STARTED = "never_started"  # no daemon has run it yet
    NOT_RUNNING = "not_running"  # its row went stale: no daemon writes it any more
    DISABLED = "disabled"


# The page's badge, in a social media manager's words; the CLI and the API say the state.
HEADLINES = {
    StreamState.CONNECTED: "Live",
    StreamState.CONNECTING: "Connecting",
    StreamState.BACKING_OFF: "Reconnecting",
    StreamState.PARKED: "Parked",
    StreamState.STOPPED: "Stopped",
    StreamState.NEVER_STARTED: "Not started",
    StreamState.NOT_RUNNING: "Not running",
    StreamState.DISABLED: "Disabled",
}


@dataclass(frozen=True, slots=True)
class StreamView:
    """What to show of one stream source at ``now``."""

    state: StreamState
    now: datetime
    updated_at: datetime | None = None  # when the daemon last wrote the row
    reported: StreamStatus | None = None  # what that row said (for a stale one: its last word)
    connected_since: datetime | None = None
    last_event_at: datetime | None = None
    lag_s: float | None = None
    events_per_s: float = 0.0
    events_total: int = 0
    reconnects: int = 0
    error: str | None = None  # why the last connection ended (raw: escape it to show it)
    parked_reason: str | None = None  # raw, like ``error``
    retry_at: datetime | None = None  # the next connect, when the daemon said when

    @property
    def label(self) -> str:
        """The state for a table cell: "connected", "backing off", "not running"…"""
        return self.state.value.replace("_", " ")

    @property
    def headline(self) -> str:
        return HEADLINES[self.state]

    @property
    def connected_for_s(self) -> float | None:
        if self.state != StreamState.CONNECTED or self.connected_since is None:
            return None
        return _non_negative(self.now - self.connected_since)

    @property
    def last_event_age_s(self) -> float | None:
        return None if self.last_event_at is None else _non_negative(self.now - self.last_event_at)

    @property
    def retry_in_s(self) -> float | None:
        if self.state != StreamState.BACKING_OFF or self.retry_at is None:
            return None
        return _non_negative(self.retry_at - self.now)

    @property
    def silent_for_s(self) -> float | None:
        """How long since the daemon last wrote (shown for a stale row)."""
        return None if self.updated_at is None else _non_negative(self.now - self.updated_at)


def _non_negative(span: timedelta) -> float:
    # Another process's clock may run a little ahead of ours.
    return max(span.total_seconds(), 0.0)


def stream_view(
    health: StreamHealth | None, state: SourceState, *, enabled: bool, now: datetime
) -> StreamView:
    """Read the daemon's last row and the stored fetch state into one state to show."""
    if not enabled:
        return _from_row(StreamState.DISABLED, health, state, now)
    if state.parked_reason:
        return _from_row(StreamState.PARKED, health, state, now)
    if health is None:
        return StreamView(state=StreamState.NEVER_STARTED, now=now, error=state.last_error)
    if health.status == StreamStatus.STOPPED:
        return _from_row(StreamState.STOPPED, health, state, now)
    if now - health.updated_at > STALE_AFTER:
        return _from_row(StreamState.NOT_RUNNING, health, state, now)
    shown = {
        StreamStatus.CONNECTED: StreamState.CONNECTED,
        StreamStatus.BACKING_OFF: StreamState.BACKING_OFF,
        # A row still parked whose reason a person has cleared: the daemon reconnects it
        # within seconds of seeing the unpark.
        StreamStatus.PARKED: StreamState.CONNECTING,
        StreamStatus.CONNECTING: StreamState.CONNECTING,
    }[health.status]
    return _from_row(shown, health, state, now)


def _from_row(
    shown: StreamState, health: StreamHealth | None, state: SourceState, now: datetime
) -> StreamView:
    retry_at = state.next_check_at if shown == StreamState.BACKING_OFF else None
    if health is None:
        return StreamView(
            state=shown, now=now, error=state.last_error, parked_reason=state.parked_reason
        )
    return StreamView(
        state=shown,
        now=now,
        updated_at=health.updated_at,
        reported=health.status,
        connected_since=health.connected_since,
        last_event_at=health.last_event_at,
        lag_s=health.lag_s(),
        # A rate or a connection of a daemon that is gone is not the stream's now.
        events_per_s=health.events_per_s if shown == StreamState.CONNECTED else 0.0,
        events_total=health.events_total,
        reconnects=health.reconnects,
        error=health.last_error or state.last_error,
        parked_reason=state.parked_reason,
        retry_at=retry_at if retry_at is not None and retry_at > now else None,
    )


def span_words(seconds: float, *, tenths: bool = False) -> str:
    """A span as a person says it: "8 s", "3 min", "2 h", "3 days"; with ``tenths`` a short
    one keeps its tenth ("0.4 s", for a lag)."""
    if seconds < 10 and tenths:
        return f"{seconds:.1f} s".replace(".0 s", " s")
    if seconds < 90:
        return f"{seconds:.0f} s"
    # A unit counts from one and a half of it: "30 h" says more than a rounded "1 day".
    for unit, size in (("days", 86400), ("h", 3600)):
        if seconds >= size * 1.5:
            return f"{round(seconds / size)} {unit}"
    return f"{round(seconds / 60)} min"


def rate_words(per_s: float) -> str:
    """Events per second: "0.4", "12", "1,250"."""
    return f"{per_s:.1f}" if per_s < 10 else f"{round(per_s):,}"


def live_facts(view: StreamView) -> list[str]:
    """The live numbers as phrases: "240 events/s", "last post 1 s ago", "0.4 s behind"."""
    facts = [f"{rate_words(view.events_per_s)} events/s"]
    age = view.last_event_age_s
    if age is None:
        facts.append("no post yet")
    else:  # a firehose's last post is usually younger than a second
        facts.append("last post just now" if age < 1 else f"last post {span_words(age)} ago")
    if view.lag_s is not None:
        facts.append(f"{span_words(view.lag_s, tenths=True)} behind")
    return facts


def sentence(view: StreamView) -> str:
    """One line for a social media manager, e.g. "Live — 240 events/s, last post 1 s ago,
    0.4 s behind"; "Reconnecting in 8 s after: connection lost"; "Parked: HTTP 401 — fix
    it in the settings, then Unpark". Carries server text raw: escape it to show it."""
    state = view.state
    if state == StreamState.CONNECTED:
        return "Live — " + ", ".join(live_facts(view))
    if state == StreamState.BACKING_OFF:
        wait = view.retry_in_s
        when = f"Reconnecting in {span_words(wait)}" if wait is not None else "Reconnecting"
        return f"{when} after: {view.error}" if view.error else when
    if state == StreamState.CONNECTING:
        return "Connecting to the stream"
    if state == StreamState.PARKED:
        return f"Parked: {view.parked_reason} — fix it in the settings, then Unpark"
    if state == StreamState.STOPPED:
        silent = view.silent_for_s
        return "Stopped" + (f" {span_words(silent)} ago" if silent is not None else "")
    if state == StreamState.NOT_RUNNING:
        quiet = span_words(view.silent_for_s or 0.0)
        said = f" (it last said: {view.reported.value.replace('_', ' ')})" if view.reported else ""
        return (
            f"Not running — no word from the daemon for {quiet}{said}; is `listener run` running?"
        )
    if state == StreamState.NEVER_STARTED:
        return "Not started yet — `listener run` connects it"
    return "Disabled — set enabled: true in the settings to listen"
