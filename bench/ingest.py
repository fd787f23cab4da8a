"""Mentions per second through the whole pipeline into SQLite, beside plain VADER on the same texts.

    python bench/ingest.py [--data PATH] [--limit N] [--batch N] [--store-size N] [--json]

Three figures side by side: the whole pipeline (normalise, match, dedupe, judge, store), the
pipeline with alerts on (the rules decide inside each batch's transaction: spike counts,
complaint alerts with their reply drafts, follow-ups folded, outbox rows; delivery itself is
network-bound and not measured here), and plain VADER (``vaderSentiment``'s
``polarity_scores``) on the same texts, the yardstick the pipeline is compared with. Every
judgment alone is printed too, for where the time goes.

``--store-size N`` runs the pipeline twice more into a store that already holds N mentions
and 1,000 open complaint alerts: a copy of ``bench/stores.py``'s cached store (built on first
use under ``data/bench/``; a 1,000,000 one takes a while), so every run starts from the same
file. The new posts come just after the store's last ones, from its most active authors, so
the rules read real history: spike windows, author histories, open alerts to fold into.

Rollups (the dashboard's counts, schema 12) are measured side by side: the same posts
through the whole pipeline into two new stores, one held at schema 11 (no rollups) and one
at 12, in alternating runs (the best of ``ROLLUP_RUNS`` each: other work on a shared
machine only ever adds CPU time, by up to a third here), and the stored mentions again
through ``insert_mentions`` alone, where the rollups' share of the cost is largest. The
target is ingest with rollups at ≥ 90 % of the rate without.

``--json`` prints one JSON object as the last line: ``pipeline_per_s``,
``pipeline_alerts_per_s``, ``vader_per_s`` (and each with ``_large_store`` under
``--store-size``), plus ``judgments_per_s``, ``store_size``, ``pipeline_no_rollups_per_s``,
``pipeline_rollups_per_s``, ``rollups_ratio``, ``insert_no_rollups_per_s``,
``insert_rollups_per_s`` and ``insert_rollups_ratio``.

Reads real tweets (one per line) from ``../shared/datasets/tweeteval_sentiment/test_text.txt``
or ``--data``; exits cleanly with a message when they are absent. Runs on one core
(CPU affinity pinned where the OS allows) so the figure is comparable across machines, and
times by this process's CPU time (``time.process_time``: user + system, so SQLite's writes
count), so other work on a shared machine does not change the figures; the store lives in a
temporary folder and WAL commits do not wait for the disk, so there is little time off CPU
to miss.

``--engine elasticsearch``: SQLite beside a cluster instead (``bench/ingest_engines.py``).

The brand query is a pure negation of a nonsense word, so every text matches and is
normalised, matched, deduplicated, judged and stored: the worst case for throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from alerts.decide import AlertDecider
from alerts.drafts.replies import draft_replies
from alerts.message import AuthorHistory
from alerts.outbox import build_templates
from alerts.rules.complaint import Drafts
from listener.config.settings import Settings, load_settings
from listener.judging.judge import Judge
from listener.models import AlertKind, Author, Mention, RawItem, ReplyDraft, Severity
from listener.pipeline.run import Pipeline
from listener.service.runner import PROCESS_BATCH
from listener.store import SQLiteStore, open_store
from listener.store.alert_contract import NewAlert
from listener.store.schema import MIGRATIONS, Migration
from listener.store.schema_stats import ROLLUPS_SCHEMA

DEFAULT_DATA = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "datasets"
    / "tweeteval_sentiment"
    / "test_text.txt"
)
# Acme: a brand the large bench stores hold half their mentions of, so its spike windows
# and author histories there are real.
BRAND = "Acme"
# The large stores hold these very tweets: a week's dedupe window would drop the new posts
# as reposts of the store's last days and time less work than the empty store's run. An
# hour still covers the run's own posts (5,000 a second apart span 83 minutes, and the
# texts are distinct).
SETTINGS = f"""\
brands:
  - name: {BRAND}
    query: '-zzqxjv'
sources: []
storage:
  sqlite: bench.db
pipeline:
  dedupe_window: 1h
"""
ALERTS = """\
alerts:
  enabled: true
  channels: [{name: console, type: console}]
"""
OPEN_ALERTS = 1000
AUTHORS = 997
EMPTY_START = datetime(2026, 1, 1, tzinfo=UTC)
# A store without rollups: every migration before schema 12.
WITHOUT_ROLLUPS = tuple(m for m in MIGRATIONS if m[0] < ROLLUPS_SCHEMA)
ROLLUP_RUNS = 5  # alternating runs of each, the best taken: a shared machine is noisy


@dataclass(frozen=True)
class Run:
    per_s: float
    stored: int
    alerts: int
    open_before: int = 0  # open alerts in the store before the run


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return "pinned to one core"
    return "not pinned (no sched_setaffinity here)"


def load_texts(path: Path, limit: int) -> list[str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line][:limit]


def items_for(texts: list[str], start: datetime = EMPTY_START) -> list[RawItem]:
    # user0 … user996: in the bench stores the low numbers are the most active authors.
    return [
        RawItem(
            native_id=str(i),
            url=f"https://example.org/status/{i}",
            html=text,
            author=Author(handle=f"user{i % AUTHORS}", name=f"User {i % AUTHORS}"),
            published_at=start + timedelta(seconds=i),
        )
        for i, text in enumerate(texts)
    ]


def bench_vader(texts: list[str]) -> float:
    """Plain VADER on the same texts: the yardstick of the pipeline's throughput."""
    analyzer = SentimentIntensityAnalyzer()
    analyzer.polarity_scores("warm up")
    started = time.process_time()
    for text in texts:
        analyzer.polarity_scores(text)
    return len(texts) / (time.process_time() - started)


def bench_judgments(texts: list[str]) -> float:
    """Every judgment (language, sentiment, complaint, feelings, topics, flags, urgency,
    reach) of each text, as the pipeline's judge stage runs them."""
    judge = Judge()
    started = time.process_time()
    for text in texts:
        judge.judge_text(text)
    return len(texts) / (time.process_time() - started)


def bench_pipeline(
    texts: list[str],
    batch: int,
    *,
    alerts: bool = False,
    base: Path | None = None,
    migrations: Sequence[Migration] = MIGRATIONS,
    keep: list[Mention] | None = None,
) -> Run:
    """Mentions/s through the pipeline into a new store (at ``migrations``' schema), or into
    a copy of ``base``; the stored mentions are appended to ``keep`` when given."""
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "settings.yaml"
        config.write_text(SETTINGS + (ALERTS if alerts else ""), encoding="utf-8")
        settings = load_settings(config)
        start, open_before = EMPTY_START, 0
        if base is not None:
            start, open_before = _copy_with_open_alerts(base, settings.storage.sqlite, settings)
        items = items_for(texts, start)
        # The rules' clock: just after the last post, so every complaint is fresh enough.
        now = max(i.published_at for i in items if i.published_at) + timedelta(minutes=1)
        with SQLiteStore(settings.storage.sqlite, migrations=migrations) as store:
            alerts_before = len(store.list_alerts(limit=-1))
            on_stored = None
            if alerts:
                decider = AlertDecider(settings, clock=lambda: now, drafts=_drafter(settings))
                on_stored = decider.on_stored
            pipeline = Pipeline(settings, store, clock=lambda: now, on_stored=on_stored)
            stored: list[Mention] = []
            started = time.process_time()
            for offset in range(0, len(items), batch):
                stored += pipeline.process("bench", "rss", items[offset : offset + batch]).stored
            elapsed = time.process_time() - started
            if keep is not None:
                keep += stored
            raised = len(store.list_alerts(limit=-1)) - alerts_before
    return Run(len(texts) / elapsed, len(stored), raised, open_before)


@dataclass(frozen=True)
class RollupRuns:
    pipeline_without: float  # mentions/s, the best run
    pipeline_with: float
    insert_without: float
    insert_with: float


def bench_insert(mentions: list[Mention], batch: int, migrations: Sequence[Migration]) -> float:
    """Mentions/s through ``insert_mentions`` alone into a new store at ``migrations``."""
    with (
        tempfile.TemporaryDirectory() as folder,
        SQLiteStore(Path(folder) / "insert.db", migrations=migrations) as store,
    ):
        started = time.process_time()
        for offset in range(0, len(mentions), batch):
            store.insert_mentions(mentions[offset : offset + batch])
        elapsed = time.process_time() - started
    return len(mentions) / max(elapsed, 1e-9)  # a few texts can take under the clock's tick


def bench_rollups(texts: list[str], batch: int) -> RollupRuns:
    """The same posts into stores without rollups (schema 11) and with them (12), runs
    alternating so drift on a shared machine falls on both alike."""
    stored: list[Mention] = []
    pipeline: dict[bool, list[float]] = {False: [], True: []}
    insert: dict[bool, list[float]] = {False: [], True: []}
    for run in range(ROLLUP_RUNS):
        for rollups in (run % 2 == 1, run % 2 == 0):
            migrations = MIGRATIONS if rollups else WITHOUT_ROLLUPS
            keep = stored if rollups and not stored else None
            pipeline[rollups].append(
                bench_pipeline(texts, batch, migrations=migrations, keep=keep).per_s
            )
    for run in range(ROLLUP_RUNS):
        for rollups in (run % 2 == 1, run % 2 == 0):
            migrations = MIGRATIONS if rollups else WITHOUT_ROLLUPS
            insert[rollups].append(bench_insert(stored, batch, migrations))
    return RollupRuns(
        max(pipeline[False]),
        max(pipeline[True]),
        max(insert[False]),
        max(insert[True]),
    )


def _copy_with_open_alerts(base: Path, target: Path, settings: Settings) -> tuple[datetime, int]:
    """Copy ``base`` to ``target``, give it ``OPEN_ALERTS`` open complaint alerts on its
    newest complaints; return when the new posts start (just after its last post) and how
    many alerts it opened."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(base, target)
    raw = sqlite3.connect(target)
    try:
        (last,) = raw.execute("SELECT max(published_at) FROM mentions").fetchone()
        leads = [
            row[0]
            for row in raw.execute(
                "SELECT m.id FROM mentions m WHERE m.complaint = 1 AND m.id IN"
                " (SELECT mention_id FROM mention_brands WHERE brand = ?)"
                " ORDER BY m.published_at DESC LIMIT ?",
                (BRAND, OPEN_ALERTS),
            )
        ]
    finally:
        raw.close()
    start = datetime.fromisoformat(last) + timedelta(seconds=1)
    rule = settings.alerts.rules[0].rule_name if settings.alerts.rules else "complaint"
    with open_store(target) as store, store.alert_transaction() as tx:
        for n, lead in enumerate(leads):
            tx.add_alert(
                NewAlert(
                    key=f"complaint:{lead}",
                    kind=AlertKind.COMPLAINT,
                    rule=rule,
                    brand=BRAND,
                    severity=Severity.NORMAL,
                    title=f"Complaint {n}",
                    created_at=start - timedelta(seconds=OPEN_ALERTS - n),
                    mention_ids=(lead,),
                )
            )
    return start, len(leads)


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
        "--batch",
        type=int,
        default=PROCESS_BATCH,
        help=f"items per pipeline batch (the daemon's: {PROCESS_BATCH})",
    )
    parser.add_argument(
        "--store-size",
        type=int,
        default=0,
        help="also run into a store already holding this many mentions and 1,000 open alerts",
    )
    parser.add_argument(
        "--store-root", type=Path, default=None, help="cache folder of the stores (data/bench)"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON object last")
    parser.add_argument("--engine", choices=("sqlite", "elasticsearch"), default="sqlite")
    parser.add_argument("--es-url", help="the cluster for --engine elasticsearch (else osmem)")
    args = parser.parse_args()
    if args.engine == "sqlite" and args.es_url:
        parser.error("--es-url needs --engine elasticsearch")
    if args.engine == "elasticsearch" and args.store_size:
        parser.error("--store-size is for --engine sqlite (the large stores are SQLite files)")
    if not args.data.exists():
        print(f"skipped: no data at {args.data} (pass --data FILE with one text per line)")
        return 0
    texts = load_texts(args.data, args.limit)
    if args.engine == "elasticsearch":
        from ingest_engines import engines_main  # bench/, beside this file

        return engines_main(texts, args)
    base = None
    if args.store_size:
        from stores import cached_store  # bench/stores.py, beside this file

        roots = {} if args.store_root is None else {"root": args.store_root}
        base = cached_store(args.store_size, **roots)
    affinity = pin_to_one_core()
    Judge().judge_text("warm up the lexicons")
    vader_per_s = bench_vader(texts)
    judged_per_s = bench_judgments(texts)
    runs = {"": (bench_pipeline(texts, args.batch), bench_pipeline(texts, args.batch, alerts=True))}
    rolled = bench_rollups(texts, args.batch)
    if base is not None:
        runs["_large_store"] = (
            bench_pipeline(texts, args.batch, base=base),
            bench_pipeline(texts, args.batch, alerts=True, base=base),
        )
    print(
        f"ingest benchmark: {len(texts)} texts from {args.data.name}, "
        f"batches of {args.batch}, {affinity}"
    )
    figures: dict[str, float | int] = {
        "vader_per_s": round(vader_per_s),
        "judgments_per_s": round(judged_per_s),
        "store_size": args.store_size,
    }
    for suffix, (plain, alerting) in runs.items():
        where = (
            f"into a store of {args.store_size:,} mentions and {plain.open_before:,} open alerts"
            if suffix
            else "into an empty store"
        )
        print(f"\n{where}:")
        print(f"{'stage':<44}{'texts/s':>10}{'× VADER':>10}")
        _row("plain VADER (polarity_scores)", vader_per_s, vader_per_s)
        _row("judgments alone (all of them)", judged_per_s, vader_per_s)
        _row(f"whole pipeline into SQLite ({plain.stored} stored)", plain.per_s, vader_per_s)
        _row(f"... with alert rules + drafts ({alerting.alerts} alerts)", alerting.per_s,
             vader_per_s)  # fmt: skip
        figures[f"pipeline_per_s{suffix}"] = round(plain.per_s)
        figures[f"pipeline_alerts_per_s{suffix}"] = round(alerting.per_s)
        figures[f"vader_per_s{suffix}"] = round(vader_per_s)
    plain, _ = runs[""]
    print(f"{'pipeline cost beyond judging, per text':<44}"
          f"{(1 / plain.per_s - 1 / judged_per_s) * 1e6:>8,.0f}µs")  # fmt: skip
    print(
        f"\nrollups: the same posts into new stores at schema 11 (none) and 12 (rollups),"
        f" best of {ROLLUP_RUNS} alternating runs each (target: ratio ≥ 0.90):"
    )
    print(f"{'':<44}{'without/s':>10}{'with/s':>10}{'ratio':>8}{'µs/mention':>12}")
    for label, without, with_ in (
        ("whole pipeline into SQLite", rolled.pipeline_without, rolled.pipeline_with),
        ("insert_mentions alone", rolled.insert_without, rolled.insert_with),
    ):
        extra_us = (1 / with_ - 1 / without) * 1e6
        print(f"{label:<44}{without:>10,.0f}{with_:>10,.0f}{with_ / without:>8.3f}"
              f"{extra_us:>+12.1f}")  # fmt: skip
    figures["pipeline_no_rollups_per_s"] = round(rolled.pipeline_without)
    figures["pipeline_rollups_per_s"] = round(rolled.pipeline_with)
    figures["rollups_ratio"] = round(rolled.pipeline_with / rolled.pipeline_without, 3)
    figures["insert_no_rollups_per_s"] = round(rolled.insert_without)
    figures["insert_rollups_per_s"] = round(rolled.insert_with)
    figures["insert_rollups_ratio"] = round(rolled.insert_with / rolled.insert_without, 3)
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    return 0


def _row(label: str, per_s: float, vader_per_s: float) -> None:
    print(f"{label:<44}{per_s:>10,.0f}{per_s / vader_per_s:>10.2f}")


if __name__ == "__main__":
    sys.exit(main())
