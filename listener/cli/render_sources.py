"""``listener sources``: the polled sources' table as before, then the streams' own table
(status, how long connected, events/s, the last event's age, lag, reconnects), each
followed by the sentences that explain a problem.

A stream's row is read by ``listener.web.stream_status``, as the web app reads it: a row the
daemon stopped writing shows "not running", not the "connected" it last said. Server text
(errors, parked reasons) is made terminal-safe and redacted, like every error here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from listener.cli.render import render_sources_table, safe_error
from listener.config.settings import SourceSettings
from listener.models import SourceState, StreamHealth
from listener.web.stream_status import (
    StreamState,
    StreamView,
    rate_words,
    sentence,
    span_words,
    stream_view,
)

_HEADER = (
    "SOURCE", "TYPE", "KIND", "STATUS", "CONNECTED FOR", "EVENTS/S", "LAST EVENT", "LAG",
    "RECONNECTS", "ITEMS (LAST)",
)  # fmt: skip


def render_sources(
    sources: Sequence[SourceSettings],
    states: Mapping[str, SourceState],
    healths: Mapping[str, StreamHealth],
    *,
    now: datetime,
) -> str:
    """The polled sources' table (unchanged), then the streams' table when there are any."""
    polled = [s for s in sources if not s.is_stream]
    streams = [s for s in sources if s.is_stream]
    if not streams:
        return render_sources_table(polled, states, now=now)
    table = render_streams_table(streams, states, healths, now=now)
    if not polled:
        return table
    return render_sources_table(polled, states, now=now) + "\n\n" + table


def render_streams_table(
    streams: Sequence[SourceSettings],
    states: Mapping[str, SourceState],
    healths: Mapping[str, StreamHealth],
    *,
    now: datetime,
) -> str:
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    for source in streams:
        state = states.get(source.name) or SourceState(source=source.name)
        view = stream_view(healths.get(source.name), state, enabled=source.enabled, now=now)
        rows.append(_row(source, state, view))
        note = _note(source.name, view)
        if note:
            notes.append(note)
    widths = [max(len(row[i]) for row in [_HEADER, *rows]) for i in range(len(_HEADER))]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        for row in [_HEADER, *rows]
    ]
    if notes:
        lines += ["", *notes]
    return "\n".join(lines)


def _row(source: SourceSettings, state: SourceState, view: StreamView) -> tuple[str, ...]:
    connected_for = view.connected_for_s
    age = view.last_event_age_s
    live = view.state == StreamState.CONNECTED
    return (
        source.name,
        source.type,
        "stream",
        view.label,
        "—" if connected_for is None else span_words(connected_for),
        rate_words(view.events_per_s) if live else "—",
        "—" if age is None else f"{span_words(age)} ago",
        "—" if view.lag_s is None else span_words(view.lag_s, tenths=True),
        str(view.reconnects),
        f"{state.items_total} (+{state.last_new_items})",
    )


def _note(name: str, view: StreamView) -> str | None:
    """The sentence under the table for a stream that is not simply live."""
    if view.state == StreamState.PARKED:
        return (
            f"{name}: parked — {safe_error(view.parked_reason)}; fix it in the settings, then"
            f" run `listener unpark {name}`"
        )
    if view.state in (StreamState.CONNECTED, StreamState.DISABLED):
        return None
    # The sentence carries the server's words: all of it goes through safe_error.
    return f"{name}: {safe_error(sentence(view))}"
