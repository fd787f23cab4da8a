"""Helpers for the inbox tests: settings with an SLA and tagged authors, and alerts raised
the way the rules raise them, each about a mention stored through the store's own insert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from listener.models import Alert, AlertKind, Author, Judgments, ReplyDraft, Severity
from listener.store import SQLiteStore
from tests.alert_helpers import raise_alert
from tests.store_helpers import make_mention

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)

INBOX_SETTINGS = """\
brands:
  - name: Acme
    query: acme
  - name: Globex
    query: globex
sources:
  - name: news
    type: rss
    interval: 10m
    url: http://127.0.0.1:9/feed.xml
  - name: forum
    type: rss
    interval: 10m
    url: http://127.0.0.1:9/forum.xml
storage:
  sqlite: {db}
alerts:
  channels:
    - name: hooks
      type: webhook
      url: http://127.0.0.1:9/hook
  sla:
    ack_within: 30m
    escalate_to: [hooks]
  authors:
    - handle: vipfan
      tags: [vip]
      note: ordered every month since 2019
"""


def alert_about(
    store: SQLiteStore,
    n: int,
    *,
    at: datetime,
    source: str = "news",
    text: str | None = None,
    author: Author | None = None,
    reach: int = 100,
    url: str | None = None,
    drafts: tuple[ReplyDraft, ...] = (),
    **overrides: Any,
) -> Alert:
    """Alert ``n`` about a new mention ``n`` (stored first, with its judgments)."""
    mention = make_mention(
        n,
        source=source,
        text=text if text is not None else f"Acme lost my parcel number {n}, nobody answers.",
        author=author or Author(handle=f"user{n}", name=f"User {n}"),
        url=url if url is not None else f"https://example.com/a/{n}",
        published_at=at - timedelta(minutes=1),
        judgments=Judgments(complaint=True, complaint_score=0.9, reach=reach),
    )
    store.insert_mentions([mention])
    alert, _ = raise_alert(
        store,
        n,
        at=at,
        channels=(),
        mention_ids=(mention.id,),
        drafts=drafts,
        **overrides,
    )
    return alert


def severities(store: SQLiteStore) -> dict[int, Severity]:
    return {a.id: a.severity for a in store.list_alerts(limit=1000)}


COMPLAINT = AlertKind.COMPLAINT
