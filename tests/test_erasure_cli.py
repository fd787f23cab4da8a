"""``listener erase`` as an operator runs it: counts first, a question, the audit after;
exit codes 0 erased, 1 nothing matched (or declined), 2 bad usage."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from listener.cli.main import main
from listener.config.settings import Settings
from listener.models import Author
from listener.store import open_store
from listener.store.people import Account
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
    assert "new mentions wait about 2 s while it runs" in out
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


def link_quill(config: Path) -> int:
    with open_store(config.parent / "data" / "listener.db") as store:
        person = store.link_accounts(
            [Account("x", "quill_fox"), Account("x", "someone")], by="ana", name="Quill Fox"
        )
    return person.id


def test_a_linked_account_is_refused_without_person_or_only_this_account(config: Path) -> None:
    person_id = link_quill(config)
    code, out = run(config, "--author", "quill_fox", "--source", "x", "--yes")
    assert code == 2
    assert (
        f"this account belongs to person #{person_id} (Quill Fox, 2 accounts): erase them all"
        f" with --person {person_id}, or add --only-this-account"
    ) in out
    assert len(ids(config)) == 3
    code, out = run(config, "--author", "quill_fox", "--source", "x", "--only-this-account",
                    "--yes")  # fmt: skip
    assert code == 0, out
    assert ids(config) == ["x-api:3"]


def test_the_plan_says_whose_data_and_counts_tombstones_apart(config: Path) -> None:
    person_id = link_quill(config)
    code, out = run(config, "--person", str(person_id), "--yes", "--reason", "r")
    assert code == 0, out
    assert (
        f"will erase: person #{person_id} (Quill Fox, 2 accounts): x:@quill_fox, x:@someone" in out
    )
    assert "3 mentions" in out and "1 person record" in out and "1 people" not in out
    assert "leaves 3 opaque tombstones" in out
    assert ", 3 tombstones" not in out


def test_at_a_terminal_the_reason_is_asked_for(config: Path) -> None:
    # A real subprocess whose stdin is a terminal, as an operator runs it.
    leader, follower = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "listener.cli.main", "erase", "--author", "quill_fox",
         "--source", "x", "--asked-by", "dpo", "--config", str(config)],
        stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    os.close(follower)
    os.write(leader, b"ticket 5\ny\n")
    _, err = proc.communicate(timeout=60)
    os.close(leader)
    assert proc.returncode == 0, err
    assert "Reason (Enter for none)" in err and "type no name" in err
    code, audit = run(config, "--audit")
    assert code == 0
    assert "reason: ticket 5" in audit


def test_an_account_settings_lists_is_refused_with_its_line_unless_forced(
    write_settings: Callable[[str], Settings], config: Path
) -> None:
    """settings.yaml's people: are synced into the store at each start, so erasing one brings
    them back; alerts.authors keeps their handle. Remove them there first (or --force)."""
    config.write_text(
        SETTINGS + "people:\n  - name: Quill Fox\n    accounts: ['x:@quill_fox']\n"
        "alerts:\n  authors:\n    - {handle: '@Quill_Fox', source_type: x, tags: [vip]}\n",
        encoding="utf-8",
    )
    code, out = run(config, "--author", "quill_fox", "--source", "x_stream", "--yes")
    assert code == 2, out
    assert (
        "settings.yaml lists them: people: Quill Fox (line 8); alerts.authors: @quill_fox (line 11)"
    ) in out
    assert "Remove them from settings.yaml first" in out and "--force" in out
    assert ids(config) == ["x-api:1", "x-api:3", "x-live:2"]
    code, out = run(config, "--author", "quill_fox", "--source", "x", "--yes", "--force")
    assert code == 0, out
    assert ids(config) == ["x-api:3"]
