"""Alert messages for the channel tests: every kind, both events, hostile text throughout.

The hostile pieces are what the internet sends: markup of every channel (``<script>``,
``<!channel>``, ``@everyone``, ``*bold*``), a template expression that must stay text,
emoji and Bengali (graphemes that must not be split), control characters, and a post far
longer than any platform allows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from alerts.channels.base import SendContext
from alerts.escaping import channel_filters
from alerts.message import AlertMessage, AuthorHistory, HistoryItem, JudgmentLine, MentionView
from alerts.templating import Templates
from listener.models import AlertKind, AlertState, DeliveryEvent, ReplyDraft, Severity

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CREATED = NOW - timedelta(minutes=34)
BENGALI = "আমার অর্ডার এখনও আসেনি, খুব হতাশ"  # "my order still hasn't arrived, very frustrated"
HOSTILE = (
    "<script>alert(1)</script> <!channel> @everyone @here <@&123> *bold* _it_ ~s~ `x` "
    "# head\n> quote\n- item\n1. one [link](http://evil.example) {{ 7*7 }} {% raw %} "
    "&amp; 😡👍🏽 " + BENGALI + " \x07\x1b[31m\u202egnirts"
)
LONG = "word " * 3000 + "THE-END"


def mention(text: str = HOSTILE, **overrides: Any) -> MentionView:
    values: dict[str, Any] = {
        "id": "x:1",
        "source": "x-brand",
        "source_type": "x",
        "url": "https://x.example/status/1",
        "author_handle": "angry_<b>",
        "author_name": "Rita *R* <!here>",
        "author_url": "https://x.example/angry",
        "followers": 12_345,
        "reach": 45_678,
        "title": "",
        "text": text,
        "language": "bn",
        "published_at": CREATED - timedelta(minutes=2),
        "sentiment_label": "negative",
        "judgments": (
            JudgmentLine("complaint 0.91", ("never arrived", "*worst* <b>", "😡")),
            JudgmentLine("urgency high", ("@everyone now",)),
            JudgmentLine("reach 45,678"),
        ),
    }
    values.update(overrides)
    return MentionView(**values)


def history() -> AuthorHistory:
    return AuthorHistory(
        mention_count=3,
        first_seen_at=CREATED - timedelta(days=40),
        tags=("vip",),
        note="ordered every month since 2019 <3",
        recent=(
            HistoryItem(CREATED - timedelta(days=2), "x-brand", None, "still <waiting>", True),
        ),
        open_alerts=1,
    )


DRAFTS = (
    ReplyDraft("acknowledge", "Rita, I can see why you'd be frustrated @everyone <b>", "en"),
    ReplyDraft("take_private", BENGALI, "bn", note="drafted from the Bengali templates"),
)

DETAILS: dict[AlertKind, dict[str, Any]] = {
    AlertKind.COMPLAINT: {"tags": ["vip"], "prior_contacts": 1},
    AlertKind.INCIDENT: {
        "count": 40,
        "expected": 2.1,
        "window_s": 3600,
        "terms": ["refund", "<!channel>", "@everyone"],
        "topics": {"delivery": 30, "*app*": 5},
        "sources": {"x-brand": 25, "reddit": 15},
        "example_ids": ["x:1"],
    },
    AlertKind.SAVED_SEARCH: {"query": 'acme AND "refund"', "matched": ["refund"]},
    AlertKind.SENTIMENT_SHIFT: {"share": 0.52, "previous_share": 0.2, "window_s": 21600},
    AlertKind.SILENT_SOURCE: {
        "source": "reddit",
        "last_success": "2026-03-01T09:00:00+00:00",
        "error": "HTTP 503 <html>",
    },
    AlertKind.DIGEST: {
        "sections": [
            {"title": "Volume and sentiment", "lines": ["120 mentions (+20%)", "34% negative"]},
            {"title": "Top complaints", "lines": ["late delivery <b> ×12"]},
            {"title": "Open alerts", "lines": []},
            {"title": "SLA breaches", "lines": ["#7 complaint, 2h unacknowledged"]},
            {"title": "Suppressed", "lines": ["3 over team-slack's limit of 20/h"]},
        ]
    },
}

WAVE_KINDS = {AlertKind.INCIDENT, AlertKind.SENTIMENT_SHIFT, AlertKind.DIGEST}


def message(
    kind: AlertKind = AlertKind.COMPLAINT,
    event: DeliveryEvent = DeliveryEvent.NEW,
    **overrides: Any,
) -> AlertMessage:
    """A full message of ``kind``: the lead mention for one-post kinds, examples for waves."""
    one_post = kind in (AlertKind.COMPLAINT, AlertKind.SAVED_SEARCH)
    values: dict[str, Any] = {
        "alert_id": 7,
        "idempotency_key": f"{kind.value}:x:1|team|{event.value}",
        "event": event,
        "kind": kind,
        "rule": kind.value,
        "brand": "Acme <b>",
        "severity": Severity.HIGH,
        "severity_reasons": ("reach 45k", "author tagged vip", "<!channel>"),
        "state": AlertState.NEW,
        "title": f"{kind.value}: Rita says <!channel> *refund* @everyone 😡",
        "created_at": CREATED,
        "link": "https://listener.example/alerts/7",
        "mention": mention() if one_post else None,
        "history": history() if one_post else None,
        "drafts": DRAFTS if one_post else (),
        "folded": 2,
        "examples": (mention(), mention(BENGALI, id="x:2")) if kind in WAVE_KINDS else (),
        "details": DETAILS[kind],
    }
    values.update(overrides)
    return AlertMessage(**values)


def bare_message(kind: AlertKind, event: DeliveryEvent = DeliveryEvent.NEW) -> AlertMessage:
    """As little as a message can carry: no mention, link, history, drafts or details."""
    return AlertMessage(
        alert_id=1,
        idempotency_key="k",
        event=event,
        kind=kind,
        rule=kind.value,
        brand=None,
        severity=Severity.LOW,
        severity_reasons=(),
        state=AlertState.NEW,
        title="",
        created_at=CREATED,
        link=None,
    )


def bare_mention_message() -> AlertMessage:
    """A complaint whose mention knows nothing: no author, url, followers, language, text."""
    empty = mention(
        "",
        author_handle=None,
        author_name=None,
        author_url=None,
        url=None,
        followers=None,
        language=None,
        judgments=(),
    )
    return bare_message(AlertKind.COMPLAINT).__class__(
        **{**_fields(bare_message(AlertKind.COMPLAINT)), "mention": empty}
    )


def _fields(m: AlertMessage) -> dict[str, Any]:
    return {name: getattr(m, name) for name in m.__dataclass_fields__}


def context(http: httpx.AsyncClient) -> SendContext:
    return SendContext(http=http, templates=Templates(filters=channel_filters()), clock=lambda: NOW)
