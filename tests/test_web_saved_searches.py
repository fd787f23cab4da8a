"""Saved searches: the API and the pages (save, list, rename, delete), the CSRF token on
their forms, and a saved search as a ``saved_search`` alert rule (``saved: NAME``): refused
by ``listener check`` until the store holds it, then run by a real ``listener poll``."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from listener.cli.main import main as cli
from listener.config.settings import Settings
from listener.models import AlertKind
from listener.query import QueryError, parse
from listener.store import open_store
from listener.store.saved_searches import SavedSearches
from tests.alert_rules_helpers import NOW, Harness, judged
from tests.store_helpers import T0
from tests.web_fixtures import WebServer
from tests.web_pages_helpers import browser_client
from tests.web_search_helpers import fill

Serve = Callable[..., WebServer]
NEGATIVE = {"sentiment": "negative"}


SAVED_RULE_SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: {db}
sources:
  - name: feed
    type: rss
    url: {feed}
    interval: 5m
alerts:
  enabled: true
  channels:
    - {{name: hook, type: webhook, url: "{hook}"}}
  rules:
    - {{type: saved_search, name: anvils, saved: "Late anvils"}}
"""


def test_saved_search_crud_through_the_api(web_server: Serve) -> None:
    running = web_server()
    fill(running.store, 20)
    with closing(browser_client(running)) as client:
        made = client.post(
            "/api/v1/saved-searches",
            json={
                "name": "Late anvils",
                "query": "anvil late",
                "filters": {"sentiment": "negative"},
            },
        )
        assert made.status_code == 201, made.text
        assert made.json()["url"] == "/search?saved=Late%20anvils"
        clash = client.post("/api/v1/saved-searches", json={"name": "late ANVILS", "query": "x"})
        bad = client.post("/api/v1/saved-searches", json={"name": "broken", "query": "acme AND"})
        listed = client.get("/api/v1/saved-searches").json()
        opened = client.get("/search", params={"saved": "Late anvils"})
        renamed = client.put("/api/v1/saved-searches/Late anvils", json={"name": "Anvils"})
        changed = client.put("/api/v1/saved-searches/Anvils", json={"filters": {}})
        gone = client.delete("/api/v1/saved-searches/Anvils")
        again = client.get("/api/v1/saved-searches/Anvils")
    assert clash.status_code == 409
    with pytest.raises(QueryError) as parsed:
        parse("acme AND")
    assert bad.status_code == 400 and bad.json()["column"] == parsed.value.column
    assert [s["name"] for s in listed["items"]] == ["Late anvils"]
    # The saved search's URL runs it: three negative anvils among 20 mentions (3, 9, 15).
    assert opened.status_code == 200
    assert opened.text.count('class="hit card"') == 3
    assert renamed.json()["name"] == "Anvils"
    assert changed.json()["filters"] == {}
    assert gone.status_code == 204 and again.status_code == 404


def test_saved_search_pages_save_rename_and_delete_with_forms(web_server: Serve) -> None:
    running = web_server()
    with closing(browser_client(running)) as client:
        token = client.headers["X-CSRF-Token"]
        del client.headers["X-CSRF-Token"]  # plain forms carry the token as a field
        saved = client.post(
            "/search/saved",
            data={"csrf_token": token, "name": "Refunds", "q": "refund", "complaint": "yes"},
        )
        assert saved.status_code == 303 and saved.headers["location"] == "/search?saved=Refunds"
        listing = client.get("/search/saved")
        assert "Refunds" in listing.text and "complaint: yes" in listing.text
        renamed = client.post(
            "/search/saved/rename",
            data={"csrf_token": token, "name": "Refunds", "new_name": "Money"},
        )
        assert renamed.status_code == 303
        deleted = client.post("/search/saved/delete", data={"csrf_token": token, "name": "Money"})
        assert deleted.status_code == 303
        assert "No saved searches yet" in client.get("/search/saved").text
        no_token = client.post("/search/saved", data={"name": "x", "q": "y"})
        assert no_token.status_code == 403


def fresh_feed(entries: list[tuple[str, str]]) -> bytes:
    """An RSS document of posts published two minutes ago (alerts fire for fresh posts)."""
    when = format_datetime(datetime.now(UTC) - timedelta(minutes=2))
    items = "".join(
        f"<item><guid>{guid}</guid><title>{escape(text[:40])}</title>"
        f"<link>https://forum.example.org/t/{guid}</link>"
        f"<description>{escape(text)}</description><pubDate>{when}</pubDate></item>"
        for guid, text in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Forum</title><link>https://forum.example.org/</link>{items}</channel></rss>"
    ).encode()


def test_a_saved_search_as_an_alert_rule_through_check_and_a_poll(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    db = tmp_path / "listener.db"
    settings = tmp_path / "settings.yaml"
    settings.write_text(
        SAVED_RULE_SETTINGS.format(
            db=db, feed=httpserver.url_for("/feed.xml"), hook=httpserver.url_for("/hook")
        ),
        encoding="utf-8",
    )
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    runner = CliRunner()
    with open_store(db):
        pass  # a store without the saved search
    refused = runner.invoke(cli, ["check", "--config", str(settings)])
    assert refused.exit_code == 2
    assert "Late anvils" in refused.output and "does not hold" in refused.output

    with open_store(db) as store:
        SavedSearches(store).save("Late anvils", "anvil", {"source": "feed"}, by="test", at=T0)
    accepted = runner.invoke(cli, ["check", "--config", str(settings)])
    assert accepted.exit_code == 0, accepted.output

    httpserver.expect_request("/feed.xml").respond_with_data(
        fresh_feed(
            [
                ("1", "My acme anvil arrived today, lovely"),
                ("2", "The acme rocket is fine"),
            ]
        ),
        content_type="application/rss+xml",
    )
    # A real `listener poll` process: the daemon's own path from feed to alert rule (and no
    # event loop of this test process, which a browser test may hold, in the way).
    listener = Path(sys.executable).with_name("listener")
    polled = subprocess.run(
        [str(listener), "poll", "--config", str(settings)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert polled.returncode == 0, polled.stderr
    with open_store(db) as store:
        alerts = store.list_alerts()
    saved_alerts = [a for a in alerts if a.rule == "anvils"]
    assert len(saved_alerts) == 1
    assert "anvil" in saved_alerts[0].title.lower()
    assert saved_alerts[0].details["saved"] == "Late anvils"
    assert saved_alerts[0].details["query"] == "anvil"


def test_a_saved_search_a_rule_uses_cannot_be_deleted_or_renamed(web_server: Serve) -> None:
    settings = SAVED_RULE_SETTINGS.replace("{feed}", "http://127.0.0.1:9/feed.xml").replace(
        "{hook}", "http://127.0.0.1:9/hook"
    )
    running = web_server(settings)
    with closing(browser_client(running)) as client:
        client.post("/api/v1/saved-searches", json={"name": "Late anvils", "query": "anvil"})
        refused = client.delete("/api/v1/saved-searches/late anvils")
        rename = client.put("/api/v1/saved-searches/Late anvils", json={"name": "Other"})
        shown = client.get("/api/v1/saved-searches/Late anvils").json()
    assert refused.status_code == 409 and "anvils" in refused.json()["detail"]
    assert rename.status_code == 409
    assert shown["used_by_rules"] == ["anvils"]


def _rule_settings(db: Path, saved: str) -> Settings:
    return Settings.model_validate(
        {
            "brands": [{"name": "acme", "query": "acme"}],
            "storage": {"sqlite": str(db)},
            "alerts": {
                "enabled": True,
                "channels": [{"name": "slack", "type": "console"}],
                "rules": [{"type": "saved_search", "name": "watch", "saved": saved}],
            },
        }
    )


def test_a_saved_rule_honours_the_saved_filters_and_an_empty_query(tmp_path: Path) -> None:
    db = tmp_path / "alerts.db"
    with open_store(db) as store:
        saved = SavedSearches(store)
        filters = {
            "complaint": "yes",
            "sentiment": "negative",
            "topic": "billing",
            "sort": "newest",
        }
        saved.save("Angry refunds", "refund", filters, by="t", at=NOW)
        saved.save("Any complaint", "", {"complaint": "yes"}, by="t", at=NOW)
    h = Harness(tmp_path, _rule_settings(db, "Angry refunds"))
    h.feed(
        [
            judged("acme refund never came", complaint=True, topics=["billing"], n=1),
            judged("acme refund never came", complaint=False, topics=["billing"], n=2),
            judged("acme refund never came", complaint=True, topics=["delivery"], n=3),
            judged("acme lost my parcel", complaint=True, topics=["billing"], n=4),
            judged("acme refund, thanks", negative=False, topics=["billing"], n=5),
        ]
    )
    assert [a.mention_ids for a in h.alerts(AlertKind.SAVED_SEARCH)] == [("feed:1",)]
    h.store.close()

    h = Harness(tmp_path / "any", _rule_settings(db, "Any complaint"))
    h.feed([judged("acme is slow", complaint=True, n=6), judged("acme ok", complaint=False, n=7)])
    assert [a.mention_ids for a in h.alerts(AlertKind.SAVED_SEARCH)] == [("feed:6",)]
    h.store.close()


def test_a_saved_rule_whose_search_is_gone_raises_nothing_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "alerts.db"
    with caplog.at_level(logging.ERROR, logger="alerts.rules.saved_search"):
        h = Harness(tmp_path, _rule_settings(db, "Nobody saved this"))
    assert "cannot run" in caplog.text
    h.feed([judged("acme refund", n=1)])
    assert h.alerts(AlertKind.SAVED_SEARCH) == []
    h.store.close()


def test_saving_says_saved_as_once_and_its_inputs_are_styled_like_the_others(
    web_server: Serve,
) -> None:
    running = web_server()
    with closing(browser_client(running)) as client:
        search = client.get("/search", params={"q": "refund"}).text
        assert '<input type="text" id="save-name" name="name"' in search
        saved = client.post("/search/saved", data={"name": "Late & lost", "q": "late"})
        assert saved.status_code == 303
        landing = client.get(saved.headers["location"]).text
        assert "Saved as <strong>Late &amp; lost</strong>" in landing
        again = client.get(saved.headers["location"]).text
        assert "Saved as" not in again  # said once, on arrival
        assert "Saved as" not in client.get("/search", params={"saved": "Other"}).text
        listing = client.get("/search/saved").text
        assert '<input type="text" id="rename-1" name="new_name"' in listing
