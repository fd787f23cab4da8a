"""bench/letters.py runs end to end on a few mentions and ends with its JSON figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_it_measures_both_kinds_of_text_and_prints_json_last() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "letters.py"), "--count", "200", "--runs", "1",
         "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    # Every made-up text holds such letters, so the letters index adds to the file.
    assert figures["cjk_bytes_with"] > figures["cjk_bytes_without"]
    assert figures["cjk_insert_per_s_with"] > 0 and figures["cjk_insert_per_s_without"] > 0
    assert figures["search_ms_two_letters"] > 0
    assert "cjk: 200 mentions" in done.stdout
