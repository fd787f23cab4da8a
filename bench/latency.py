"""Poll-to-webhook latency: how long after a complaint appears in a feed its alert arrives.

    python bench/latency.py [--interval 30] [--samples 4] [--json]

Runs a real daemon (``listener run``) against a feed served from this machine and a local
webhook receiver. After the daemon's first poll, a complaint is added to the feed at a
random moment (every other sample: just after a poll, the worst case, which waits one
whole interval) and the time until the webhook has it is taken. The goal is
``interval + 1 s`` at most: the next poll no later than the interval (jitter only ever
makes it earlier) and the alert sent as soon as its transaction commits.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

COMPLAINT = "My Acme order {n} never arrived and nobody answers. Really frustrated."


class World:
    """The feed the daemon reads and the webhook it posts to, on one local server."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.polls: list[float] = []
        self.received: dict[str, float] = {}  # guid in the alert → when it arrived

    def feed(self) -> bytes:
        now = datetime.now(UTC)
        with self.lock:
            entries = list(self.entries)
        items = "".join(
            f"<item><guid>{guid}</guid><title>{escape(text[:60])}</title>"
            f"<link>https://forum.example.org/t/{guid}</link>"
            f"<description>{escape(text)}</description>"
            f"<pubDate>{format_datetime(now - timedelta(minutes=1))}</pubDate></item>"
            for guid, text in entries
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Forum</title><link>https://forum.example.org/</link>{items}</channel></rss>"
        ).encode()


def serve(world: World) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            world.polls.append(time.monotonic())
            body = world.feed()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            arrived = time.monotonic()
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            text = body.decode("utf-8", "replace")
            with world.lock:
                for guid, _ in world.entries:
                    if f"/t/{guid}" in text and guid not in world.received:
                        world.received[guid] = arrived
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interval", type=int, default=30, help="the source's interval, s")
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    world = World()
    server = serve(world)
    base = f"http://127.0.0.1:{server.server_port}"
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "settings.yaml"
        config.write_text(
            f"""
brands: [{{name: Acme, query: acme}}]
sources:
  - {{name: forum, type: rss, interval: {args.interval}s, url: "{base}/feed.xml"}}
storage: {{sqlite: listener.db}}
web: {{enabled: false}}
alerts:
  enabled: true
  channels: [{{name: hook, type: webhook, url: "{base}/hook"}}]
""",
            encoding="utf-8",
        )
        listener = Path(sys.executable).with_name("listener")
        log = Path(tmp) / "daemon.log"  # its words, should it never poll
        daemon = subprocess.Popen(
            [str(listener), "run", "--config", str(config)],
            stderr=log.open("w", encoding="utf-8"),
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        latencies: list[float] = []
        after_poll: list[float] = []  # from the poll that first saw the complaint
        try:
            deadline = time.monotonic() + 60
            while not world.polls and time.monotonic() < deadline:
                time.sleep(0.05)
            if not world.polls:
                said = log.read_text(encoding="utf-8").strip()
                print(f"the daemon never polled; it said:\n{said}", file=sys.stderr)
                return 1
            for n in range(args.samples):
                if n % 2:
                    # The worst case: just after a poll, so it waits a whole interval.
                    polls = len(world.polls)
                    while len(world.polls) == polls:
                        time.sleep(0.005)
                    time.sleep(0.05)
                else:  # anywhere in the interval
                    time.sleep(rng.uniform(0.0, args.interval))
                guid = f"c{n}"
                with world.lock:
                    world.entries.append((guid, COMPLAINT.format(n=n)))
                appeared = time.monotonic()
                limit = appeared + args.interval * 2 + 10
                while guid not in world.received and time.monotonic() < limit:
                    time.sleep(0.01)
                if guid not in world.received:
                    print(f"sample {n}: no alert within {limit - appeared:.0f} s", file=sys.stderr)
                    return 1
                latency = world.received[guid] - appeared
                latencies.append(latency)
                seen_by = min(t for t in world.polls if t >= appeared)
                after_poll.append(world.received[guid] - seen_by)
                print(
                    f"sample {n}: alert {latency:.2f} s after the complaint appeared,"
                    f" {after_poll[-1]:.2f} s after the poll that read it",
                    flush=True,
                )
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(30)
            server.shutdown()
    gaps = [b - a for a, b in zip(world.polls, world.polls[1:], strict=False)]
    figures = {
        "interval_s": args.interval,
        "latency_max_s": round(max(latencies), 2),
        "latency_median_s": round(statistics.median(latencies), 2),
        "poll_gap_max_s": round(max(gaps), 2) if gaps else None,
        "poll_to_webhook_max_s": round(max(after_poll), 2),
        "goal_s": args.interval + 1,
    }
    print(
        f"interval {args.interval} s: latency median {figures['latency_median_s']} s,"
        f" max {figures['latency_max_s']} s (goal <= {figures['goal_s']} s);"
        f" longest gap between polls {figures['poll_gap_max_s']} s; from the poll that read"
        f" it to the webhook at most {figures['poll_to_webhook_max_s']} s"
    )
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
