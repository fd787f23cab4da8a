"""The learning path measured like the papers: macro-F1, 10-fold CV and a learning curve.

    python bench/learning.py [--data DIR] [--json] [--embeddings off|on]

The learning path is a brand's own complaint model, trained on labels people give
(``listener.judging.learning``). On ``complaints-dev.csv`` (``../shared/datasets`` or
``--data DIR``), models are trained in memory and never saved (the data is evaluation-only):

- ``complaints_lodo_*``: leave-one-domain-out: each domain predicted by a model trained on
  all the others, predictions pooled. ``_macro_f1`` is the papers' measure: the mean of the
  F1 of "complaint" and of "not a complaint".
- ``complaints_cv10_macro_f1``: 10-fold stratified cross-validation over the whole file,
  folds fixed by seed 0, predictions pooled; ``complaints_cv10_macro_f1_brands`` the same
  over the nine brand domains only (without the two random-tweet domains, which hold only
  easy non-complaints: closer to the papers' set).
- ``complaints_curve_macro_f1_<N>`` for N = 25, 50, 100, 200 labels per brand: for each
  brand domain large enough to keep at least ``MIN_TEST`` texts out, N labels of that domain
  are drawn (``DRAWS`` seeded draws, stratified to the domain's own complaint share: the
  natural mix a team labelling its inbox sees), a model is trained on them alone and tested
  on the rest of that domain; the macro-F1s are averaged over draws and domains.
  ``_domains_<N>`` says how many domains each point averages (null: no domain is
  large enough; no brand domain of the dev file has 230 texts, so N = 200 is not measured).

Every model decides at ``learning.MODEL_CUT`` (0.5), the cut the daemon uses; nothing is
chosen on a test fold (the inner folds of ``train_complaint_model`` split the training part
only). The model's inputs are the words plus the rule judge's named features, as in the
daemon; with ``--embeddings on`` also the sentence vectors of the optional extra
(``listener[embeddings]``), which must then be installed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.complaint_split import Row, binary_figures, read_rows
from listener.judging.learning import MODEL_CUT, train_complaint_model

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets"
CURVE_SIZES = (25, 50, 100, 200)
DRAWS = 5  # seeded draws per (domain, size): one draw of 25 labels is mostly luck
MIN_TEST = 30  # a domain must keep at least this many texts out to be tested at a size
FOLDS = 10
RANDOM_DOMAINS = frozenset({"random_reply", "random_tweet"})

Extras = Callable[[str], Mapping[str, float]]


class Example(NamedTuple):
    text: str
    extras: Mapping[str, float]
    complaint: bool
    domain: str
    vector: Any  # the sentence embedding, or None


Learner = Callable[[Sequence[Example]], Callable[[Example], bool]]


def model_learner(train: Sequence[Example]) -> Callable[[Example], bool]:
    """The daemon's learner: ``train_complaint_model``, cut at ``MODEL_CUT``."""
    vectors = [e.vector for e in train] if train and train[0].vector is not None else None
    model = train_complaint_model([(e.text, e.extras, e.complaint) for e in train], vectors=vectors)
    return lambda e: model.score(e.text, e.extras, vector=e.vector) >= MODEL_CUT


def macro_f1(gold: Sequence[bool], predicted: Sequence[bool]) -> float:
    return binary_figures(gold, predicted)["macro_f1"]


def lodo(examples: Sequence[Example], learn: Learner) -> dict[str, float | None]:
    """Leave-one-domain-out, pooled; also the mean complaint F1 of the domains that have any."""
    keys = ("complaints_lodo_f1_learned", "complaints_lodo_precision", "complaints_lodo_recall",
            "complaints_lodo_f1_macro_domains", "complaints_lodo_macro_f1")  # fmt: skip
    domains = sorted({e.domain for e in examples})
    if len(domains) < 2:
        return dict.fromkeys(keys)
    gold: list[bool] = []
    predicted: list[bool] = []
    per_domain: list[float] = []
    for held_out in domains:
        train = [e for e in examples if e.domain != held_out]
        test = [e for e in examples if e.domain == held_out]
        if len({e.complaint for e in train}) < 2:
            return dict.fromkeys(keys)
        decide = learn(train)
        fold = [decide(e) for e in test]
        gold += [e.complaint for e in test]
        predicted += fold
        if any(e.complaint for e in test):
            per_domain.append(binary_figures([e.complaint for e in test], fold)["f1"])
    pooled = binary_figures(gold, predicted)
    values = (pooled["f1"], pooled["precision"], pooled["recall"],
              sum(per_domain) / len(per_domain), pooled["macro_f1"])  # fmt: skip
    return dict(zip(keys, values, strict=True))


def stratified_folds(examples: Sequence[Example], folds: int, seed: int) -> list[int]:
    """The fold of each example: each class shuffled by ``seed`` and dealt round-robin."""
    rng = random.Random(seed)
    fold_of = [0] * len(examples)
    for kind in (True, False):
        members = [i for i, e in enumerate(examples) if e.complaint == kind]
        rng.shuffle(members)
        for rank, i in enumerate(members):
            fold_of[i] = rank % folds
    return fold_of


def cross_validated(
    examples: Sequence[Example], learn: Learner, folds: int = FOLDS
) -> float | None:
    """Pooled macro-F1 of ``folds``-fold stratified CV; None with fewer than ``folds`` of
    either kind (a fold without one would flatter or fail)."""
    complaints = sum(e.complaint for e in examples)
    if min(complaints, len(examples) - complaints) < folds:
        return None
    fold_of = stratified_folds(examples, folds, seed=0)
    gold: list[bool] = []
    predicted: list[bool] = []
    for fold in range(folds):
        train = [e for e, f in zip(examples, fold_of, strict=True) if f != fold]
        test = [e for e, f in zip(examples, fold_of, strict=True) if f == fold]
        decide = learn(train)
        gold += [e.complaint for e in test]
        predicted += [decide(e) for e in test]
    return macro_f1(gold, predicted)


def stratified_draw(domain: Sequence[Example], size: int, seed: int) -> set[int]:
    """``size`` indices into ``domain``, with its complaint share (each kind at least 2)."""
    rng = random.Random(seed)
    positives = [i for i, e in enumerate(domain) if e.complaint]
    negatives = [i for i, e in enumerate(domain) if not e.complaint]
    wanted = round(size * len(positives) / len(domain))
    wanted = min(max(wanted, 2), size - 2, len(positives))
    return set(rng.sample(positives, wanted)) | set(rng.sample(negatives, size - wanted))


def curve(examples: Sequence[Example], learn: Learner) -> dict[str, float | None]:
    figures: dict[str, float | None] = {}
    domains = sorted({e.domain for e in examples} - RANDOM_DOMAINS)
    for size in CURVE_SIZES:
        scores: list[float] = []
        used = 0
        for name in domains:
            domain = [e for e in examples if e.domain == name]
            kinds = sum(e.complaint for e in domain)
            if len(domain) - size < MIN_TEST or min(kinds, len(domain) - kinds) < 4:
                continue
            used += 1
            for draw in range(DRAWS):
                chosen = stratified_draw(domain, size, seed=draw)
                decide = learn([domain[i] for i in sorted(chosen)])
                test = [e for i, e in enumerate(domain) if i not in chosen]
                scores.append(macro_f1([e.complaint for e in test], [decide(e) for e in test]))
        figures[f"complaints_curve_macro_f1_{size}"] = sum(scores) / len(scores) if scores else None
        figures[f"complaints_curve_domains_{size}"] = used or None  # None: not measured
    return figures


def examples_of(rows: Sequence[Row], extras: Extras, embed: Callable[[list[str]], Any] | None
                ) -> list[Example]:  # fmt: skip
    vectors: Sequence[Any] = embed([r.text for r in rows]) if embed else [None] * len(rows)
    return [
        Example(r.text, extras(r.text), r.complaint, r.domain, v)
        for r, v in zip(rows, vectors, strict=True)
    ]


def measure(data: Path, extras: Extras, *, embeddings: bool = False) -> dict[str, float | None]:
    """Every learning-path figure (all null when the data is absent)."""
    rows = [r for r in read_rows(data) if r.domain]
    embed = None
    if embeddings:
        from listener.judging.embeddings import SentenceEmbedder

        embed = SentenceEmbedder().embed
    examples = examples_of(rows, extras, embed)
    figures: dict[str, float | None] = {}
    figures |= lodo(examples, model_learner)
    brands = [e for e in examples if e.domain not in RANDOM_DOMAINS]
    figures["complaints_cv10_macro_f1"] = cross_validated(examples, model_learner)
    figures["complaints_cv10_macro_f1_brands"] = cross_validated(brands, model_learner)
    figures |= curve(examples, model_learner)
    return figures


def main() -> int:
    from listener.judging.judge import Judge

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--embeddings", choices=("off", "on"), default="off")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    figures = measure(args.data, Judge().rule_features, embeddings=args.embeddings == "on")
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"  {key:40}{'—' if value is None else f'{value:10.3f}'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
