"""The measuring code of bench/judgments.py, on tiny datasets written here (not ../shared)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.judgments import auc, f1, measure, per_class, vader_figures


def test_auc_on_known_rankings() -> None:
    assert auc([0.1, 0.2, 0.8, 0.9], [False, False, True, True]) == 1.0
    assert auc([0.9, 0.8, 0.2, 0.1], [False, False, True, True]) == 0.0
    assert auc([0.5, 0.5, 0.5, 0.5], [False, True, False, True]) == 0.5
    assert auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == 0.75


def test_per_class_precision_recall_and_f1() -> None:
    precision, recall = per_class([1, 1, 0, 0], [1, 0, 1, 0], label=1)
    assert (precision, recall) == (0.5, 0.5)
    assert f1(precision, recall) == 0.5
    assert per_class([0, 0], [0, 0], label=1) == (0.0, 0.0)


def write_datasets(root: Path) -> Path:
    tweeteval = root / "tweeteval_sentiment"
    tweeteval.mkdir(parents=True)
    (tweeteval / "test_text.txt").write_text(
        "I hate this awful thing\nit is a chair\nI love it, great\n"
    )
    (tweeteval / "test_labels.txt").write_text("0\n1\n2\n")
    (root / "complaints").mkdir()
    (root / "complaints" / "complaints-dev.csv").write_text(
        '1,"@acme my parcel is late and broken, terrible",1,transport\n'
        "2,@acme thanks so much you are great,0,transport\n"
    )
    (root / "bangla_sentiment").mkdir()
    (root / "bangla_sentiment" / "bn_all_test.tsv").write_text(
        'id\ttext\tclass_label\n1\tসেবা খুব "খারাপ\tnegative\n2\tgood service\tpositive\n'
    )
    return root


def test_measure_reads_each_dataset_format(tmp_path: Path) -> None:
    figures = measure(write_datasets(tmp_path))
    assert figures["tweeteval_macro_recall"] == 1.0
    assert figures["complaints_precision"] == 1.0 and figures["complaints_recall"] == 1.0
    assert figures["complaints_auc"] == 1.0
    assert figures["bengali_unscored_rate"] == 0.5  # the Bengali text, not the English one
    assert figures["bengali_neutral_rate"] == 0.0  # unscored is never reported as neutral
    assert figures["complaints_lodo_f1_learned"] is None


def test_missing_datasets_are_reported_as_not_measured(tmp_path: Path) -> None:
    figures = measure(tmp_path)
    assert all(value is None for value in figures.values())


@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_the_script_skips_cleanly_without_data(tmp_path: Path, extra: list[str]) -> None:
    script = Path(__file__).resolve().parents[1] / "bench" / "judgments.py"
    result = subprocess.run(
        [sys.executable, str(script), "--data", str(tmp_path / "absent"), *extra],
        capture_output=True,
        text=True,
        check=True,
    )
    if extra:
        assert json.loads(result.stdout)["skipped"].startswith("no datasets")
    else:
        assert result.stdout.startswith("skipped: no datasets")


def test_json_output_has_the_issue_keys(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[1] / "bench" / "judgments.py"
    result = subprocess.run(
        [sys.executable, str(script), "--data", str(write_datasets(tmp_path)), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    keys = set(json.loads(result.stdout))
    assert {
        "tweeteval_macro_recall", "tweeteval_macro_f1", "complaints_precision",
        "complaints_recall", "complaints_f1", "complaints_auc", "complaints_lodo_f1_learned",
        "bengali_unscored_rate", "texts_per_s",
    } <= keys  # fmt: skip
    assert {"tweeteval_macro_recall", "complaints_f1"} <= set(json.loads(result.stdout)["vader"])


def test_plain_vader_calls_bengali_neutral_and_ours_does_not(tmp_path: Path) -> None:
    data = write_datasets(tmp_path)
    assert vader_figures(data)["bengali_neutral_rate"] == 0.5
    assert measure(data)["bengali_neutral_rate"] == 0.0
