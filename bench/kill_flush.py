"""Duplicate deliveries when the daemon is killed (SIGKILL) in the middle of a busy flush.

    python bench/kill_flush.py [--complaints 700] [--kills 30] [--seed 1] [--json]

A real ``listener run`` reads a feed of ``--complaints`` complaints from a local server and
sends their alerts to a local webhook receiver; while it is sending, it is killed with
SIGKILL at a random moment and started again, ``--kills`` times, then left to finish. The
receiver counts deliveries by their ``X-Listener-Delivery`` key: a key received twice is a
duplicate. Only a kill inside one call to the receiver (after the receiver took the message,
before the daemon read the answer) may repeat a message; anything more means sent marks are
recorded late.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

COMPLAINT = "My Acme order {n} never arrived and nobody answers. Really frustrated."


class Receiver:
    def __init__(self, feed: bytes, answer_delay_s: float) -> None:
        self.feed = feed
        self.keys: list[str] = []
        self.arrived: dict[str, float] = {}  # key → when its first copy arrived
        self.answered: dict[str, float] = {}  # key → when the 2xx to that copy was written
        self.lock = threading.Lock()
        self.answer_delay_s = answer_delay_s


def serve(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(receiver.feed)))
            self.end_headers()
            self.wfile.write(receiver.feed)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            key = self.headers.get("X-Listener-Delivery", "?")
            with receiver.lock:
                receiver.keys.append(key)
                first = key not in receiver.arrived
                receiver.arrived.setdefault(key, time.monotonic())
            time.sleep(receiver.answer_delay_s)  # a receiver on the network takes a moment
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            if first:
                with receiver.lock:
                    receiver.answered[key] = time.monotonic()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def feed(count: int) -> bytes:
    now = datetime.now(UTC)
    items = "".join(
        f"<item><guid>c{n}</guid><title>Order {n}</title>"
        f"<link>https://forum.example.org/t/c{n}</link>"
        f"<author>user{n}@example.org (User {n})</author>"
        f"<description>{COMPLAINT.format(n=n)}</description>"
        f"<pubDate>{format_datetime(now - timedelta(minutes=2))}</pubDate></item>"
        for n in range(count)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Forum</title><link>https://forum.example.org/</link>{items}</channel></rss>"
    ).encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=700)
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--answer-delay-ms", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    receiver = Receiver(feed(args.complaints), args.answer_delay_ms / 1000)
    server = serve(receiver)
    base = f"http://127.0.0.1:{server.server_port}"
    listener = Path(sys.executable).with_name("listener")
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "settings.yaml"
        config.write_text(
            f"""
brands: [{{name: Acme, query: acme}}]
sources:
  - {{name: forum, type: rss, interval: 10m, url: "{base}/feed.xml"}}
storage: {{sqlite: listener.db}}
web: {{enabled: false}}
alerts:
  enabled: true
  channels: [{{name: hook, type: webhook, url: "{base}/hook"}}]
  rules: [{{type: complaint}}]  # no spike rule: a wave folded into one incident sends one
  retry: {{backoff_base: 1s, backoff_max: 2s}}
""",
            encoding="utf-8",
        )

        def start() -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                [str(listener), "run", "--config", str(config)],
                stderr=subprocess.DEVNULL,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )

        kills = 0
        kill_times: list[float] = []
        while kills < args.kills:
            before = len(receiver.keys)
            daemon = start()
            deadline = time.monotonic() + 20
            while len(receiver.keys) == before and time.monotonic() < deadline:
                time.sleep(0.005)  # wait until it is sending
            if len(receiver.keys) == before:
                daemon.kill()
                daemon.wait()
                break  # nothing left to send
            time.sleep(rng.uniform(0.0, 0.4))
            kill_times.append(time.monotonic())
            daemon.send_signal(signal.SIGKILL)
            daemon.wait()
            kills += 1
        # Left to finish: until nothing new arrives for a few seconds.
        daemon = start()
        quiet_since, seen = time.monotonic(), len(receiver.keys)
        while time.monotonic() - quiet_since < 5:
            time.sleep(0.2)
            if len(receiver.keys) != seen:
                quiet_since, seen = time.monotonic(), len(receiver.keys)
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(30)
        server.shutdown()
        # A row tried more than once had a failed attempt (a timeout, a reset): the receiver
        # may have had that copy too, which no kill explains.
        with sqlite3.connect(Path(tmp) / "listener.db") as conn:
            retried = conn.execute("SELECT count(*) FROM deliveries WHERE attempts > 1").fetchone()[
                0
            ]
    counts = Counter(receiver.keys)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    # A repeat whose first copy was answered well before the kill that ended its run was
    # sent again although the daemon had time to read its 2xx (a late sent mark); else the
    # kill came during the call to the receiver (or the answer had not been read yet).
    late_marks = 0
    for key, n in counts.items():
        if n == 1 or key not in receiver.answered:
            continue
        kills_after = [t for t in kill_times if t > receiver.arrived[key]]
        if kills_after and min(kills_after) - receiver.answered[key] > 0.05:
            late_marks += 1
    figures = {
        "kills": kills,
        "deliveries": len(receiver.keys),
        "distinct": len(counts),
        "duplicates": duplicates,
        "duplicates_after_answer": late_marks,
        "rows_retried_after_a_failure": retried,
    }
    print(
        f"{kills} kills during the flush: {len(receiver.keys)} deliveries of {len(counts)}"
        f" alerts, {duplicates} duplicates ({late_marks} answered more than 50 ms before the"
        " kill: a sent mark recorded late; the rest were in the call to the receiver);"
        f" {retried} rows had a failed attempt before their send"
    )
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
