"""How good the judgments are, measured on real labelled data.

    python bench/judgments.py [--data DIR] [--json]

Reads ``../shared/datasets`` (or ``--data DIR``); each dataset that is absent is skipped
and reported as ``null``. Prints a table, or with ``--json`` one JSON object.

Figures (keys of the JSON object):
- ``tweeteval_macro_recall``, ``tweeteval_macro_f1``: 3-class sentiment on the TweetEval test set
  (the official metric is macro-recall). ``unknown`` counts as ``neutral`` here.
- ``complaints_precision``/``_recall``/``_f1``/``_auc`` on ``complaints-dev.csv``. Until a
  complaint detector exists, the detector is "sentiment label is negative" and the AUC ranks by
  negated compound score: the baseline the judgments work must beat.
- ``complaints_lodo_f1_learned``: leave-one-domain-out F1 of the learning path (``null``
  until the learning path exists).
- ``bengali_unscored_rate``: share of Bengali texts marked unscored (``unknown``) rather than
  given a sentiment — a "neutral" there would be a false statement.
- ``texts_per_s``: judgments per second on the TweetEval texts, one core.

Nothing here trains anything that ships; the datasets stay in ``../shared``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from listener.models import Judgments, SentimentLabel
from listener.sentiment import judge_sentiment

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets"
LABELS = (SentimentLabel.NEGATIVE, SentimentLabel.NEUTRAL, SentimentLabel.POSITIVE)  # 0, 1, 2

Judge = Callable[[str], Judgments]


def per_class(gold: Sequence[int], predicted: Sequence[int], label: int) -> tuple[float, float]:
    """(precision, recall) of one class; 0 where undefined."""
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
    predicted_n = sum(1 for p in predicted if p == label)
    gold_n = sum(1 for g in gold if g == label)
    return (tp / predicted_n if predicted_n else 0.0, tp / gold_n if gold_n else 0.0)


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def auc(scores: Sequence[float], positives: Sequence[bool]) -> float:
    """Area under the ROC curve (Mann–Whitney U with average ranks for ties)."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    n_pos = sum(positives)
    n_neg = len(positives) - n_pos
    rank_sum = sum(rank for rank, positive in zip(ranks, positives, strict=True) if positive)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def label_index(judgments: Judgments) -> int:
    label = judgments.sentiment_label
    return LABELS.index(label) if label in LABELS else 1  # unknown scores as neutral


def tweeteval(data: Path, judge: Judge) -> dict[str, float | None]:
    folder = data / "tweeteval_sentiment"
    if not (folder / "test_text.txt").exists():
        return {"tweeteval_macro_recall": None, "tweeteval_macro_f1": None, "texts_per_s": None}
    texts = (folder / "test_text.txt").read_text(encoding="utf-8").splitlines()
    gold = [int(x) for x in (folder / "test_labels.txt").read_text().split()]
    started = time.perf_counter()
    judged = [judge(text) for text in texts]
    per_s = len(texts) / (time.perf_counter() - started)
    predicted = [label_index(j) for j in judged]
    scores = [per_class(gold, predicted, label) for label in range(3)]
    return {
        "tweeteval_macro_recall": sum(r for _, r in scores) / 3,
        "tweeteval_macro_f1": sum(f1(p, r) for p, r in scores) / 3,
        "texts_per_s": per_s,
    }


def complaints(data: Path, judge: Judge) -> dict[str, float | None]:
    path = data / "complaints" / "complaints-dev.csv"
    keys = ("complaints_precision", "complaints_recall", "complaints_f1", "complaints_auc")
    if not path.exists():
        return dict.fromkeys(keys)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle) if len(row) >= 3]
    gold = [row[2] == "1" for row in rows]
    judged = [judge(row[1]) for row in rows]
    flagged = [j.sentiment_label is SentimentLabel.NEGATIVE for j in judged]
    precision, recall = per_class([int(g) for g in gold], [int(f) for f in flagged], label=1)
    risk = [-(j.sentiment or 0.0) for j in judged]
    return dict(zip(keys, (precision, recall, f1(precision, recall), auc(risk, gold)), strict=True))


def bengali(data: Path, judge: Judge) -> dict[str, float | None]:
    path = data / "bangla_sentiment" / "bn_all_test.tsv"
    if not path.exists():
        return {"bengali_unscored_rate": None}
    with path.open(encoding="utf-8", newline="") as handle:
        # Texts contain stray quote characters: read fields verbatim.
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        texts = [row["text"] for row in reader if row.get("text")]
    unscored = sum(1 for text in texts if judge(text).sentiment_label is SentimentLabel.UNKNOWN)
    return {"bengali_unscored_rate": unscored / len(texts)}


def measure(data: Path, judge: Judge = judge_sentiment) -> dict[str, float | None]:
    figures: dict[str, float | None] = {}
    figures |= tweeteval(data, judge)
    figures |= complaints(data, judge)
    figures["complaints_lodo_f1_learned"] = None  # the learning path does not exist yet
    figures |= bengali(data, judge)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the datasets folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if not args.data.is_dir():
        reason = f"no datasets at {args.data} (pass --data DIR)"
        print(json.dumps({"skipped": reason}) if args.json else f"skipped: {reason}")
        return 0
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    figures = measure(args.data)
    if args.json:
        print(json.dumps(figures))
        return 0
    print(f"judgments measured on {args.data}")
    for key, value in figures.items():
        shown = (
            "not measured" if value is None else f"{value:,.3f}" if value < 100 else f"{value:,.0f}"
        )
        print(f"  {key:<30}{shown:>14}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
