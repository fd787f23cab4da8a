"""bench/learning.py's measures (LODO, 10-fold CV, learning curve) on a small hand-made set."""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from bench.learning import (
    CURVE_SIZES,
    Example,
    cross_validated,
    measure,
    model_learner,
    stratified_draw,
    stratified_folds,
)
from listener.judging.judge import Judge

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = ["my parcel is late", "the app keeps crashing", "I was charged twice",
            "nobody answers the phone", "the item arrived broken", "still no refund"]  # fmt: skip
PRAISE = ["thanks for the quick help", "love the new design", "great service today",
          "the team was lovely", "arrived early, very happy", "brilliant support"]  # fmt: skip
DOMAINS = ("shoes", "phones", "trains")


def write_dataset(root: Path) -> Path:
    """60 posts per domain, 30 complaints: templates written here, no dataset text."""
    rows = []
    for d, domain in enumerate(DOMAINS):
        for i in range(60):
            complaint = i % 2 == 0
            phrase = (PROBLEMS if complaint else PRAISE)[(i // 2) % 6]
            text = f"@{domain} {phrase} (order {d}{i})" + (" again!" if complaint else " :)")
            rows.append([str(1000 * d + i), text, "1" if complaint else "0", domain])
    folder = root / "complaints"
    folder.mkdir(parents=True)
    with (folder / "complaints-dev.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return root


def test_folds_are_fixed_by_seed_and_stratified() -> None:
    examples = [Example(f"t{i}", {}, i % 3 == 0, "d", None) for i in range(60)]
    folds = stratified_folds(examples, 10, seed=0)
    assert folds == stratified_folds(examples, 10, seed=0)
    assert folds != stratified_folds(examples, 10, seed=1)
    for fold in range(10):
        members = [e for e, f in zip(examples, folds, strict=True) if f == fold]
        assert len(members) == 6 and sum(e.complaint for e in members) == 2


def test_a_draw_keeps_the_domain_share_and_both_kinds() -> None:
    domain = [Example(f"t{i}", {}, i < 45, "d", None) for i in range(60)]  # 75% complaints
    chosen = stratified_draw(domain, 25, seed=3)
    assert len(chosen) == 25
    assert sum(domain[i].complaint for i in chosen) == 19  # round(25 × 0.75)
    assert stratified_draw(domain, 25, seed=3) == chosen


def test_the_figures_on_a_separable_set(tmp_path: Path) -> None:
    figures = measure(write_dataset(tmp_path), Judge().rule_features)
    assert figures["complaints_cv10_macro_f1"] is not None
    assert figures["complaints_cv10_macro_f1"] > 0.9
    assert figures["complaints_lodo_macro_f1"] is not None
    assert figures["complaints_lodo_macro_f1"] > 0.9
    # 60 posts a domain: 25 labels leave 35 to test; 50 would leave too few to measure.
    assert figures["complaints_curve_domains_25"] == 3
    assert figures["complaints_curve_macro_f1_25"] is not None
    for size in CURVE_SIZES[1:]:
        assert figures[f"complaints_curve_domains_{size}"] is None
        assert figures[f"complaints_curve_macro_f1_{size}"] is None


def test_a_learner_that_cannot_learn_scores_low() -> None:
    """The measure can fail: labels unrelated to the texts give about chance."""
    coin = random.Random(5)
    examples = [Example(f"@shop {PRAISE[i % 6]} {i}", {}, coin.random() < 0.5, "d", None)
                for i in range(80)]  # fmt: skip
    assert cross_validated(examples, model_learner) < 0.7


def test_absent_data_gives_nulls(tmp_path: Path) -> None:
    figures = measure(tmp_path, Judge().rule_features)
    assert figures["complaints_cv10_macro_f1"] is None
    assert figures["complaints_lodo_macro_f1"] is None


@pytest.mark.timeout(300)
def test_the_script_prints_json(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "learning.py"), "--json",
         "--data", str(write_dataset(tmp_path))],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    figures = json.loads(result.stdout)
    assert {"complaints_lodo_macro_f1", "complaints_cv10_macro_f1",
            "complaints_curve_macro_f1_50"} <= set(figures)  # fmt: skip
