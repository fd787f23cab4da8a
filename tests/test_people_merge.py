"""Linking accounts of two people merges them only when asked (issue 18 review, finding
10): a suggestion's "Link" used to fold one person into the other silently. The store
refuses without ``merge``, the web asks on a page (409) whose button posts ``merge``, the
API answers 409 unless ``merge: true``, the CLI wants --merge; a merge records who did it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from listener.cli.main import main
from listener.config.settings import Settings
from listener.store import SQLiteStore, open_store
from listener.store.people import Account, MergeNeeded
from tests.web_fixtures import WebServer
from tests.web_pages_helpers import browser_client

JANE_X, JANE_R, JANE_M = Account("x", "jane"), Account("reddit", "jr"), Account("mastodon", "jm")


def two_people(store: SQLiteStore) -> tuple[int, int]:
    first = store.link_accounts([JANE_X, JANE_M], by="ops", name="Jane")
    second = store.link_accounts([JANE_R, Account("bluesky", "jb")], by="ops", name="J. R.")
    return first.id, second.id


def test_the_store_refuses_to_merge_unless_asked(tmp_path: Path) -> None:
    with open_store(tmp_path / "listener.db") as store:
        first, second = two_people(store)
        with pytest.raises(MergeNeeded, match=f"#{first} and #{second}") as refused:
            store.link_accounts([JANE_X, JANE_R], by="lead")
        assert refused.value.people == (first, second)
        assert store.get_person(second) is not None and store.merges_of(first) == []
        merged = store.link_accounts([JANE_X, JANE_R], by="lead", merge=True)
        assert merged.id == first and len(merged.accounts) == 4
        assert store.get_person(second) is None
        [(merged_id, by, _)] = store.merges_of(first)
        assert (merged_id, by) == (second, "lead")


def _form(a: Account, b: Account, token: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "source_type": a.source_type,
        "handle": a.handle,
        "other_source_type": b.source_type,
        "other_handle": b.handle,
        "back": "/people",
    }


def test_the_web_link_asks_before_merging_and_its_button_merges(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    first, second = two_people(running.store)
    client = browser_client(running)
    token = client.headers.pop("X-CSRF-Token")
    asked = client.post("/people/link", data=_form(JANE_X, JANE_R, token))
    assert asked.status_code == 409
    assert f"person #{first} (Jane)" in asked.text and f"person #{second} (J. R.)" in asked.text
    assert 'name="merge" value="true"' in asked.text
    assert running.store.get_person(second) is not None  # nothing merged yet
    merged = client.post("/people/link", data=_form(JANE_X, JANE_R, token) | {"merge": "true"})
    assert merged.status_code == 303
    assert running.store.get_person(second) is None
    assert [m[0] for m in running.store.merges_of(first)] == [second]


def test_the_api_answers_409_unless_merge_is_true(web_server: Callable[..., WebServer]) -> None:
    running = web_server()
    first, second = two_people(running.store)
    client = browser_client(running)
    accounts = [{"source_type": "x", "handle": "jane"}, {"source_type": "reddit", "handle": "jr"}]
    refused = client.post("/api/v1/people/link", json={"accounts": accounts})
    assert refused.status_code == 409
    assert f"both already belong to people #{first} and #{second}: merge?" in refused.text
    done = client.post("/api/v1/people/link", json={"accounts": accounts, "merge": True})
    assert done.status_code == 200 and done.json()["id"] == first


SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: data/listener.db
"""


def test_the_cli_wants_merge(write_settings: Callable[[str], Settings], tmp_path: Path) -> None:
    settings = write_settings(SETTINGS)
    with open_store(settings.storage.sqlite) as store:
        first, second = two_people(store)
    config = str(tmp_path / "settings.yaml")
    args: list[Any] = ["people", "link", "x:jane", "reddit:jr", "--config", config]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2 and f"#{first} and #{second}" in refused.output
    merged = CliRunner().invoke(main, [*args, "--merge"])
    assert merged.exit_code == 0, merged.output
    with open_store(settings.storage.sqlite) as store:
        assert store.get_person(second) is None and len(store.merges_of(first)) == 1
