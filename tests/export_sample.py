"""A small store whose export is pinned byte for byte (``tests/golden/search_export_*``).

The golden files were written by the export as it was before it read flat rows (commit
6158d3d's parent, which built a whole ``Mention`` per row); the test holds today's export to
them. So the mentions carry what a flat read could get wrong: whole-second and microsecond
times, feelings and topics in the judges' order (not alphabetical) and in their own case,
no complaint score, unicode, hostile text, formula-like cells, an empty title, many brands.
Only ``listener.models`` and the store's insert are used: the generator ran against the old
code with this same module.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from listener.models import Author, Finding, Judgments, SentimentLabel, Urgency
from listener.store import SQLiteStore
from tests.store_helpers import make_mention

T = datetime(2026, 3, 1, 9, 30, 0, tzinfo=UTC)
QUERIES: tuple[dict[str, str], ...] = ({}, {"q": "anvil"}, {"sentiment": "negative"})


def fill_export_sample(store: SQLiteStore) -> None:
    hostile = '<script>alert(1)</script> {{ 7*7 }} <img src=x onerror="alert(2)"> anvil'
    store.insert_mentions(
        [
            make_mention(
                1,
                text="The acme anvil fell on my foot. Refund, now.",
                published_at=T,
                judgments=Judgments(
                    sentiment=-0.8316,
                    sentiment_label=SentimentLabel.NEGATIVE,
                    complaint=True,
                    complaint_score=0.9375,
                    feelings=(Finding("frustrated", ("now",)), Finding("angry")),
                    topics=(Finding("refund"), Finding("Delivery"), Finding("billing")),
                    urgency=Urgency.HIGH,
                    reach=1234,
                ),
            ),
            make_mention(
                2,
                source="forum",
                text="আমার অর্ডার এখনও আসেনি 😡 anvil",
                title="",
                language="bn",
                published_at=T + timedelta(seconds=1, microseconds=250000),
                author=Author(handle="=cmd|' /C calc'!A0", name="+1+1", followers=7),
                brands=("acme", "Globex", "initech"),
                judgments=Judgments(
                    sentiment=None,
                    sentiment_label=SentimentLabel.UNKNOWN,
                    complaint=False,
                    complaint_score=None,
                    feelings=(Finding("Confused"), Finding("anxious"), Finding("Confused")),
                    urgency=Urgency.LOW,
                ),
            ),
            make_mention(
                3,
                text=hostile,
                title='-2+3 "quoted", comma\nand a new line',
                url="javascript:alert(3)",
                published_at=T + timedelta(minutes=5, microseconds=1),
                author=Author(handle="@evil", name='<b style="color:red">Eve</b>'),
                judgments=Judgments(
                    sentiment=0.0,
                    sentiment_label=SentimentLabel.NEUTRAL,
                    complaint=True,
                    complaint_score=0.5,
                    topics=(Finding("product_quality"), Finding("app")),
                    reach=0,
                ),
            ),
            make_mention(
                4,
                source="reddit",
                text="Love my new anvil, thanks acme!",
                published_at=T + timedelta(hours=2),
                judgments=Judgments(
                    sentiment=0.9,
                    sentiment_label=SentimentLabel.POSITIVE,
                    complaint_score=0.01,
                    feelings=(Finding("delighted"),),
                    reach=10**9,
                ),
            ),
            make_mention(
                5,
                source="reddit",
                text="\tTab first, then a formula =SUM(A1:A9)",
                published_at=T - timedelta(days=400),
                judgments=Judgments(
                    sentiment=-0.25,
                    sentiment_label=SentimentLabel.NEGATIVE,
                    complaint=False,
                    complaint_score=0.3333333333333333,
                ),
            ),
        ]
    )
