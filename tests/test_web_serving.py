"""Serving, as an operator meets it: ``listener run`` and ``listener web`` as real
subprocesses on real ports — the address printed, the app answering, SIGTERM stopping it
within five seconds, and the refusals (a reachable address with no accounts, a port in use,
web.enabled false) as one clear sentence each."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.web_fixtures import free_port

LISTENER = Path(sys.executable).with_name("listener")
STOP_WITHIN_S = 5.0


def write_settings(tmp_path: Path, port: int, web: str = "") -> Path:
    path = tmp_path / "settings.yaml"
    path.write_text(
        "brands:\n  - name: Acme\n    query: acme\n"
        f"storage:\n  sqlite: {tmp_path / 'listener.db'}\n"
        f"web:\n  port: {port}\n{web}",
        encoding="utf-8",
    )
    return path


@dataclass
class Running:
    process: subprocess.Popen[str]
    lines: queue.Queue[str] = field(default_factory=queue.Queue)
    seen: list[str] = field(default_factory=list)

    def wait_for(self, prefix: str, timeout_s: float = 20) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.seen.append(line)
            if line.startswith(prefix):
                return line
        raise AssertionError(f"no line starting {prefix!r}; stdout was {self.seen}")


Launch = Callable[..., Running]


@pytest.fixture
def start() -> Iterator[Launch]:
    started: list[Running] = []

    def launch(*args: str) -> Running:
        process = subprocess.Popen(
            [str(LISTENER), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        running = Running(process)

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                running.lines.put(line.rstrip("\n"))

        threading.Thread(target=read, daemon=True).start()
        started.append(running)
        return running

    yield launch
    for running in started:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait(10)


def stop(running: Running) -> tuple[float, str]:
    began = time.monotonic()
    running.process.send_signal(signal.SIGTERM)
    _, err = running.process.communicate(timeout=30)
    return time.monotonic() - began, err


def test_run_prints_the_address_serves_the_app_and_stops_on_sigterm(
    tmp_path: Path, start: Launch
) -> None:
    port = free_port()
    running = start("run", "--config", str(write_settings(tmp_path, port)))
    line = running.wait_for("web app: ")
    assert line == f"web app: http://127.0.0.1:{port}/"
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
        assert http.get("/healthz").status_code == 200
        home = http.get("/", follow_redirects=False)
        assert home.status_code == 303 and home.headers["location"] == "/inbox"
        ready = http.get("/readyz")
        for _ in range(50):  # the first tick comes within moments of the start
            if ready.status_code == 200:
                break
            time.sleep(0.1)
            ready = http.get("/readyz")
        assert ready.status_code == 200, ready.text
        checks = {c["name"]: c for c in ready.json()["checks"]}
        assert checks["scheduler"]["detail"].startswith("ticked")
        # One process: the daemon's own counters are on the app's /metrics.
        assert "listener_outbox_pending" in http.get("/metrics").text or (
            "listener_polls" in http.get("/metrics").text
        )
    took_s, err = stop(running)
    assert running.process.returncode == 0, err
    assert took_s <= STOP_WITHIN_S, f"took {took_s:.1f} s to stop"
    assert "web app serving" in err and "listener stopped" in err
    assert "Traceback" not in err
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/healthz")


def test_sigterm_stops_run_in_time_with_an_event_stream_open(tmp_path: Path, start: Launch) -> None:
    # An inbox left open holds a server-sent event stream: it must not hold the stop.
    port = free_port()
    running = start("run", "--config", str(write_settings(tmp_path, port)))
    running.wait_for("web app: ")
    stream = socket.create_connection(("127.0.0.1", port), timeout=10)
    stream.sendall(f"GET /inbox/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += stream.recv(4096)
    try:
        assert head.startswith(b"HTTP/1.1 200") and b"text/event-stream" in head, head
        took_s, err = stop(running)
    finally:
        stream.close()
    assert running.process.returncode == 0, err
    assert took_s <= STOP_WITHIN_S, f"took {took_s:.1f} s to stop"


def test_the_app_follows_the_settings_the_daemon_reloads(tmp_path: Path, start: Launch) -> None:
    port = free_port()
    config = write_settings(tmp_path, port)
    running = start("run", "--config", str(config))
    running.wait_for("web app: ")
    url = f"http://127.0.0.1:{port}/api/v1/sources"

    def names() -> list[str]:
        return [item["name"] for item in httpx.get(url).json()["items"]]

    assert names() == []
    # The daemon notices an edited file by itself; the app must show what it now polls.
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text + "sources:\n  - {name: offline, type: rss, interval: 10m,"
        " url: 'http://127.0.0.1:9/feed.xml'}\n",
        encoding="utf-8",
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and names() != ["offline"]:
        time.sleep(0.2)
    assert names() == ["offline"]
    _took_s, err = stop(running)
    assert running.process.returncode == 0, err
    assert "web app follows the reloaded settings" in err


def test_web_serves_the_app_alone(tmp_path: Path, start: Launch) -> None:
    port = free_port()
    running = start("web", "--config", str(write_settings(tmp_path, port)))
    assert running.wait_for("web app: ") == f"web app: http://127.0.0.1:{port}/"
    ready = httpx.get(f"http://127.0.0.1:{port}/readyz")
    assert ready.status_code == 200
    checks = {c["name"]: c for c in ready.json()["checks"]}
    assert "no daemon" in checks["scheduler"]["detail"]
    took_s, err = stop(running)
    assert running.process.returncode == 0, err
    assert took_s <= STOP_WITHIN_S


@pytest.mark.parametrize("command", ["run", "web"])
def test_a_reachable_address_without_accounts_is_refused(tmp_path: Path, command: str) -> None:
    port = free_port()
    config = write_settings(tmp_path, port, "  host: 0.0.0.0\n")
    done = subprocess.run(
        [str(LISTENER), command, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "no accounts exist" in done.stderr and "listener users add" in done.stderr
    assert "Traceback" not in done.stderr
    assert "web app:" not in done.stdout


@pytest.mark.parametrize("command", ["run", "web"])
def test_a_port_in_use_is_a_clear_error(tmp_path: Path, command: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(LISTENER), command, "--config", str(write_settings(tmp_path, port))],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"web.port {port} is in use" in done.stderr
    assert "Traceback" not in done.stderr


def test_run_without_the_web_app_when_it_is_disabled(tmp_path: Path, start: Launch) -> None:
    port = free_port()
    config = write_settings(tmp_path, port, "  enabled: false\n")
    running = start("run", "--config", str(config))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (tmp_path / "listener.db").exists():
        time.sleep(0.1)
    time.sleep(1.0)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/healthz")
    _took_s, err = stop(running)
    assert running.process.returncode == 0, err
    assert "listener started" in err and "web app" not in err


def test_on_every_interface_the_address_for_colleagues_is_the_machines_name(
    tmp_path: Path, start: Launch
) -> None:
    from datetime import UTC, datetime

    from listener.store import accounts, open_store

    port = free_port()
    config = write_settings(tmp_path, port, "  host: 0.0.0.0\n")
    store = open_store(str(tmp_path / "listener.db"))
    try:  # a reachable address needs an account to start
        accounts.add_user(store, "ops", "admin", "plum-orchard-lantern-42", datetime.now(UTC))
    finally:
        store.close()
    running = start("web", "--config", str(config))
    first = running.wait_for("web app: ")
    assert first == f"web app: http://0.0.0.0:{port}/ (0.0.0.0 means every interface)"
    shared = running.wait_for("web app for colleagues: ")
    assert shared == f"web app for colleagues: http://{socket.gethostname()}:{port}/"
    _took_s, err = stop(running)
    assert running.process.returncode == 0, err
