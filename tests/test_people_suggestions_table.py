"""The suggestions table (issue 18 review, finding 6): /people read every pair afresh at each
view (3.4-4.6 s on a million mentions); the pairs are now kept in ``person_suggestions`` as
profile keys, links and dismissals change. Real SQLite files; the table is read raw."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from listener.models import Author
from listener.store import SQLiteStore, open_store
from listener.store.people import Account
from tests.store_helpers import make_mention


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "listener.db"


@pytest.fixture
def store(path: Path) -> Any:
    with open_store(path) as s:
        yield s


def seen(store: SQLiteStore, n: int, source_type: str, handle: str, **profile: Any) -> None:
    author = Author(handle=handle, name="Jane", **profile)
    store.insert_mentions(
        [make_mention(n, source=f"{source_type}-src", source_type=source_type, author=author)]
    )


def rows(path: Path) -> set[tuple[str, str, str, str, int]]:
    with sqlite3.connect(path) as conn:
        found = conn.execute(
            "SELECT source_type, handle_key, other_type, other_key, leads FROM person_suggestions"
        ).fetchall()
    return {tuple(r) for r in found}


def pairs(store: SQLiteStore) -> set[frozenset[str]]:
    return {frozenset(str(a) for a in s.accounts) for s in store.suggestions()}


SITE = ("https://acme-fan.example",)


def test_a_pair_is_kept_as_two_rows_one_per_account(store: SQLiteStore, path: Path) -> None:
    seen(store, 1, "x", "jane", links=SITE)
    seen(store, 2, "reddit", "jr", links=SITE)
    assert rows(path) == {("reddit", "jr", "x", "jane", 1), ("x", "jane", "reddit", "jr", 0)}


def test_a_sixth_holder_makes_the_key_too_common_and_leaving_brings_it_back(
    store: SQLiteStore,
) -> None:
    types = ["x", "reddit", "bluesky", "mastodon", "hn"]
    for n, source_type in enumerate(types):
        seen(store, n + 1, source_type, f"worker{n}", links=("https://bigcorp.example",))
    assert len(pairs(store)) == 10
    seen(store, 6, "youtube", "worker5", links=("https://bigcorp.example",))
    assert pairs(store) == set()
    seen(store, 7, "youtube", "worker5", links=("https://elsewhere.example",))
    assert len(pairs(store)) == 10


def test_an_account_named_before_it_was_first_seen_is_suggested(store: SQLiteStore) -> None:
    seen(store, 1, "reddit", "jr", bio="also @jane_x there")
    assert pairs(store) == set()
    seen(store, 2, "x", "jane_x")  # no profile of its own
    assert pairs(store) == {frozenset({"reddit:jr", "x:jane_x"})}


def test_dismiss_link_and_unlink_change_the_rows(store: SQLiteStore, path: Path) -> None:
    seen(store, 1, "x", "jane", links=SITE)
    seen(store, 2, "reddit", "jr", links=SITE)
    seen(store, 3, "bluesky", "jb", links=SITE)
    store.dismiss_suggestion(Account("reddit", "jr"), Account("x", "jane"), by="ops")
    assert not {r for r in rows(path) if {r[0], r[2]} == {"reddit", "x"}}
    store.link_accounts([Account("x", "jane"), Account("bluesky", "jb")], by="ops")
    assert pairs(store) == {frozenset({"reddit:jr", "bluesky:jb"})}
    store.unlink_account(Account("bluesky", "jb"), by="ops")
    assert pairs(store) == {
        frozenset({"reddit:jr", "bluesky:jb"}),
        frozenset({"x:jane", "bluesky:jb"}),
    }


def test_erasing_either_account_removes_both_rows(store: SQLiteStore, path: Path) -> None:
    seen(store, 1, "x", "jane", links=SITE)
    seen(store, 2, "reddit", "jr", links=SITE)
    store.erase_accounts([Account("reddit", "jr")], asked_by="admin", reason="asked")
    assert rows(path) == set()
    assert store.suggestions() == []


def test_the_kept_rows_match_a_full_rebuild(store: SQLiteStore, path: Path) -> None:
    seen(store, 1, "x", "jane", links=SITE, bio="mail jane@acme-fan.example, @jr_r")
    seen(store, 2, "reddit", "jr_r", links=SITE)
    seen(store, 3, "bluesky", "jb", bio="jb@acme-fan.example")
    seen(store, 4, "reddit", "jr_r", links=("https://other.example",))
    kept = rows(path), [(s.accounts, s.evidence) for s in store.suggestions()]
    store.rebuild_suggestions()
    assert (rows(path), [(s.accounts, s.evidence) for s in store.suggestions()]) == kept
    assert kept[1]


def test_a_store_at_18_gets_its_suggestions_when_migrated(path: Path) -> None:
    from listener.store.schema import MIGRATIONS

    older = [m for m in MIGRATIONS if m[0] < 19]
    with SQLiteStore(path, migrations=older) as old:
        seen(old, 1, "x", "jane", links=SITE)
        seen(old, 2, "reddit", "jr", links=SITE)
    with open_store(path) as store:  # schema 19 builds the table from the stored keys
        assert pairs(store) == {frozenset({"x:jane", "reddit:jr"})}
        assert len(rows(path)) == 2
