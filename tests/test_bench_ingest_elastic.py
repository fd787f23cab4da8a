"""bench/ingest.py --engine elasticsearch runs end to end against the test cluster (the one
LISTENER_TEST_ES_URL names, else a real local osmem-server) on a tiny file written here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "ingest.py"), *args],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip


def test_both_engines_side_by_side_and_every_stored_mention_in_the_index(
    tmp_path: Path, es_cluster_url: tuple[str, str]
) -> None:
    data = tmp_path / "texts.txt"
    data.write_text(
        "@acme my parcel is still not here\nLove the new anvil!\nমেরা অর্ডার কোথায়\n",
        encoding="utf-8",
    )
    url, _ = es_cluster_url
    done = run("--data", str(data), "--batch", "2", "--engine", "elasticsearch",
               "--es-url", url, "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"the cluster: the cluster at {url}" in done.stdout
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["engine_sqlite_per_s"] > 0 and figures["engine_elasticsearch_per_s"] > 0
    # The index holds what the pipeline stored: the write path sent it all.
    assert figures["elasticsearch_indexed"] == 3


def test_store_size_is_refused_with_elasticsearch(tmp_path: Path) -> None:
    done = run("--engine", "elasticsearch", "--store-size", "100")
    assert done.returncode == 2 and "--store-size is for --engine sqlite" in done.stderr
