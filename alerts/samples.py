"""Sample alerts of every kind, for checking edited templates before they meet a real alert.

``listener check`` renders each configured channel's templates with these: one full
message and one nearly empty message per kind and event, so a template that only breaks
when a field is missing (no author, no link, no drafts) breaks here, not at 3 a.m.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from alerts.message import AlertMessage, AuthorHistory, HistoryItem, JudgmentLine, MentionView
from listener.models import AlertKind, AlertState, DeliveryEvent, ReplyDraft, Severity

SAMPLE_TIME = datetime(2026, 3, 2, 9, 26, tzinfo=UTC)

_POST = MentionView(
    id="x:1",
    source="x-brand",
    source_type="x",
    url="https://x.example/status/1",
    author_handle="dana",
    author_name="Dana K",
    author_url="https://x.example/dana",
    followers=12_400,
    reach=12_900,
    title="",
    text="My order still hasn't arrived and nobody answers. Third time asking!",
    language="en",
    published_at=SAMPLE_TIME - timedelta(minutes=3),
    sentiment_label="negative",
    judgments=(
        JudgmentLine("complaint 0.91 (by rules)", ("'still hasn't arrived'",)),
        JudgmentLine("feeling frustrated", ("third time asking",)),
        JudgmentLine("topic delivery", ("order", "arrived")),
    ),
)

_HISTORY = AuthorHistory(
    mention_count=2,
    first_seen_at=SAMPLE_TIME - timedelta(days=40),
    tags=("loyal",),
    note="customer since 2019",
    recent=(
        HistoryItem(SAMPLE_TIME - timedelta(days=6), "x-brand", None, "Where is my order?", True),
    ),
    open_alerts=1,
)

_DRAFTS = (
    ReplyDraft("acknowledge", "Dana, I'm sorry your order still isn't with you…", "en"),
    ReplyDraft("take_private", "Dana, could you email support@example.org…", "en"),
)

_DETAILS: dict[AlertKind, dict[str, Any]] = {
    AlertKind.COMPLAINT: {"tags": ["loyal"], "prior_contacts": 1},
    AlertKind.INCIDENT: {
        "count": 40,
        "expected": 2.1,
        "z": 26.2,
        "window_s": 3600,
        "measure": "negative",
        "terms": ["refund", "crash", "login"],
        "topics": {"website_app": 31},
        "sources": {"x-brand": 25, "reddit": 15},
        "example_ids": ["x:1"],
    },
    AlertKind.SAVED_SEARCH: {"query": "refund OR chargeback"},
    AlertKind.SENTIMENT_SHIFT: {"share": 0.52, "previous_share": 0.2, "window_s": 21600},
    AlertKind.SILENT_SOURCE: {
        "source": "reddit",
        "last_success": (SAMPLE_TIME - timedelta(hours=7)).isoformat(),
        "error": "HTTP 503",
    },
    AlertKind.DIGEST: {
        "sections": [
            {"title": "Volume and sentiment", "lines": ["120 mentions (+20%)", "34% negative"]},
            {"title": "Open alerts", "lines": []},
        ]
    },
}

_ONE_POST = (AlertKind.COMPLAINT, AlertKind.SAVED_SEARCH)


def _events(kind: AlertKind) -> tuple[DeliveryEvent, ...]:
    if kind is AlertKind.DIGEST:
        return (DeliveryEvent.DIGEST,)
    return (DeliveryEvent.NEW, DeliveryEvent.ESCALATION)


def _full(kind: AlertKind, event: DeliveryEvent) -> AlertMessage:
    one_post = kind in _ONE_POST
    return AlertMessage(
        alert_id=7,
        idempotency_key=f"sample:{kind.value}|channel|{event.value}",
        event=event,
        kind=kind,
        rule=kind.value,
        brand="Acme",
        severity=Severity.HIGH,
        severity_reasons=("reach 12.9k", "tagged loyal"),
        state=AlertState.NEW,
        title=f"Sample {kind.value.replace('_', ' ')} alert",
        created_at=SAMPLE_TIME - timedelta(minutes=34),
        link="https://listener.example/alerts/7",
        mention=_POST if one_post else None,
        history=_HISTORY if one_post else None,
        drafts=_DRAFTS if one_post else (),
        folded=2,
        examples=() if one_post else (_POST,),
        details=_DETAILS[kind],
    )


def sample_messages() -> Iterator[AlertMessage]:
    """Every kind and event, each full and then as bare as a message can be."""
    for kind in AlertKind:
        for event in _events(kind):
            full = _full(kind, event)
            yield full
            yield replace(
                full,
                brand=None,
                severity=Severity.LOW,
                severity_reasons=(),
                title="",
                link=None,
                mention=None,
                history=None,
                drafts=(),
                folded=0,
                examples=(),
                details={},
            )
