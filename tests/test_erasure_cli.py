"""``listener erase`` as an operator runs it: counts first, a question, the audit after;
exit codes 0 erased, 1 nothing matched (or declined), 2 bad usage."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from listener.cli.main import main
from listener.config.settings import Settings
from listener.models import Author
from listener.store import open_store
from tests.store_helpers import make_mention

SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: data/listener.db
"""


@pytest.fixture
def config(write_settings: Callable[[str], Settings], tmp_path: Path) -> Path:
    settings = write_settings(SETTINGS)
    with open_store(settings.storage.sqlite) as store:
        store.insert_mentions(
            [
                # One person on X through the polled API and the stream: one network.
                make_mention(1, source="x-api", source_type="x",
                             author=Author(handle="Quill_Fox", name="Quill Fox")),
                make_mention(2, source="x-live", source_type="x_stream",
                             author=Author(handle="quill_fox", name="Quill Fox")),
                make_mention(3, source="x-api", source_type="x",
                             author=Author(handle="someone", name="Some One")),
            ]
        )  # fmt: skip
    return tmp_path / "settings.yaml"


def run(config: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["erase", *args, "--config", str(config)], input=stdin)
    return result.exit_code, result.output


def ids(config: Path) -> list[str]:
    with sqlite3.connect(config.parent / "data" / "listener.db") as conn:
        found = [r[0] for r in conn.execute("SELECT id FROM mentions ORDER BY id")]
    conn.close()
    return found


def test_erase_shows_the_counts_asks_and_erases_every_type_of_the_network(config: Path) -> None:
    code, out = run(config, "--author", "@Quill_Fox", "--source", "x", "--reason", "ticket 42",
                    "--asked-by", "dpo", stdin="y\n")  # fmt: skip
    assert code == 0, out
    assert "will erase: " in out and "2 mentions" in out
    assert "audit #1 by dpo" in out
    assert ids(config) == ["x-api:3"]
    code, out = run(config, "--audit")
    assert code == 0
    assert "by dpo" in out and "ticket 42" in out and "2 mentions" in out
    assert "quill" not in out.lower()


def test_declining_erases_nothing(config: Path) -> None:
    code, out = run(config, "--author", "quill_fox", "--source", "x", stdin="n\n")
    assert code == 1
    assert "nothing erased" in out
    assert len(ids(config)) == 3


def test_nothing_matched_exits_1_and_says_so(config: Path) -> None:
    code, out = run(config, "--author", "nobody_here", "--source", "x", "--yes")
    assert code == 1
    assert "nothing matched" in out
    assert run(config, "--audit")[1].strip() == ""


@pytest.mark.parametrize(
    "args",
    [
        ("--author", "quill_fox"),  # no --source
        ("--source", "x"),  # no --author
        ("--author", "quill_fox", "--source", "twiter"),  # not a type
        ("--author", "quill_fox", "--source", "x", "--person", "1"),
        ("--audit", "--person", "1"),
    ],
)
def test_bad_usage_exits_2(config: Path, args: tuple[str, ...]) -> None:
    code, _ = run(config, *args, "--yes")
    assert code == 2
    assert len(ids(config)) == 3
