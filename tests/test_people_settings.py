"""Settings' ``people:`` list: validated at load with each problem at its line, and synced into
the store by the daemon at start and on reload (real settings files, a real store file)."""

from __future__ import annotations

import asyncio
import logging
import os
import textwrap
from pathlib import Path

import pytest

from listener.config.errors import ConfigError
from listener.config.settings import Settings, load_settings
from listener.service.daemon import Daemon
from listener.store import open_store
from listener.store.people import Account

HEAD = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: data/listener.db
"""


def write(folder: Path, people: str) -> Path:
    path = folder / "settings.yaml"
    path.write_text(HEAD + textwrap.dedent(people), encoding="utf-8")
    return path


def problems(folder: Path, people: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(folder, people), environ={})
    return str(caught.value).splitlines()


JANE = """\
people:
  - name: Jane Doe
    tags: [vip]
    note: runs the fan club
    accounts: ["x:@Jane", "reddit:jane_r", "mastodon:@jane@mastodon.social"]
"""


def test_a_people_list_loads_as_type_and_handle(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, JANE), environ={})
    [jane] = settings.people
    assert jane.tags == ["vip"]
    assert jane.account_pairs == [
        ("x", "Jane"), ("reddit", "jane_r"), ("mastodon", "jane@mastodon.social"),
    ]  # fmt: skip


def test_no_people_section_is_an_empty_list(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path, "people:\n"), environ={}).people == []


@pytest.mark.parametrize(
    ("account", "expected"),
    [
        ("redit:@jane", "unknown source type 'redit' (did you mean 'reddit'?)"),
        ("x:@", "names no handle"),
        ("jane", "is not TYPE:HANDLE"),
    ],
)
def test_a_bad_account_is_refused_at_its_line(tmp_path: Path, account: str, expected: str) -> None:
    found = problems(tmp_path, f'people:\n  - name: Jane\n    accounts: ["x:ok", "{account}"]\n')
    assert len(found) == 1, found
    assert found[0].startswith(f"{tmp_path / 'settings.yaml'}:8: people[0].accounts[1]:")
    assert expected in found[0]


def test_an_account_in_two_people_names_both_and_the_line(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        people:
          - name: Jane
            accounts: ["x:jane"]
          - name: Bo
            accounts:
              - reddit:bo
              - x_stream:@JANE
        """,
    )
    assert found == [
        f"{tmp_path / 'settings.yaml'}:12: people[1].accounts[1]: account 'x_stream:@JANE' is in"
        " two people: 'Bo' here and 'Jane' (people[0]); an account is one person's"
    ]


def test_a_name_used_twice_and_an_unknown_tag_are_refused(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
        people:
          - {name: Jane, accounts: ["x:a"]}
          - {name: Jane, accounts: ["x:b"], tags: [spammer]}
        """,
    )
    assert any(":8: people[1].name: 'Jane' is already people[0]'s name" in p for p in found)
    assert any(":8: people[1].tags[0]:" in p for p in found)


def test_listener_check_reports_a_people_problem(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = write(tmp_path, 'people:\n  - name: Jane\n    accounts: ["nope:jane"]\n')
    listener = Path(sys.executable).with_name("listener")
    done = subprocess.run(
        [str(listener), "check", "--config", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "people[0].accounts[0]: unknown source type 'nope'" in done.stdout + done.stderr


def _daemon_sync(settings: Settings) -> None:
    async def run() -> None:
        daemon = Daemon(settings)
        await daemon.close()

    asyncio.run(run())


def test_the_daemon_syncs_people_at_start_and_on_reload(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path, JANE + '  - name: Bo\n    accounts: ["x:bo"]\n')
    settings = load_settings(path, environ={})
    with open_store(settings.storage.sqlite) as store:
        # Someone linked Jane's reddit account by hand to another person first.
        store.link_accounts(
            [Account("reddit", "jane_r"), Account("bluesky", "jr.bsky.social")], by="ops"
        )
    with caplog.at_level(logging.WARNING, logger="listener.service.people"):
        _daemon_sync(settings)
    assert "reddit:jane_r: linked by hand to person 1" in caplog.text
    with open_store(settings.storage.sqlite) as store:
        jane = store.person_of(["x", "x_stream"], "jane")
        assert jane is not None and jane.origin == "settings" and jane.tags == ("vip",)
        assert {str(a) for a in jane.accounts} == {"x:Jane", "mastodon:jane@mastodon.social"}
        hand = store.person_of(["reddit"], "jane_r")
        assert hand is not None and hand.origin == "hand"
        assert store.person_of(["x"], "bo") is not None
    # Bo leaves the list: the next sync removes him.
    _daemon_sync(load_settings(write(tmp_path, JANE), environ={}))
    with open_store(settings.storage.sqlite) as store:
        assert store.person_of(["x"], "bo") is None
        assert store.person_of(["x"], "jane") is not None
