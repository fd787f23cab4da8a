"""Generic webhook channel: the alert as JSON, POSTed to any HTTP endpoint.

Request::

    POST <url>
    Content-Type: application/json
    User-Agent: listener/<version>
    X-Listener-Event: alert.new | alert.escalation | digest
    X-Listener-Delivery: <idempotency key>   (the same on every retry: drop repeats by it;
                                              characters outside printable ASCII are
                                              percent-encoded as UTF-8)
    X-Listener-Timestamp: <unix seconds>
    X-Listener-Signature: sha256=<hex>       (only when the channel has a ``secret``)
    <the channel's extra ``headers``>

The body is ``message_payload(message)`` (schema 1, below) as UTF-8 JSON.

Verifying a request (the receiver's side)::

    import hashlib, hmac, time
    def verify(secret: bytes, headers, body: bytes, tolerance_s: int = 300) -> bool:
        timestamp = headers["X-Listener-Timestamp"]
        if abs(time.time() - int(timestamp)) > tolerance_s:
            return False  # a replay of an old request
        signed = timestamp.encode() + b"." + body  # the raw body bytes, before parsing
        expected = "sha256=" + hmac.new(secret, signed, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, headers["X-Listener-Signature"])

Schema 1 (fields are only ever added; a breaking change gets ``"schema": 2``)::

    schema            1
    event             "alert.new" | "alert.escalation" | "digest"
    delivery          the idempotency key
    alert             {id, kind, rule, brand, severity, severity_reasons, state, title,
                       created_at (ISO 8601 UTC), link, folded, assignee, details}
    mention           null | {id, source, source_type, url, author: {handle, name, url,
                       followers}, reach, title, text, language, published_at,
                       sentiment, judgments: [{label, evidence: [..]}],
                       copy_of (the head's mention id when this is a near-copy, else null),
                       copy_sources (how many other sources ran the story),
                       copies: [{source, url, published_at}]  (one per source, at most 5)}
    author_history    null | {mention_count, first_seen_at, tags, note, open_alerts,
                       recent: [{published_at, source, url, excerpt, complaint,
                                 source_type, network}],
                       person: null | {id, name, accounts: [{source_type, handle,
                                 network}]}  (the accounts the history spans)}
    examples          [mention, ...]  (incidents, shifts, digests)
    drafts            [{approach, language, text, note}]

Text is raw (the receiver escapes it for wherever it shows it), already capped in length.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from alerts.channels.base import SendContext
from alerts.channels.http import post
from alerts.escaping import header_value
from alerts.message import AlertMessage, AuthorHistory, MentionView, PersonLine
from listener.clock import ensure_utc
from listener.config.channels import WebhookChannel
from listener.models import DeliveryEvent

SETTINGS = WebhookChannel
SCHEMA = 1
TEMPLATES: tuple[str, ...] = ()  # a JSON schema of the message, no template
EVENTS = {
    DeliveryEvent.NEW: "alert.new",
    DeliveryEvent.ESCALATION: "alert.escalation",
    DeliveryEvent.DIGEST: "digest",
}


def _user_agent() -> str:
    try:
        return f"listener/{version('listener')}"
    except PackageNotFoundError:
        return "listener"


USER_AGENT = _user_agent()


def _iso(value: Any) -> str | None:
    return ensure_utc(value).isoformat() if value is not None else None


def mention_payload(m: MentionView) -> dict[str, Any]:
    return {
        "id": m.id,
        "source": m.source,
        "source_type": m.source_type,
        "url": m.url,
        "author": {
            "handle": m.author_handle,
            "name": m.author_name,
            "url": m.author_url,
            "followers": m.followers,
        },
        "reach": m.reach,
        "title": m.title,
        "text": m.text,
        "language": m.language,
        "published_at": _iso(m.published_at),
        "sentiment": m.sentiment_label,
        "judgments": [{"label": j.label, "evidence": list(j.evidence)} for j in m.judgments],
        "copy_of": m.copy_of,
        "copy_sources": m.copy_sources,
        "copies": [
            {"source": c.source, "url": c.url, "published_at": _iso(c.published_at)}
            for c in m.copies
        ],
    }


def history_payload(h: AuthorHistory) -> dict[str, Any]:
    return {
        "mention_count": h.mention_count,
        "first_seen_at": _iso(h.first_seen_at),
        "tags": list(h.tags),
        "note": h.note,
        "open_alerts": h.open_alerts,
        "recent": [
            {
                "published_at": _iso(i.published_at),
                "source": i.source,
                "url": i.url,
                "excerpt": i.excerpt,
                "complaint": i.complaint,
                "source_type": i.source_type,
                "network": i.network,
            }
            for i in h.recent
        ],
        "person": person_payload(h.person) if h.person else None,
    }


def person_payload(p: PersonLine) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "accounts": [
            {"source_type": a.source_type, "handle": a.handle, "network": a.network}
            for a in p.accounts
        ],
    }


def message_payload(message: AlertMessage) -> dict[str, Any]:
    """The documented JSON body (schema 1) of one delivery."""
    return {
        "schema": SCHEMA,
        "event": EVENTS[message.event],
        "delivery": message.idempotency_key,
        "alert": {
            "id": message.alert_id,
            "kind": message.kind.value,
            "rule": message.rule,
            "brand": message.brand,
            "severity": message.severity.value,
            "severity_reasons": list(message.severity_reasons),
            "state": message.state.value,
            "title": message.title,
            "created_at": _iso(message.created_at),
            "link": message.link,
            "folded": message.folded,
            "assignee": message.assignee,
            "details": message.details,
        },
        "mention": mention_payload(message.mention) if message.mention else None,
        "author_history": history_payload(message.history) if message.history else None,
        "examples": [mention_payload(e) for e in message.examples],
        "drafts": [
            {"approach": d.approach, "language": d.language, "text": d.text, "note": d.note}
            for d in message.drafts
        ],
    }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 over ``<timestamp>.<body>`` (the timestamp is signed
    too, so a captured request cannot be replayed later with a fresh timestamp)."""
    signed = timestamp.encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


async def send(ctx: SendContext, settings: WebhookChannel, message: AlertMessage) -> None:
    # default=str: details are JSON-safe by contract; a stray datetime still goes out.
    body = json.dumps(message_payload(message), ensure_ascii=False, default=str).encode("utf-8")
    timestamp = str(int(ctx.clock().timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Listener-Event": EVENTS[message.event],
        # The key holds the mention's id, which may hold an IRI: encoded, never raw.
        "X-Listener-Delivery": header_value(message.idempotency_key),
        "X-Listener-Timestamp": timestamp,
    }
    if settings.secret is not None:
        headers["X-Listener-Signature"] = signature(
            settings.secret.get_secret_value(), timestamp, body
        )
    headers.update(settings.headers)  # the operator's own (Authorization…) go last, as set
    await post(ctx, settings.url, what="webhook", content=body, headers=headers)
