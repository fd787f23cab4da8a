"""bench/ingest.py runs end to end on a tiny file written here (not ../shared)."""

from __future__ import annotations

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
