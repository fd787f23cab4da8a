"""bench/copies.py runs end to end on tiny fixtures written here (not ../shared)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STORY = (
    "Acme Corp chief executive John Smith sold 10,000 shares of the company on Monday, "
    "according to a filing with the Securities and Exchange Commission. The sale was worth "
    "about 1.2 million dollars."
)
OTHER = STORY.replace("John Smith sold 10,000", "Jane Doe sold 4,500").replace("1.2", "0.5")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "copies.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def write_fixtures(folder: Path) -> Path:
    (folder / "rss").mkdir(parents=True)
    entries = "".join(
        f"<item><title>{title}</title><description>{text}</description></item>"
        for title, text in (("CEO sells", STORY), ("CFO sells", OTHER), ("Elsewhere", "Rain."))
    )
    (folder / "rss" / "feed.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{entries}'
        "</channel></rss>",
        encoding="utf-8",
    )
    (folder / "tweets.json").write_text(
        json.dumps({"data": [{"text": f"RT @wire: {STORY}"}, {"text": "hello"}]}), encoding="utf-8"
    )
    cases = {
        "items": [
            {"id": "ceo", "rss": "rss/feed.xml", "entry": 0},
            {"id": "cfo", "rss": "rss/feed.xml", "entry": 1},
            {"id": "rain", "rss": "rss/feed.xml", "entry": 2},
            {"id": "rt", "tweets": "tweets.json", "index": 0},
            {"id": "hello", "tweets": "tweets.json", "index": 1},
            {
                "id": "ceo_syn",
                "derived_from": "ceo",
                "title": "Insider sale",
                "replace": [["about", "roughly"]],
            },
        ],
        "copies": [
            {"pair": ["ceo", "rt"], "why": "a retweet of the story"},
            {"pair": ["ceo", "ceo_syn"], "why": "syndicated"},
            {"pair": ["rt", "ceo_syn"], "why": "both copies of one story"},
        ],
    }
    path = folder / "cases.json"
    path.write_text(json.dumps(cases), encoding="utf-8")
    return path


def test_it_prints_precision_recall_and_cost_and_a_json_last_line(tmp_path: Path) -> None:
    cases = write_fixtures(tmp_path / "fixtures")
    done = run(
        "--fixtures", str(tmp_path / "fixtures"), "--cases", str(cases),
        "--datasets", str(tmp_path / "none"), "--repeat", "1", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "6 items, 15 pairs, 3 copies" in done.stdout
    assert "threshold 0.45" in done.stdout and "cost per mention" in done.stdout
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    # The other officer's sale shares the template but not the figures: never a copy.
    assert figures["precision"] == 1.0
    assert figures["recall"] == 1.0
    assert figures["sketch_us"] > 0


def test_it_skips_cleanly_without_fixtures(tmp_path: Path) -> None:
    done = run("--fixtures", str(tmp_path / "absent"))
    assert done.returncode == 0, done.stderr
    assert "skipped" in done.stdout
