"""bench/web.py --engine elasticsearch runs end to end on a small store whose mentions it first
copies into the test cluster (LISTENER_TEST_ES_URL, else a real local osmem-server)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TWEETS = ROOT.parent / "shared" / "datasets" / "tweeteval_sentiment"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "web.py"), *args],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=False,
    )  # fmt: skip


@pytest.mark.timeout(600)
@pytest.mark.skipif(not any(TWEETS.glob("*text*.txt")), reason="no tweet texts in ../shared")
def test_the_search_routes_read_the_index_of_the_named_cluster(
    tmp_path: Path, es_cluster_url: tuple[str, str]
) -> None:
    url, _ = es_cluster_url
    # The search routes only: the whole table is bench/web.py's own test, on SQLite.
    done = run("--engine", "elasticsearch", "--es-url", url, "--size", "300", "--alerts", "30",
               "--repeats", "2", "--only", "search", "--root", str(tmp_path / "stores"),
               "--json")  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    # Each section's copy was sent whole before its clock started.
    assert done.stderr.count("indexed 300 mentions (300 live, 0 tombstones) into bench") == 2
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["engine"] == f"elasticsearch: the cluster at {url}"
    assert summary["p95_ms"]["GET /search"] > 0 and summary["p95_ms"]["GET /api/v1/search"] > 0


def test_a_cluster_url_without_the_engine_is_refused() -> None:
    done = run("--es-url", "http://127.0.0.1:9", "--size", "10")
    assert done.returncode == 2 and "--es-url needs --engine elasticsearch" in done.stderr
