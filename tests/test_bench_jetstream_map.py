"""bench/jetstream_map.py runs end to end on the capture and ends with its JSON figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_it_prints_the_three_rates_and_a_json_last_line() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "jetstream_map.py"),
            "--loops",
            "2",
            "--runs",
            "1",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "(152 frames, 18 post commits)" in done.stdout
    figures = json.loads(done.stdout.splitlines()[-1])
    assert set(figures) == {"frames_per_s", "posts_per_s", "compressed_frames_per_s"}
    assert all(isinstance(v, int) and v > 0 for v in figures.values())
