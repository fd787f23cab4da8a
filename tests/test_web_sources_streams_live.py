"""The sources page of a running daemon (`listener run`, a subprocess, its web app on a real
port) listening to a local Jetstream: a stream that is rate-limited waits a minute before it
connects again, and "Reconnect now" makes it try at once; once it connects, the page says
it is live and the button is gone. A refused token parks it, and Unpark brings it back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.daemon_process import daemon_web_client, listener_run, wait_for
from tests.jetstream_server import JetstreamServer, capture_lines
from tests.web_fixtures import free_port


def _stream(client: httpx.Client) -> dict[str, Any]:
    rows = client.get("/api/v1/sources").json()["items"]
    health: dict[str, Any] = rows[0]["stream"]
    return health


@contextmanager
def _daemon_app(tmp_path: Path, server: JetstreamServer) -> Iterator[httpx.Client]:
    """``listener run`` on a stream of ``server``; a client of its web app holding CSRF."""
    port = free_port()
    config = tmp_path / "settings.yaml"
    config.write_text(
        "brands:\n  - name: Acme\n    query: acme\n"
        f"storage:\n  sqlite: {tmp_path / 'listener.db'}\n"
        f"web:\n  port: {port}\n"
        "sources:\n  - name: bsky\n    type: jetstream\n"
        f"    url: {server.url}\n"
        "    resolve_handles: false\n    appview_url: http://127.0.0.1:9\n",
        encoding="utf-8",
    )
    with listener_run(config), daemon_web_client(port) as client:
        yield client


def test_reconnect_now_skips_a_rate_limits_wait(tmp_path: Path) -> None:
    lines = capture_lines("capture_v1_golden_10_events.jsonl")
    # 429 twice: the first wait is a minute (the rate-limit policy), longer than this test.
    with (
        JetstreamServer(lines, reject=(429, "too many connections"), reject_times=2) as server,
        _daemon_app(tmp_path, server) as client,
    ):
        assert wait_for(lambda: _stream(client)["state"] == "backing_off", 15)
        waiting = _stream(client)
        assert waiting["can_reconnect"] is True and "429" in waiting["last_error"]
        next_try = datetime.fromisoformat(waiting["retry_at"])
        assert next_try > datetime.now(UTC) + timedelta(seconds=30)
        assert waiting["sentence"].startswith("Reconnecting in ")
        page = client.get("/sources").text
        assert "Reconnect now" in page and "too many connections" in page
        assert server.rejected == 1
        asked = client.post("/api/v1/sources/bsky/poll")
        assert asked.status_code == 200, asked.text
        assert asked.json() == {**asked.json(), "by": "daemon", "message": "bsky reconnects now"}
        # Without the button the next try was a minute away.
        assert wait_for(lambda: server.rejected == 2, 5), "reconnect now did not reconnect"
        assert wait_for(lambda: _stream(client)["state"] == "backing_off", 5)
        # The page's form, as a browser without JavaScript sends it.
        token = client.headers.pop("X-CSRF-Token")
        sent = client.post("/sources/bsky/poll", data={"csrf_token": token})
        assert sent.status_code == 303
        assert wait_for(lambda: _stream(client)["state"] == "connected", 10)
        live = client.get("/sources").text
        assert "Reconnect now" not in live and "Live — " in live


def test_a_refused_token_parks_until_unparked_from_the_page(tmp_path: Path) -> None:
    lines = capture_lines("capture_v1_golden_10_events.jsonl")
    with (
        JetstreamServer(lines, reject=(401, "bad token"), reject_times=1) as server,
        _daemon_app(tmp_path, server) as client,
    ):
        assert wait_for(lambda: _stream(client)["state"] == "parked", 15)
        page = " ".join(client.get("/sources").text.split())
        assert "fix it in the settings, then Unpark" in page and "401" in page
        assert "Reconnect now" not in page and 'action="/sources/bsky/unpark"' in page
        assert server.connections == 0
        unparked = client.post("/api/v1/sources/bsky/unpark")
        assert unparked.json()["message"] == "bsky unparked; reconnecting now"
        assert wait_for(lambda: _stream(client)["state"] == "connected", 10)
        assert server.connections == 1
