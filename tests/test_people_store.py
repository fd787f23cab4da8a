"""People in the SQLite store, on real database files: links, merges, suggestions."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from listener.models import Author
from listener.store import SQLiteStore, open_store
from listener.store.people import Account, PeopleError, PersonEntry
from tests.store_helpers import make_mention


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with open_store(tmp_path / "listener.db") as s:
        yield s


def seen(store: SQLiteStore, n: int, source_type: str, handle: str, **profile: Any) -> None:
    """Store one mention by ``handle`` on ``source_type`` with the profile given."""
    author = Author(handle=handle, name=profile.pop("name", "Jane"), **profile)
    store.insert_mentions(
        [make_mention(n, source=f"{source_type}-src", source_type=source_type, author=author)]
    )


def pairs(suggestions: list[Any]) -> set[frozenset[str]]:
    return {frozenset(str(a) for a in s.accounts) for s in suggestions}


# -- links -------------------------------------------------------------------------------


def test_link_makes_one_person_found_from_any_of_its_accounts(store: SQLiteStore) -> None:
    person = store.link_accounts(
        [Account("x", "@Jane"), Account("reddit", "jane_r")], by="ops", name="Jane Doe"
    )
    assert person.name == "Jane Doe" and person.origin == "hand"
    assert person.accounts == (Account("x", "Jane"), Account("reddit", "jane_r"))
    assert store.person_of(["x_stream", "x"], "jane") == person  # any type, any case, '@'
    assert store.person_of(["reddit"], "JANE_R") == person
    assert store.person_of(["bluesky"], "jane") is None


def test_linking_accounts_of_two_people_merges_them(store: SQLiteStore) -> None:
    first = store.link_accounts([Account("x", "jane")], by="ops", name="Jane")
    store.update_person(first.id, tags=["vip"], note="called twice")
    second = store.link_accounts(
        [Account("reddit", "jr"), Account("mastodon", "j@m.social")], by="ops"
    )
    store.update_person(second.id, tags=["press"])
    merged = store.link_accounts(
        [Account("reddit", "jr"), Account("x", "jane")], by="lead", merge=True
    )
    assert merged.id == first.id
    assert {str(a) for a in merged.accounts} == {"x:jane", "reddit:jr", "mastodon:j@m.social"}
    assert merged.tags == ("vip", "press") and merged.note == "called twice"
    assert store.get_person(second.id) is None


def test_unlink_takes_one_account_off_and_the_last_removes_the_person(store: SQLiteStore) -> None:
    person = store.link_accounts([Account("x", "jane"), Account("reddit", "jr")], by="ops")
    after = store.unlink_account(Account("x", "JANE"), by="ops")
    assert after is not None and after.accounts == (Account("reddit", "jr"),)
    assert store.person_of(["x"], "jane") is None
    assert store.unlink_account(Account("reddit", "jr"), by="ops") is None
    assert store.get_person(person.id) is None
    assert store.unlink_account(Account("reddit", "jr"), by="ops") is None


def test_tags_are_only_vip_loyal_press(store: SQLiteStore) -> None:
    person = store.link_accounts([Account("x", "jane")], by="ops")
    assert store.update_person(person.id, tags=["VIP", "loyal", "vip"]).tags == ("vip", "loyal")
    with pytest.raises(PeopleError, match="unknown tag 'spammer'"):
        store.update_person(person.id, tags=["spammer"])
    with pytest.raises(PeopleError, match="no person 999"):
        store.update_person(999, note="x")


def test_an_empty_account_is_refused(store: SQLiteStore) -> None:
    with pytest.raises(PeopleError, match="TYPE:HANDLE"):
        store.link_accounts([Account("x", "@")], by="ops")


def test_deleting_a_person_drops_its_accounts_by_cascade(
    store: SQLiteStore, tmp_path: Path
) -> None:
    person = store.link_accounts([Account("x", "jane"), Account("reddit", "jr")], by="ops")
    with store._write() as conn:
        conn.execute("DELETE FROM people WHERE id = ?", (person.id,))
    raw = sqlite3.connect(tmp_path / "listener.db")
    assert raw.execute("SELECT count(*) FROM person_accounts").fetchone()[0] == 0
    raw.close()


# -- profiles and suggestions -------------------------------------------------------------


def test_the_newest_profile_is_kept_on_the_author(store: SQLiteStore) -> None:
    seen(store, 2, "x", "jane", bio="new bio", links=("https://acme-fan.example",), following=5)
    seen(store, 1, "x", "jane", bio="old bio", posts=40)  # fetched earlier, stored later
    author = store.get_author("x", "jane")
    assert author is not None
    assert (author.bio, author.links, author.following, author.posts) == (
        "new bio", ("https://acme-fan.example",), 5, None,
    )  # fmt: skip
    seen(store, 3, "x", "jane", following=7)  # newer, without a bio: the bio stays
    author = store.get_author("x", "jane")
    assert author is not None and (author.bio, author.following) == ("new bio", 7)
    assert pairs(store.suggestions()) == set()


def test_the_same_site_on_two_networks_is_suggested(store: SQLiteStore) -> None:
    seen(store, 1, "x", "jane", links=("https://www.acme-fan.example/",))
    seen(store, 2, "reddit", "jr", bio="my blog: https://acme-fan.example/posts")
    [suggestion] = store.suggestions()
    assert pairs([suggestion]) == {frozenset({"x:jane", "reddit:jr"})}
    assert suggestion.evidence == ("both profiles link acme-fan.example",)
    assert pairs(store.suggestions_for(["x", "x_stream"], "@Jane")) == pairs([suggestion])


def test_an_email_domain_on_two_networks_is_suggested(store: SQLiteStore) -> None:
    seen(store, 1, "x", "jane", bio="jane@acme-fan.example")
    seen(store, 2, "mastodon", "jd@m.social", bio="mail: doe@acme-fan.example")
    [suggestion] = store.suggestions()
    assert suggestion.evidence == ("both profiles give an email address at acme-fan.example",)


def test_a_profile_naming_the_other_handle_is_suggested(store: SQLiteStore) -> None:
    seen(store, 1, "mastodon", "jane@mastodon.social", bio="hello")
    seen(store, 2, "reddit", "jane", bio="also @jane@mastodon.social")
    [suggestion] = store.suggestions()
    assert suggestion.evidence == ("reddit:jane's profile names @jane@mastodon.social",)
    [around] = store.suggestions_for(["mastodon"], "jane@mastodon.social")
    assert around == suggestion


@pytest.mark.parametrize(
    ("bio_a", "bio_b"),
    [
        ("Jane Doe, coffee", "Jane Doe, coffee"),  # the same name and words alone
        ("jane@gmail.com", "jane@gmail.com"),  # free mail
        ("https://bit.ly/abc", "https://bit.ly/abc"),  # a shortener
    ],
)
def test_weak_signals_suggest_nothing(store: SQLiteStore, bio_a: str, bio_b: str) -> None:
    seen(store, 1, "x", "jane", name="Jane Doe", bio=bio_a)
    seen(store, 2, "reddit", "janedoe", name="Jane Doe", bio=bio_b)
    assert store.suggestions() == []


def test_a_site_on_one_source_type_only_is_not_suggested(store: SQLiteStore) -> None:
    seen(store, 1, "x", "jane", links=("https://acme-fan.example",))
    seen(store, 2, "x", "jane2", links=("https://acme-fan.example",))
    assert store.suggestions() == []


def test_a_site_many_share_is_too_common(store: SQLiteStore) -> None:
    for n, source_type in enumerate(["x", "reddit", "bluesky", "mastodon", "hn", "youtube"]):
        seen(store, n + 1, source_type, f"worker{n}", links=("https://bigcorp.example",))
    assert store.suggestions() == []


def test_dismissed_and_linked_pairs_stay_quiet(store: SQLiteStore) -> None:
    seen(store, 1, "x", "jane", links=("https://acme-fan.example",))
    seen(store, 2, "reddit", "jr", links=("https://acme-fan.example",))
    seen(store, 3, "bluesky", "jane.bsky.social", links=("https://acme-fan.example",))
    assert len(store.suggestions()) == 3
    store.dismiss_suggestion(Account("reddit", "JR"), Account("x", "@jane"), by="ops")
    store.link_accounts([Account("x", "jane"), Account("bluesky", "jane.bsky.social")], by="ops")
    assert pairs(store.suggestions()) == {frozenset({"reddit:jr", "bluesky:jane.bsky.social"})}


def test_hostile_profile_text_is_capped_in_evidence(store: SQLiteStore) -> None:
    long_site = "a" * 200 + ".example"
    seen(store, 1, "x", "jane", links=(f"https://{long_site}",), bio="\x1b[31m" * 5000)
    seen(store, 2, "reddit", "jr", links=(f"https://{long_site}",))
    [suggestion] = store.suggestions()
    assert len(suggestion.evidence[0]) < 120 and suggestion.evidence[0].endswith("…")
    author = store.get_author("x", "jane")
    assert author is not None and author.bio is not None and len(author.bio) <= 2000


# -- the settings' people list ------------------------------------------------------------


def entry(name: str, *accounts: str, tags: tuple[str, ...] = ()) -> PersonEntry:
    parsed = tuple(Account(*a.split(":", 1)) for a in accounts)
    return PersonEntry(name=name, accounts=parsed, tags=tags)


def test_settings_sync_adds_updates_and_removes(store: SQLiteStore) -> None:
    report = store.sync_people(
        [entry("Jane", "x:jane", "reddit:jr", tags=("vip",)), entry("Bo", "x:bo")]
    )
    assert (report.added, report.removed, report.conflicts) == (2, 0, [])
    jane = store.person_of(["x"], "jane")
    assert jane is not None and jane.origin == "settings" and jane.tags == ("vip",)
    report = store.sync_people([replace(entry("Jane", "x:jane", tags=("press",)))])
    assert (report.added, report.removed) == (0, 1)
    assert store.person_of(["x"], "bo") is None and store.person_of(["reddit"], "jr") is None
    again = store.person_of(["x"], "jane")
    assert again is not None and again.id == jane.id and again.tags == ("press",)


def test_settings_leave_a_hand_link_and_report_it(store: SQLiteStore) -> None:
    hand = store.link_accounts(
        [Account("x", "jane"), Account("bluesky", "j.bsky.social")], by="ops"
    )
    report = store.sync_people([entry("Jane", "x:jane", "reddit:jr")])
    assert report.conflicts == [
        "x:jane: linked by hand to person 1, not to 'Jane' as settings say; the hand link is kept"
    ]
    person = store.person_of(["x"], "jane")
    assert person is not None and person.id == hand.id
    settings_person = store.person_of(["reddit"], "jr")
    assert settings_person is not None and settings_person.origin == "settings"


def test_a_dropped_settings_person_with_hand_links_becomes_hand_made(store: SQLiteStore) -> None:
    store.sync_people([entry("Jane", "x:jane")])
    store.link_accounts([Account("x", "jane"), Account("reddit", "jr")], by="ops")
    store.sync_people([])
    person = store.person_of(["reddit"], "jr")
    assert person is not None and person.origin == "hand"
    assert person.accounts == (Account("reddit", "jr"),)


def test_a_store_held_before_schema_15_stores_profiles_without_them(tmp_path: Path) -> None:
    from listener.store.schema import MIGRATIONS

    older = [m for m in MIGRATIONS if m[0] < 15]
    with SQLiteStore(tmp_path / "old.db", migrations=older) as old:
        old.insert_mentions([make_mention(1, author=Author(handle="jane", bio="@jane_r"))])
        author = old.get_author("rss", "jane")
        assert author is not None and author.mention_count == 1 and author.bio is None


def test_a_changed_profile_replaces_its_keys_and_an_older_one_does_not(store: SQLiteStore) -> None:
    seen(store, 1, "reddit", "jr", links=("https://old-site.example",))
    seen(store, 2, "x", "jane", links=("https://old-site.example",))
    assert len(store.suggestions()) == 1
    seen(store, 4, "x", "jane", links=("https://new-site.example",))  # jane moved on
    assert store.suggestions() == []
    seen(store, 3, "x", "jane", links=("https://old-site.example",))  # older, arrives late
    assert store.suggestions() == []
    seen(store, 5, "reddit", "jr", bio="now at https://new-site.example", links=())
    [suggestion] = store.suggestions()
    assert suggestion.evidence == ("both profiles link new-site.example",)
