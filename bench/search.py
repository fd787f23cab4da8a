"""Search latency: p50/p95 of a fixed set of query shapes on stores of 100k and 1M mentions.

    python bench/search.py [--sizes 100000,1000000] [--repeats N] [--json]

The stores come from ``bench/stores.py`` (built through ``insert_mentions`` from real tweets
on first use, then cached under ``data/bench/``). Each shape is a few queries of the same
kind, cycled through ``--repeats`` timed searches after one warm-up pass, so the figures
are for a warm page cache (a daemon's steady state), one search at a time, first page of 20:

- ``rare``: a word in a few dozen mentions per million;
- ``mid``: a ``trump``-like word, in 2–8% of mentions;
- ``brand``: an Apple-like brand query — OR of words and phrases, a hashtag, negations;
- ``common``: ``the`` and its kind, in 20–40% of mentions;
- ``filtered``: a mid word with a brand, a sentiment and a 14-day window;
- ``newest``: no words, a brand filter, newest first.

With ``--json`` the last line is one JSON object: ``p95_ms_max_1m`` (the slowest shape's p95
at 1M, ``null`` when 1M was not run), ``p95_ms`` and ``p50_ms`` (shape → {size: ms}).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from stores import DEFAULT_ROOT, END, cached_store

from listener.store import open_store

PAGE = 20


@dataclass(frozen=True)
class Shape:
    name: str
    queries: tuple[str | None, ...]
    filters: dict[str, Any] = field(default_factory=dict)


SHAPES = (
    Shape("rare", ("summit", "norris", "oracle", "mercury", "steelers")),
    Shape("mid", ("trump", "obama", "think", "going")),
    Shape(
        "brand",
        (
            'apple OR iphone OR ipad OR ios OR "apple watch" OR macbook OR #apple'
            ' -job -hiring -"for sale"',
            'samsung OR galaxy OR "note 7" OR #samsung -job -giveaway',
            'google OR android OR "pixel phone" OR #google -hiring',
        ),
    ),
    Shape("common", ("the", "to", "and")),
    Shape(
        "filtered",
        ("trump", "obama", "think"),
        {"brand": "Globex", "sentiment": "negative", "since": END - timedelta(days=14)},
    ),
    Shape("newest", (None,), {"brand": "Acme"}),
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_shape(path: Path, shape: Shape, repeats: int) -> list[float]:
    """Milliseconds per search, ``repeats`` searches cycling through the shape's queries."""
    with open_store(path) as store:
        for query in shape.queries:  # warm-up: page cache, statement cache, reader pool
            store.search(query, limit=PAGE, **shape.filters)
        timings: list[float] = []
        for i in range(repeats):
            query = shape.queries[i % len(shape.queries)]
            started = time.perf_counter()
            store.search(query, limit=PAGE, **shape.filters)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="100000,1000000",
        help="store sizes, comma-separated (default 100000,1000000)",
    )
    parser.add_argument("--repeats", type=int, default=40, help="timed searches per shape")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="store cache folder")
    parser.add_argument("--json", action="store_true", help="print a JSON summary last")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not sizes or min(sizes) < 1 or args.repeats < 1:
        parser.error("--sizes needs positive numbers and --repeats at least 1")
    p50: dict[str, dict[str, float]] = {s.name: {} for s in SHAPES}
    p95: dict[str, dict[str, float]] = {s.name: {} for s in SHAPES}
    for size in sizes:
        path = cached_store(size, root=args.root)
        print(f"search benchmark: {size:,} mentions ({path.name}), {args.repeats} searches a shape")
        print(f"{'shape':<12}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
        for shape in SHAPES:
            timings = time_shape(path, shape, args.repeats)
            p50[shape.name][str(size)] = round(statistics.median(timings), 2)
            p95[shape.name][str(size)] = round(percentile(timings, 0.95), 2)
            print(
                f"{shape.name:<12}{p50[shape.name][str(size)]:>10.2f}"
                f"{p95[shape.name][str(size)]:>10.2f}{max(timings):>10.2f}"
            )
    at_1m = [p95[s.name]["1000000"] for s in SHAPES if "1000000" in p95[s.name]]
    if args.json:
        summary = {
            "p95_ms_max_1m": max(at_1m) if at_1m else None,
            "p95_ms": p95,
            "p50_ms": p50,
        }
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
