"""The complaints panel against the previous period, bucket by bucket: the page's table and
chart legend, the JSON API and the CSV show the previous period's complaints of the same
bucket (moved back by the range's length), each linked to the search that finds them."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

import httpx

from listener.models import SentimentLabel
from tests.store_helpers import make_mention
from tests.test_web_dashboard import HOUR_10, NOW, SETTINGS, judged, page_tables, search_count
from tests.web_fixtures import WebServer

Serve = Callable[..., WebServer]
DAY_BEFORE_10 = HOUR_10 - timedelta(days=1)  # the same hour of the previous 24 hours


def test_complaints_show_the_previous_period_per_bucket(web_server: Serve) -> None:
    running = web_server(SETTINGS, clock=lambda: NOW)
    neg, neu = SentimentLabel.NEGATIVE, SentimentLabel.NEUTRAL
    rows = [(HOUR_10, judged(neg, complaint=True))] * 2 + [(HOUR_10, judged(neu))] * 2
    rows += [(DAY_BEFORE_10, judged(neg, complaint=True))] * 3 + [(DAY_BEFORE_10, judged(neu))]
    running.store.insert_mentions(
        [
            make_mention(
                n, published_at=at + timedelta(minutes=n), brands=("Acme",), judgments=judgments
            )
            for n, (at, judgments) in enumerate(rows, start=1)
        ]
    )
    with httpx.Client(base_url=running.url) as client:
        page = client.get("/dashboard", params={"range": "24h", "brand": "Acme"})
        assert page.status_code == 200
        assert "previous period" in page.text and 'data-series="previous"' in page.text
        table = page_tables(page.text)["complaints-table"]
        header = [cell for cell, _ in table[0]]
        assert header[-2:] == ["Complaints, previous period", "Rate, previous period"]
        by_bucket = {row[0][0]: row for row in table[1:]}
        ten = by_bucket["5 Dec 10:00"]
        assert [cell for cell, _ in ten[1:]] == ["2", "4", "50 %", "3", "75 %"]
        assert search_count(client, ten[4][1] or "") == 3
        assert by_bucket["5 Dec 09:00"][4][0] == "0"

        body = client.get("/api/v1/stats/complaints?range=24h&brand=Acme").json()
        assert len(body["buckets"]) == 24
        assert sum(b["previous_complaints"] for b in body["buckets"]) == 3
        assert body["previous_complaints"] == 3 and body["previous_mentions"] == 4
        bucket = next(b for b in body["buckets"] if b["start"].startswith("2026-12-05T10"))
        assert bucket["previous_start"].startswith("2026-12-04T10")
        assert (bucket["previous_complaints"], bucket["previous_mentions"]) == (3, 4)

        text = client.get("/api/v1/stats/complaints.csv?range=24h&brand=Acme").text
        found = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
        assert sum(int(r["previous_complaints"]) for r in found) == 3
        assert [r["previous_mentions"] for r in found if r["previous_complaints"] != "0"] == ["4"]
