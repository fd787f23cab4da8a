"""What the letters index (schema 13) costs: storing mentions, the store's size, a search.

    python bench/letters.py [--count N] [--runs N] [--json]

The same mentions go through ``insert_mentions`` (batches of 100, as the pipeline stores
them) into a new store held at schema 12 (no letters index) and one at the latest schema,
in alternating runs, the best of ``--runs`` each (CPU time of this process, pinned to one
core: other work on a shared machine only ever adds to it). Two kinds of text:

- ``latin``: real tweets from ``../shared/datasets/tweeteval_sentiment/test_text.txt``
  (skipped when absent): the letters index must cost them next to nothing;
- ``cjk``: texts in Chinese, Japanese, Thai and Korean made from a small hand-written
  vocabulary by a seeded generator (no dataset of such text is at hand), each with a
  Latin brand name in a quarter of them: every one goes into the letters index.

Then the file size of each store (after a WAL checkpoint), and the median time of a
ranked search for a two-letter word (``東京``) and a three-letter one over the cjk store.
``--json`` prints one JSON object last: ``{kind}_insert_per_s_{without,with}``,
``{kind}_insert_ratio``, ``{kind}_bytes_{without,with}``, ``{kind}_size_ratio``,
``search_ms_two_letters``, ``search_ms_three_letters``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from listener.models import Author, Engagement, Mention
from listener.store import SQLiteStore
from listener.store.letters import LETTERS_SCHEMA
from listener.store.schema import MIGRATIONS, Migration

TWEETS = Path(__file__).resolve().parents[2] / "shared/datasets/tweeteval_sentiment/test_text.txt"
BATCH = 100
SEED = 16
T0 = datetime(2026, 1, 1, tzinfo=UTC)
# Hand-written words of each script; texts are random runs of them (no spaces between the
# words of Chinese, Japanese and Thai, as those are written; Korean is spaced).
_WORDS = {
    "zh": "我的 手机 坏了 东京 订单 还没 到 服务 太差 了 客服 退款 快递 质量 问题 今天 "
    "昨天 朋友 推荐 价格 便宜 电池 屏幕 充电 很慢 非常 满意 失望 下次 不会 再买",
    "ja": "東京 駅 で 新製品 が 壊れた 注文 した 商品 まだ 届き ません サービス ひどい "
    "電池 すぐ 切れる 画面 割れた 返金 して ほしい 店員 親切 でした また 買い たい",
    "th": "ร้าน นี้ บริการ แย่ มาก สินค้า ยัง ไม่ มา ถึง เลย โทรศัพท์ เสีย แล้ว อยาก "
    "ได้ เงิน คืน พนักงาน ดี ส่ง ของ ช้า ราคา ถูก แบตเตอรี่ หมด เร็ว",
    "ko": "주문한 물건이 아직 안 왔어요 서비스가 너무 별로예요 배터리가 빨리 닳아요 "
    "화면이 깨졌어요 환불 해주세요 직원이 친절했어요 다시 살게요 가격이 싸요",
}
_BRANDS = ("Apple", "Sony", "Acme", "Globex")


def cjk_texts(count: int) -> list[str]:
    rng = random.Random(SEED)
    texts = []
    for n in range(count):
        language = ("zh", "ja", "th", "ko")[n % 4]
        words = rng.choices(_WORDS[language].split(), k=rng.randint(8, 24))
        if rng.random() < 0.25:
            words.insert(rng.randrange(len(words)), rng.choice(_BRANDS))
        texts.append((" " if language == "ko" else "").join(words))
    return texts


def mention(n: int, text: str) -> Mention:
    return Mention(
        id=f"bench:{n}", source="bench", source_type="rss", native_id=str(n),
        url=None, canonical_url=None, author=Author(handle=f"user{n % 500}"),
        title="", text=text, html=text, language=None,
        published_at=T0 + timedelta(seconds=n), fetched_at=T0 + timedelta(seconds=n),
        engagement=Engagement(), rating=None, parent_id=None, thread_id=None,
        brands=("bench",), matched_terms=(), content_hash=f"h{n}",
    )  # fmt: skip


def insert_cpu_s(path: Path, mentions: Sequence[Mention], migrations: Sequence[Migration]) -> float:
    with SQLiteStore(path, migrations=migrations) as store:
        started = time.process_time()
        for i in range(0, len(mentions), BATCH):
            store.insert_mentions(mentions[i : i + BATCH])
        spent = time.process_time() - started
    return spent


def file_bytes(path: Path) -> int:
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size


def measure(kind: str, texts: list[str], runs: int, folder: Path) -> dict[str, float]:
    mentions = [mention(n, text) for n, text in enumerate(texts, 1)]
    shapes = {"without": MIGRATIONS[: LETTERS_SCHEMA - 1], "with": MIGRATIONS}
    best = {name: float("inf") for name in shapes}
    sizes = {}
    for run in range(runs):
        for name, migrations in shapes.items():
            path = folder / f"{kind}-{name}-{run}.db"
            best[name] = min(best[name], insert_cpu_s(path, mentions, migrations))
            sizes[name] = file_bytes(path)
    rate = {name: len(mentions) / spent for name, spent in best.items()}
    print(
        f"{kind}: {len(mentions):,} mentions; insert {rate['without']:,.0f}/s without the "
        f"letters index, {rate['with']:,.0f}/s with ({rate['with'] / rate['without']:.3f}); "
        f"store {sizes['without']:,} bytes without, {sizes['with']:,} with "
        f"({sizes['with'] / sizes['without']:.3f})"
    )
    return {
        f"{kind}_insert_per_s_without": round(rate["without"]),
        f"{kind}_insert_per_s_with": round(rate["with"]),
        f"{kind}_insert_ratio": round(rate["with"] / rate["without"], 3),
        f"{kind}_bytes_without": sizes["without"],
        f"{kind}_bytes_with": sizes["with"],
        f"{kind}_size_ratio": round(sizes["with"] / sizes["without"], 3),
    }


def search_ms(path: Path, query: str) -> float:
    with SQLiteStore(path) as store:
        store.search(query)  # warm the cache
        times = []
        for _ in range(20):
            started = time.perf_counter()
            store.search(query)
            times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000, help="mentions of each kind")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (the best counts)")
    parser.add_argument("--json", action="store_true", help="print a JSON object last")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        if TWEETS.exists():
            tweets = TWEETS.read_text(encoding="utf-8").splitlines()[: args.count]
            figures.update(measure("latin", tweets, args.runs, Path(folder)))
        else:
            print(f"latin: skipped, no tweets at {TWEETS}")
        figures.update(measure("cjk", cjk_texts(args.count), args.runs, Path(folder)))
        store = Path(folder) / "cjk-with-0.db"
        figures["search_ms_two_letters"] = search_ms(store, "東京")
        figures["search_ms_three_letters"] = search_ms(store, "新製品")
        print(
            f"ranked search over {args.count:,} cjk mentions, median of 20: "
            f"東京 {figures['search_ms_two_letters']} ms, "
            f"新製品 {figures['search_ms_three_letters']} ms"
        )
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
