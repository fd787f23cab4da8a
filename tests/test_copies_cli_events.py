"""A copy's "also on" event in an alert's history (issue 18): its words say where ("also
on feed-d"), the copy's id is a field of its own, which the alert page renders as a link
to the copy's mention page and the API carries, and `listener alerts show` prints in
brackets; deleting the copy deletes its event. Real SQLite file, real HTTP server, the
real CLI."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from html import escape
from pathlib import Path

import httpx
from click.testing import CliRunner

from listener.cli.main import main
from listener.config.settings import Settings
from listener.models import Alert, Mention
from listener.store import Store, open_store
from listener.store.people_models import Account
from listener.store.schema import MIGRATIONS
from listener.store.schema_copies import COPIES_SCHEMA
from listener.store.sqlite import SQLiteStore
from tests.alert_helpers import raise_alert
from tests.store_helpers import T0, make_mention
from tests.web_fixtures import WebServer

# An id as a feed's entry makes it: a URL, with characters a page must quote and escape.
COPY_ID = 'feed-d:https://d.example/story?a=1&b="x"'


def _alert_then_copy(store: Store) -> tuple[Alert, Mention]:
    head = make_mention(1, source="feed-a", title="Acme recalls kettles")
    store.insert_mentions([head])
    alert, _ = raise_alert(store, 1, at=T0, mention_ids=[head.id])
    copy = make_mention(4, source="feed-d", id=COPY_ID, copy_of=head.id)
    store.insert_mentions([copy])
    return alert, copy


def test_the_alert_page_links_the_copy_of_an_also_on_event(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    alert, copy = _alert_then_copy(running.store)
    detail = httpx.get(f"{running.url}/api/v1/alerts/{alert.id}").json()
    events = [e for e in detail["events"] if e["what"] == "copy"]
    page_path = "/mentions/feed-d:https:%2F%2Fd.example%2Fstory%3Fa%3D1%26b%3D%22x%22"
    assert [(e["detail"], e["mention_id"], e["page"]) for e in events] == [
        ("also on feed-d", copy.id, page_path)
    ]
    page = httpx.get(f"{running.url}/alerts/{alert.id}").text
    assert f'<a href="{page_path}">also on feed-d</a>' in page
    assert escape(copy.id) not in page.split('id="history-h"')[1]  # no raw id in the history
    # The link leads to the copy's own page.
    assert httpx.get(f"{running.url}{page_path}").status_code == 200


def test_an_event_about_no_mention_is_no_link(web_server: Callable[..., WebServer]) -> None:
    running = web_server()
    alert, _ = raise_alert(running.store, 1, at=T0)
    running.store.assign_alert(alert.id, "dana", at=T0, by="lee")
    events = httpx.get(f"{running.url}/api/v1/alerts/{alert.id}").json()["events"]
    assert events and all(e["mention_id"] is None and e["page"] is None for e in events)


def test_deleting_the_copy_deletes_its_event(web_server: Callable[..., WebServer]) -> None:
    running = web_server()
    alert, copy = _alert_then_copy(running.store)
    db = sqlite3.connect(running.context.settings.storage.sqlite)
    db.execute("PRAGMA foreign_keys = ON")
    with db:
        db.execute("DELETE FROM mentions WHERE id = ?", (copy.id,))
    assert db.execute("SELECT count(*) FROM alert_events WHERE what = 'copy'").fetchone() == (0,)
    db.close()
    assert [e.what for e in running.store.alert_events(alert.id)] == ["raised"]


def test_alerts_show_names_the_copy_of_an_also_on_event(
    write_settings: Callable[[str], Settings],
) -> None:
    settings = write_settings("brands: [{name: acme, query: acme}]\nstorage: {sqlite: l.db}\n")
    with open_store(settings.storage.sqlite) as store:
        alert, copy = _alert_then_copy(store)

    def show(*extra: str) -> str:
        args = ["alerts", "show", str(alert.id), *extra, "--config", str(settings.config_path)]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        return result.output

    assert f"copy — also on feed-d ({copy.id})\n" in show()
    events = [e for e in json.loads(show("--json"))["events"] if e["what"] == "copy"]
    assert [(e["detail"], e["mention_id"]) for e in events] == [("also on feed-d", copy.id)]


def test_erasing_or_pruning_the_copy_leaves_no_event_naming_it(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    store = running.store
    alert, _copy = _alert_then_copy(store)
    store.erase_accounts([Account("rss", "user4")], asked_by="dana", reason="asked")
    assert [e.what for e in store.alert_events(alert.id)] == ["raised"]
    db = running.context.settings.storage.sqlite
    with sqlite3.connect(db) as conn:
        held = conn.execute("SELECT count(*) FROM alert_events WHERE mention_id IS NOT NULL")
        assert held.fetchone() == (0,)
    # Retention: a copy pruned with its age takes its event too.
    later = make_mention(5, source="feed-e", copy_of=alert.mention_ids[0])
    store.insert_mentions([later])
    assert [e.what for e in store.alert_events(alert.id)] == ["raised", "copy"]
    store.prune_published_before(later.published_at + timedelta(seconds=1))
    assert [e.what for e in store.alert_events(alert.id)] == ["raised"]


def test_schema_18_moves_an_older_events_id_to_its_column(tmp_path: Path) -> None:
    """A database at 17 holds events as "also on <source>: <id>"; opening it at 18 keeps
    the words and moves the id, and leaves an id whose mention is gone in the words."""
    path = tmp_path / "old.db"
    at_17 = [m for m in MIGRATIONS if m[0] <= COPIES_SCHEMA]
    with SQLiteStore(path, migrations=at_17) as old:
        head = make_mention(1, source="feed-a")
        copy = make_mention(4, source="feed-d", id=COPY_ID, copy_of=head.id)
        old.insert_mentions([head, copy])
        alert, _ = raise_alert(old, 1, at=T0, mention_ids=[head.id])
    with sqlite3.connect(path) as conn:
        for detail in (f"also on feed-d: {COPY_ID}", "also on feed-z: feed-z:gone"):
            conn.execute(
                "INSERT INTO alert_events (alert_id, at, what, detail) VALUES (?, ?, 'copy', ?)",
                (alert.id, T0.isoformat(), detail),
            )
    with open_store(path) as store:
        events = [(e.detail, e.mention_id) for e in store.alert_events(alert.id)][1:]
    assert events == [("also on feed-d", COPY_ID), ("also on feed-z: feed-z:gone", None)]
