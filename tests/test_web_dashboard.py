"""The dashboard's page and ``/api/v1/stats/{panel}`` over a store the test fills with known
counts (through the store, which keeps the rollups): the page's tables and the API show
those numbers, every number links to a search that finds exactly them, CSV is plain text
(no formula runs), a bad range, bucket or brand is a 400 that says why, a viewer reads and
an anonymous caller is refused."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from listener.models import AlertKind, Author, Finding, Judgments, SentimentLabel, Severity
from listener.store import accounts
from listener.store.alert_contract import NewAlert
from tests.store_helpers import make_mention
from tests.web_fixtures import WebServer
from tests.web_pages_helpers import token_client

Serve = Callable[..., WebServer]
NOW = datetime(2026, 12, 5, 12, 30, tzinfo=UTC)
# range=24h at NOW: until 13:00 today, since 13:00 yesterday, by the hour.
HOUR_10 = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
HOUR_8 = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
BEFORE = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)  # in the previous 24 hours
SETTINGS = """\
brands:
  - name: Acme
    query: acme
  - name: Globex
    query: globex
storage:
  sqlite: {db}
"""


def judged(label: SentimentLabel, *, complaint: bool = False, topic: str | None = None,
           feeling: str | None = None) -> Judgments:  # fmt: skip
    return Judgments(
        sentiment_label=label,
        complaint=complaint,
        topics=(Finding(topic, ()),) if topic else (),
        feelings=(Finding(feeling, ()),) if feeling else (),
    )


NEG, POS, NEU, UNK = (
    SentimentLabel.NEGATIVE,
    SentimentLabel.POSITIVE,
    SentimentLabel.NEUTRAL,
    SentimentLabel.UNKNOWN,
)


def fill(running: WebServer) -> None:
    """Acme at 10:00: 3 negative (2 complaints about delivery), 2 positive, 1 neutral; at
    08:00: 4 positive in German and 1 of unknown sentiment and language. Globex at 10:00:
    2 negative. The previous period: 5 neutral Acme mentions."""
    rows: list[tuple[datetime, tuple[str, ...], Judgments, str | None]] = []
    rows += [(HOUR_10, ("Acme",), judged(NEG, complaint=True, topic="delivery",
                                         feeling="frustrated"), "en")] * 2  # fmt: skip
    rows += [(HOUR_10, ("Acme",), judged(NEG), "en")]
    rows += [(HOUR_10, ("Acme",), judged(POS, topic="delivery"), "en")] * 2
    rows += [(HOUR_10, ("Acme",), judged(NEU), "en")]
    rows += [(HOUR_8, ("Acme",), judged(POS), "de")] * 4
    rows += [(HOUR_8, ("Acme",), judged(UNK), None)]
    rows += [(HOUR_10, ("Globex",), judged(NEG), "en")] * 2
    rows += [(BEFORE, ("Acme",), judged(NEU), "en")] * 5
    running.store.insert_mentions(
        [
            make_mention(
                n,
                source="news" if n % 2 else "forum",
                published_at=at + timedelta(minutes=n),
                brands=brands,
                language=language,
                judgments=judgments,
                author=Author(handle=f"user{n}", name=f"User {n}", followers=10 * n),
            )
            for n, (at, brands, judgments, language) in enumerate(rows, start=1)
        ]
    )


@pytest.fixture
def served(web_server: Serve) -> WebServer:
    running = web_server(SETTINGS, clock=lambda: NOW)
    fill(running)
    return running


class Tables(HTMLParser):
    """The page's tables as {table id: [[cell text, cell link], …] per row}."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[tuple[str, str | None]]]] = {}
        self._table: str | None = None
        self._row: list[tuple[str, str | None]] | None = None
        self._cell: list[str] | None = None
        self._link: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "table":
            self._table = named.get("id") or ""
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell, self._link = [], None
        elif tag == "a" and self._cell is not None and self._link is None:
            self._link = named.get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(("".join(self._cell).strip(), self._link))
            self._cell = None
        elif tag == "tr" and self._table is not None and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page_tables(html: str) -> dict[str, list[list[tuple[str, str | None]]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def search_count(client: httpx.Client, url: str) -> int:
    page = client.get(url)
    assert page.status_code == 200, url
    found = re.search(r'class="search-count">\s*<strong>([\d,]+)</strong>', page.text)
    assert found, url
    return int(found.group(1).replace(",", ""))


def test_the_page_shows_the_known_counts_and_every_number_finds_its_mentions(
    served: WebServer,
) -> None:
    with served.store.alert_transaction() as tx:
        spike = tx.add_alert(
            NewAlert(
                key="spike:acme",
                kind=AlertKind.INCIDENT,
                rule="spike",
                brand="Acme",
                severity=Severity.HIGH,
                title="Acme: a spike of late deliveries",
                created_at=HOUR_10 + timedelta(minutes=20),
            )
        )
    assert spike is not None
    with httpx.Client(base_url=served.url) as client:
        page = client.get("/dashboard", params={"range": "24h", "brand": "Acme"})
        assert page.status_code == 200
        # The incident is listed (and marked on the chart from its data-at) with its link.
        assert re.search(
            rf'<li data-at="{int(spike.created_at.timestamp())}">.*?href="/alerts/{spike.id}"',
            page.text,
            re.S,
        )
        tables = page_tables(page.text)
        volume = {row[0][0]: row for row in tables["volume-table"][1:]}
        assert len(volume) == 24
        ten = volume["5 Dec 10:00"]
        assert [cell for cell, _ in ten[1:]] == ["3", "1", "2", "0", "6"]
        eight = volume["5 Dec 08:00"]
        assert [cell for cell, _ in eight[1:]] == ["0", "0", "4", "1", "5"]
        for row in (ten, eight):
            for text, link in row[1:]:
                assert link is not None
                assert search_count(client, link) == int(text), link
        # The headline: 11 Acme mentions (5 before), 3 negative, 2 complaints.
        assert re.search(r'data-tile="mentions">.*?data-value>11<', page.text, re.S)
        assert re.search(r'data-tile="complaints">.*?data-value>2<', page.text, re.S)
        topics = {row[0][0]: row for row in tables["topics-table"][1:]}
        assert topics["delivery"][1][0] == "4"
        assert search_count(client, topics["delivery"][1][1] or "") == 4
        languages = {row[0][0]: row for row in tables["languages-table"][1:]}
        assert languages["en"][1][0] == "6" and languages["de"][1][0] == "4"
        assert search_count(client, languages["unknown"][1][1] or "") == 1
        complaints = {row[0][0]: row for row in tables["complaints-table"][1:]}
        assert complaints["5 Dec 10:00"][1][0] == "2"
        assert search_count(client, complaints["5 Dec 10:00"][1][1] or "") == 2
        share = {row[0][0]: row for row in tables["share-of-voice-table"][1:]}
        assert share["Acme"][1][0] == "11" and share["Globex"][1][0] == "2"
        assert search_count(client, share["Globex"][4][1] or "") == 2  # Globex's negative


def test_the_url_is_tidied_and_a_bad_one_says_what_to_change(served: WebServer) -> None:
    with httpx.Client(base_url=served.url) as client:
        sent = client.get("/dashboard?brand=&range=7d&since=&until=&bucket=")
        assert sent.status_code == 303 and sent.headers["location"] == "/dashboard"
        custom = client.get("/dashboard?range=7d&since=2026-11-01&until=2026-11-08")
        assert custom.headers["location"] == (
            "/dashboard?range=custom&since=2026-11-01&until=2026-11-08"
        )
        for query, words in (
            ("range=3d", "range must be one of"),
            ("range=custom&since=2026-11-08&until=2026-11-01", "must be before"),
            ("bucket=minute", "bucket must be one of"),
            ("brand=Initech", "not configured"),
            ("range=custom&since=2026-11-01T00:00", "time zone"),
            ("range=180d&bucket=hour", "more than"),
        ):
            page = client.get(f"/dashboard?{query}")
            assert page.status_code == 400, query
            assert words in page.text, (query, page.text[-3000:])
            problem = client.get(f"/api/v1/stats/volume?{query}")
            assert problem.headers["content-type"].startswith("application/problem+json")
            # A value outside a documented choice is the schema's 422, naming the choices.
            if problem.status_code == 422:
                assert query.split("=")[0] in ("range", "bucket")
                assert "24h" in problem.text or "hour" in problem.text, problem.text
            else:
                assert problem.status_code == 400
                assert words in problem.json()["detail"]


PANELS = (
    "headline",
    "volume",
    "complaints",
    "share-of-voice",
    "topics",
    "feelings",
    "sources",
    "languages",
    "rising-terms",
    "authors",
    "engaged",
    "response",
)


def test_every_panel_answers_json_and_csv_with_the_page_parameters(served: WebServer) -> None:
    with httpx.Client(base_url=served.url) as client:
        for name in PANELS:
            answer = client.get(f"/api/v1/stats/{name}", params={"brand": "acme", "range": "24h"})
            assert answer.status_code == 200, (name, answer.text)
            body = answer.json()
            assert body["scope"]["brand"] == "Acme"
            assert body["scope"]["since"].startswith("2026-12-04T13:00")
            table = client.get(f"/api/v1/stats/{name}.csv", params={"range": "24h"})
            assert table.status_code == 200
            assert table.headers["content-type"].startswith("text/csv")
            rows = list(csv.reader(io.StringIO(table.text.lstrip("\ufeff"))))
            assert rows and rows[0], name
        headline = client.get("/api/v1/stats/headline", params={"range": "24h"}).json()
        assert headline["mentions"] == 13 and headline["previous_mentions"] == 5
        assert headline["negative"] == 5 and headline["complaints"] == 2
        volume = list(
            csv.DictReader(
                io.StringIO(
                    client.get("/api/v1/stats/volume.csv?range=24h&brand=Acme").text.lstrip(
                        "\ufeff"
                    )
                )
            )
        )
        assert sum(int(r["total"]) for r in volume) == 11
        assert sum(int(r["negative"]) for r in volume) == 3


def test_csv_cells_from_the_internet_cannot_run_as_formulas(web_server: Serve) -> None:
    running = web_server(SETTINGS, clock=lambda: NOW)
    running.store.insert_mentions(
        [
            make_mention(
                1,
                published_at=HOUR_10,
                brands=("Acme",),
                judgments=judged(NEG, topic='=HYPERLINK("http://x")'),
            ),
            make_mention(2, source="@evil", published_at=HOUR_10, brands=("Acme",)),
        ]
    )
    with httpx.Client(base_url=running.url) as client:
        topics = client.get("/api/v1/stats/topics.csv?range=24h").text
        assert "'=hyperlink" in topics.lower() and "\n=" not in topics
        sources = client.get("/api/v1/stats/sources.csv?range=24h").text
        assert "'@evil" in sources


def test_a_viewer_reads_and_an_anonymous_caller_is_refused(served: WebServer) -> None:
    accounts.add_user(served.store, "owner", "admin", "a long enough passphrase", NOW)
    with httpx.Client(base_url=served.url) as anonymous:
        assert anonymous.get("/api/v1/stats/volume").status_code == 401
        assert anonymous.get("/api/v1/stats/volume.csv").status_code == 401
        assert anonymous.get("/dashboard").status_code in (303, 401)
    with token_client(served, "reports", "viewer") as viewer:
        assert viewer.get("/api/v1/stats/volume", params={"range": "24h"}).status_code == 200
        assert viewer.get("/api/v1/stats/response.csv").status_code == 200


def test_the_documented_api_lists_every_panel(served: WebServer) -> None:
    document: dict[str, Any] = httpx.get(served.url + "/api/v1/openapi.json").json()
    for name in PANELS:
        assert f"/api/v1/stats/{name}" in document["paths"]
        assert f"/api/v1/stats/{name}.csv" in document["paths"]
        parameters = {p["name"] for p in document["paths"][f"/api/v1/stats/{name}"]["get"]
                      ["parameters"]}  # fmt: skip
        assert {"brand", "range", "since", "until", "bucket"} <= parameters
