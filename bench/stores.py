"""Large SQLite stores for the benches, built once through ``insert_mentions`` and cached.

    python bench/stores.py 1000000 [--root DIR]     # build ahead of time (or reuse)

From a bench script (``python bench/x.py`` puts ``bench/`` on ``sys.path``)::

    from stores import cached_store
    path = cached_store(1_000_000)   # data/bench/store-1000000-v9-3f2a91c0.db

The mentions are real tweets (every ``*text*.txt`` split of
``../shared/datasets/tweeteval_sentiment``, repeated as often as the size needs) with varied
ids, authors (a long tail of about one author per 25 mentions), sources (three), brands
(``Acme`` 50%, ``Globex`` 30%, ``Initech`` and ``Umbrella`` 10% each, and every 20th
mention names a second one) and dates spread over 60 days ending at ``END``, with an hour
of jitter so ``seq`` order and date order differ a little, as when feeds arrive late.
Each distinct text is normalised and judged (``listener.judging.judge.Judge``) once and
its judgments reused: judging 1M texts one by one would add minutes and measure nothing a
store bench cares about. The rows then go through the real write path,
``SQLiteStore.insert_mentions`` in batches, so triggers, the FTS index, tags, authors and
content hashes are all as in production.

Cost here (2 cores shared with four other engineers' work): 4 to 8 minutes and 1.5–1.8 GB
for 1,000,000 mentions, depending on the schema of the day (448 s and 491 s on schema
versions 6 and 7, about 4 minutes on 9); 18–30 s for 100,000.

The file name carries the schema version and a fingerprint of the migrations' text, so a
new or edited migration gets a fresh store instead of an old-format file migrated on open;
the superseded stores of that size are then deleted (each is gigabytes). A build writes to
a ``.partial-<pid>`` name and is renamed only when complete, so an interrupted build is
never reused; a lock file makes a second process wait for the first build instead of
building the same store twice.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import inspect
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from listener.judging.judge import Judge
from listener.models import Author, Judgments, Mention, RawItem
from listener.pipeline.normalize import normalize
from listener.store import open_store
from listener.store.schema import MIGRATIONS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ROOT = ROOT / "data" / "bench"
DATASET = ROOT.parent / "shared" / "datasets" / "tweeteval_sentiment"
END = datetime(2026, 3, 1, tzinfo=UTC)
SPAN = timedelta(days=60)
JITTER_S = 3600
BATCH = 2000
MAX_TEXT_CHARS = 5000
# (source name, source type): source filters select a third of the store each.
SOURCES = (("x-search", "x"), ("news-feeds", "rss"), ("reddit-brand", "reddit"))
_BRAND_BY_TENTH = ("Acme",) * 5 + ("Globex",) * 3 + ("Initech", "Umbrella")


def schema_tag() -> str:
    """``v<version>-<fingerprint>``: the schema a store was built with."""
    digest = hashlib.sha256()
    for version, step in MIGRATIONS:
        text = "\n".join(step) if isinstance(step, tuple) else inspect.getsource(step)
        digest.update(f"{version}\n{text}\n".encode())
    return f"v{max(v for v, _ in MIGRATIONS)}-{digest.hexdigest()[:8]}"


def store_path(size: int, root: Path = DEFAULT_ROOT) -> Path:
    return root / f"store-{size}-{schema_tag()}.db"


def cached_store(size: int, *, root: Path = DEFAULT_ROOT) -> Path:
    """The path of a complete store of ``size`` mentions under ``root``, built on first use."""
    if size < 1:
        raise ValueError("a bench store needs at least one mention")

    def build(partial: Path) -> str:
        build_store(partial, size)
        return f"{size:,} mentions"

    return build_once(store_path(size, root), f"store-{size}-v*", build)


def build_once(final: Path, family: str, build: Callable[[Path], str]) -> Path:
    """``final``, made by ``build(partial)`` unless it exists, once across processes.

    The build writes a partial file under a lock (another bench may be building this very
    store) and renames it when complete, so a reader never sees half a store; the files of
    ``family`` (a glob) that ``final`` supersedes are removed. ``build`` says what it did.
    """
    if final.exists():
        return final
    root = final.parent
    root.mkdir(parents=True, exist_ok=True)
    with open(final.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if final.exists():
            return final
        for stale in root.glob(final.name + ".partial-*"):
            stale.unlink()  # an interrupted build: we hold the lock, so nobody is writing it
        partial = final.with_name(f"{final.name}.partial-{os.getpid()}")
        started = time.perf_counter()
        how = build(partial)
        partial.rename(final)
        for superseded in root.glob(family):
            if not superseded.name.startswith(final.stem):  # not this store, its lock, -wal
                superseded.unlink(missing_ok=True)
        print(
            f"built {final.name} ({how}) in {time.perf_counter() - started:,.0f} s",
            file=sys.stderr,
        )
    return final


def load_texts(folder: Path = DATASET) -> list[str]:
    files = sorted(folder.glob("*text*.txt"))
    if not files:
        raise FileNotFoundError(f"no tweet texts (*text*.txt) in {folder}")
    texts: list[str] = []
    for file in files:
        texts.extend(line.strip() for line in file.read_text(encoding="utf-8").splitlines())
    return [t for t in texts if t]


def build_store(path: Path, size: int, texts: list[str] | None = None) -> None:
    """Write ``size`` mentions to a new store at ``path`` through ``insert_mentions``."""
    texts = texts if texts is not None else load_texts()
    with open_store(path) as store:
        batch: list[Mention] = []
        for mention in _mentions(size, texts):
            batch.append(mention)
            if len(batch) == BATCH:
                store.insert_mentions(batch)
                batch = []
        if batch:
            store.insert_mentions(batch)


def _brands(i: int) -> tuple[str, ...]:
    first = _BRAND_BY_TENTH[i % 10]
    if i % 20 == 7:
        return (first, "Umbrella" if first != "Umbrella" else "Acme")
    return (first,)


def _mentions(size: int, texts: list[str]) -> Iterator[Mention]:
    rng = random.Random(size)  # the same size always gives the same store
    judge = Judge()
    authors = max(10, size // 25)
    start = END - SPAN
    # One normalised, judged template per distinct text; the per-mention fields vary below.
    templates: dict[str, tuple[Mention, Judgments] | None] = {}
    for i in range(size):
        text = texts[i % len(texts)]
        if text not in templates:
            base = normalize(
                RawItem(native_id="0", html=text),
                source="bench",
                source_type="x",
                fetched_at=END,
                max_text_chars=MAX_TEXT_CHARS,
            )
            judged = None if base is None else (base, judge.judge(base))
            templates[text] = judged
        template = templates[text]
        if template is None:
            continue
        base, judgments = template
        # A skewed author pick: a few very active authors and a long tail, as on social media.
        author_no = int(authors * rng.random() ** 2)
        handle = f"user{author_no}"
        source, source_type = SOURCES[i % len(SOURCES)]
        native_id = f"{i:09d}"
        published = start + SPAN * (i / size) + timedelta(seconds=rng.randint(-JITTER_S, 0))
        url = f"https://{source_type}.example/{handle}/status/{native_id}"
        yield replace(
            base,
            id=f"{source}:{native_id}",
            source=source,
            source_type=source_type,
            native_id=native_id,
            url=url,
            canonical_url=url,
            author=Author(handle=handle, name=f"User {author_no}", followers=author_no % 5000),
            language=judgments.language,
            published_at=max(published, start),
            fetched_at=max(published, start) + timedelta(seconds=rng.randint(5, 300)),
            brands=_brands(i),
            judgments=judgments,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", type=int, nargs="+", help="mentions per store")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="cache folder")
    args = parser.parse_args()
    for size in args.sizes:
        print(cached_store(size, root=args.root))
    return 0


if __name__ == "__main__":
    sys.exit(main())
