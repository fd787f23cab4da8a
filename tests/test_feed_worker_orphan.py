"""A parse worker never outlives the daemon that started it, even one killed with SIGKILL."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux prctl")

# A stand-in for the daemon: it starts a worker the way the pool does, and a second child
# that keeps the worker's stdin open, so the worker cannot see its parent go by EOF alone.
PARENT = """
import os, subprocess, sys, time
worker = subprocess.Popen(
    [sys.executable, "-m", "listener.sources.feed_worker", str(os.getpid())],
    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
)
holder = subprocess.Popen(
    [sys.executable, "-c", "import time; time.sleep(60)"],
    pass_fds=[worker.stdin.fileno()], start_new_session=True,
)
print(worker.pid, holder.pid, flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has stopped; only its reaping is left


def test_a_worker_dies_with_its_parent_even_when_its_stdin_stays_open() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True, cwd=Path.cwd()
    )
    assert parent.stdout is not None
    worker_pid, holder_pid = map(int, parent.stdout.readline().split())
    try:
        time.sleep(0.5)  # the worker is up and reading its stdin
        assert _alive(worker_pid)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while _alive(worker_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker_pid), "the worker outlived its parent"
        assert _alive(holder_pid)  # its stdin was still open: only the parent's death ended it
    finally:
        for pid in (worker_pid, holder_pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
