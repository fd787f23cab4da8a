"""A store with known counts for the dashboard statistics tests (tests/test_stats_*.py).

The range the tests count over is [2026-03-02 20:00, 2026-03-04 05:00) UTC: 33 hours,
partial days at both ends (so the rollups' hours are read at the edges and a day in the
middle), charted by the day in three buckets clipped to the range. Its previous period is
[2026-03-01 11:00, 2026-03-02 20:00).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from listener.models import (
    AlertKind,
    Author,
    Engagement,
    Finding,
    Judgments,
    Mention,
    SentimentLabel,
    Severity,
)
from listener.store import SQLiteStore
from listener.store.alert_contract import NewAlert
from tests.store_helpers import make_mention

SINCE = datetime(2026, 3, 2, 20, tzinfo=UTC)
UNTIL = datetime(2026, 3, 4, 5, tzinfo=UTC)
PREVIOUS_SINCE = SINCE - (UNTIL - SINCE)

NEG, NEU, POS = SentimentLabel.NEGATIVE, SentimentLabel.NEUTRAL, SentimentLabel.POSITIVE


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


def judged(
    n: int,
    when: datetime,
    *,
    brands: tuple[str, ...] = ("Acme",),
    sentiment: SentimentLabel = NEU,
    complaint: bool = False,
    topics: tuple[str, ...] = (),
    feelings: tuple[str, ...] = (),
    language: str | None = "en",
    source: str = "news",
    source_type: str = "rss",
    text: str | None = None,
    **overrides: Any,
) -> Mention:
    return make_mention(
        n,
        source=source,
        source_type=source_type,
        published_at=when,
        fetched_at=when + timedelta(seconds=5),
        brands=brands,
        language=language,
        **({"text": text, "title": ""} if text is not None else {}),
        judgments=Judgments(
            sentiment_label=sentiment,
            complaint=complaint,
            topics=tuple(Finding(t) for t in topics),
            feelings=tuple(Finding(f) for f in feelings),
            language=language,
        ),
        **overrides,
    )


# (what the tests assert about each) — every count below follows from this list.
MENTIONS = [
    # previous period
    judged(1, at(1, 10, 59), sentiment=NEG),  # just before the previous period: nowhere
    judged(2, at(1, 12), complaint=True, topics=("billing",)),
    judged(3, at(2, 19, 59), sentiment=NEG, language="en-GB"),  # last second of previous
    # bucket 1: [03-02 20:00, 03-03 00:00), read from the hours
    judged(
        4, at(2, 20, 30), sentiment=NEG, complaint=True, topics=("delivery",), feelings=("angry",)
    ),
    judged(
        5,
        at(2, 23, 59, 59),
        sentiment=POS,
        language="hi-Latn",
        source="reddit-main",
        source_type="reddit",
    ),
    # bucket 2: 03-03, read from the day
    judged(6, at(3, 0), language=None),
    judged(
        7,
        at(3, 12),
        brands=("Acme", "Globex"),
        sentiment=NEG,
        complaint=True,
        topics=("delivery", "billing"),
        feelings=("angry",),
        language="EN",
    ),
    judged(8, at(3, 23, 59, 59), brands=("Globex",), sentiment=NEG, language="fr"),
    judged(9, at(3, 10), sentiment=NEG, complaint=True, topics=("delivery",)),  # tombstoned
    # bucket 3: [03-04 00:00, 05:00), read from the hours
    judged(10, at(4, 4, 59, 59), sentiment=POS, source="reddit-main", source_type="reddit"),
    judged(11, at(4, 5), sentiment=NEG),  # at until: outside
]
TOMBSTONED = "news:9"


def fill(store: SQLiteStore) -> None:
    """Store MENTIONS (the rollups follow: insert_mentions keeps them), tombstone one, and
    raise three spike alerts (one in the range for Acme, one for Globex, one before)."""
    store.insert_mentions(MENTIONS)
    store.tombstone_mentions([TOMBSTONED], at(4, 6))
    with store.alert_transaction() as tx:
        for n, brand, created in (
            (1, "acme", at(3, 6)),
            (2, "Globex", at(3, 7)),
            (3, "Acme", at(2, 19)),
        ):
            tx.add_alert(
                NewAlert(
                    key=f"incident:{brand}:{n}",
                    kind=AlertKind.INCIDENT,
                    rule="spike",
                    brand=brand,
                    severity=Severity.HIGH,
                    title=f"Spike {n}",
                    created_at=created,
                )
            )


def open_filled(path: Path) -> SQLiteStore:
    store = SQLiteStore(path)
    fill(store)
    return store


def author(handle: str, followers: int = 0) -> Author:
    return Author(handle=handle, name=handle.title(), followers=followers)


def engagement(
    likes: int | None = None,
    shares: int | None = None,
    replies: int | None = None,
    views: int | None = None,
) -> Engagement:
    return Engagement(likes=likes, shares=shares, replies=replies, views=views)
