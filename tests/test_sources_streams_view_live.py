"""`listener sources` beside a running daemon (`listener run`, a subprocess) that listens to a
local Jetstream: the stream shows connected with the events it read, a refused token shows
parked with the unpark command, a server that refuses shows backing off with its words, and
once the daemon has stopped the stream shows stopped — never the "connected" it last was."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from tests.daemon_process import LISTENER, listener_run
from tests.jetstream_server import JetstreamServer, capture_lines


def _config(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "settings.yaml"
    path.write_text(
        "brands:\n  - name: Acme\n    query: acme\n"
        f"storage:\n  sqlite: {tmp_path / 'listener.db'}\n"
        "web: {enabled: false}\n"
        "sources:\n"
        "  - name: bsky\n    type: jetstream\n"
        f"    url: {url}\n"
        # Nothing leaves the machine: no handle look-ups at the public AppView.
        "    resolve_handles: false\n    appview_url: http://127.0.0.1:9\n",
        encoding="utf-8",
    )
    return path


def _sources(config: Path) -> str:
    done = subprocess.run(
        [LISTENER, "sources", "--config", str(config)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _row(out: str) -> list[str]:
    for line in out.splitlines():
        cells = [cell.strip() for cell in line.split("  ") if cell.strip()]
        if cells[:3] == ["bsky", "jetstream", "stream"]:
            return cells
    raise AssertionError(out)


def _until(config: Path, shown: Callable[[list[str]], bool], timeout_s: float = 30) -> str:
    deadline = time.monotonic() + timeout_s
    out = _sources(config)
    while not shown(_row(out)) and time.monotonic() < deadline:
        time.sleep(0.5)
        out = _sources(config)
    assert shown(_row(out)), out
    return out


def test_listener_sources_shows_the_stream_connected_then_stopped(tmp_path: Path) -> None:
    with JetstreamServer(capture_lines("capture_v1_golden_10_events.jsonl")) as server:
        config = _config(tmp_path, server.url)
        assert _row(_sources(config))[3] == "never started"
        with listener_run(config):
            out = _until(config, lambda row: row[3] == "connected" and row[6] != "—")
            row = _row(out)
            # CONNECTED FOR, EVENTS/S, LAST EVENT, LAG, RECONNECTS
            assert row[4].endswith(" s") and row[6].endswith(" ago")
            assert row[8] == "0" and server.connections == 1
            assert "bsky:" not in out  # a live stream needs no sentence
        out = _until(config, lambda row: row[3] == "stopped", timeout_s=10)
        assert "bsky: Stopped" in out


def test_a_refused_token_parks_the_stream_with_the_way_out(tmp_path: Path) -> None:
    with JetstreamServer(reject=(401, "bad token")) as server:
        config = _config(tmp_path, server.url)
        with listener_run(config):
            out = _until(config, lambda row: row[3] == "parked")
        assert "fix it in the settings, then run `listener unpark bsky`" in out
        assert "401" in out


def test_a_server_that_refuses_shows_backing_off_with_its_words(tmp_path: Path) -> None:
    with JetstreamServer(reject=(503, "over capacity")) as server:
        config = _config(tmp_path, server.url)
        with listener_run(config):
            out = _until(config, lambda row: row[3] == "backing off")
            note = next(line for line in out.splitlines() if line.startswith("bsky: "))
            assert note.startswith("bsky: Reconnecting") and "503" in note, out
