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
``_plain``, ``prepare_per_s``, ``posts_per_s_100_brands_with_prepare``, and the firehose's
figures below.

The firehose figure is what a stream that carries every post of a network costs: the posts
arrive raw (escaped html, links as ``<a>`` tags, as a source maps them), so each must be
read before it can be matched. Each goes through the brand screen (``Pipeline.screen``,
``listener.pipeline.screen``), and only those that pass are read (``html_to_text``),
prepared and matched through the index; 100 brands, on one core. The posts are the
tweets above mixed with the real posts of the Jetstream capture in
``../shared/fixtures/streams/jetstream`` (every ``app.bsky.feed.post`` record there). One
query in a hundred of the generator needs no word (``-(w x)``), which on a firehose would
store every post, and lets every post through the screen: the firehose's brands take an
anchored query in its place (``firehose_brand_queries``). The bench fails unless every post
the full path matches passed the screen. ``--json`` adds
``posts_per_s_100_brands_screened``, ``screen_pass_rate`` (share of the posts that pass)
and ``screen_per_s`` (the screen alone).
"""

from __future__ import annotations

import argparse
import gc
import html
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
from typing import Any, TypeVar

from listener.models import RawItem
from listener.pipeline.screen import BrandScreen
from listener.query import Matcher, PreparedText, QueryIndex, compile_query, prepare, tokenize
from listener.text import html_to_text

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "tweeteval_sentiment"
JETSTREAM = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "streams" / "jetstream"
MAX_TEXT_CHARS = 20000  # the settings' default
T = TypeVar("T")
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


def firehose_brand_queries(vocab: Vocabulary, count: int) -> list[str]:
    """``brand_queries``, but the query that needs no word is swapped for an anchored one."""
    rng = random.Random(SEED)
    return [
        brand_query(vocab, rng, number - 9 if number % 100 == 99 else number)
        for number in range(count)
    ]


def bluesky_html(record: dict[str, Any]) -> str:
    """A post record's text as the Bluesky sources hand it over: escaped, with each link
    facet (UTF-8 byte offsets) wrapped in an ``<a>`` to its URL."""
    data = str(record.get("text") or "").encode("utf-8")
    links = []
    for facet in record.get("facets") or []:
        index = facet.get("index") or {}
        for feature in facet.get("features") or []:
            if str(feature.get("$type", "")).endswith("#link") and feature.get("uri"):
                links.append((index.get("byteStart", 0), index.get("byteEnd", 0), feature["uri"]))
    parts: list[str] = []
    done = 0
    for start, end, uri in sorted(links):
        if start < done or end > len(data):
            continue
        parts.append(html.escape(data[done:start].decode("utf-8", "replace"), quote=False))
        label = html.escape(data[start:end].decode("utf-8", "replace"), quote=False)
        parts.append(f'<a href="{html.escape(uri)}">{label}</a>')
        done = end
    parts.append(html.escape(data[done:].decode("utf-8", "replace"), quote=False))
    return "".join(parts)


def jetstream_posts(folder: Path) -> list[str]:
    """The html of every distinct post record in the capture (events and bare records)."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.json*")):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines() if path.suffix == ".jsonl" else [text]:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if not isinstance(event, dict):
                continue
            record = (event.get("commit") or {}).get("record") or event.get("value")
            if isinstance(record, dict) and record.get("$type") == "app.bsky.feed.post":
                found.setdefault(json.dumps(record, sort_keys=True), bluesky_html(record))
    return list(found.values())


def firehose_items(tweets: Sequence[str], posts: Sequence[str]) -> list[RawItem]:
    """Tweets escaped as a source escapes plain text, the Bluesky posts spread among them."""
    htmls = [html.escape(text, quote=False) for text in tweets]
    step = max(1, len(htmls) // max(1, len(posts)))
    for number, post in enumerate(posts):
        htmls.insert(min(len(htmls), number * (step + 1)), post)
    return [RawItem(native_id=str(number), html=text) for number, text in enumerate(htmls)]


def read_and_match(index: QueryIndex, item: RawItem) -> Matches:
    doc = prepare(html_to_text(item.html), source="firehose", source_type="jetstream")
    return index.match(doc)


def firehose_pass(
    screen: BrandScreen, index: QueryIndex, items: Sequence[RawItem]
) -> list[Matches]:
    return [read_and_match(index, item) if screen.keeps(item) else [] for item in items]


def screen_only(screen: BrandScreen, items: Sequence[RawItem]) -> list[bool]:
    return [screen.keeps(item) for item in items]


def bench_firehose(
    vocab: Vocabulary, items: Sequence[RawItem], posts: Sequence[RawItem], runs: int
) -> dict[str, float]:
    """Posts/s screened (median of ``runs``), the pass rate and the screen alone; fails
    unless every post the full path matches passed the screen."""
    index = QueryIndex([compile_query(query) for query in firehose_brand_queries(vocab, 100)])
    screen = BrandScreen(index, max_text_chars=MAX_TEXT_CHARS)
    if screen.passes_everything:
        raise SystemExit("a firehose brand's query needs no word: the screen would pass all")
    expected = [read_and_match(index, item) for item in items]
    passed = screen_only(screen, items)
    missed = sum(bool(found) and not kept for found, kept in zip(expected, passed, strict=True))
    if missed:
        raise SystemExit(f"the screen dropped {missed} posts the matcher keeps")
    screened: list[float] = []
    alone: list[float] = []
    bluesky: list[float] = []
    for _ in range(runs):
        seconds, results = timed(firehose_pass, screen, index, items)
        if results != [found if kept else [] for found, kept in zip(expected, passed, strict=True)]:
            raise SystemExit("the screened path's matches differ from the full path's")
        screened.append(seconds)
        alone.append(timed(screen_only, screen, items)[0])
        if posts:
            bluesky.append(timed(screen_only, screen, posts)[0])
    figures = {
        "posts_per_s_100_brands_screened": round(len(items) / statistics.median(screened)),
        "screen_pass_rate": round(sum(passed) / len(items), 4),
        "screen_per_s": round(len(items) / statistics.median(alone)),
        "matched_rate": round(sum(map(bool, expected)) / len(items), 4),
    }
    if posts:
        figures["screen_per_s_bluesky_posts"] = round(len(posts) / statistics.median(bluesky))
    return figures


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


def timed(run: Callable[..., list[T]], *args: object) -> tuple[float, list[T]]:
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
    posts = jetstream_posts(JETSTREAM) if JETSTREAM.is_dir() else []
    items = firehose_items(texts, posts)
    post_items = [RawItem(native_id=str(n), html=post) for n, post in enumerate(posts)]
    firehose = bench_firehose(vocab, items, post_items, args.runs)
    figures.update(firehose)
    screened = firehose["posts_per_s_100_brands_screened"]
    print(
        f"  firehose, 100 brands ({len(texts):,} tweets + {len(posts)} Bluesky posts, raw html): "
        f"screen + read + prepare + indexed match {screened:>10,} "
        f"posts/s; {firehose['screen_pass_rate']:.1%} pass the screen, "
        f"{firehose['matched_rate']:.1%} match; every match passed"
    )
    bluesky = firehose.get("screen_per_s_bluesky_posts")
    print(
        f"  the screen alone: {firehose['screen_per_s']:>10,} posts/s"
        + (f" ({bluesky:,} posts/s on the Bluesky posts alone)" if bluesky else "")
    )
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
