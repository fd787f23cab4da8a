"""How well the bot and spam flags find automated accounts, and what the activity read costs.

    python bench/bots.py [--seed 2] [--scale 1] [--fixtures DIR] [--json]

Two sets, each judged account by account (an account is flagged when any of its posts is):
1. ``fixtures``: the real payloads in ``../shared/fixtures`` (X search and filtered-stream
   captures, a Bluesky search, a Jetstream firehose capture), read by each source's own
   mapping, every account labelled by hand in ``bench/bot_labels.csv`` with its reason.
   Few bots live there, so its figures are a sanity check, not a measure.
2. ``synthetic``: ``bench/bot_cases.py``'s accounts for ``--seed`` (the thresholds in
   ``listener/judging/bots.py`` were chosen looking at seed 1 only; report on seed 2).

Both go through the pipeline's own stages on a real SQLite file: normalise, dedupe, near
copies, the account activity (one store read per batch), the judge, the insert; the posts
arrive in batches as a poll every five minutes (a capture file is one batch).

Figures (keys of the JSON object): for each set, ``bot`` and ``spam`` precision, recall and
F1 over accounts with their counts; ``archetypes`` (synthetic): flagged / accounts per kind;
``signals``: per signal, the accounts it fired on (bots / humans) and among flagged
accounts; ``activity_us_per_mention`` and ``activity_ms_per_batch``: the activity stage's
time (store read included), one core; ``copies_us_per_mention``: the near-copy stage's with
the template comparison across accounts (``NearCopies.find_with_templates``).

Nothing here trains anything; the fixtures stay in ``../shared``.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bot_cases import Account, generate
from listener.judging.bots import (
    AccountActivity,
    activity_signals,
    name_signals,
    profile_signals,
)
from listener.judging.judge import Judge
from listener.models import Author, Flag, Mention, RawItem
from listener.pipeline.activity import account_activity
from listener.pipeline.copies import NearCopies, marked
from listener.pipeline.dedupe import dedupe
from listener.pipeline.normalize import normalize
from listener.pipeline.run import judge as judge_stage
from listener.pipeline.types import BatchReport, with_changes
from listener.sources.registry import same_network_types
from listener.store import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "bot_labels.csv"
DEFAULT_FIXTURES = ROOT.parent / "shared" / "fixtures"
POLL = timedelta(minutes=5)
WINDOW = timedelta(days=2)  # dedupe window, as the settings' default reads copies
NO_AUTHOR = "(no author)"
BRAND = ("acme",)

# Which signal an evidence line names (the bot judge's own words).
SIGNAL_WORDS = (
    ("posts in the last hour", "rate"),
    ("posts within", "burst"),
    ("like clockwork", "schedule"),
    ("earlier posts", "same_words"),
    ("codes and numbers aside", "template"),
    ("other accounts", "near_copies"),
    ("only a link", "link_only"),
    (" old", "young"),
    ("follows ", "follow_shape"),
    (" a day", "posts_for_age"),
    ("numbered handle", "numbered_handle"),
    ("'bot' in", "bot_name"),
    ("phrase '", "bot_phrase"),
)


@dataclass
class Batch:
    source: str
    source_type: str
    at: datetime  # when the poll brought it
    items: list[RawItem]


@dataclass
class Outcome:
    """What the judge said of every account, and what it cost."""

    flagged: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    fired: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    flag_signals: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    activity_s: float = 0.0
    copies_s: float = 0.0  # the near-copy stage with the template comparison
    mentions: int = 0
    batches: int = 0


def signal_name(evidence: str) -> str:
    return next((name for words, name in SIGNAL_WORDS if words in evidence), "other")


def account_key(mention: Mention) -> str:
    return f"{mention.source_type}:{(mention.author.handle or NO_AUTHOR).lower()}"


def run(batches: Iterable[Batch], store: SQLiteStore) -> Outcome:
    """The pipeline's stages over ``batches``: what was flagged, which signals fired."""
    judge, near = Judge(), NearCopies()
    outcome = Outcome()
    for batch in batches:
        report = BatchReport(received=len(batch.items))
        normalised = [
            normalize(
                item,
                source=batch.source,
                source_type=batch.source_type,
                fetched_at=batch.at,
                max_text_chars=20_000,
            )
            for item in batch.items
        ]
        # Every post counts as the brand's: matching is not what is measured here.
        mentions = [with_changes(m, brands=BRAND, matched_terms=BRAND) for m in normalised if m]
        since = batch.at - WINDOW
        fresh = dedupe(mentions, store, source=batch.source, since=since, report=report)
        started = time.perf_counter()
        copies, templates = near.find_with_templates(fresh, store, since=since)
        outcome.copies_s += time.perf_counter() - started
        started = time.perf_counter()
        activity = account_activity(fresh, store, copies=copies, now=batch.at, templates=templates)
        outcome.activity_s += time.perf_counter() - started
        outcome.mentions += len(fresh)
        outcome.batches += 1
        judged = [judge_stage(judge, marked(m, copies), activity.get(m.id)) for m in fresh]
        store.insert_mentions(judged)
        for mention in judged:
            _record(outcome, mention, activity.get(mention.id))
    return outcome


def _record(outcome: Outcome, mention: Mention, activity: AccountActivity | None) -> None:
    key = account_key(mention)
    signals = name_signals(mention.author) + profile_signals(mention.author, mention.published_at)
    if activity is not None:
        signals += activity_signals(activity)
    outcome.fired[key] |= {signal_name(s.evidence) for s in signals}
    for flag in mention.judgments.flags:
        if flag.name in (Flag.BOT, Flag.SPAM):
            outcome.flagged[key].add(flag.name)
        if flag.name == Flag.BOT:
            outcome.flag_signals[key] |= {signal_name(e) for e in flag.evidence}


def scores(truth: dict[str, bool], flagged: set[str]) -> dict[str, float | int]:
    tp = sum(1 for k, v in truth.items() if v and k in flagged)
    fp = sum(1 for k, v in truth.items() if not v and k in flagged)
    fn = sum(1 for k, v in truth.items() if v and k not in flagged)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "accounts": len(truth),
        "positives": sum(truth.values()),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def figures(outcome: Outcome, bots: dict[str, bool], spam: dict[str, bool]) -> dict[str, Any]:
    flagged_bot = {k for k, v in outcome.flagged.items() if Flag.BOT in v}
    flagged_spam = {k for k, v in outcome.flagged.items() if Flag.SPAM in v}
    signals: dict[str, dict[str, int]] = defaultdict(lambda: Counter())
    for key, names in outcome.fired.items():
        for name in names:
            signals[name]["fired_on_bots" if bots.get(key) else "fired_on_humans"] += 1
    for key, names in outcome.flag_signals.items():
        for name in names:
            signals[name]["in_true_flags" if bots.get(key) else "in_false_flags"] += 1
    return {
        "bot": scores(bots, flagged_bot),
        "spam": scores(spam, flagged_spam),
        "signals": {name: dict(counts) for name, counts in sorted(signals.items())},
        "false_bot_flags": sorted(k for k in flagged_bot if not bots.get(k)),
        "missed_bots": sorted(k for k, v in bots.items() if v and k not in flagged_bot),
        "false_spam_flags": sorted(k for k in flagged_spam if not spam.get(k)),
        "activity_us_per_mention": round(1e6 * outcome.activity_s / max(outcome.mentions, 1), 1),
        "activity_ms_per_batch": round(1e3 * outcome.activity_s / max(outcome.batches, 1), 3),
        "copies_us_per_mention": round(1e6 * outcome.copies_s / max(outcome.mentions, 1), 1),
        "mentions": outcome.mentions,
    }


# -- the synthetic set -------------------------------------------------------------------------


def synthetic_batches(seed: int, scale: int) -> tuple[list[Account], list[Batch]]:
    accounts, posts = generate(seed, scale)
    by_handle = {a.handle: a for a in accounts}
    windows: dict[int, list[RawItem]] = defaultdict(list)
    start = posts[0].at
    for n, post in enumerate(posts):
        account = by_handle[post.handle]
        window = int((post.at - start) / POLL)
        windows[window].append(
            RawItem(
                f"{post.handle}-{n}",
                html=html.escape(post.text, quote=False),
                author=Author(
                    handle=account.handle,
                    name=account.name,
                    followers=account.followers,
                    created_at=account.created_at,
                    following=account.following,
                    posts=account.posts,
                ),
                published_at=post.at,
            )
        )
    batches = [
        Batch("x", "x", start + POLL * (w + 1), items) for w, items in sorted(windows.items())
    ]
    return accounts, batches


def synthetic(seed: int, scale: int) -> dict[str, Any]:
    accounts, batches = synthetic_batches(seed, scale)
    with tempfile.TemporaryDirectory() as tmp, SQLiteStore(Path(tmp) / "bots.db") as store:
        outcome = run(batches, store)
    bots = {f"x:{a.handle.lower()}": a.bot for a in accounts}
    spam = {f"x:{a.handle.lower()}": a.spam for a in accounts}
    result = figures(outcome, bots, spam)
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for a in accounts:
        flags = outcome.flagged.get(f"x:{a.handle.lower()}", set())
        kinds[a.archetype][0] += Flag.BOT in flags
        kinds[a.archetype][1] += Flag.SPAM in flags
        kinds[a.archetype][2] += 1
    result["archetypes"] = {
        k: {"bot_flagged": v[0], "spam_flagged": v[1], "accounts": v[2], "is_bot": bot}
        for k, v in sorted(kinds.items())
        for bot in [next(a.bot for a in accounts if a.archetype == k)]
    }
    kind_of = {f"x:{a.handle.lower()}": a.archetype for a in accounts}
    for wrong in ("false_bot_flags", "missed_bots", "false_spam_flags"):
        result[wrong] = [f"{key} ({kind_of[key]})" for key in result[wrong]]
    result["seed"], result["scale"] = seed, scale
    return result


# -- the real fixtures ------------------------------------------------------------------------


def _json_docs(path: Path) -> list[Any]:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".jsonl":
        docs = []
        for line in text.splitlines():
            try:
                docs.append(json.loads(line))
            except ValueError:
                continue  # a capture's truncated last line
        return docs
    return [json.loads(text)]


def fixture_batches(root: Path) -> list[Batch]:
    from listener.sources import bluesky, x
    from listener.sources.jetstream_map import read_frame

    batches: list[Batch] = []
    seen: set[str] = set()
    x_files = sorted((root / "streams" / "x").glob("*.json*")) + sorted(
        (root / "twitter" / "extracted").glob("*.body.json")
    )
    for path in x_files:
        items = []
        for doc in _json_docs(path):
            data = doc.get("data") if isinstance(doc, dict) else None
            tweets = [data] if isinstance(data, dict) else data if isinstance(data, list) else []
            users = x.users_by_id(doc.get("includes"))
            for tweet in tweets:
                if isinstance(tweet, dict) and "text" in tweet and str(tweet["id"]) not in seen:
                    seen.add(str(tweet["id"]))
                    items.append(x.raw_item(tweet, users))
        if items:
            batches.append(_batch("x", items))
    for path in sorted((root / "bluesky" / "extracted").glob("*search*.body.json")):
        posts = json.loads(path.read_text(encoding="utf-8")).get("posts", [])
        batches.append(_batch("bluesky", [bluesky._raw_item(p) for p in posts]))
    capture = root / "streams" / "jetstream" / "capture_v1_contiguous_152_events.jsonl"
    if capture.exists():
        frames = [read_frame(line) for line in capture.read_text(encoding="utf-8").splitlines()]
        items = [f.item for f in frames if f.item is not None and not f.item.deleted]
        batches.append(_batch("jetstream", items))
    return batches


def _batch(source_type: str, items: Sequence[RawItem]) -> Batch:
    times = [i.published_at for i in items if i.published_at is not None]
    at = max(times) + timedelta(minutes=1) if times else datetime.now().astimezone()
    return Batch(source_type, source_type, at, sorted(items, key=lambda i: i.published_at or at))


def read_labels(path: Path) -> dict[str, tuple[bool, bool, str]]:
    with path.open(encoding="utf-8") as file:
        return {
            f"{row['source_type']}:{(row['handle'] or NO_AUTHOR).lower()}": (
                row["bot"] == "yes",
                row["spam"] == "yes",
                row["reason"],
            )
            for row in csv.DictReader(line for line in file if not line.startswith("#"))
        }


def fixtures(root: Path) -> dict[str, Any] | None:
    if not root.is_dir():
        return None
    labels = read_labels(LABELS)
    with tempfile.TemporaryDirectory() as tmp, SQLiteStore(Path(tmp) / "bots.db") as store:
        outcome = run(fixture_batches(root), store)
    unlabelled = sorted(set(outcome.fired) | set(outcome.flagged) - set(labels))
    unlabelled = [k for k in unlabelled if k not in labels]
    if unlabelled:
        raise SystemExit(f"accounts without a label in {LABELS.name}: {unlabelled}")
    judged = {k: v for k, v in labels.items() if k in outcome.fired}
    bots = {k: v[0] for k, v in judged.items()}
    spam = {k: v[1] for k, v in judged.items()}
    return figures(outcome, bots, spam)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    Judge()  # the sentiment model loads once, outside the timings
    same_network_types("x")  # and the source registry, as the daemon's start does
    result = {"fixtures": fixtures(args.fixtures), "synthetic": synthetic(args.seed, args.scale)}
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    for name, part in result.items():
        if part is None:
            print(f"{name}: not found")
            continue
        print(f"== {name}")
        for flag in ("bot", "spam"):
            s = part[flag]
            print(
                f"  {flag:4} precision {s['precision']:.3f} recall {s['recall']:.3f}"
                f" F1 {s['f1']:.3f}  ({s['positives']} of {s['accounts']} accounts;"
                f" tp {s['tp']} fp {s['fp']} fn {s['fn']})"
            )
        for kind, counts in part.get("archetypes", {}).items():
            print(f"  {kind:16} {counts}")
        for signal, counts in part["signals"].items():
            print(f"  signal {signal:16} {counts}")
        print(f"  false bot flags: {part['false_bot_flags']}")
        print(f"  missed bots: {part['missed_bots']}")
        print(f"  false spam flags: {part['false_spam_flags']}")
        print(
            f"  activity stage: {part['activity_us_per_mention']} µs a mention,"
            f" {part['activity_ms_per_batch']} ms a batch, {part['mentions']} mentions"
        )
        print(f"  near copies and templates: {part['copies_us_per_mention']} µs a mention")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
