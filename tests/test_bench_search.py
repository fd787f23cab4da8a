"""bench/search.py runs end to end on a tiny store and ends with its JSON summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TWEETS = ROOT.parent / "shared" / "datasets" / "tweeteval_sentiment"
SHAPES = {"rare", "mid", "brand", "common", "filtered", "newest"}


@pytest.mark.skipif(not any(TWEETS.glob("*text*.txt")), reason="no tweet texts in ../shared")
def test_it_times_every_shape_and_prints_json_last(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "search.py"), "--sizes", "2000",
         "--repeats", "3", "--root", str(tmp_path), "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["p95_ms_max_1m"] is None  # no 1M store in this run
    assert set(summary["p95_ms"]) == SHAPES
    for shape in SHAPES:
        p95 = summary["p95_ms"][shape]["2000"]
        assert 0 < summary["p50_ms"][shape]["2000"] <= p95
    # The store was built once, in the folder given, and is reused.
    assert len(list(tmp_path.glob("store-2000-*.db"))) == 1
