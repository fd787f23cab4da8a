"""bench/bots.py, run small: its scoring on known cases, the synthetic set's determinism, and
one real run of the script (a subprocess) on the real fixtures when they are present."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest

from bench.bot_cases import generate
from bench.bots import DEFAULT_FIXTURES, LABELS, read_labels, scores, signal_name

ROOT = Path(__file__).resolve().parents[1]


def test_scores_count_accounts_right() -> None:
    truth = {"a": True, "b": True, "c": False, "d": False}
    assert scores(truth, {"a", "c"}) == {
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
        "accounts": 4,
        "positives": 2,
        "tp": 1,
        "fp": 1,
        "fn": 1,
    }
    assert scores(truth, set())["precision"] == 0.0


def test_every_evidence_line_names_its_signal() -> None:
    assert signal_name("20 posts in the last hour") == "rate"
    assert signal_name("account 2 days old") == "young"
    assert signal_name("posts like clockwork, every 15 min") == "schedule"
    assert signal_name("numbered handle 'user83749201'") == "numbered_handle"


def test_the_synthetic_set_is_the_same_for_a_seed_and_differs_across_seeds() -> None:
    first, again, other = generate(1), generate(1), generate(2)
    assert first == again
    assert first != other
    accounts, posts = first
    assert {a.archetype for a in accounts if a.bot} == {
        "template_farm",
        "link_spammer",
        "scheduled",
        "reply_farm",
        "copy_farm",
    }
    assert all(a.at <= b.at for a, b in pairwise(posts))


def test_every_label_says_why() -> None:
    labels = read_labels(LABELS)
    assert len(labels) >= 30
    assert all(reason.strip() for _, _, reason in labels.values())


def test_the_bench_runs_and_prints_its_figures(tmp_path: Path) -> None:
    fixtures = DEFAULT_FIXTURES if DEFAULT_FIXTURES.is_dir() else tmp_path / "none"
    done = subprocess.run(
        [sys.executable, "bench/bots.py", "--seed", "1", "--fixtures", str(fixtures), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    )
    figures = json.loads(done.stdout)
    synthetic = figures["synthetic"]
    for flag in ("bot", "spam"):
        assert 0.0 <= synthetic[flag]["precision"] <= 1.0
        assert synthetic[flag]["tp"] + synthetic[flag]["fn"] == synthetic[flag]["positives"]
    # Seed 1 is the one the thresholds were chosen on: no person there is called a bot.
    assert synthetic["false_bot_flags"] == []
    assert synthetic["archetypes"]["busy_numbered"]["bot_flagged"] == 0
    assert synthetic["archetypes"]["share_button"]["bot_flagged"] == 0
    assert synthetic["activity_us_per_mention"] > 0
    if figures["fixtures"] is None:
        pytest.skip("../shared/fixtures is not here")
    real = figures["fixtures"]
    assert real["false_bot_flags"] == []
    assert "bluesky:socpaperbot.bsky.social" not in real["missed_bots"]
