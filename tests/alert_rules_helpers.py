"""Helpers for the alert-rule tests: settings, judged mentions, and a real SQLite store
driven through ``insert_mentions(on_stored=...)`` and ``alert_transaction()``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alerts.decide import AlertDecider
from alerts.rules.complaint import Drafts
from listener.config.settings import Settings
from listener.models import (
    Alert,
    Author,
    Delivery,
    Finding,
    Judgments,
    Mention,
    SentimentLabel,
    Urgency,
)
from listener.store import SQLiteStore, open_store
from tests.helpers import SettableClock
from tests.store_helpers import make_mention

# A Monday afternoon (UTC): away from midnight and from every digest boundary used here.
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def make_settings(*, other_brands: Sequence[str] = (), **alerts: Any) -> Settings:
    """Settings for brand "acme" (query ``acme OR @acmehelp``; ``other_brands`` are named
    after their query) with alerts enabled and two channels, ``slack`` and ``mail``
    (console channels: nothing is sent in these tests)."""
    section: dict[str, Any] = {
        "enabled": True,
        "channels": [{"name": "slack", "type": "console"}, {"name": "mail", "type": "console"}],
    }
    section.update(alerts)
    return Settings.model_validate(
        {
            "brands": [
                {"name": "acme", "query": "acme OR @acmehelp"},
                *({"name": b, "query": b} for b in other_brands),
            ],
            "sources": [
                {"name": "feed", "type": "rss", "interval": "10m", "url": "https://e.org/f"},
                {"name": "other", "type": "rss", "interval": "1h", "url": "https://e.org/g"},
            ],
            "alerts": section,
        }
    )


_serial = iter(range(1, 10**9))


def judged(
    text: str = "acme lost my parcel",
    *,
    at: datetime = NOW,
    handle: str | None = None,
    complaint: bool = True,
    negative: bool = True,
    sentiment: float | None = None,
    score: float = 0.6,
    flags: Sequence[str] = (),
    reach: int = 0,
    urgency: Urgency = Urgency.NORMAL,
    topics: Sequence[str] = (),
    thread_id: str | None = None,
    source: str = "feed",
    n: int | None = None,
) -> Mention:
    """A stored-shape mention of acme with the judgments a rule reads."""
    n = n if n is not None else next(_serial)
    label = SentimentLabel.NEGATIVE if negative else SentimentLabel.POSITIVE
    return make_mention(
        n,
        source=source,
        author=Author(handle=handle if handle is not None else f"user{n}"),
        title="",
        text=text,
        html=text,
        published_at=at,
        fetched_at=at,
        thread_id=thread_id,
        judgments=Judgments(
            sentiment=sentiment if sentiment is not None else (-0.4 if negative else 0.5),
            sentiment_label=label,
            complaint=complaint,
            complaint_score=score if complaint else 0.1,
            flags=tuple(Finding(f) for f in flags),
            reach=reach,
            urgency=urgency,
            topics=tuple(Finding(t) for t in topics),
        ),
    )


class Harness:
    """A store on disk, a settable clock and a decider, the way the daemon wires them."""

    def __init__(
        self,
        tmp_path: Path,
        settings: Settings,
        *,
        now: datetime = NOW,
        drafts: Drafts | None = None,
    ) -> None:
        self.clock = SettableClock(now)
        self.settings = settings
        self.store: SQLiteStore = open_store(tmp_path / "alerts.db")
        self.decider = AlertDecider(settings, clock=self.clock, drafts=drafts)

    def feed(self, mentions: Sequence[Mention]) -> list[Mention]:
        """Store a batch with the decider as its on_stored hook."""
        return self.store.insert_mentions(mentions, on_stored=self.decider.on_stored)

    def history(self, mentions: Sequence[Mention]) -> None:
        """Store mentions that came before the test (no alerts decided for them)."""
        self.store.insert_mentions(mentions)

    def tick(self, **advance: float) -> list[Alert]:
        if advance:
            self.clock.advance(**advance)
        with self.store.alert_transaction() as tx:
            return self.decider.evaluate(tx)

    def alerts(self, kind: str | None = None) -> list[Alert]:
        found = self.store.list_alerts(limit=1000)
        return [a for a in found if kind is None or a.kind == kind]

    def deliveries(self, alert: Alert | None = None) -> list[Delivery]:
        return self.store.list_deliveries(alert_id=alert.id if alert else None, limit=1000)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
