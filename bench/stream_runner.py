"""What the stream runner itself costs per event: reader, batcher, brand screen, state.

    python bench/stream_runner.py [--events N] [--match-every N] [--json]

A stream type of the bench's own yields ``--events`` posts from memory (no socket, so the
figure is the runner's and the screen's, not a network's or a parser's), one in
``--match-every`` naming the brand, through a real ``StreamRunner`` with the default batch
window into a real SQLite store in a temporary folder. It prints events/s on the clock and
per CPU second of this process, and the batches it took. Jetstream's public firehose brings
a few hundred posts a second: the runner's share of a core is that rate over the figure.

``--json`` prints one JSON object as the last line: ``events``, ``events_per_s``,
``events_per_cpu_s``, ``batches``, ``stored``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from listener.config.settings import SourceSettings, load_settings
from listener.metrics import Metrics
from listener.models import Author, RawItem, SourceState
from listener.pipeline.run import Pipeline
from listener.service.stream_setup import StreamSetup
from listener.service.streams import StreamRunner
from listener.sources.base import SourceType
from listener.sources.registry import get_source_type
from listener.sources.streaming import StreamEvent
from listener.store import open_store


def events(n: int, match_every: int) -> list[StreamEvent]:
    at = datetime.now(UTC)
    out = []
    for i in range(n):
        words = f"acme made post {i} today" if i % match_every == 0 else f"lunch post {i} today"
        item = RawItem(
            native_id=f"p{i}", html=words, author=Author(handle=f"a{i % 97}"), published_at=at
        )
        out.append(StreamEvent(items=(item,), position=str(i + 1), at=at))
    return out


async def measure(n: int, match_every: int, folder: Path) -> dict[str, Any]:
    (folder / "settings.yaml").write_text(
        "brands:\n  - name: Acme\n    query: acme\nstorage:\n  sqlite: bench.db\n",
        encoding="utf-8",
    )
    settings = load_settings(folder / "settings.yaml", environ={})
    posts = events(n, match_every)
    finished = asyncio.Event()

    async def stream(ctx: Any, state: SourceState) -> AsyncIterator[StreamEvent]:
        yield StreamEvent.opened_now()
        for i, event in enumerate(posts):
            yield event
            if i % 200 == 0:
                await asyncio.sleep(0)  # a socket read would give the loop a turn
        await finished.wait()

    store = open_store(settings.storage.sqlite)
    metrics = Metrics()
    pipeline = Pipeline(settings, store)
    async with httpx.AsyncClient() as http:
        setup = StreamSetup(store=store, http=http, metrics=metrics, pipeline=lambda: pipeline)
        kind = SourceType(
            name="jetstream",
            options_model=get_source_type("jetstream").options_model,
            poll=None,
            stream=stream,
        )
        source = SourceSettings.model_validate({"name": "bench", "type": "jetstream"})
        runner = StreamRunner(source, kind, setup)
        wall, cpu = time.perf_counter(), time.process_time()
        task = asyncio.create_task(runner.run())
        # Done when the last batch is counted: the runner says so only through its metrics.
        while metrics.value("listener_items_fetched_total", source="bench") < n:  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        runner.stop()
        finished.set()
        await task
    store.close()
    return {
        "events": n,
        "events_per_s": round(n / wall),
        "events_per_cpu_s": round(n / cpu),
        "batches": int(metrics.value("listener_polls_total", source="bench", outcome="ok")),
        "stored": int(metrics.value("listener_mentions_stored_total", source="bench")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--match-every", type=int, default=1_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = asyncio.run(measure(args.events, args.match_every, Path(folder)))
    print(
        f"stream runner: {result['events']:,} events in {result['batches']} batches, "
        f"{result['stored']} stored: {result['events_per_s']:,} events/s, "
        f"{result['events_per_cpu_s']:,} events per CPU second"
    )
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
