"""Mentions per second through the whole pipeline into SQLite, next to the judgments alone.

    python bench/ingest.py [--data PATH] [--limit N] [--batch N]

A third figure runs the pipeline with alerts on: the rules decide inside each batch's
transaction (spike counts, complaint alerts with their reply drafts, outbox rows); delivery
itself is network-bound and not measured here.

Reads real tweets (one per line) from ``../shared/datasets/tweeteval_sentiment/test_text.txt``
or ``--data``; exits cleanly with a message when they are absent. Runs on one core
(CPU affinity pinned where the OS allows) so the figure is comparable across machines.

The brand query is a pure negation of a nonsense word, so every text matches and is
normalised, matched, deduplicated, judged and stored: the worst case for throughput.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alerts.decide import AlertDecider
from alerts.drafts.replies import draft_replies
from alerts.message import AuthorHistory
from alerts.outbox import build_templates
from alerts.rules.complaint import Drafts
from listener.config.settings import Settings, load_settings
from listener.judging.judge import Judge
from listener.models import Author, Mention, RawItem, ReplyDraft
from listener.pipeline.run import Pipeline
from listener.store import open_store

DEFAULT_DATA = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "datasets"
    / "tweeteval_sentiment"
    / "test_text.txt"
)
SETTINGS = """\
brands:
  - name: Bench
    query: '-zzqxjv'
sources: []
storage:
  sqlite: bench.db
"""
ALERTS = """\
alerts:
  enabled: true
  channels: [{name: console, type: console}]
"""


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return "pinned to one core"
    return "not pinned (no sched_setaffinity here)"


def load_texts(path: Path, limit: int) -> list[str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line][:limit]


def items_for(texts: list[str]) -> list[RawItem]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        RawItem(
            native_id=str(i),
            url=f"https://example.org/status/{i}",
            html=text,
            author=Author(handle=f"user{i % 997}", name=f"User {i % 997}"),
            published_at=start + timedelta(seconds=i),
        )
        for i, text in enumerate(texts)
    ]


def bench_judgments(texts: list[str]) -> float:
    """Every judgment (language, sentiment, complaint, feelings, topics, flags, urgency,
    reach) of each text, as the pipeline's judge stage runs them."""
    judge = Judge()
    started = time.perf_counter()
    for text in texts:
        judge.judge_text(text)
    return len(texts) / (time.perf_counter() - started)


def bench_pipeline(texts: list[str], batch: int, *, alerts: bool = False) -> tuple[float, int, int]:
    """Mentions/s through the pipeline, how many were stored, and how many alerts were raised."""
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "settings.yaml"
        config.write_text(SETTINGS + (ALERTS if alerts else ""), encoding="utf-8")
        settings = load_settings(config)
        items = items_for(texts)
        # The rules' clock: just after the last post, so every complaint is fresh enough.
        now = max(i.published_at for i in items if i.published_at) + timedelta(minutes=1)
        with open_store(settings.storage.sqlite) as store:
            on_stored = None
            if alerts:
                decider = AlertDecider(settings, clock=lambda: now, drafts=_drafter(settings))
                on_stored = decider.on_stored
            pipeline = Pipeline(settings, store, clock=lambda: now, on_stored=on_stored)
            stored = 0
            started = time.perf_counter()
            for offset in range(0, len(items), batch):
                stored += len(
                    pipeline.process("bench", "rss", items[offset : offset + batch]).stored
                )
            elapsed = time.perf_counter() - started
            raised = len(store.list_alerts(limit=len(texts)))
    return len(texts) / elapsed, stored, raised


def _drafter(settings: Settings) -> Drafts:
    templates = build_templates(settings)

    def drafts(mention: Mention, history: AuthorHistory | None) -> tuple[ReplyDraft, ...]:
        return draft_replies(
            mention, settings=settings.replies, history=history, templates=templates
        )

    return drafts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="one text per line")
    parser.add_argument("--limit", type=int, default=5000, help="texts to use")
    parser.add_argument(
        "--batch", type=int, default=100, help="items per pipeline batch (one poll)"
    )
    args = parser.parse_args()
    if not args.data.exists():
        print(f"skipped: no data at {args.data} (pass --data FILE with one text per line)")
        return 0
    texts = load_texts(args.data, args.limit)
    affinity = pin_to_one_core()
    Judge().judge_text("warm up the lexicons")
    judged_per_s = bench_judgments(texts)
    pipeline_per_s, stored, _ = bench_pipeline(texts, args.batch)
    alerting_per_s, _, raised = bench_pipeline(texts, args.batch, alerts=True)
    print(
        f"ingest benchmark: {len(texts)} texts from {args.data.name}, "
        f"batches of {args.batch}, {affinity}"
    )
    print(f"{'stage':<42}{'texts/s':>12}")
    print(f"{'judgments alone (all of them)':<42}{judged_per_s:>12,.0f}")
    print(
        f"{'whole pipeline into SQLite (' + str(stored) + ' stored)':<42}{pipeline_per_s:>12,.0f}"
    )
    with_alerts = f"... with alert rules + drafts ({raised} alerts)"
    print(f"{with_alerts:<42}{alerting_per_s:>12,.0f}")
    print(f"{'pipeline cost beyond judging, per text':<42}"
          f"{(1 / pipeline_per_s - 1 / judged_per_s) * 1e6:>10,.0f}µs")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
