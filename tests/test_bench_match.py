"""bench/match.py runs end to end on a tiny file written here (not ../shared)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TWEETS = """\
@user the new Acme anvil broke on day one #fail
Acme support answered in five minutes, thank you @acme
Loving the rocket skates from acme!! #acmerocket
wi-fi at the airport is down again
মেরা অর্ডার কোথায়? আজও আসেনি
Nothing about any brand in this one
Dark Souls 3 April launch date confirmed with new trailer
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "match.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_it_prints_each_size_and_a_json_last_line(tmp_path: Path) -> None:
    (tmp_path / "train_text.txt").write_text(TWEETS, encoding="utf-8")
    (tmp_path / "test_text.txt").write_text(TWEETS.upper(), encoding="utf-8")
    (tmp_path / "test_labels.txt").write_text("0\n" * 7, encoding="utf-8")  # not a text file
    done = run("--data", str(tmp_path), "--limit", "10", "--runs", "1", "--json")
    assert done.returncode == 0, done.stderr
    assert "10 texts from test_text.txt, train_text.txt" in done.stdout
    for count in (10, 100, 1000):
        assert f"{count:>5} brands: indexed" in done.stdout
    assert done.stdout.count("identical results") == 3
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for count in (10, 100, 1000):
        assert figures[f"posts_per_s_{count}_brands"] > 0
        assert figures[f"posts_per_s_{count}_brands_plain"] > 0
    assert figures["posts_per_s_100_brands_with_prepare"] < figures["prepare_per_s"]


def test_it_skips_cleanly_without_data(tmp_path: Path) -> None:
    done = run("--data", str(tmp_path / "absent"), "--json")
    assert done.returncode == 0 and done.stdout.startswith("skipped: no data at")
