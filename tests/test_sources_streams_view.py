"""`listener sources` with stream sources: the polled table as before, then each stream's
state (connected, connecting, backing off with its error, parked with the unpark command,
stopped, never started, not running when the daemon's row went stale) with how long it has
been connected, events/s, the last event's age, its lag and its reconnects.

The rows are written as the daemon writes them, into a real SQLite file; the command runs
as a person runs it (a subprocess of the installed `listener`)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from listener.models import SourceState, StreamHealth, StreamStatus
from listener.store import open_store
from listener.web.stream_status import (
    STALE_AFTER,
    StreamState,
    sentence,
    span_words,
    stream_view,
)
from tests.sources_streams_helpers import (
    PARKED_REASON,
    SECRET,
    sample_environ,
    settings_text,
    write_stream_rows,
)

LISTENER = str(Path(sys.executable).with_name("listener"))
POLLED_HEADER = "SOURCE  TYPE  STATUS  LAST SUCCESS  ERRORS  NEXT CHECK  ITEMS (LAST)"


def _sources(tmp_path: Path, *extra: str, with_poll: bool = True, rows: bool = True) -> str:
    db = tmp_path / "listener.db"
    config = tmp_path / "settings.yaml"
    config.write_text(settings_text(str(db), with_poll=with_poll), encoding="utf-8")
    if rows:
        with open_store(db) as store:
            write_stream_rows(store, datetime.now(UTC))
    done = subprocess.run(
        [LISTENER, "sources", "--config", str(config), *extra],
        capture_output=True,
        text=True,
        env={**os.environ, **sample_environ()},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _cells(out: str, name: str) -> list[str]:
    """The cells of the streams table's row for ``name`` (columns are 2+ spaces apart)."""
    for line in out.splitlines():
        cells = [cell.strip() for cell in line.split("  ") if cell.strip()]
        if cells and cells[0] == name and "stream" in cells:
            return cells
    raise AssertionError(f"no stream row for {name} in:\n{out}")


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _sources(tmp_path_factory.mktemp("streams"))


def test_a_connected_stream_shows_how_live_it_is(shown: str) -> None:
    # SOURCE TYPE KIND STATUS CONNECTED-FOR EVENTS/S LAST-EVENT LAG RECONNECTS ITEMS
    cells = _cells(shown, "live")
    # The last event was 1 s old when written; the command takes its own "now" a moment later.
    assert re.fullmatch(r"[1-9] s ago", cells.pop(6))
    assert cells == [
        "live", "jetstream", "stream", "connected", "2 h", "240", "0.4 s", "3", "1234 (+2)",
    ]  # fmt: skip
    header = next(line for line in shown.splitlines() if "KIND" in line)
    assert header.split() == [
        "SOURCE", "TYPE", "KIND", "STATUS", "CONNECTED", "FOR", "EVENTS/S", "LAST", "EVENT",
        "LAG", "RECONNECTS", "ITEMS", "(LAST)",
    ]  # fmt: skip


def test_the_polled_sources_table_is_unchanged_and_comes_first(shown: str) -> None:
    lines = shown.splitlines()
    assert lines[0] == POLLED_HEADER
    assert lines[1].split() == ["news", "rss", "new", "—", "0", "now", "0", "(+0)"]
    assert lines[2] == ""
    assert "news" not in " ".join(lines[3:])


def test_each_state_reads_as_what_a_person_does_next(shown: str) -> None:
    states = {name: _cells(shown, name)[3] for name in ("retrying", "refused", "stale")}
    assert states == {"retrying": "backing off", "refused": "parked", "stale": "not running"}
    assert _cells(shown, "halted")[3] == "stopped"
    assert _cells(shown, "fresh")[3] == "never started"
    assert _cells(shown, "opening")[3] == "connecting"
    assert _cells(shown, "off")[3] == "disabled"
    notes = {line.split(":", 1)[0]: line for line in shown.splitlines() if ": " in line}
    assert re.match(r"retrying: Reconnecting in [1-8] s after: connection lost", notes["retrying"])
    assert notes["refused"] == (
        f"refused: parked — {PARKED_REASON}; fix it in the settings, then run"
        " `listener unpark refused`"
    )
    assert notes["halted"] == "halted: Stopped 10 min ago"
    assert notes["fresh"] == "fresh: Not started yet — `listener run` connects it"
    assert "live" not in notes and "off" not in notes


def test_a_stream_whose_daemon_went_quiet_is_not_running_not_connected(shown: str) -> None:
    stale = _cells(shown, "stale")
    assert stale[3] == "not running" and stale[4] == "—" and stale[5] == "—"
    assert stale[6] == "5 min ago"  # the last event is still a fact
    assert (
        "stale: Not running — no word from the daemon for 5 min (it last said: connected);"
        " is `listener run` running?"
    ) in shown


def test_a_servers_error_cannot_drive_the_terminal_or_show_a_secret(shown: str) -> None:
    assert "\x1b" not in shown and "\x07" not in shown
    assert SECRET not in shown
    assert "connection lost (GET /subscribe?token=REDACTED)" in shown


def test_streams_alone_show_only_the_streams_table(tmp_path: Path) -> None:
    out = _sources(tmp_path, with_poll=False, rows=False)
    assert POLLED_HEADER not in out and "no sources configured" not in out
    assert out.splitlines()[0].split()[:4] == ["SOURCE", "TYPE", "KIND", "STATUS"]
    assert _cells(out, "live")[3] == "never started"
    assert _cells(out, "off")[3] == "disabled"


def test_json_gives_each_source_as_the_api_does(tmp_path: Path) -> None:
    rows = {row["name"]: row for row in map(json.loads, _sources(tmp_path, "--json").splitlines())}
    assert list(rows) == ["news", "live", "retrying", "refused", "stale", "halted", "fresh",
                          "opening", "off"]  # fmt: skip
    assert rows["news"]["kind"] == "poll" and rows["news"]["interval_s"] == 3600
    assert rows["news"]["stream"] is None and rows["news"]["status"] == "new"
    live = rows["live"]
    assert (live["kind"], live["status"], live["interval_s"]) == ("stream", "connected", None)
    assert live["stream"]["events_per_s"] == 240.0 and live["stream"]["reconnects"] == 3
    assert live["stream"]["lag_s"] == pytest.approx(0.4)
    assert datetime.fromisoformat(live["stream"]["last_event_at"]) < datetime.now(UTC)
    assert rows["stale"]["status"] == "not_running"
    assert rows["refused"]["parked_reason"] == PARKED_REASON
    retrying = rows["retrying"]["stream"]
    assert retrying["last_error"].startswith("connection lost (GET /subscribe?token=REDACTED)")
    assert retrying["retry_at"] is not None
    assert SECRET not in json.dumps(rows)


def test_json_and_types_together_are_refused(tmp_path: Path) -> None:
    config = tmp_path / "settings.yaml"
    config.write_text(settings_text(str(tmp_path / "listener.db")), encoding="utf-8")
    done = subprocess.run(
        [LISTENER, "sources", "--types", "--json", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "--types has no JSON" in done.stderr


def _health(status: StreamStatus, updated_at: datetime) -> StreamHealth:
    return StreamHealth(source="s", status=status, updated_at=updated_at)


@pytest.mark.parametrize(
    ("silent", "status", "shown_as"),
    [
        (STALE_AFTER - timedelta(seconds=1), StreamStatus.CONNECTED, StreamState.CONNECTED),
        (STALE_AFTER + timedelta(seconds=1), StreamStatus.CONNECTED, StreamState.NOT_RUNNING),
        (STALE_AFTER + timedelta(seconds=1), StreamStatus.BACKING_OFF, StreamState.NOT_RUNNING),
        # A clean stop says so for good; a parked reason a person cleared is being retried.
        (timedelta(days=2), StreamStatus.STOPPED, StreamState.STOPPED),
        (timedelta(seconds=2), StreamStatus.PARKED, StreamState.CONNECTING),
    ],
)
def test_a_row_is_believed_only_while_the_daemon_keeps_writing_it(
    silent: timedelta, status: StreamStatus, shown_as: StreamState
) -> None:
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    view = stream_view(
        _health(status, now - silent), SourceState(source="s"), enabled=True, now=now
    )
    assert view.state == shown_as


def test_the_stored_parked_reason_wins_over_the_row() -> None:
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    parked = SourceState(source="s", parked_reason="HTTP 403")
    view = stream_view(_health(StreamStatus.CONNECTED, now), parked, enabled=True, now=now)
    assert view.state == StreamState.PARKED and view.parked_reason == "HTTP 403"


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0.44, "0 s"),
        (8.0, "8 s"),
        (75, "75 s"),
        (300, "5 min"),
        (7300, "2 h"),
        (3 * 86400, "3 days"),
    ],
)
def test_spans_read_as_people_say_them(seconds: float, words: str) -> None:
    assert span_words(seconds) == words
    assert span_words(0.44, tenths=True) == "0.4 s"


def test_a_firehoses_last_post_is_just_now() -> None:
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    health = StreamHealth(
        source="s",
        status=StreamStatus.CONNECTED,
        updated_at=now,
        last_event_at=now - timedelta(milliseconds=300),
        stream_time=now - timedelta(milliseconds=700),
        events_per_s=1234.5,
    )
    view = stream_view(health, SourceState(source="s"), enabled=True, now=now)
    assert sentence(view) == "Live — 1,234 events/s, last post just now, 0.4 s behind"
