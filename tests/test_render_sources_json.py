"""`listener sources --json` keeps a server's hostile words off the terminal: a C1 control
(``\\x9b``, the one-byte CSI) or a bidi override (``\\u202e``) in a stream's error reaches the
screen of whoever runs the command without ``jq``. JSON's own ``\\uXXXX`` escapes carry them
instead, and a JSON reader gets the same text back.

The row is written as the daemon writes it, into a real SQLite file; the command runs as a
person runs it (a subprocess of the installed `listener`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from listener.models import StreamHealth, StreamStatus
from listener.store import open_store
from tests.sources_streams_helpers import sample_environ, settings_text

LISTENER = str(Path(sys.executable).with_name("listener"))
HOSTILE = "refused \x9b31m red \u202etxt.exe\u202c and \x1b[2J cleared"


def test_json_escapes_c1_controls_and_bidi_overrides_from_a_server_s_error(
    tmp_path: Path,
) -> None:
    db = tmp_path / "listener.db"
    config = tmp_path / "settings.yaml"
    config.write_text(settings_text(str(db), with_poll=False), encoding="utf-8")
    with open_store(db) as store:
        store.save_stream_health(
            StreamHealth(
                source="retrying",
                status=StreamStatus.BACKING_OFF,
                updated_at=datetime.now(UTC),
                last_error=HOSTILE,
            )
        )
    done = subprocess.run(
        [LISTENER, "sources", "--json", "--config", str(config)],
        capture_output=True,
        env={**os.environ, **sample_environ()},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for raw in ("\x9b", "\u202e", "\u202c", "\x1b"):
        assert raw.encode() not in out, repr(raw)
    assert out.isascii()
    rows = {row["name"]: row for row in map(json.loads, out.decode().splitlines())}
    assert rows["retrying"]["stream"]["last_error"] == HOSTILE  # the same words, escaped
