"""``listener sources``: the polled sources' table as before, then the streams' own table
(status, how long connected, events/s, the last event's age, lag, reconnects), each
followed by the sentences that explain a problem; with ``--json``, one object per source
in the shape of ``/api/v1/sources``' rows, for scripts and monitoring without the web app.

A stream's row is read by ``listener.web.stream_status``, as the web app reads it: a row the
daemon stopped writing shows "not running", not the "connected" it last said. Server text
(errors, parked reasons) is made terminal-safe and redacted, like every error here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from listener.cli.render import render_sources_table, safe_error
from listener.config.settings import SourceSettings
from listener.models import SourceState, StreamHealth
from listener.redaction import redact
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


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat()


def _redacted(text: str | None) -> str | None:
    # JSON escapes C0 controls itself, and ensure_ascii (below) C1 controls and bidi
    # overrides; the secrets in force are what to take out.
    return redact(text) if text else text


def source_as_json(
    source: SourceSettings,
    state: SourceState,
    health: StreamHealth | None,
    *,
    now: datetime,
) -> dict[str, Any]:
    """One source as ``/api/v1/sources`` gives it (less what only the page uses)."""
    row: dict[str, Any] = {
        "name": source.name,
        "type": source.type,
        "kind": "poll",
        "enabled": source.enabled,
        "status": state.health.value if source.enabled else "disabled",
        "interval_s": int(source.expected_interval.total_seconds()),
        "last_success_at": _iso(state.last_success_at),
        "last_attempt_at": _iso(state.last_attempt_at),
        "error_count": state.error_count,
        "last_error": _redacted(state.last_error),
        "parked_reason": _redacted(state.parked_reason),
        "next_check_at": _iso(state.next_check_at),
        "items_total": state.items_total,
        "last_new_items": state.last_new_items,
        "stream": None,
    }
    if not source.is_stream:
        return row
    view = stream_view(health, state, enabled=source.enabled, now=now)
    row.update(kind="stream", status=view.state.value, interval_s=None)
    row["stream"] = {
        "state": view.state.value,
        "sentence": _redacted(sentence(view)),
        "connected_since": _iso(view.connected_since),
        "connected_for_s": view.connected_for_s,
        "events_per_s": view.events_per_s,
        "events_total": view.events_total,
        "last_event_at": _iso(view.last_event_at),
        "lag_s": view.lag_s,
        "reconnects": view.reconnects,
        "last_error": _redacted(view.error),
        "retry_at": _iso(view.retry_at),
        "updated_at": _iso(view.updated_at),
    }
    return row


def render_sources_json(
    sources: Sequence[SourceSettings],
    states: Mapping[str, SourceState],
    healths: Mapping[str, StreamHealth],
    *,
    now: datetime,
) -> str:
    """``--json``: one object per source, in settings order, one per line."""
    return "\n".join(
        json.dumps(
            source_as_json(
                source,
                states.get(source.name) or SourceState(source=source.name),
                healths.get(source.name),
                now=now,
            ),
            # A server's error may carry \x9b (a one-byte CSI) or a bidi override, and this
            # is often read on a terminal without jq: every non-ASCII character goes escaped.
            ensure_ascii=True,
        )
        for source in sources
    )
