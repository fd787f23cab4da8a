"""bench/ingest.py runs end to end on a tiny file written here (not ../shared)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "ingest.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_it_stores_every_text_and_prints_both_rates(tmp_path: Path) -> None:
    data = tmp_path / "texts.txt"
    data.write_text(
        "@acme my parcel is still not here\n\nLove the new anvil!\nমেরা অর্ডার কোথায়\n",
        encoding="utf-8",
    )
    done = run("--data", str(data), "--batch", "2")
    assert done.returncode == 0, done.stderr
    assert "3 texts from texts.txt" in done.stdout
    assert "judgments alone (all of them)" in done.stdout
    assert "(3 stored)" in done.stdout


def test_it_skips_cleanly_without_data(tmp_path: Path) -> None:
    done = run("--data", str(tmp_path / "absent.txt"))
    assert done.returncode == 0 and done.stdout.startswith("skipped: no data at")


def test_json_gives_the_three_figures_side_by_side(tmp_path: Path) -> None:
    data = tmp_path / "texts.txt"
    data.write_text("@acme my parcel is still not here\nLove the new anvil!\n", encoding="utf-8")
    done = run("--data", str(data), "--batch", "2", "--json")
    assert done.returncode == 0, done.stderr
    assert "plain VADER (polarity_scores)" in done.stdout
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for key in ("pipeline_per_s", "pipeline_alerts_per_s", "vader_per_s"):
        assert isinstance(figures[key], int) and figures[key] > 0, key
    assert figures["store_size"] == 0 and "pipeline_per_s_large_store" not in figures


def test_store_size_runs_the_three_again_into_a_store_with_open_alerts(tmp_path: Path) -> None:
    data = tmp_path / "texts.txt"
    data.write_text(
        "@acme my parcel is still not here, I want a refund\nLove the new anvil!\n",
        encoding="utf-8",
    )
    done = run(
        "--data", str(data), "--batch", "2", "--json",
        "--store-size", "300", "--store-root", str(tmp_path / "stores"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "into a store of 300 mentions and " in done.stdout
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["store_size"] == 300
    for key in ("pipeline_per_s", "pipeline_alerts_per_s", "vader_per_s"):
        assert figures[f"{key}_large_store"] > 0, key
