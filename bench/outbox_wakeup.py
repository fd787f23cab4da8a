"""What the daemon's watch for outbox rows queued by other processes costs, and how fast it is.

    python bench/outbox_wakeup.py [--looks N] [--flushes N] [--trials N] [--json]

The daemon asks ``PRAGMA data_version`` on a connection of its own every ``WATCH_EVERY_S``
(``alerts.outbox_watch``), and flushes the outbox when another connection committed. Three
figures, on a real store file in a temporary folder:

- one look, in microseconds (CPU time of this process), and the share of one core the watch
  takes at its interval;
- one flush that finds nothing to send (what a change that queued no row costs: the flush
  lock, the sent journal, the due-rows query), in microseconds;
- the lag from another connection's commit to the watch's wake-up, p50/p95 over
  ``--trials`` commits at random moments (wall time: it is sleeping, not computing).

``--json`` prints one JSON object as the last line: ``look_us``, ``watch_core_share``,
``empty_flush_us``, ``wake_p50_s``, ``wake_p95_s``, ``watch_every_s``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from alerts.outbox import OutboxSender, build_templates  # noqa: E402
from alerts.outbox_lock import outbox_lock_path  # noqa: E402
from alerts.outbox_watch import WATCH_EVERY_S, StoreChanges, watch_store  # noqa: E402
from alerts.sent_journal import sent_journal_path  # noqa: E402
from listener.config.settings import load_settings  # noqa: E402
from listener.models import SourceState  # noqa: E402
from listener.store import SQLiteStore, open_store  # noqa: E402


def look_cost_us(database: Path, looks: int) -> float:
    writer = open_store(database)
    changes = StoreChanges(database)
    try:
        started = time.process_time()
        for n in range(looks):
            if n % 1000 == 0:  # some looks find a change, as in a busy daemon
                writer.save_source_state(SourceState(source="bench", items_total=n))
            changes.changed()
        spent = time.process_time() - started
        # The writes are not the watch's cost: time them alone and take them out.
        started = time.process_time()
        for n in range(0, looks, 1000):
            writer.save_source_state(SourceState(source="bench", items_total=n))
        spent -= time.process_time() - started
    finally:
        changes.close()
        writer.close()
    return max(spent, 0.0) / looks * 1e6


def empty_flush_us(folder: Path, database: Path, flushes: int) -> float:
    config = folder / "settings.yaml"
    config.write_text(
        f"brands: [{{name: Acme, query: acme}}]\nstorage: {{sqlite: {database}}}\n",
        encoding="utf-8",
    )
    settings = load_settings(config, environ={})
    store = open_store(database)

    async def run() -> float:
        async with httpx.AsyncClient() as http:
            sender = OutboxSender(
                store,
                settings,
                http=http,
                templates=build_templates(settings),
                lock_path=outbox_lock_path(database),
                journal_path=sent_journal_path(database),
            )
            await sender.flush()
            started = time.process_time()
            for _ in range(flushes):
                await sender.flush()
            return (time.process_time() - started) / flushes * 1e6

    try:
        return asyncio.run(run())
    finally:
        store.close()


def commit(writer: SQLiteStore, items: int) -> float:
    """Commit a change on ``writer``'s connection; when it was committed."""
    writer.save_source_state(SourceState(source="bench", items_total=items))
    return time.monotonic()


def wake_lags_s(database: Path, trials: int) -> list[float]:
    rng = random.Random(17)
    lags: list[float] = []

    async def run() -> None:
        woken = asyncio.Event()
        watching = asyncio.create_task(watch_store(database, woken.set))
        writer = open_store(database)
        try:
            await asyncio.sleep(2 * WATCH_EVERY_S)  # the watch has its first reading
            for n in range(trials):
                await asyncio.sleep(rng.uniform(0.05, 2 * WATCH_EVERY_S))
                woken.clear()
                committed = await asyncio.to_thread(commit, writer, n)
                await asyncio.wait_for(woken.wait(), timeout=5)
                lags.append(max(time.monotonic() - committed, 0.0))
        finally:
            watching.cancel()
            writer.close()

    asyncio.run(run())
    return lags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--looks", type=int, default=100_000)
    parser.add_argument("--flushes", type=int, default=2_000)
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        database = folder / "listener.db"
        open_store(database).close()  # schema in place, as under a running daemon
        look_us = look_cost_us(database, args.looks)
        flush_us = empty_flush_us(folder, database, args.flushes)
        lags = sorted(wake_lags_s(database, args.trials))
    share = look_us / 1e6 / WATCH_EVERY_S
    p50 = statistics.median(lags)
    p95 = lags[min(len(lags) - 1, round(0.95 * (len(lags) - 1)))]
    print(f"watch interval            {WATCH_EVERY_S:.2f} s")
    print(f"one look (data_version)   {look_us:8.1f} µs CPU   ({share:.4%} of a core)")
    print(f"one empty flush           {flush_us:8.1f} µs CPU")
    print(f"commit → wake-up          p50 {p50:.3f} s   p95 {p95:.3f} s   ({len(lags)} commits)")
    if args.json:
        print(
            json.dumps(
                {
                    "look_us": round(look_us, 2),
                    "watch_core_share": share,
                    "empty_flush_us": round(flush_us, 1),
                    "wake_p50_s": round(p50, 4),
                    "wake_p95_s": round(p95, 4),
                    "watch_every_s": WATCH_EVERY_S,
                }
            )
        )


if __name__ == "__main__":
    main()
