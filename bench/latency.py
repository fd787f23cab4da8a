"""Post-to-webhook latency: how long after a complaint is posted its alert reaches the team.

    python bench/latency.py [--trials 50] [--rate 100] [--interval S] [--feeds N]
                            [--only stream|poll] [--json]

Runs a real daemon (``listener run``) for each path, with a local webhook receiver as its
only alert channel:

* **stream**: one ``jetstream`` source on a local Jetstream (``bench/jetstream_replay.py``)
  replaying the real captured posts of ``../shared/fixtures/streams/jetstream/`` at
  ``--rate`` events/s (fresh ``time_us`` and record keys, so each is a new post; none is
  about the brand), and every 1–2 s a complaint about the brand among them. Latency runs
  from the moment the complaint leaves on the socket to the webhook's receipt.
  Goal: p95 ≤ 2 s at 100 events/s.
* **poll**: ``--feeds`` RSS sources (default: one per five trials) polled every
  ``--interval`` (default: the shortest the rss type accepts); in each feed, trials one
  after another, a complaint appears at a random moment of the interval. Latency runs
  from the moment it is in the feed to the webhook's receipt. Goal: p95 ≤ interval + 2 s.

Each path prints its trials' p50/p95/max beside the interval and the goal; ``--json`` ends
with one JSON object (``stream_p95_s``, ``poll_p95_s``, ``poll_interval_s`` and the rest).
The first complaint after the daemon starts is a warm-up, shown but not counted. Only the
complaint rule runs, and each complaint has its own author: otherwise follow-ups of one
author, and a wave of complaints (a spike), fold into one alert, as they should. A default
run takes about 2½ minutes with the 10 s interval (2 min 34 s measured: the stream half
≈ 85 s, the poll half ≈ 5 intervals plus start-up; with ``--interval 30``, about 4).
Needs ``../shared/fixtures/streams`` (``--fixtures DIR``) and says so and exits when it is
absent.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from jetstream_replay import JetstreamReplay, load_capture
from latency_world import World, serve

from listener.config.settings import MIN_INTERVAL
from listener.sources.registry import get_source_type

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FIXTURES = ROOT.parent / "shared" / "fixtures" / "streams"
COMPLAINTS = (
    "My Acme order {n} never arrived and nobody answers. Really frustrated.",
    "Acme charged me twice for order {n} and support keeps ignoring me. Unacceptable.",
    "Third week waiting for my Acme refund on order {n}. Worst service ever.",
)
STREAM_GOAL_S = 2.0
POLL_SLACK_S = 2.0


@dataclass
class Trials:
    """One path's trials: latencies in seconds, and the trials that never alerted."""

    name: str
    latencies: list[float] = field(default_factory=list)
    missing: int = 0
    repeated: int = 0  # trials alerted more than once
    warmup_s: float | None = None
    sent_rate: float | None = None  # the stream's background as really sent, events/s
    notes: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float | int | None]:
        done = sorted(self.latencies)
        return {
            "trials": len(done) + self.missing,
            "alerted": len(done),
            "missing": self.missing,
            "repeated": self.repeated,
            "p50_s": round(statistics.median(done), 3) if done else None,
            "p95_s": round(p95(done), 3) if done else None,
            "max_s": round(done[-1], 3) if done else None,
            "warmup_s": None if self.warmup_s is None else round(self.warmup_s, 3),
        }


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def shortest_rss_interval() -> int:
    minimum = get_source_type("rss").info.min_interval or MIN_INTERVAL
    return max(1, math.ceil(minimum.total_seconds()))


def settings(sources: str, hook: str) -> str:
    return f"""
brands: [{{name: Acme, query: acme}}]
sources:
{sources}
storage: {{sqlite: listener.db}}
web: {{enabled: false}}
alerts:
  enabled: true
  channels: [{{name: hook, type: webhook, url: "{hook}"}}]
  # The complaint rule alone: fifty complaints in a few minutes are a spike, and with the
  # spike rule on they would fold into one incident alert (as a real wave should).
  rules: [{{type: complaint}}]
"""


class Daemon:
    """``listener run`` on a settings file in a folder of its own; its stderr kept to show."""

    def __init__(self, folder: Path, config: str) -> None:
        path = folder / "settings.yaml"
        path.write_text(config, encoding="utf-8")
        self.log = folder / "daemon.log"
        listener = Path(sys.executable).with_name("listener")
        self.process = subprocess.Popen(
            [str(listener), "run", "--config", str(path)],
            cwd=folder,
            stderr=self.log.open("w", encoding="utf-8"),
            stdout=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    def said(self) -> str:
        return self.log.read_text(encoding="utf-8").strip()[-3000:]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def first_arrival(world: World, key: str, since: float) -> float | None:
    arrivals = world.arrivals(key)
    return arrivals[0] - since if arrivals else None


def run_stream(args: argparse.Namespace, rng: random.Random) -> Trials | None:
    result = Trials("stream")
    replay = JetstreamReplay(load_capture(args.fixtures / "jetstream"), rate=args.rate).start()
    world = World()
    server = serve(world)
    hook = f"http://127.0.0.1:{server.server_port}/hook"
    base = f"http://127.0.0.1:{server.server_port}"
    source = f'  - {{name: sky, type: jetstream, url: "{replay.url}", appview_url: "{base}"}}'
    with tempfile.TemporaryDirectory() as tmp:
        daemon = Daemon(Path(tmp), settings(source, hook))
        try:
            if not wait_for(lambda: replay.stats.background_sent > 0, 60):
                print(
                    f"the daemon never read the stream; it said:\n{daemon.said()}", file=sys.stderr
                )
                return None
            time.sleep(2.0)  # a little load before the warm-up, as a running daemon has
            warm = replay.inject(COMPLAINTS[0].format(n="w"))
            if wait_for(lambda: bool(world.arrivals(warm)), 30):
                result.warmup_s = first_arrival(world, warm, replay.sent_at(warm) or 0.0)
            started = time.monotonic()
            keys: list[str] = []
            for n in range(args.trials):
                time.sleep(rng.uniform(1.0, 2.0))
                text = COMPLAINTS[n % len(COMPLAINTS)].format(n=1000 + n)
                # Each from its own author: one author's follow-ups fold into one alert.
                keys.append(replay.inject(text, did=f"did:plc:latencybench{n:012d}"))
            elapsed = time.monotonic() - started
            wait_for(lambda: all(world.arrivals(key) for key in keys), 15)
        finally:
            daemon.stop()
            server.shutdown()
            replay.stop()
    for key in keys:
        sent = replay.sent_at(key)
        arrivals = world.arrivals(key)
        if sent is None or not arrivals:
            result.missing += 1
            continue
        result.latencies.append(arrivals[0] - sent)
        result.repeated += len(arrivals) > 1
    stats = replay.stats
    span = (stats.last_background_at or 0.0) - (stats.first_background_at or 0.0)
    sent_rate = stats.background_sent / span if span > 0 else 0.0
    result.notes.append(
        f"{stats.background_sent} background posts sent at {sent_rate:.1f}/s ({args.rate:g}/s"
        f" asked), {args.trials} complaints every 1-2 s over {elapsed:.0f} s,"
        f" {stats.connections} connection(s)"
    )
    result.sent_rate = sent_rate
    return result


def run_poll(args: argparse.Namespace, rng: random.Random) -> Trials | None:
    result = Trials("poll")
    feeds = args.feeds or max(1, math.ceil(args.trials / 5))
    world = World(feeds)
    server = serve(world)
    base = f"http://127.0.0.1:{server.server_port}"
    sources = "\n".join(
        f'  - {{name: forum{n}, type: rss, interval: {args.interval}s, url: "{base}/feed/{n}.xml"}}'
        for n in range(feeds)
    )
    share = [args.trials // feeds + (n < args.trials % feeds) for n in range(feeds)]
    latencies: list[float | None] = []
    lock = threading.Lock()
    limit = args.interval * 2 + 15

    def trials_of(feed: int, count: int, seed: int) -> None:
        own = random.Random(seed)
        for trial in range(count):
            time.sleep(own.uniform(0.0, args.interval))
            guid = f"f{feed}t{trial}"
            text = COMPLAINTS[(feed + trial) % len(COMPLAINTS)].format(n=feed * 100 + trial)
            appeared = world.publish(feed, guid, text)
            key = f"/t/{guid}"
            wait_for(lambda key=key: bool(world.arrivals(key)), limit)
            with lock:
                latencies.append(first_arrival(world, key, appeared))
                result.repeated += len(world.arrivals(key)) > 1

    with tempfile.TemporaryDirectory() as tmp:
        daemon = Daemon(Path(tmp), settings(sources, f"{base}/hook"))
        try:
            if not wait_for(lambda: all(world.polls), 60):
                print(f"the daemon never polled; it said:\n{daemon.said()}", file=sys.stderr)
                return None
            started = time.monotonic()
            workers = [
                threading.Thread(target=trials_of, args=(n, share[n], rng.random()))
                for n in range(feeds)
            ]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            elapsed = time.monotonic() - started
        finally:
            daemon.stop()
            server.shutdown()
    result.latencies = [value for value in latencies if value is not None]
    result.missing = sum(value is None for value in latencies)
    gaps = [b - a for polls in world.polls for a, b in itertools.pairwise(polls)]
    result.notes.append(
        f"{feeds} rss feeds polled every {args.interval} s (longest gap between polls"
        f" {max(gaps, default=0.0):.1f} s), {args.trials} complaints, each at a random moment"
        f" of the interval, over {elapsed:.0f} s"
    )
    return result


def table(stream: Trials | None, poll: Trials | None, interval: int) -> list[str]:
    def cell(value: float | int | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    rows = [
        f"{'path':<7} {'trials':>6} {'missing':>7} {'twice':>5} {'p50 s':>6} {'p95 s':>6}"
        f" {'max s':>6} {'interval':>8}  goal"
    ]
    for path, interval_cell, goal in (
        (stream, "-", STREAM_GOAL_S),
        (poll, f"{interval} s", interval + POLL_SLACK_S),
    ):
        if path is None:
            continue
        f = path.figures()
        met = f["p95_s"] is not None and not path.missing and float(f["p95_s"] or 0) <= goal
        rows.append(
            f"{path.name:<7} {f['trials']:>6} {f['missing']:>7} {f['repeated']:>5}"
            f" {cell(f['p50_s']):>6} {cell(f['p95_s']):>6} {cell(f['max_s']):>6}"
            f" {interval_cell:>8}  p95 <= {goal:g} s: {'met' if met else 'NOT met'}"
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=50, help="complaints per path (>= 50)")
    parser.add_argument("--rate", type=float, default=100.0, help="stream background, events/s")
    parser.add_argument("--interval", type=int, default=None, help="rss interval, s")
    parser.add_argument("--feeds", type=int, default=None, help="rss feeds polled at once")
    parser.add_argument("--only", choices=("stream", "poll"), default=None)
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()
    if args.trials < 1:
        parser.error("--trials must be at least 1")
    if args.interval is None:
        args.interval = shortest_rss_interval()
    if not (args.fixtures / "jetstream").is_dir():
        print(f"skipped: no stream captures at {args.fixtures} (pass --fixtures DIR)")
        return 0
    rng = random.Random(args.seed)
    stream = run_stream(args, rng) if args.only != "poll" else None
    poll = run_poll(args, rng) if args.only != "stream" else None
    if (args.only != "poll" and stream is None) or (args.only != "stream" and poll is None):
        return 1
    for path in (stream, poll):
        if path is not None:
            for note in path.notes:
                print(f"{path.name}: {note}")
            if path.warmup_s is not None:
                print(
                    f"{path.name}: first complaint after start (not counted) {path.warmup_s:.2f} s"
                )
    print("\n".join(table(stream, poll, args.interval)))
    if args.json:
        figures: dict[str, object] = {"poll_interval_s": args.interval, "rate_eps": args.rate}
        for path in (stream, poll):
            if path is not None:
                figures.update({f"{path.name}_{k}": v for k, v in path.figures().items()})
        if stream is not None:
            figures["stream_sent_rate_eps"] = round(stream.sent_rate or 0.0, 1)
            figures["stream_goal_s"] = STREAM_GOAL_S
        if poll is not None:
            figures["poll_goal_s"] = args.interval + POLL_SLACK_S
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
