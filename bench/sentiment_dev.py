"""English sentiment on a development set that is not the TweetEval test split.

    python bench/sentiment_dev.py [--data DIR] [--json] [--vader]

Reads ``../shared/datasets`` (or ``--data DIR``); a set whose files are absent is skipped
and shown as ``—`` (``null`` in JSON). Prints each set's 3-class macro-recall (TweetEval's
official metric) and per-class recall, for our judge (default settings) and, with
``--vader``, plain VADER (compound ≥ 0.05 positive, ≤ −0.05 negative) beside it.

Every change to ``listener.sentiment`` and ``listener.reading.vader_reading`` is chosen by these
figures; the TweetEval *test* split is measured by ``bench/judgments.py`` only, once per
kept change, never used to choose.

The sets:

- ``tweeteval_val``: TweetEval's validation split (2,000 tweets; 0 negative, 1 neutral,
  2 positive).
- ``vader_tweets``: the tweets VADER's authors had rated (4,200, mean human valence on
  −4…+4; it includes 200 tweets they wrote, so it flatters VADER). Mapped to three
  classes by ``NEUTRAL_VALENCE``, fixed before anything was measured: a mean within half
  a step of 0 on the raters' integer scale is neutral.
- ``vader_amazon``, ``vader_nyt``: Amazon review and NYT editorial sentences from the same
  study, mapped the same way: not tweets, a guard against rules that only fit tweets.
  (The movie-review sentences are left out: almost none are neutral.)

Not used: XLM-T's English test tweets. All 870 are lines of the TweetEval test split
(SemEval-2017's test set), so measuring on them would be measuring on the test split.

``dev_tweets`` is the mean of the two tweet sets, ``dev_all`` the mean of all four.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from listener.judging.judge import Judge
from listener.models import SentimentLabel

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets"
LABELS = (SentimentLabel.NEGATIVE, SentimentLabel.NEUTRAL, SentimentLabel.POSITIVE)  # 0, 1, 2
NEUTRAL_VALENCE = 0.5  # |mean human valence| below this: neutral (VADER's sets)
TWEET_SETS = ("tweeteval_val", "vader_tweets")
ALL_SETS = (*TWEET_SETS, "vader_amazon", "vader_nyt")

Labelled = list[tuple[str, int]]
Classify = Callable[[str], int]


def valence_class(mean: float) -> int:
    if mean <= -NEUTRAL_VALENCE:
        return 0
    if mean >= NEUTRAL_VALENCE:
        return 2
    return 1


def load_tweeteval_val(data: Path) -> Labelled | None:
    folder = data / "tweeteval_sentiment"
    text, labels = folder / "val_text.txt", folder / "val_labels.txt"
    if not (text.exists() and labels.exists()):
        return None
    texts = text.read_text(encoding="utf-8").splitlines()
    gold = [int(x) for x in labels.read_text().split()]
    return list(zip(texts, gold, strict=True))


def load_vader(data: Path, name: str) -> Labelled | None:
    path = data / "vader_groundtruth" / f"{name}_GroundTruth.txt"
    if not path.exists():
        return None
    rows: Labelled = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        fields = line.split("\t")
        if len(fields) >= 3:
            rows.append((fields[2], valence_class(float(fields[1]))))
    return rows


def load_sets(data: Path) -> dict[str, Labelled | None]:
    return {
        "tweeteval_val": load_tweeteval_val(data),
        "vader_tweets": load_vader(data, "tweets"),
        "vader_amazon": load_vader(data, "amazonReviewSnippets"),
        "vader_nyt": load_vader(data, "nytEditorialSnippets"),
    }


def recalls(gold: Sequence[int], predicted: Sequence[int]) -> tuple[float, float, float]:
    """Recall of negative, neutral and positive (0 for a class with no examples)."""
    found = [0, 0, 0]
    total = [0, 0, 0]
    for g, p in zip(gold, predicted, strict=True):
        total[g] += 1
        found[g] += g == p
    r = [found[k] / total[k] if total[k] else 0.0 for k in range(3)]
    return r[0], r[1], r[2]


def ours() -> Classify:
    judge = Judge()

    def classify(text: str) -> int:
        label = judge.judge_text(text).sentiment_label
        return LABELS.index(label) if label in LABELS else 1  # unknown counts as neutral

    return classify


def plain_vader() -> Classify:
    analyzer = SentimentIntensityAnalyzer()

    def classify(text: str) -> int:
        compound = analyzer.polarity_scores(text)["compound"]
        return 2 if compound >= 0.05 else 0 if compound <= -0.05 else 1

    return classify


def evaluate(
    sets: dict[str, Labelled | None], classify: Classify
) -> dict[str, dict[str, float] | None]:
    results: dict[str, dict[str, float] | None] = {}
    for name, rows in sets.items():
        if rows is None:
            results[name] = None
            continue
        gold = [g for _, g in rows]
        neg, neu, pos = recalls(gold, [classify(text) for text, _ in rows])
        results[name] = {"macro_recall": (neg + neu + pos) / 3, "neg": neg, "neu": neu, "pos": pos}
    return results


def means(results: dict[str, dict[str, float] | None]) -> dict[str, float | None]:
    def mean(names: Sequence[str]) -> float | None:
        figures = [results[n] for n in names]
        if any(f is None for f in figures):
            return None
        return sum(f["macro_recall"] for f in figures if f is not None) / len(figures)

    return {"dev_tweets": mean(TWEET_SETS), "dev_all": mean(ALL_SETS)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the datasets folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--vader", action="store_true", help="plain VADER beside ours")
    args = parser.parse_args()
    sets = load_sets(args.data) if args.data.is_dir() else {}
    if not any(rows is not None for rows in sets.values()):
        reason = f"no datasets at {args.data} (pass --data DIR)"
        print(json.dumps({"skipped": reason}) if args.json else f"skipped: {reason}")
        return 0
    systems = {"listener": ours()} | ({"vader": plain_vader()} if args.vader else {})
    report = {}
    for system, classify in systems.items():
        results = evaluate(sets, classify)
        report[system] = {"sets": results, **means(results)}
    if args.json:
        print(json.dumps(report))
        return 0
    for system, figures in report.items():
        print(f"{system}: macro-recall (recall negative / neutral / positive)")
        for name, result in figures["sets"].items():
            if result is None:
                print(f"  {name:<14}{'—':>8}")
                continue
            print(
                f"  {name:<14}{result['macro_recall']:>8.3f}"
                f"   ({result['neg']:.3f} / {result['neu']:.3f} / {result['pos']:.3f})"
            )
        for key in ("dev_tweets", "dev_all"):
            value = figures[key]
            print(f"  {key:<14}{'—' if value is None else f'{value:.3f}':>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
