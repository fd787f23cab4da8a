"""Settings are honoured or refused, never silently ignored, and bounded by what the code can
hold — each checked by ``listener check`` with the key and the line, never a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from listener.cli.main import main
from listener.config.settings import load_settings
from listener.store import open_store
from tests.helpers import FeedHandler, rss_feed

LISTENER = Path(sys.executable).with_name("listener")


def write(folder: Path, body: str, *, store: str = "data/listener.db") -> Path:
    path = folder / "settings.yaml"
    path.write_text(
        f"brands:\n  - {{name: Acme, query: acme}}\nstorage:\n  sqlite: {store}\n{body}",
        encoding="utf-8",
    )
    return path


def check(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--config", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("entry", "line", "key", "expected"),
    [
        (
            "alerts:\n  channels:\n    - {name: team, type: slackk, webhook_url: x}\n",
            7,
            "alerts.channels[0].type",
            "unknown channel type 'slackk' (did you mean 'slack'?)",
        ),
        (
            "alerts:\n  rules:\n    - {type: complaint}\n    - {type: spkie}\n",
            8,
            "alerts.rules[1].type",
            "unknown rule type 'spkie' (did you mean 'spike'?)",
        ),
        (
            "alerts:\n  channels:\n    - {name: team, webhook_url: x}\n",
            7,
            "alerts.channels[0].type",
            "required key is missing",
        ),
    ],
)
def test_an_unknown_or_missing_type_says_which_types_there_are(
    tmp_path: Path, entry: str, line: int, key: str, expected: str
) -> None:
    code, output = check(write(tmp_path, entry))
    assert code == 2
    assert f"settings.yaml:{line}: {key}: {expected}" in output
    assert "Input tag" not in output and "discriminator" not in output


def test_channels_or_rules_turn_alerts_on_unless_they_are_switched_off(tmp_path: Path) -> None:
    channels = "  channels:\n    - {name: out, type: console}\n"
    assert load_settings(write(tmp_path, "alerts:\n" + channels), environ={}).alerts.enabled
    rules = "alerts:\n  rules:\n    - {type: complaint}\n"
    assert load_settings(write(tmp_path, rules), environ={}).alerts.enabled
    off = "alerts:\n  enabled: false\n" + channels
    assert not load_settings(write(tmp_path, off), environ={}).alerts.enabled
    assert not load_settings(write(tmp_path, ""), environ={}).alerts.enabled


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("999999999999", "sources[0].interval: must be at most 36525d (a century)"),
        ("99999999999999999999d", "sources[0].interval: duration '99999999999999999999d' is"),
        ("99999999999999999999999", "sources[0].interval: duration 99999999999999999999999 is"),
    ],
)
def test_a_duration_beyond_what_dates_hold_is_refused_by_check(
    tmp_path: Path, value: str, expected: str
) -> None:
    source = f"sources:\n  - {{name: a, type: rss, interval: {value}, url: https://e.org/f}}\n"
    code, output = check(write(tmp_path, source))
    assert code == 2, output
    assert f"settings.yaml:6: {expected}" in output


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("scheduler: {max_response_bytes: 99999999999GB}", "scheduler.max_response_bytes: must"),
        ("pipeline: {max_text_chars: 99999999999999999999}", "pipeline.max_text_chars: Input"),
        ("judgments: {learning: {min_labels: 10000000000}}", "judgments.learning.min_labels"),
        ("alerts:\n  rules: [{type: silent_source, intervals: 5000}]", "alerts.rules[0].intervals"),
    ],
)
def test_sizes_and_counts_are_bounded(tmp_path: Path, section: str, expected: str) -> None:
    code, output = check(write(tmp_path, section + "\n"))
    assert code == 2, output
    assert expected in output


def test_the_longest_interval_still_polls_and_saves_its_state(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    # interval: 999999999999 used to pass check, then every successful poll overflowed
    # the next check's date: the state was never saved and the source polled every tick.
    feed = rss_feed([("c1", "Acme anvils", "My Acme anvil arrived.")])
    httpserver.expect_request("/feed.xml").respond_with_handler(FeedHandler(feed))
    url = httpserver.url_for("/feed.xml")
    path = write(tmp_path, f"sources:\n  - {{name: a, type: rss, interval: 36525d, url: {url}}}\n")
    result = CliRunner().invoke(main, ["poll", "--once", "--config", str(path)])
    assert result.exit_code == 0, result.output
    sources = CliRunner().invoke(main, ["sources", "--config", str(path)]).output
    assert "ok" in sources and "1 (+1)" in sources


@pytest.fixture(params=["under-a-file", "a-folder", "not-sqlite"])
def bad_store(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "notes.txt").write_text("not a folder", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "words.db").write_text("hello, I am not a database", encoding="utf-8")
    return {
        "under-a-file": ("notes.txt/listener.db", "notes.txt is a file, not a folder"),
        "a-folder": ("folder", "is a folder: name a database file in it"),
        "not-sqlite": ("words.db", "is not a SQLite database"),
    }[request.param]


def test_a_store_path_that_cannot_be_opened_is_a_settings_problem_everywhere(
    tmp_path: Path, bad_store: tuple[str, str]
) -> None:
    store, expected = bad_store
    path = write(tmp_path, "", store=store)
    code, output = check(path)
    assert code == 2 and "settings.yaml:4: storage.sqlite: " in output and expected in output
    search = CliRunner().invoke(main, ["search", "acme", "--config", str(path)])
    assert search.exit_code == 2 and expected in search.output
    # The daemon, as a real process: the same message, no traceback.
    run = subprocess.run(
        [str(LISTENER), "run", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert run.returncode == 2 and expected in run.stderr
    assert "Traceback" not in run.stderr


def test_check_opens_the_store_and_reports_a_damaged_one(tmp_path: Path) -> None:
    # The right header, then garbage: only SQLite reading the file finds out, and the
    # settings check reads it through SQLite (see tests/test_store_path_locks.py), so the
    # problem is reported at storage.sqlite's line, by every command alike.
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "listener.db").write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    path = write(tmp_path, "")
    code, output = check(path)
    assert code == 2 and "settings.yaml:4: storage.sqlite: " in output
    assert "a damaged one" in output and "restore this one from a backup" in output
    search = CliRunner().invoke(main, ["search", "acme", "--config", str(path)])
    assert search.exit_code == 2 and "restore this one from a backup" in search.output
    assert not isinstance(search.exception, Exception) or isinstance(search.exception, SystemExit)


def test_a_store_sqlite_reads_but_our_sql_does_not_fit_keeps_its_traceback(tmp_path: Path) -> None:
    """Only a store file that cannot be used is an operator's problem; 'no such column' is a
    bug (here: a store whose table was altered by hand), and hiding it would hide the bug."""
    path = write(tmp_path, "")
    open_store(tmp_path / "data" / "listener.db").close()
    with sqlite3.connect(tmp_path / "data" / "listener.db") as db:
        db.execute("ALTER TABLE mentions RENAME COLUMN published_at TO posted_at")
    db.close()
    search = CliRunner().invoke(main, ["search", "--since", "7d", "--config", str(path)])
    assert isinstance(search.exception, sqlite3.OperationalError)
    assert "the store cannot be used" not in search.output


def test_check_leaves_no_database_behind(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    code, output = check(path)
    assert code == 0, output
    assert not (tmp_path / "data").exists()
