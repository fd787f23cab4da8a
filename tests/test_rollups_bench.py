"""bench/ingest.py measures ingest with and without rollups side by side (on a tiny file
written here, not ../shared): both rates and their ratio, in the table and in --json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_ingest_bench_prints_rates_with_and_without_rollups_and_their_ratio(
    tmp_path: Path,
) -> None:
    data = tmp_path / "texts.txt"
    data.write_text(
        "@acme my parcel is still not here, I want a refund\nLove the new anvil!\n"
        "Is the anvil shop open on Sunday?\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "ingest.py"), "--data", str(data), "--batch", "2",
         "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "schema 11 (none) and 12 (rollups)" in done.stdout
    assert "insert_mentions alone" in done.stdout
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for key in (
        "pipeline_no_rollups_per_s",
        "pipeline_rollups_per_s",
        "insert_no_rollups_per_s",
        "insert_rollups_per_s",
    ):
        assert isinstance(figures[key], int) and figures[key] > 0, key
    rates = figures["pipeline_rollups_per_s"] / figures["pipeline_no_rollups_per_s"]
    assert figures["rollups_ratio"] == pytest.approx(rates, rel=0.02)
    rates = figures["insert_rollups_per_s"] / figures["insert_no_rollups_per_s"]
    assert figures["insert_rollups_ratio"] == pytest.approx(rates, rel=0.02)
