"""Precision and recall of "is a copy", and the cost per mention, of the near-copy engine.

    python bench/copies.py [--fixtures DIR] [--cases FILE] [--repeat N] [--json]

Reads the items of ``bench/copies_cases.json`` from ``../shared/fixtures`` (the Google
Alerts feed's templated stories, retweets, a paper bot's reposts, real posts that look alike)
and the variants derived there from real entries; exits cleanly with a message when the
fixtures are absent. The labels are mine, by hand, one reason each: the pairs under
``copies`` are copies, every other pair is not.

A pair is called a copy as the pipeline would call it (``listener.pipeline.copies``): both
texts have at least ``MIN_SHINGLES`` shingles, their sketches share an LSH band, their
estimated similarity reaches the threshold and their figures agree. Printed: precision,
recall and F1 over every pair, for each threshold, on the "tune" half of the pairs (by a
hash of the pair, fixed), on the "check" half and on all; then the same at the chosen
threshold for other minimum shingle counts; then the cost per mention on one core: the
sketch (``fingerprint``), its band keys, and the stage's whole in-memory work for one
mention against every item as a candidate. ``--json``: one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import re
import sys
import time
import zlib
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import feedparser  # noqa: E402

from listener.fingerprint import (  # noqa: E402
    MIN_SHINGLES,
    Print,
    fingerprint,
    fingerprint_uncached,
    numbers_agree,
    similarity,
)
from listener.pipeline.copies import THRESHOLD  # noqa: E402

THRESHOLDS = (0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8)
MINIMUMS = (3, 5, 8, 12)
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    text: str


def _plain(value: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", value)).split())


def load_items(fixtures: Path, cases: dict[str, Any]) -> list[Item]:
    items: dict[str, Item] = {}
    feeds: dict[str, Any] = {}
    for spec in cases["items"]:
        if "rss" in spec:
            parsed = feeds.setdefault(spec["rss"], feedparser.parse(fixtures / spec["rss"]))
            entry = parsed.entries[spec["entry"]]
            item = Item(spec["id"], _plain(entry.title), _plain(entry.get("summary", "")))
        elif "tweets" in spec:
            tweet = json.loads((fixtures / spec["tweets"]).read_text())["data"][spec["index"]]
            item = Item(spec["id"], "", tweet["text"])
        elif "x_stream" in spec:
            line = (fixtures / spec["x_stream"]).read_text().splitlines()[spec["line"]]
            item = Item(spec["id"], "", json.loads(line)["data"]["text"])
        elif "bluesky" in spec:
            post = json.loads((fixtures / spec["bluesky"]).read_text())["posts"][spec["index"]]
            item = Item(spec["id"], "", post["record"]["text"])
        else:
            base = items[spec["derived_from"]]
            text = base.text
            for old, new in spec["replace"]:
                if old not in text:
                    raise SystemExit(f"{spec['id']}: {old!r} is not in {base.id}'s text")
                text = text.replace(old, new)
            item = replace(base, id=spec["id"], title=spec["title"], text=text)
        items[item.id] = item
    return list(items.values())


def called_copy(a: Print, b: Print, threshold: float, minimum: int) -> bool:
    if a.shingles < minimum or b.shingles < minimum:
        return False
    if not set(a.band_keys()) & set(b.band_keys()):
        return False
    return similarity(a, b) >= threshold and numbers_agree(a, b)


def scores(
    pairs: list[tuple[str, str]],
    truth: set[frozenset[str]],
    prints: dict[str, Print],
    threshold: float,
    minimum: int,
) -> dict[str, float]:
    tp = fp = fn = 0
    for a, b in pairs:
        said = called_copy(prints[a], prints[b], threshold, minimum)
        real = frozenset((a, b)) in truth
        tp += said and real
        fp += said and not real
        fn += real and not said
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def _half(a: str, b: str) -> str:
    return "tune" if zlib.crc32(f"{a}|{b}".encode()) % 2 == 0 else "check"


def _line(name: str, s: dict[str, float]) -> str:
    return (
        f"{name:>10}: precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
        f"F1 {s['f1']:.3f}  (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})"
    )


def cost_us(items: list[Item], repeat: int) -> dict[str, float]:
    """µs per mention on this core: the sketch, the band keys, and the stage's in-memory
    work against every item as a stored candidate."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    raw = fingerprint_uncached  # the cache would time dictionary lookups
    start = time.process_time()
    for _ in range(repeat):
        sketches = [raw(i.title, i.text) for i in items]
    sketch_us = (time.process_time() - start) / (repeat * len(items)) * 1e6
    start = time.process_time()
    for _ in range(repeat):
        keys = [frozenset(s.band_keys()) for s in sketches]
    keys_us = (time.process_time() - start) / (repeat * len(items)) * 1e6
    start = time.process_time()
    for _ in range(repeat):
        for s, k in zip(sketches, keys, strict=True):
            for other, other_keys in zip(sketches, keys, strict=True):
                if k & other_keys and similarity(s, other) >= THRESHOLD:
                    numbers_agree(s, other)
    compare_us = (time.process_time() - start) / (repeat * len(items)) * 1e6
    return {"sketch_us": sketch_us, "band_keys_us": keys_us, "compare_all_us": compare_us}


def distinct_posts(datasets: Path, limit: int) -> dict[str, list[str]]:
    """Real posts no one labelled as copies: the complaints (each a customer's own) and
    TweetEval's test tweets, the first ``limit`` of each."""
    found: dict[str, list[str]] = {}
    complaints = datasets / "complaints" / "complaints-dev.csv"
    if complaints.is_file():
        with complaints.open(encoding="utf-8", newline="") as handle:
            found["complaints"] = [row[1] for row in csv.reader(handle) if len(row) > 1][:limit]
    tweets = datasets / "tweeteval_sentiment" / "test_text.txt"
    if tweets.is_file():
        found["tweeteval"] = tweets.read_text(encoding="utf-8").splitlines()[:limit]
    return found


def stream_copies(
    texts: list[str], threshold: float = THRESHOLD, minimum: int = MIN_SHINGLES
) -> tuple[list[tuple[float, int, int]], float]:
    """As the stage runs: each text against the earlier ones sharing a band key (an index
    as the store's); returns the texts called copies (similarity, index, of index) and the
    µs per text of this process's CPU time."""
    index: dict[int, list[int]] = {}
    sketches: list[Print] = []
    called: list[tuple[float, int, int]] = []
    raw = fingerprint_uncached
    start = time.process_time()
    for n, text in enumerate(texts):
        sketch = raw("", text)
        sketches.append(sketch)
        if sketch.shingles < minimum:
            continue
        keys = sketch.band_keys()
        seen = {c for k in keys for c in index.get(k, ())}
        best = max(
            (
                (similarity(sketch, sketches[c]), c)
                for c in seen
                if numbers_agree(sketch, sketches[c])
            ),
            default=None,
        )
        if best is not None and best[0] >= threshold:
            called.append((best[0], n, best[1]))
        for k in keys:
            index.setdefault(k, []).append(n)
    return called, (time.process_time() - start) / max(1, len(texts)) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=ROOT.parent / "shared" / "fixtures")
    parser.add_argument("--cases", type=Path, default=ROOT / "bench" / "copies_cases.json")
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--distinct", type=int, default=3000, help="posts per unlabelled set")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.fixtures.is_dir():
        print(f"no fixtures at {args.fixtures}: nothing to measure (skipped)")
        return 0
    cases = json.loads(args.cases.read_text(encoding="utf-8"))
    items = load_items(args.fixtures, cases)
    ids = {i.id for i in items}
    truth = {frozenset(c["pair"]) for c in cases["copies"]}
    unknown = {x for pair in truth for x in pair} - ids
    if unknown:
        raise SystemExit(f"labels name unknown items: {sorted(unknown)}")
    prints = {i.id: fingerprint(i.title, i.text) for i in items}
    pairs = list(combinations(sorted(ids), 2))
    halves = {
        "tune": [p for p in pairs if _half(*p) == "tune"],
        "check": [p for p in pairs if _half(*p) == "check"],
        "all": pairs,
    }
    print(
        f"{len(items)} items, {len(pairs)} pairs, {len(truth)} copies "
        f"({sum(frozenset(p) in truth for p in halves['tune'])} in the tune half); "
        f"minimum {MIN_SHINGLES} shingles, chosen threshold {THRESHOLD}"
    )
    figures: dict[str, Any] = {"items": len(items), "pairs": len(pairs), "copies": len(truth)}
    for threshold in THRESHOLDS:
        print(f"threshold {threshold}")
        for name, chosen in halves.items():
            s = scores(chosen, truth, prints, threshold, MIN_SHINGLES)
            print(_line(name, s))
            figures[f"{name}_{threshold}"] = s
    print(f"at threshold {THRESHOLD}, by the minimum of shingles (all pairs)")
    for minimum in MINIMUMS:
        s = scores(pairs, truth, prints, THRESHOLD, minimum)
        print(_line(f"min {minimum}", s))
        figures[f"min_shingles_{minimum}"] = s
    at_chosen = scores(pairs, truth, prints, THRESHOLD, MIN_SHINGLES)
    figures |= {k: at_chosen[k] for k in ("precision", "recall", "f1")}
    cost = cost_us(items, max(1, args.repeat))
    print(
        f"cost per mention (one core, CPU time): sketch {cost['sketch_us']:.1f} µs, "
        f"band keys {cost['band_keys_us']:.1f} µs, compared with all {len(items)} items "
        f"{cost['compare_all_us']:.1f} µs"
    )
    figures |= cost
    for name, texts in distinct_posts(args.datasets, args.distinct).items():
        called, per_text = stream_copies(texts)
        print(
            f"{name}: {len(called)} of {len(texts)} posts called a copy of an earlier one "
            f"(no one labelled these; each below is to be read: a copy or a false one); "
            f"the stage with an index of them: {per_text:.1f} µs per post"
        )
        for score, n, of in sorted(called, reverse=True)[:: max(1, len(called) // 6)][:6]:
            print(f"    {score:.2f}  {texts[n][:70]!r}\n          {texts[of][:70]!r}")
        lower = min(THRESHOLDS)
        by_threshold = [
            (t, sum(score >= t for score, _, _ in stream_copies(texts, lower)[0]))
            for t in THRESHOLDS
        ]
        print("    called copies by threshold: " + ", ".join(f"{t}: {n}" for t, n in by_threshold))
        by_minimum = [(m, len(stream_copies(texts, THRESHOLD, m)[0])) for m in MINIMUMS]
        print("    by minimum of shingles: " + ", ".join(f"{m}: {n}" for m, n in by_minimum))
        figures[f"{name}_called_by_minimum"] = dict(by_minimum)
        figures[f"{name}_called_copies"] = len(called)
        figures[f"{name}_posts"] = len(texts)
        figures[f"{name}_stage_us"] = per_text
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
