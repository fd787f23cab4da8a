"""``listener people`` as a social media manager runs it: link, show, tag, suggest, dismiss,
unlink, on a real store file; hostile profile text never reaches the terminal raw."""

from __future__ import annotations

import json
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
    site = ("https://acme-fan.example",)
    with open_store(settings.storage.sqlite) as store:
        store.insert_mentions(
            [
                make_mention(1, source="x-api", source_type="x",
                             author=Author(handle="Jane", name="Jane", links=site)),
                make_mention(2, source="x-live", source_type="x_stream",
                             author=Author(handle="jane", name="Jane", links=site)),
                make_mention(3, source="r", source_type="reddit",
                             author=Author(handle="jane_r", name="Jane", links=site)),
                make_mention(4, source="r", source_type="reddit",
                             author=Author(handle="jane_r", name="Jane")),
                make_mention(5, source="m", source_type="mastodon",
                             author=Author(handle="evil@m.example", name="Jane",
                                           bio="\x1b[2J\u202e hi @jane_r")),
            ]
        )  # fmt: skip
    return tmp_path / "settings.yaml"


def run(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["people", *args, "--config", str(config)])
    return result.exit_code, result.output


def test_suggest_lists_pairs_across_networks_with_the_commands_to_settle_them(
    config: Path,
) -> None:
    code, out = run(config, "suggest")
    assert code == 0
    assert "x:Jane  and  x_stream:jane" not in out  # one network: one account's two feeds
    assert "1. mastodon:evil@m.example  and  reddit:jane_r" in out
    assert "   - mastodon:evil@m.example's profile names @jane_r" in out
    assert "listener people link mastodon:evil@m.example reddit:jane_r" in out
    assert "listener people dismiss reddit:jane_r x:Jane" in out
    assert "both profiles link acme-fan.example" in out
    assert "\x1b" not in out and "\u202e" not in out


def test_suggest_as_json(config: Path) -> None:
    code, out = run(config, "suggest", "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(lines) == 3
    assert all(line["accounts"][0]["network"] != line["accounts"][1]["network"] for line in lines)


def test_link_show_tag_and_unlink(config: Path) -> None:
    code, out = run(
        config, "link", "x:@Jane", "reddit:jane_r", "--name", "Jane Doe", "--tag", "vip"
    )
    assert code == 0, out
    assert "#1  Jane Doe [vip]  x:Jane, reddit:jane_r" in out
    code, out = run(config, "show", "x_stream:JANE")  # any type of the network finds her
    assert code == 0
    assert "  reddit:jane_r  (reddit, 2 mentions)" in out and "  x:Jane  (x, 1 mention)" in out
    code, out = run(config, "tag", "1", "--tag", "press", "--note", "fan club lead")
    assert code == 0 and "[press]" in out
    code, out = run(config, "show", "1", "--json")
    shown = json.loads(out)
    assert shown["tags"] == ["press"] and shown["note"] == "fan club lead"
    assert [a["mentions"] for a in shown["accounts"]] == [1, 2]
    code, out = run(config, "list", "--json")
    assert [p["id"] for p in map(json.loads, out.splitlines())] == [1]
    # The linked pair is no longer suggested.
    _, out = run(config, "suggest")
    assert "reddit:jane_r x:Jane" not in out
    code, out = run(config, "unlink", "reddit:jane_r")
    assert code == 0 and "person #1 keeps 1" in out
    code, out = run(config, "unlink", "reddit:jane_r")
    assert code == 1 and "linked to nobody" in out


def test_dismissed_pairs_are_not_suggested_again(config: Path) -> None:
    code, out = run(config, "dismiss", "reddit:jane_r", "x:jane")
    assert code == 0
    _, out = run(config, "suggest", "--json")
    pairs = [{a["handle"] for a in json.loads(line)["accounts"]} for line in out.splitlines()]
    assert {"jane_r", "Jane"} not in pairs and len(pairs) == 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("link", "twiter:jane"), "unknown source type 'twiter'"),
        (("link", "x:@"), "names no handle"),
        (("tag", "1", "--tag", "spammer"), "no person 1"),
        (("show", "42"), "no person is 42"),
    ],
)
def test_bad_input_is_refused(config: Path, args: tuple[str, ...], expected: str) -> None:
    code, out = run(config, *args)
    assert code in (1, 2) and expected in out


def test_an_unknown_tag_is_refused(config: Path) -> None:
    run(config, "link", "x:jane")
    code, out = run(config, "tag", "1", "--tag", "spammer")
    assert code == 2 and "unknown tag 'spammer'" in out


def test_a_hostile_name_is_shown_without_control_characters(config: Path) -> None:
    code, out = run(config, "link", "x:jane", "--name", "Jane\x1b[31m\u202eEvil")
    assert code == 0 and "Jane[31mEvil" in out and "\x1b" not in out
