"""``listener people``'s rough edges from the new-user trial (finding 9), on a real store
file through the real CLI: an empty list says what to do, ``--person ID`` adds accounts to
an existing person (and a bare id where an account goes says so), ``show`` prints the
person's last mentions across their accounts with each network, and linking an account
nothing is stored from warns about the spelling."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from listener.cli.main import main
from listener.config.settings import Settings
from listener.models import Author
from listener.store import open_store
from tests.store_helpers import T0, make_mention

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
                make_mention(1, source="x-api", source_type="x", author=Author(handle="Jane"),
                             text="acme lost my parcel", published_at=T0),
                make_mention(2, source="x-live", source_type="x_stream",
                             author=Author(handle="jane"), text="acme still nothing",
                             published_at=T0 + timedelta(hours=1)),
                make_mention(3, source="r", source_type="reddit", author=Author(handle="jane_r"),
                             text="acme support never answers", copy_of="x:1",
                             published_at=T0 + timedelta(hours=2)),
                make_mention(4, source="feed", source_type="rss", author=Author(handle="jd"),
                             text="acme a letter from a reader",
                             published_at=T0 + timedelta(hours=3)),
            ]
        )  # fmt: skip
    return tmp_path / "settings.yaml"


def run(config: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["people", *args, "--config", str(config)])
    return result.exit_code, result.stdout, result.stderr


def test_an_empty_list_says_how_to_link(config: Path) -> None:
    code, out, _ = run(config, "list")
    assert code == 0 and out.startswith("No people yet: link accounts with listener people link")
    code, out, _ = run(config, "list", "--json")
    assert code == 0 and out == ""  # a script reads no lines, not prose


def test_link_with_person_adds_accounts_to_that_person(config: Path) -> None:
    run(config, "link", "x:Jane", "--name", "Jane")
    code, out, err = run(config, "link", "rss:jd", "--person", "1")
    assert code == 0, out + err
    assert "#1  Jane  x:Jane, rss:jd" in out
    code, out, err = run(config, "link", "rss:x", "1")
    assert code == 2 and "'1' is not TYPE:HANDLE" in err and "--person 1" in err
    code, out, err = run(config, "link", "reddit:jane_r", "--person", "7")
    assert code == 1 and "no person 7" in err
    _, out, _ = run(config, "list", "--json")
    assert [len(p["accounts"]) for p in map(json.loads, out.splitlines())] == [2]


def test_show_prints_the_last_mentions_across_accounts_with_their_networks(config: Path) -> None:
    run(config, "link", "x:Jane", "reddit:jane_r")
    code, out, _ = run(config, "show", "1")
    assert code == 0
    history = out[out.index("\nhistory") :]
    lines = [line for line in history.splitlines() if "·" in line]
    assert len(lines) == 3  # x, its stream, reddit; rss:jd is not hers
    assert "on r (reddit) (copy)" in lines[0] and "r:3" in lines[0]
    assert "on x-live (x)" in lines[1] and "on x-api (x)" in lines[2]
    assert "acme a letter from a reader" not in out
    _, out, _ = run(config, "show", "1", "--json")
    recent = json.loads(out)["recent"]
    assert [(r["id"], r["network"]) for r in recent] == [
        ("r:3", "reddit"), ("x-live:2", "x"), ("x-api:1", "x")
    ]  # fmt: skip
    assert [r["copy_of"] for r in recent] == ["x:1", None, None]


def test_linking_an_account_never_seen_warns_but_links(config: Path) -> None:
    code, out, err = run(config, "link", "x:Jane", "reddit:jordanpike_r")
    assert code == 0 and "#1" in out
    assert (
        "warning: no mention by reddit:jordanpike_r is stored yet: linked anyway;"
        " check the spelling" in err
    )
    assert "x:Jane" not in err  # stored: no warning
    code, out, err = run(config, "link", "x_stream:jane", "--person", "1")
    assert code == 0 and err == ""  # x_stream is x's network: Jane is stored there
