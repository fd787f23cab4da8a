"""A week of background mentions for the dashboard's screenshot (``docs/screenshots.py``).

The screenshot store's hand-written posts cover the last day and a half; a dashboard over
seven days needs a week of them: a few hundred short posts per brand, judged here (a
fixed mix of sentiments, complaints, topics and feelings, from a seeded random generator so
every run draws the same picture), with a delivery spike two days ago raised as a spike
alert, which the volume chart marks.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

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

# (sentiment, complaint, topic, feeling, words) — the words end up in each post.
KINDS = (
    (SentimentLabel.POSITIVE, False, "product_quality", None, "loving the new {brand} range"),
    (SentimentLabel.POSITIVE, False, "customer_service", None, "{brand} staff sorted it fast"),
    (SentimentLabel.NEUTRAL, False, None, None, "anyone tried {brand} yet?"),
    (SentimentLabel.NEUTRAL, False, "pricing", None, "{brand} prices went up a little"),
    (SentimentLabel.NEGATIVE, True, "delivery", "frustrated", "{brand} order is late again"),
    (SentimentLabel.NEGATIVE, True, "app", "confused", "{brand} app logged me out again"),
    (SentimentLabel.NEGATIVE, False, "pricing", "disappointed", "{brand} got too expensive"),
)
WEIGHTS = (5, 3, 4, 2, 2, 2, 1)
SOURCES = (("reddit", "reddit"), ("mastodon", "mastodon"), ("hacker-news", "hackernews"),
           ("google-alerts", "rss"))  # fmt: skip
LANGUAGES = ("en",) * 8 + ("de", "fr")


def _post(n: int, rng: random.Random, brand: str, at: datetime, spike: bool) -> Mention:
    label, complaint, topic, feeling, words = (
        KINDS[4] if spike and rng.random() < 0.7 else rng.choices(KINDS, WEIGHTS)[0]
    )
    source, source_type = rng.choice(SOURCES)
    handle = f"{source[:3]}_{rng.randrange(400)}"
    followers = int(rng.paretovariate(1.2) * 40)
    return Mention(
        id=f"{source}:hist-{n}",
        source=source,
        source_type=source_type,
        native_id=f"hist-{n}",
        url=f"https://example.com/{source}/hist-{n}",
        canonical_url=f"https://example.com/{source}/hist-{n}",
        author=Author(handle=handle, name=None, url=None, followers=followers),
        title="",
        text=words.format(brand=brand.split()[0]),
        html="",
        language=rng.choice(LANGUAGES),
        published_at=at,
        fetched_at=at + timedelta(seconds=30),
        engagement=Engagement(likes=followers // 30, replies=followers // 150),
        rating=None,
        parent_id=None,
        thread_id=None,
        brands=(brand,),
        matched_terms=(brand.split()[0].lower(),),
        content_hash=f"hist-{n}",
        judgments=Judgments(
            sentiment_label=label,
            complaint=complaint,
            topics=(Finding(topic, ()),) if topic else (),
            feelings=(Finding(feeling, ()),) if feeling else (),
            reach=followers,
        ),
    )


def seed_history(store: SQLiteStore, brands: list[str], now: datetime) -> None:
    """About 900 mentions over the last 8 days, and one spike two days ago."""
    rng = random.Random(20261205)
    spike_at = now - timedelta(days=2, hours=5)
    mentions = []
    n = 0
    for hours_ago in range(1, 24 * 8):
        at = now - timedelta(hours=hours_ago)
        in_spike = abs((at - spike_at).total_seconds()) < 3 * 3600
        # Busier by day than by night, and the spike on top.
        busy = 1.0 + (0.8 if 8 <= at.hour <= 20 else 0.0) + (4.0 if in_spike else 0.0)
        for brand_index, brand in enumerate(brands):
            for _ in range(rng.randrange(int(2 * busy / (1 + brand_index)) + 1)):
                n += 1
                minute = timedelta(minutes=rng.randrange(60))
                spiking = in_spike and brand_index == 0
                mentions.append(_post(n, rng, brand, at + minute, spiking))
    store.insert_mentions(sorted(mentions, key=lambda m: m.published_at))
    with store.alert_transaction() as tx:
        tx.add_alert(
            NewAlert(
                key=f"spike:{brands[0]}:{spike_at:%Y%m%d%H}",
                kind=AlertKind.INCIDENT,
                rule="volume-spike",
                brand=brands[0],
                severity=Severity.HIGH,
                title=f"{brands[0]}: mentions 5× the usual, mostly late deliveries",
                created_at=spike_at,
            )
        )
