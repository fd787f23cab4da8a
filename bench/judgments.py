"""How good the judgments are, measured on real labelled data.

    python bench/judgments.py [--data DIR] [--json] [--language-id builtin|py3langid]

Reads ``../shared/datasets`` (or ``--data DIR``); each dataset that is absent is skipped
and reported as ``null``. Prints a table, or with ``--json`` one JSON object.

Figures (keys of the JSON object):
- ``tweeteval_macro_recall``, ``tweeteval_macro_f1``: 3-class sentiment on the TweetEval test set
  (the official metric is macro-recall). ``unknown`` counts as ``neutral`` here.
- ``complaints_precision``/``_recall``/``_f1``/``_auc`` on ``complaints-dev.csv``: the
  default complaint judge (rules only, nothing trained on this data); the AUC ranks by its
  complaint score.
- ``complaints_lodo_f1_learned`` (with ``_precision``, ``_recall``): the learning path,
  leave-one-domain-out on ``complaints-dev.csv``: for each domain a model is trained in memory
  on all the other domains and predicts the held-out one at 0.5; the figures pool every
  fold's predictions. ``complaints_lodo_f1_macro_domains`` averages the F1 of the domains
  that have complaints (the two random-tweet domains have none); ``complaints_lodo_macro_f1``
  is the papers' macro-F1 (both classes) of the pool. ``complaints_cv10_macro_f1`` (and
  ``_brands``) and the learning curve ``complaints_curve_macro_f1_25`` … ``_200``: see
  ``bench/learning.py``. The data's licence is evaluation-only: these models are never saved.
- ``bengali_unscored_rate``: share of Bengali texts given no sentiment score (VADER cannot
  read them); ``bengali_neutral_rate``: share called neutral, which would be a false
  statement and must be 0; ``bengali_cue_negative_precision``: of the Bengali texts our cue
  lists call negative, the share labelled negative by people.
- ``texts_per_s``: every judgment together (language, sentiment, complaint, feelings, topics,
  flags, urgency, reach) per second on the TweetEval texts, one core.
- ``vader``: the same figures for plain VADER (compound ≥ 0.05 positive, ≤ −0.05 negative,
  "negative" as the complaint detector), the baseline to beat.

``--language-id`` measures our judge with that ``judgments.language_id`` (default
``builtin``; ``py3langid`` needs the ``listener[langid]`` extra).

``--tune-band`` prints TweetEval *validation* macro-recall for a range of neutral bands. The
sentiment rules and bands were chosen on a wider development set that excludes the test
split (``bench/sentiment_dev.py``: TweetEval validation and VADER's rated tweets, Amazon and
NYT sentences); the test split is only measured.

Nothing here trains anything that ships; the datasets stay in ``../shared``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

# Run as a script, bench/ is on sys.path but the project root may not be.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import learning
from bench.complaint_split import Row, read_rows, split_report
from listener.config.judgments import JudgmentSettings
from listener.judging.judge import Judge
from listener.models import Judgments, SentimentLabel
from listener.sentiment import label_for

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets"
LABELS = (SentimentLabel.NEGATIVE, SentimentLabel.NEUTRAL, SentimentLabel.POSITIVE)  # 0, 1, 2

JudgeText = Callable[[str], Judgments]
Extras = Callable[[str], Mapping[str, float]]


def no_extras(_text: str) -> Mapping[str, float]:
    return {}


def listener_judge(language_id: str = "builtin") -> tuple[JudgeText, Extras]:
    """Our judge with default settings (rules only; ``language_id`` as asked), and its rule
    features for the learner."""
    judge = Judge(JudgmentSettings.model_validate({"language_id": language_id}))
    return judge.judge_text, judge.rule_features


def vader_judge(band: float = 0.05) -> JudgeText:
    """Plain VADER, as shipped: the baseline (complaint = "negative")."""
    analyzer = SentimentIntensityAnalyzer()

    def judge(text: str) -> Judgments:
        compound = float(analyzer.polarity_scores(text)["compound"])
        label = label_for(compound, band)
        return Judgments(
            sentiment=compound,
            sentiment_label=label,
            complaint=label is SentimentLabel.NEGATIVE,
            complaint_score=(1 - compound) / 2,
        )

    return judge


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


def tweeteval(data: Path, judge: JudgeText) -> dict[str, float | None]:
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


def complaints(data: Path, judge: JudgeText) -> dict[str, float | None]:
    path = data / "complaints" / "complaints-dev.csv"
    keys = ("complaints_precision", "complaints_recall", "complaints_f1", "complaints_auc")
    if not path.exists():
        return dict.fromkeys(keys)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle) if len(row) >= 3]
    gold = [row[2] == "1" for row in rows]
    judged = [judge(row[1]) for row in rows]
    flagged = [j.complaint for j in judged]
    precision, recall = per_class([int(g) for g in gold], [int(f) for f in flagged], label=1)
    risk = [j.complaint_score or 0.0 for j in judged]
    figures: dict[str, float | None] = dict(
        zip(keys, (precision, recall, f1(precision, recall), auc(risk, gold)), strict=True)
    )
    # The same judgments read on the fixed tune/check halves (bench/complaint_split.py).
    split_rows = [Row(r[0], r[1], r[2] == "1", r[3] if len(r) > 3 else "") for r in rows]
    figures.update(split_report(split_rows, judged))
    return figures


def bengali(data: Path, judge: JudgeText) -> dict[str, float | None]:
    path = data / "bangla_sentiment" / "bn_all_test.tsv"
    keys = ("bengali_unscored_rate", "bengali_neutral_rate", "bengali_cue_negative_precision")
    if not path.exists():
        return dict.fromkeys(keys)
    with path.open(encoding="utf-8", newline="") as handle:
        # Texts contain stray quote characters: read fields verbatim.
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        rows = [(row["text"], row.get("class_label", "")) for row in reader if row.get("text")]
    judged = [(judge(text), gold) for text, gold in rows]
    unscored = sum(1 for j, _ in judged if j.sentiment is None)
    neutral = sum(1 for j, _ in judged if j.sentiment_label is SentimentLabel.NEUTRAL)
    negative = [gold for j, gold in judged if j.sentiment_label is SentimentLabel.NEGATIVE]
    cue_precision = (
        sum(1 for gold in negative if gold.lower() == "negative") / len(negative)
        if negative
        else None
    )
    return dict(zip(keys, (unscored / len(rows), neutral / len(rows), cue_precision), strict=True))


def tune_band(data: Path, bands: Sequence[tuple[float, float]]) -> dict[tuple[float, float], float]:
    """TweetEval *validation* macro-recall for each (negative, positive) neutral band."""
    folder = data / "tweeteval_sentiment"
    texts = (folder / "val_text.txt").read_text(encoding="utf-8").splitlines()
    gold = [int(x) for x in (folder / "val_labels.txt").read_text().split()]
    scores = [Judge().judge_text(text).sentiment for text in texts]
    results: dict[tuple[float, float], float] = {}
    for negative, positive in bands:
        predicted = [
            1 if s is None else LABELS.index(label_for(s, negative, positive)) for s in scores
        ]
        results[(negative, positive)] = sum(per_class(gold, predicted, k)[1] for k in range(3)) / 3
    return results


def complaints_lodo(data: Path, extras: Extras = no_extras) -> dict[str, float | None]:
    """Leave-one-domain-out figures of the learning path (``bench/learning.py``, which says
    how they are measured); ``extras(text)`` are its named features beside the words (the
    rule judge's, when the caller passes them in).

    Null when the file is absent or has fewer than two domains, or when some domain's
    complement lacks complaints or non-complaints: a partial pool would flatter.

    Tuned on this same set, so slightly optimistic: the featurizer's choices (unigrams, no
    bigrams or character n-grams, the marks, shape flags and commerce topic) and the
    two-stage fit were picked by these figures. Nothing is chosen on the held-out domain
    inside a fold: the inner folds of ``train_complaint_model`` (which also choose its
    regularisation) split the training domains only, and the cut is the one the daemon
    uses once a model decides alone (``learning.MODEL_CUT``, 0.5).
    """
    rows = [row for row in read_rows(data) if row.domain]
    return learning.lodo(learning.examples_of(rows, extras, None), learning.model_learner)


def measure(
    data: Path, judge: JudgeText | None = None, extras: Extras | None = None
) -> dict[str, float | None]:
    """Every figure for ``judge`` (default: ours), the learner fed ``extras`` (default: ours)."""
    if judge is None or extras is None:
        ours, our_extras = listener_judge()
        judge, extras = judge or ours, extras or our_extras
    figures: dict[str, float | None] = {}
    figures |= tweeteval(data, judge)
    figures |= complaints(data, judge)
    # The learning path: leave-one-domain-out, 10-fold CV and the learning curve.
    figures |= learning.measure(data, extras)
    figures |= bengali(data, judge)
    return figures


def vader_figures(data: Path) -> dict[str, float | None]:
    """The baseline's figures (no learning path: plain VADER has none)."""
    vader = vader_judge()
    figures: dict[str, float | None] = {}
    figures |= tweeteval(data, vader)
    figures |= complaints(data, vader)
    figures |= bengali(data, vader)
    return figures


def _shown(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the datasets folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--language-id",
        choices=("builtin", "py3langid"),
        default="builtin",
        help="judgments.language_id for our judge (py3langid needs listener[langid])",
    )
    parser.add_argument(
        "--tune-band", action="store_true", help="TweetEval validation recall per neutral band"
    )
    args = parser.parse_args()
    if not args.data.is_dir():
        reason = f"no datasets at {args.data} (pass --data DIR)"
        print(json.dumps({"skipped": reason}) if args.json else f"skipped: {reason}")
        return 0
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if args.tune_band:
        grid = [(n / 100, p / 100) for n in range(0, 41, 5) for p in range(0, 61, 5)]
        ranked = sorted(tune_band(args.data, grid).items(), key=lambda item: -item[1])
        for (negative, positive), recall in ranked[:10]:
            print(f"  negative ≤ −{negative:.2f}, positive ≥ {positive:.2f}: {recall:.3f}")
        return 0
    figures = measure(args.data, *listener_judge(args.language_id))
    baseline = vader_figures(args.data)
    if args.json:
        print(json.dumps({**figures, "vader": baseline}))
        return 0
    print(f"judgments measured on {args.data} (language_id: {args.language_id})")
    print(f"  {'figure':<36}{'listener':>12}{'VADER':>12}")
    for key, value in figures.items():
        print(f"  {key:<36}{_shown(value):>12}{_shown(baseline.get(key)):>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
