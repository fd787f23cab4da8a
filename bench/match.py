"""Posts per second through the brand matcher at 10, 100 and 1,000 brands: indexed vs. plain.

    python bench/match.py [--data DIR] [--limit N] [--runs N] [--json]

Reads real tweets (one per line) from every ``*text*.txt`` in
``../shared/datasets/tweeteval_sentiment`` (all splits) or ``--data``; exits cleanly with a
message when they are absent. Runs on one core (CPU affinity pinned where the OS allows) and
counts this process's CPU time (``time.process_time``), so other work on a shared machine
does not lower the figures as much as it would a wall clock's.

The brand queries are generated deterministically from the words of those texts, the way
brands are written: a name and its variants (``acme OR @acme OR #acme``), phrases seen in the
texts, prefixes (``acmec*``), two words that must co-occur, negations of common words, and one
query in a hundred with no positive term (``-(w x)``), which the index must run for every post.

Each text is prepared once (``listener.query.prepare``, timed on its own: it is shared by every
brand) and then matched against every brand: by the plain matchers, every tree evaluated
(``Matcher.match`` for each brand, as the pipeline did), and through the inverted index
(``QueryIndex.match``: only the candidate brands). Both must give identical results; the
bench checks it on every post and fails otherwise. With ``--json`` the last line is one JSON
object: ``posts_per_s_{10,100,1000}_brands`` (indexed, texts prepared), the same with
``_plain``, ``prepare_per_s``, and ``posts_per_s_100_brands_with_prepare``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path

from listener.query import Matcher, PreparedText, QueryIndex, compile_query, prepare, tokenize

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "tweeteval_sentiment"
BRAND_COUNTS = (10, 100, 1000)
SEED = 13

Matches = list[tuple[int, tuple[str, ...]]]


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return "pinned to one core"
    return "not pinned (no sched_setaffinity here)"


def load_texts(folder: Path, limit: int | None) -> tuple[list[str], list[Path]]:
    files = sorted(folder.glob("*text*.txt")) if folder.is_dir() else [folder]
    texts: list[str] = []
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        texts.extend(line.strip() for line in lines if line.strip())
    return (texts[:limit] if limit else texts), files


class Vocabulary:
    """What the generated queries are made of, all seen in the texts."""

    def __init__(self, texts: Sequence[str]) -> None:
        counts: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        tags: Counter[str] = Counter()
        for text in texts:
            words = [w for w in tokenize(text) if w.isalpha()]
            counts.update(words)
            pairs.update(pairwise(words))
            tags.update(w[1:].lower() for w in text.split() if w[1:].isalnum() and w[0] == "#")
        ranked = [w for w, _ in counts.most_common() if len(w) > 2 and w != "user"]
        # Brand names are neither the commonest words nor hapaxes; the commonest are the
        # words a brand would exclude ("-free", "-job").
        # A small sample (a test's few lines) has no such bands: then any word will do.
        self.names = [w for w in ranked[150:4000] if counts[w] >= 3] or ranked or ["acme"]
        self.common = ranked[20:300] or ranked or ["spam"]
        self.pairs: dict[str, list[str]] = {}
        for (first, second), seen in pairs.most_common():
            if seen >= 2 and len(first) > 2 and len(second) > 2:
                self.pairs.setdefault(first, []).append(second)
        self.tags = [t for t, seen in tags.most_common() if seen >= 2 and t != "user"]


def brand_query(vocab: Vocabulary, rng: random.Random, number: int) -> str:
    """One brand's query; the mix of shapes follows ``number`` so every size gets all shapes."""
    name = rng.choice(vocab.names)
    other = rng.choice(vocab.names)
    after = vocab.pairs.get(name)
    phrase = f'"{name} {rng.choice(after)}"' if after else f'"{name} {other}"'
    noise = rng.choice(vocab.common)
    tag = rng.choice(vocab.tags) if vocab.tags else name
    shape = number % 10
    if number % 100 == 99:
        return f"-({noise} {rng.choice(vocab.common)})"  # no positive term: always runs
    if shape == 0:
        return f"{name} OR @{name} OR #{name}"
    if shape == 1:
        return f"{name} OR {phrase}"
    if shape == 2:
        return f"({name} OR {other}) -{noise}"
    if shape == 3:
        stem = name[: max(4, len(name) - 2)]
        return f"{stem}* OR @{name}"
    if shape == 4:
        return f"{phrase} OR #{tag} -({noise} OR {rng.choice(vocab.common)})"
    if shape == 5:
        return f"{name} {other}"
    if shape == 6:
        return f"(#{tag} OR @{name}) OR ({name} AND NOT {noise})"
    if shape == 7:
        return f"{name} OR {other} OR {phrase} OR @{other}"
    if shape == 8:
        return f"({name} OR #{name}) ({noise} OR {phrase} OR {other}*)"
    return f"{name} OR #{tag}"


def brand_queries(vocab: Vocabulary, count: int) -> list[str]:
    rng = random.Random(SEED)
    return [brand_query(vocab, rng, number) for number in range(count)]


def match_plain(matchers: Sequence[Matcher], docs: Sequence[PreparedText]) -> list[Matches]:
    results: list[Matches] = []
    for doc in docs:
        found: Matches = []
        for position, matcher in enumerate(matchers):
            leaves = matcher.match(doc)
            if leaves is not None:
                found.append((position, leaves))
        results.append(found)
    return results


def match_indexed(index: QueryIndex, docs: Sequence[PreparedText]) -> list[Matches]:
    return [index.match(doc) for doc in docs]


def timed(run: Callable[..., list[Matches]], *args: object) -> tuple[float, list[Matches]]:
    started = time.process_time()
    results = run(*args)
    return time.process_time() - started, results


def bench_brands(
    queries: Sequence[str], docs: Sequence[PreparedText], runs: int
) -> tuple[float, float, int, int]:
    """Posts/s indexed (median of ``runs``), posts/s plain, (post, brand) matches, and how
    many queries the index runs for every post."""
    matchers = [compile_query(query) for query in queries]
    index = QueryIndex(matchers)
    plain_s, expected = timed(match_plain, matchers, docs)
    indexed: list[float] = []
    for _ in range(runs):
        seconds, results = timed(match_indexed, index, docs)
        if results != expected:
            wrong = sum(a != b for a, b in zip(results, expected, strict=True))
            raise SystemExit(f"the indexed matcher disagrees with the plain one on {wrong} posts")
        indexed.append(seconds)
    matched = sum(len(found) for found in expected)
    return len(docs) / statistics.median(indexed), len(docs) / plain_s, matched, index.always_run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of *text*.txt")
    parser.add_argument("--limit", type=int, default=None, help="texts to use (default: all)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (the median counts)")
    parser.add_argument("--json", action="store_true", help="last line: one JSON object")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not args.data.exists():
        print(f"skipped: no data at {args.data} (pass --data DIR holding *text*.txt)")
        return 0
    texts, files = load_texts(args.data, args.limit)
    if not texts:
        print(f"skipped: no texts in {args.data}")
        return 0
    affinity = pin_to_one_core()
    vocab = Vocabulary(texts)
    prepare_s: list[float] = []
    for _ in range(args.runs):
        started = time.process_time()
        docs = [prepare(text, source="bench", source_type="rss") for text in texts]
        prepare_s.append(time.process_time() - started)
    prepare_per_s = len(docs) / statistics.median(prepare_s)
    # The prepared posts live through the whole bench, where the pipeline drops each one
    # after matching; frozen, they are not walked again by every collection that the
    # matchers' allocations trigger.
    gc.freeze()
    names = ", ".join(path.name for path in files)
    print(f"{len(texts)} texts from {names} ({affinity})")
    print(f"  prepare (once per post, shared by every brand): {prepare_per_s:>10,.0f} posts/s")
    figures: dict[str, float] = {"prepare_per_s": round(prepare_per_s)}
    for count in BRAND_COUNTS:
        queries = brand_queries(vocab, count)
        indexed, plain, matched, always = bench_brands(queries, docs, args.runs)
        print(
            f"  {count:>5} brands: indexed {indexed:>10,.0f} posts/s, plain {plain:>9,.0f} "
            f"posts/s (x{indexed / plain:.1f}); {matched:,} matches, identical results; "
            f"{always} quer{'y' if always == 1 else 'ies'} always run"
        )
        figures[f"posts_per_s_{count}_brands"] = round(indexed)
        figures[f"posts_per_s_{count}_brands_plain"] = round(plain)
    with_prepare = 1 / (1 / prepare_per_s + 1 / figures["posts_per_s_100_brands"])
    figures["posts_per_s_100_brands_with_prepare"] = round(with_prepare)
    print(f"  prepare + indexed match, 100 brands: {with_prepare:>10,.0f} posts/s")
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
