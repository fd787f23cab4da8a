"""``listener stats`` run as a user runs it: a real subprocess, a settings file and a store
on disk holding mentions of the last days and of the period before."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from listener.clock import utcnow
from listener.models import AlertKind, Severity
from listener.store import SQLiteStore
from listener.store.alert_contract import NewAlert
from listener.store.stats.scope import floor_hour
from tests.stats_helpers import NEG, POS, judged


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stats-cli")
    database = folder / "listener.db"
    # Hours well inside both periods of a 30-day range ending at the next whole hour.
    recent = floor_hour(utcnow()) - timedelta(hours=3)
    earlier = recent - timedelta(days=40)
    with SQLiteStore(database) as store:
        store.insert_mentions(
            [
                judged(1, recent, sentiment=NEG, complaint=True),
                judged(2, recent + timedelta(minutes=1), sentiment=NEG),
                judged(3, recent + timedelta(minutes=2), sentiment=POS),
                judged(4, recent + timedelta(minutes=3), brands=("Globex",)),
                judged(5, earlier, sentiment=NEG, complaint=True),
                judged(6, earlier + timedelta(minutes=1)),
                judged(7, recent - timedelta(days=90)),  # before both periods
            ]
        )
        with store.alert_transaction() as tx:
            tx.add_alert(
                NewAlert(
                    key="complaint:news:1",
                    kind=AlertKind.COMPLAINT,
                    rule="complaint",
                    brand="Acme",
                    severity=Severity.NORMAL,
                    title="A complaint",
                    created_at=recent,
                )
            )
    path = folder / "settings.yaml"
    path.write_text(
        "brands:\n"
        "  - name: Acme\n"
        "    query: acme\n"
        "  - name: Globex\n"
        "    query: globex\n"
        "sources: []\n"
        f"storage:\n  sqlite: {database}\n"
        "web: {enabled: false}\n",
        encoding="utf-8",
    )
    return path


def _run(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listener.cli.main", "stats", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_stats_json_for_a_brand_against_the_previous_period(config: Path) -> None:
    done = _run(config, "--brand", "acme", "--since", "30d", "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["brand"] == "Acme"  # as configured
    assert (found["mentions"], found["previous_mentions"]) == (3, 2)
    assert (found["negative"], found["previous_negative"]) == (2, 1)
    assert (found["complaints"], found["previous_complaints"]) == (1, 1)
    assert found["complaint_rate"] == pytest.approx(1 / 3)
    assert found["previous_complaint_rate"] == pytest.approx(0.5)
    assert found["open_alerts"] == 1
    assert found["first_response"] == {"count": 0, "median_s": None, "p90_s": None}
    assert found["until"].endswith(":00:00+00:00")


def test_stats_table_for_all_brands(config: Path) -> None:
    done = _run(config, "--since", "30d")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("all brands: ")
    table = {line[:22].strip(): line[22:].split() for line in lines[2:]}
    assert table["mentions"] == ["4", "2", "+100.0%"]
    assert table["negative share"] == ["50.0%", "50.0%", "+0.0", "pts"]
    assert table["complaints"] == ["1", "1", "+0.0%"]
    assert table["median first response"] == ["—"]
    assert table["open alerts"] == ["1"]
    # Aligned: every figure of the "now" column ends where its heading does.
    end = lines[1].index("now") + len("now")
    for line in lines[2:]:
        assert line[end - 1] != " " and line[end : end + 1] in ("", " ")


@pytest.mark.parametrize(
    "args, option",
    [
        (("--since", "soon"), "--since"),
        (("--since", "7d", "--until", "whenever"), "--until"),
        (("--since", "2000d"), "--since/--until"),
        (("--since", "2026-11-02", "--until", "2026-11-01"), "--since/--until"),
        (("--brand", "Initech"), "--brand"),
    ],
)
def test_bad_options_are_named(config: Path, args: tuple[str, ...], option: str) -> None:
    done = _run(config, *args)
    assert done.returncode == 2
    assert f"'{option}'" in done.stderr or option in done.stderr
    assert "Traceback" not in done.stderr
