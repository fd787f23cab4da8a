"""How often Bengali and Hindi posts get a topic, a feeling, danger and high urgency.

    python bench/indic.py [--data DIR] [--json] [--sample N --part tune --lang bn]

Reads ``../shared/datasets`` (or ``--data DIR``): ``bangla_sentiment/bn_all_test.tsv``
(Bengali, labelled negative/neutral/positive) and ``xlmt_sentiment/hindi`` (SAIL 2015 Hindi
tweets, mostly romanised; labels 0 negative, 1 neutral, 2 positive). No Telugu set is at hand.

Each set is split in two by a fixed hash of the row (its id, or its text for the Hindi set,
which has none): the topic, feeling, danger and urgency lists are chosen by reading the
**tune** half; the **check** half is only counted. Figures per set and part (JSON keys
``<set>_<part>_<figure>``):

- ``negative_topic``, ``negative_feeling``: share of the texts people labelled negative that
  get a topic / a feeling (coverage: these sets are mostly politics, cricket and films, not
  posts to a brand, so a topic is rarely there to find); ``negative_indic_topic`` and
  ``negative_indic_feeling``: the same from the Indic lists alone;
- ``positive_feeling``: share of the positive texts given a feeling (every feeling here is a
  negative one, so this is a cheap false-alarm rate);
- ``safety``, ``threat``, ``high_urgency``: share of all texts read as harm, as a threat, or
  high urgency (a real threat or emergency is rare in these sets: a high share is false
  alarms);
- ``texts_per_s``: every judgment of the whole set per second, one core.

``--sample N`` prints N texts of one part and language that got a topic or a feeling, with
what they got, for reading by hand (precision); the figures in the README say how many were
read and on which part. Nothing is trained; the data stays in ``../shared``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

# Run as a script, bench/ is on sys.path but the project root may not be.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.complaint_split import PARTS, part_of  # the one fixed split: a hash of the key
from listener.judging.indic_judgments import indic_found
from listener.judging.judge import Judge
from listener.models import Judgments, Urgency

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets"


class Row(NamedTuple):
    key: str  # what the split hashes
    text: str
    label: str  # negative, neutral, positive


def read_bengali(data: Path) -> list[Row]:
    path = data / "bangla_sentiment" / "bn_all_test.tsv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Row(r["id"], r["text"], r["class_label"].lower()) for r in reader]


def read_hindi(data: Path) -> list[Row]:
    folder = data / "xlmt_sentiment" / "hindi"
    if not (folder / "test_text.txt").exists():
        return []
    names = {"0": "negative", "1": "neutral", "2": "positive"}
    texts = (folder / "test_text.txt").read_text(encoding="utf-8").splitlines()
    labels = (folder / "test_labels.txt").read_text(encoding="utf-8").splitlines()
    pairs = zip(texts, labels, strict=True)
    return [Row(text, text, names[label.strip()]) for text, label in pairs]


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def figures(rows: Sequence[Row], judged: Sequence[Judgments]) -> dict[str, float | None]:
    negative = [j for r, j in zip(rows, judged, strict=True) if r.label == "negative"]
    # What the Indic lists alone found (the Hindi set is romanised: English lists read it too).
    own = [
        indic_found(r.text, j.language)
        for r, j in zip(rows, judged, strict=True)
        if r.label == "negative"
    ]
    positive = [j for r, j in zip(rows, judged, strict=True) if r.label == "positive"]
    safety = sum(1 for j in judged if any(t.name == "safety" for t in j.topics))
    threat = sum(1 for j in judged if any(f.name == "threat" for f in j.flags))
    return {
        "texts": len(rows),
        "negative_topic": _share(sum(1 for j in negative if _topics(j)), len(negative)),
        "negative_feeling": _share(sum(1 for j in negative if j.feelings), len(negative)),
        "negative_indic_topic": _share(sum(1 for f in own if "topic" in f), len(negative)),
        "negative_indic_feeling": _share(sum(1 for f in own if "feeling" in f), len(negative)),
        "positive_feeling": _share(sum(1 for j in positive if j.feelings), len(positive)),
        "safety": _share(safety, len(judged)),
        "threat": _share(threat, len(judged)),
        "high_urgency": _share(sum(1 for j in judged if j.urgency is Urgency.HIGH), len(judged)),
    }


def _topics(j: Judgments) -> list[str]:
    return [t.name for t in j.topics if t.name != "safety"]


def measure(name: str, rows: Sequence[Row], judge: Judge) -> dict[str, float | None]:
    started = time.perf_counter()
    judged = [judge.judge_text(r.text) for r in rows]
    elapsed = time.perf_counter() - started
    report: dict[str, float | None] = {f"{name}_texts_per_s": round(len(rows) / elapsed)}
    for part in PARTS:
        picked = [(r, j) for r, j in zip(rows, judged, strict=True) if part_of(r.key) == part]
        part_figures = figures([r for r, _ in picked], [j for _, j in picked])
        report |= {f"{name}_{part}_{key}": value for key, value in part_figures.items()}
    return report


def print_sample(rows: Sequence[Row], judge: Judge, part: str, count: int, seed: int) -> None:
    found = []
    for row in rows:
        if part_of(row.key) != part:
            continue
        j = judge.judge_text(row.text)
        flags = [f.name for f in j.flags if f.name == "threat"]
        if j.topics or j.feelings or flags:
            found.append((row, j, flags))
    for row, j, flags in random.Random(seed).sample(found, min(count, len(found))):
        print(f"[{row.label}] {row.text[:300]}")
        for finding in (*j.topics, *j.feelings):
            print(f"    {finding.name}: {', '.join(finding.evidence)}")
        if flags:
            print(f"    threat; urgency {j.urgency.value}")
        print()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--sample", type=int, default=0, help="print N texts for reading")
    parser.add_argument("--part", choices=PARTS, default="tune")
    parser.add_argument("--lang", choices=("bn", "hi"), default="bn")
    parser.add_argument("--seed", type=int, default=16, help="which sample --sample prints")
    args = parser.parse_args(argv)
    judge = Judge()
    sets = {"bengali": read_bengali(args.data), "hindi": read_hindi(args.data)}
    if args.sample:
        rows = sets["bengali" if args.lang == "bn" else "hindi"]
        print_sample(rows, judge, args.part, args.sample, args.seed)
        return 0
    report: dict[str, float | None] = {}
    for name, rows in sets.items():
        if rows:
            report |= measure(name, rows, judge)
    if args.json:
        print(json.dumps(report))
        return 0
    for name in sets:
        for part in PARTS:
            keys = [k for k in report if k.startswith(f"{name}_{part}_")]
            print(f"{name} {part}: " + ", ".join(f"{k.split('_', 2)[2]} {report[k]}" for k in keys))
        print(f"{name} texts/s: {report.get(f'{name}_texts_per_s')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
