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

That is ``Shape()``, the default; ``shape=`` builds another (``bench/store_shape.py``):
other days, brands and sources, or the dashboard's varied store (``bench/dashboard_store.py``:
180 days, five brands, nine languages, a rhythm with spikes, skewed reach; 609 s for 1M with
its rollups and alerts). Its file name carries the shape (``store-1000000-180d-5b-…``);
the default's does not, so its cached stores stand.

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

from store_shape import (
    BRAND_BY_TENTH,
    SOURCES,
    Shape,
    pick_source,
    timeline,
    varied_fields,
    varied_texts,
)

from listener.judging.judge import Judge
from listener.models import Author, Judgments, Mention, RawItem
from listener.pipeline.normalize import normalize
from listener.store import open_store
from listener.store.schema import MIGRATIONS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ROOT = ROOT / "data" / "bench"
DATASET = ROOT.parent / "shared" / "datasets" / "tweeteval_sentiment"
END = datetime(2026, 3, 1, tzinfo=UTC)
JITTER_S = 3600
BATCH = 2000
MAX_TEXT_CHARS = 5000
__all__ = ["BRAND_BY_TENTH", "SOURCES", "Shape", "build_once", "cached_store", "store_path"]


def schema_tag() -> str:
    """``v<version>-<fingerprint>``: the schema a store was built with."""
    digest = hashlib.sha256()
    for version, step in MIGRATIONS:
        text = "\n".join(step) if isinstance(step, tuple) else inspect.getsource(step)
        digest.update(f"{version}\n{text}\n".encode())
    return f"v{max(v for v, _ in MIGRATIONS)}-{digest.hexdigest()[:8]}"


def store_path(size: int, root: Path = DEFAULT_ROOT, shape: Shape | None = None) -> Path:
    """A shape other than the default names itself (``Shape.tag``): the default's name is
    as it always was, so the search and ingest benches' cached stores stand."""
    return root / f"store-{size}{(shape or Shape()).tag}-{schema_tag()}.db"


def cached_store(size: int, *, root: Path = DEFAULT_ROOT, shape: Shape | None = None) -> Path:
    """The path of a complete store of ``size`` mentions under ``root``, built on first use."""
    if size < 1:
        raise ValueError("a bench store needs at least one mention")

    def build(partial: Path) -> str:
        build_store(partial, size, shape=shape)
        return f"{size:,} mentions"

    family = f"store-{size}{(shape or Shape()).tag}-v*"
    return build_once(store_path(size, root, shape), family, build)


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


def build_store(
    path: Path, size: int, texts: list[str] | None = None, *, shape: Shape | None = None
) -> None:
    """Write ``size`` mentions of ``shape`` (default: ``Shape()``) to a new store at
    ``path`` through ``insert_mentions``."""
    shape = shape or Shape()
    if texts is None:
        texts = varied_texts(load_texts()) if shape.varied else load_texts()
    with open_store(path) as store:
        batch: list[Mention] = []
        for mention in _mentions(size, texts, shape):
            batch.append(mention)
            if len(batch) == BATCH:
                store.insert_mentions(batch)
                batch = []
        if batch:
            store.insert_mentions(batch)


def _mentions(size: int, texts: list[str], shape: Shape) -> Iterator[Mention]:
    rng = random.Random(size)  # the same size always gives the same store
    # Only the varied shape draws from this one: the default's draws stay as they were.
    varied_rng = random.Random(size + 1)
    judge = Judge()
    authors = max(10, size // 25)
    span = shape.span
    start = END - span
    when = timeline(shape, END) if shape.varied else None
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
        author = Author(handle=handle, name=f"User {author_no}", followers=author_no % 5000)
        engagement = base.engagement
        if when is None:
            source, source_type = shape.sources[i % len(shape.sources)]
            published = start + span * (i / size)
        else:
            source, source_type = pick_source(shape, varied_rng)
            published = when.at(i, size)
            author, engagement, audience, evidence = varied_fields(
                source_type, author, author_no, varied_rng
            )
            judgments = replace(judgments, reach=audience, reach_evidence=evidence)
        native_id = f"{i:09d}"
        published += timedelta(seconds=rng.randint(-JITTER_S, 0))
        url = f"https://{source_type}.example/{handle}/status/{native_id}"
        yield replace(
            base,
            id=f"{source}:{native_id}",
            source=source,
            source_type=source_type,
            native_id=native_id,
            url=url,
            canonical_url=url,
            author=author,
            engagement=engagement,
            language=judgments.language,
            published_at=max(published, start),
            fetched_at=max(published, start) + timedelta(seconds=rng.randint(5, 300)),
            brands=shape.mention_brands(i),
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
