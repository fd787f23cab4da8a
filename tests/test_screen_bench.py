"""bench/match.py's firehose figure (the brand screen, then the matcher for what passes) on a
tiny file written here (not ../shared)."""

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
wi-fi at the airport is down again &amp; slow
মেরা অর্ডার কোথায়? আজও আসেনি
Nothing about any brand in this one
Dark Souls 3 April launch date confirmed with new trailer
"""


def test_it_prints_the_firehose_figure_and_its_json_keys(tmp_path: Path) -> None:
    (tmp_path / "test_text.txt").write_text(TWEETS * 3, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "match.py"), "--data", str(tmp_path),
         "--runs", "1", "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "firehose, 100 brands (21 tweets + " in done.stdout
    assert "every match passed" in done.stdout
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["posts_per_s_100_brands_screened"] > 0
    assert figures["screen_per_s"] > 0
    # What matches passed the screen, so at least as many posts passed as matched.
    assert 0 < figures["matched_rate"] <= figures["screen_pass_rate"] <= 1
