"""Follow-ups find their open alert through the open-alert links (schema 6), on real files:
the plan starts from the author's or thread's links, never from every open alert of the
brand; the links follow raising, folding, closing and reopening; a schema 5 store gains them
for the alerts open when it is migrated, and keeps its mentions as they were."""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from listener.models import AlertKind, AlertState, Author, Finding, Judgments, SentimentLabel
from listener.store import SQLiteStore, open_store
from listener.store.alerts import open_alert_query
from listener.store.schema import MIGRATIONS
from tests.store_helpers import T0, make_mention
from tests.test_store_alerts import new_alert, raise_alert

AUTHOR = ("rss", "user1")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with open_store(tmp_path / "listener.db") as s:
        yield s


def find(store: SQLiteStore, **kw: Any) -> int | None:
    args: dict[str, Any] = {"kinds": [AlertKind.COMPLAINT], "brand": "acme", "since": T0}
    args.update(kw)
    with store.alert_transaction() as tx:
        found = tx.find_open_alert(**args)
    return None if found is None else found.id


def links(path: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    raw = sqlite3.connect(path)
    try:
        authors = raw.execute(
            "SELECT source_type, handle, alert_id FROM open_alert_authors ORDER BY 3, 2"
        ).fetchall()
        threads = raw.execute(
            "SELECT thread, alert_id FROM open_alert_threads ORDER BY 2, 1"
        ).fetchall()
    finally:
        raw.close()
    return authors, threads


@pytest.mark.parametrize(
    ("author", "thread", "starts_from"),
    [
        (AUTHOR, None, ["open_alert_authors"]),
        (None, "100", ["open_alert_threads"]),
        (AUTHOR, "100", ["open_alert_authors", "open_alert_threads"]),
    ],
)
def test_the_follow_up_lookup_starts_from_the_links_not_the_brands_alerts(
    store: SQLiteStore, author: tuple[str, str] | None, thread: str | None, starts_from: list[str]
) -> None:
    sql, params = open_alert_query(
        kinds=[AlertKind.COMPLAINT], brand="acme", since=T0, rule="complaints",
        author=author, thread_id=thread,
    )  # fmt: skip
    raw = sqlite3.connect(store.path)
    try:
        plan = [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + sql, params)]
    finally:
        raw.close()
    searches = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
    # Each link table by its primary key, then each linked alert by its id: nothing in
    # proportion to the brand's open alerts or the author's history.
    for table in starts_from:
        assert any(s.startswith(f"SEARCH {table} USING PRIMARY KEY") for s in searches), plan
    assert "SEARCH a USING INTEGER PRIMARY KEY (rowid=?)" in searches, plan
    assert not any("alerts_brand_kind_state" in s for s in plan), plan
    assert not any(("alert_mentions" in s or " mentions" in s) for s in plan), plan
    assert not any(s.startswith("SCAN a") or s.startswith("SCAN alerts") for s in plan), plan


def test_links_follow_raising_folding_closing_and_reopening(store: SQLiteStore) -> None:
    lead = make_mention(1, thread_id="100")
    other = make_mention(2, author=Author(handle="Sam"), source_type="mastodon", parent_id="7")
    store.insert_mentions([lead, other])
    alert_id = raise_alert(store, new_alert(key="c:1", mention_ids=(lead.id,)))
    assert find(store, author=AUTHOR) == alert_id
    assert find(store, thread_id="100") == alert_id
    assert find(store, author=("mastodon", "sam")) is None

    with store.alert_transaction() as tx:
        tx.fold_into(alert_id, [other.id], at=T0)
    assert find(store, author=("MASTODON", "sam")) == alert_id
    assert find(store, thread_id="7") == alert_id
    assert find(store, thread_id=other.native_id) == alert_id

    store.set_alert_state(alert_id, AlertState.ACKNOWLEDGED, at=T0)
    assert find(store, author=AUTHOR) == alert_id
    store.set_alert_state(alert_id, AlertState.RESOLVED, at=T0)
    assert find(store, author=AUTHOR) is None and find(store, thread_id="100") is None
    assert links(store.path) == ([], [])

    store.set_alert_state(alert_id, AlertState.NEW, at=T0)
    assert find(store, author=("mastodon", "SAM")) == alert_id
    assert find(store, thread_id="100") == alert_id
    authors, threads = links(store.path)
    assert authors == [("mastodon", "Sam", alert_id), ("rss", "user1", alert_id)]
    assert threads == [("1", alert_id), ("100", alert_id), ("2", alert_id), ("7", alert_id)]


def test_the_newest_of_many_open_alerts_is_found_among_the_authors_own(
    store: SQLiteStore,
) -> None:
    mentions = [make_mention(n, author=Author(handle=f"user{n % 3}")) for n in range(1, 61)]
    store.insert_mentions(mentions)
    ids = {
        m.id: raise_alert(
            store,
            new_alert(key=f"c:{m.id}", mention_ids=(m.id,), created_at=T0 + timedelta(minutes=n)),
        )
        for n, m in enumerate(mentions)
    }
    # user1 wrote mentions 1, 4, … 58; the newest alert is mention 58's.
    assert find(store, author=("rss", "user1")) == ids["news:58"]
    store.set_alert_state(ids["news:58"], AlertState.IGNORED, at=T0)
    assert find(store, author=("rss", "user1")) == ids["news:55"]
    assert find(store, author=("rss", "user9")) is None


def test_a_schema_5_store_gains_links_for_its_open_alerts_and_stays_searchable(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v5.db"
    judged = Judgments(
        sentiment=-0.6,
        sentiment_label=SentimentLabel.NEGATIVE,
        model="vader",
        complaint=True,
        complaint_score=0.9,
        feelings=(Finding("frustrated", ("fed up",)),),
    )
    kept = make_mention(1, thread_id="100", judgments=judged)
    closed = make_mention(2)
    with SQLiteStore(path, migrations=MIGRATIONS[:5]) as old:
        assert old.schema_version == 5
        old.insert_mentions([kept, closed])
        raise_alert(old, new_alert(key="c:1", mention_ids=(kept.id,)))
        closed_id = raise_alert(old, new_alert(key="c:2", mention_ids=(closed.id,)))
        old.set_alert_state(closed_id, AlertState.RESOLVED, at=T0)
        # Schema 5 wrote every judgment, defaults included, and the html beside the text.
        raw = sqlite3.connect(path)
        with raw:
            full = {f.name: getattr(judged, f.name) for f in dataclasses.fields(judged)}
            full["feelings"] = [{"name": "frustrated", "evidence": ["fed up"]}]
            raw.execute(
                "UPDATE mentions SET judgments = ? WHERE id = ?", (json.dumps(full), kept.id)
            )
        raw.close()

    with SQLiteStore(path) as store:
        assert store.schema_version == MIGRATIONS[-1][0] >= 6
        assert store.get_mention(kept.id) == kept and store.get_mention(closed.id) == closed
        assert find(store, author=AUTHOR, thread_id="100") is not None
        assert find(store, author=("rss", "user2")) is None
        # A plain-text mention stores no second copy of its text, and reads the same.
        plain = make_mention(3, html="Some ordinary text for post 3.")
        store.insert_mentions([plain])
        assert store.get_mention(plain.id) == plain
        # Schema 7 writes the FTS row without a trigger: old and new mentions are found.
        found = {hit.mention.id for hit in store.search("ordinary")}
        assert found == {kept.id, closed.id, plain.id}
    authors, threads = links(path)
    assert authors == [("rss", "user1", 1)]
    assert threads == [("1", 1), ("100", 1)]
    raw = sqlite3.connect(path)
    try:
        html = dict(raw.execute("SELECT id, html FROM mentions").fetchall())
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        raw.close()
    assert html == {kept.id: kept.html, closed.id: closed.html, plain.id: None}


def test_an_incident_lookup_reads_only_the_brands_open_alerts_of_its_kind(
    store: SQLiteStore,
) -> None:
    sql, params = open_alert_query(kinds=[AlertKind.INCIDENT], brand="acme", since=T0)
    raw = sqlite3.connect(store.path)
    try:
        plan = [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + sql, params)]
    finally:
        raw.close()
    # Not brand=? alone: that read every alert the brand ever had, complaints included.
    assert (
        "SEARCH a USING INDEX alerts_brand_kind_state (brand=? AND kind=? AND state=?)" in plan
    ), plan


def test_the_link_triggers_name_exactly_the_open_states(store: SQLiteStore) -> None:
    """The triggers spell the open states out in SQL; a state added to AlertState (or one
    that stops being open) must change them too, or follow-ups stop finding their alert."""
    open_states = {state.value for state in AlertState if state.is_open}
    raw = sqlite3.connect(store.path)  # the file's own schema text, as SQLite keeps it
    triggers = [
        row[0]
        for row in raw.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%state%'"
        )
    ]
    raw.close()
    lists = [
        {value.strip().strip("'") for value in found.split(",")}
        for sql in triggers
        for found in re.findall(r"IN \(([^)]*)\)", sql)
    ]
    assert lists, "no open-state list found in the triggers"
    assert all(states == open_states for states in lists), (lists, open_states)
