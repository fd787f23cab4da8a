"""Digests: an hourly, daily or weekly summary per brand, built once per period.

For each ``DigestSettings`` and brand, once a period boundary (the top of the hour, ``at``
local time in ``timezone``, or ``at`` on Monday for a weekly one) has passed, a DIGEST alert
``digest:<name>:<brand>:<period start>`` is built — unless it exists already — and enqueued
to the digest's channels. Only the latest period is built: after downtime the team gets one
current digest, not a backlog.

``details`` holds the sections a channel renders:

- ``headline``: the dashboard's headline figures (``AlertTx.headline``: mentions, negative
  share, complaints and their rate against the period before, median and p90 first
  response, alerts open now) over the period's ``StatsScope``. The dashboard counts whole
  UTC hours, so a period starting at :30 UTC (a zone like India's) is counted from the hour
  before its start to the hour after its end: ``since``/``until`` say which hours, and the
  lines say so when they differ from the period. The digest's own ``volume`` below keeps
  counting the exact period;
- ``dashboard_url``: the dashboard of the brand over the period (``{alerts.base_url}/
  dashboard?brand=…&range=custom&since=…&until=…``), or None when ``alerts.base_url`` is not
  set (the lines then say so; a relative link would be broken in a chat or a mail);
- ``volume``: total, negative and positive mentions in the period and the period before,
  and the per-bucket series (quarter hours of an hourly digest, hours of a daily one, days
  of a weekly one);
- ``top_complaints``: complaint alerts raised in the period, most severe first;
- ``open_alerts``: how many are open, and the oldest;
- ``sla_breaches``: alerts escalated in the period;
- ``suppressed``: deliveries held back in the period (rate limits) with their reasons, and
  the digest-only saved-search hits;
- ``sections``: all of the above as short lines for people (``alerts.digest_lines``).

Positive counts come from reading the period's mentions (the store counts only all or
negative ones), at most ``POSITIVE_SAMPLE``; ``positive_capped`` says when that cap was hit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from alerts.digest_lines import digest_lines
from alerts.routing import DIGEST_ONLY, enqueue_to
from listener.config.alerts import AlertsSettings, DigestSettings
from listener.models import Alert, AlertKind, DeliveryEvent, SentimentLabel, Severity
from listener.store.alert_contract import AlertTx, NewAlert
from listener.store.stats.scope import scope_for

TOP_COMPLAINTS = 10
LISTED = 20
POSITIVE_SAMPLE = 5000


def latest_period(digest: DigestSettings, now: datetime) -> tuple[datetime, datetime]:
    """The most recent whole period that ended at or before ``now`` (UTC start, end)."""
    zone = ZoneInfo(digest.timezone)
    local = now.astimezone(zone)
    if digest.every == "hourly":
        # The top of the local hour (a :30 zone's hours start at :30 UTC), then UTC
        # arithmetic: local wall-clock arithmetic made the hour clocks go forward an empty
        # period (and skipped one) and the hour they go back two hours long.
        end = local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
        return end - timedelta(hours=1), end
    # A weekly period ends on a Monday, a daily one on any day, at ``at``.
    end_day = local.date() - timedelta(days=local.weekday() if digest.every == "weekly" else 0)
    if datetime.combine(end_day, digest.at) > local.replace(tzinfo=None):
        end_day -= timedelta(days=7 if digest.every == "weekly" else 1)
    length = timedelta(days=7 if digest.every == "weekly" else 1)
    # Local calendar days, so a day with a DST change is 23 or 25 hours long (a week 167
    # or 169 hours).
    end = datetime.combine(end_day, digest.at, tzinfo=zone)
    start = datetime.combine(end_day - length, digest.at, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def dashboard_url(base_url: str | None, brand: str, start: datetime, end: datetime) -> str | None:
    """The dashboard of ``brand`` over ``[start, end)``, or None without a base URL."""
    if not base_url:
        return None
    query = urlencode(
        {"brand": brand, "range": "custom", "since": start.isoformat(), "until": end.isoformat()}
    )
    return f"{base_url.rstrip('/')}/dashboard?{query}"


def _headline(tx: AlertTx, brand: str, start: datetime, end: datetime) -> dict[str, Any]:
    scope = scope_for(brand, start, end)
    figures = tx.headline(scope)
    first = figures.first_response
    return {
        "since": scope.since.isoformat(),
        "until": scope.until.isoformat(),
        "whole_hours_wider": (scope.since, scope.until) != (start, end),
        "mentions": figures.mentions,
        "previous_mentions": figures.previous_mentions,
        "negative": figures.negative,
        "previous_negative": figures.previous_negative,
        "negative_share": figures.negative_share,
        "previous_negative_share": figures.previous_negative_share,
        "complaints": figures.complaints,
        "previous_complaints": figures.previous_complaints,
        "complaint_rate": figures.complaint_rate,
        "previous_complaint_rate": figures.previous_complaint_rate,
        "answered": first.count,
        "first_response_median_s": first.median_s,
        "first_response_p90_s": first.p90_s,
        "open_alerts": figures.open_alerts,
    }


def _volume(tx: AlertTx, brand: str, start: datetime, end: datetime) -> dict[str, Any]:
    span = end - start
    bucket = timedelta(hours=1) if span > timedelta(hours=1) else timedelta(minutes=15)
    if span > timedelta(days=2):
        bucket = timedelta(days=1)  # a weekly digest: 7 days, not 168 hours

    def total(since: datetime, until: datetime, negative: bool) -> dict[datetime, int]:
        return tx.mention_counts(brand, since, until, bucket=bucket, negative_only=negative)

    counts, negatives = total(start, end, False), total(start, end, True)
    before, before_neg = total(start - span, start, False), total(start - span, start, True)
    mentions = tx.mentions_between(brand, start, end, negative_only=False, limit=POSITIVE_SAMPLE)
    positive = sum(1 for m in mentions if m.judgments.sentiment_label is SentimentLabel.POSITIVE)
    series = []
    k, at = 0, start
    while at < end:
        series.append(
            {"at": at.isoformat(), "total": counts.get(at, 0), "negative": negatives.get(at, 0)}
        )
        k += 1
        at = start + k * bucket
    return {
        "total": sum(counts.values()),
        "negative": sum(negatives.values()),
        "positive": positive,
        "positive_capped": len(mentions) >= POSITIVE_SAMPLE,
        "previous_total": sum(before.values()),
        "previous_negative": sum(before_neg.values()),
        "bucket_s": int(bucket.total_seconds()),
        "series": series,
    }


def _brief(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "title": alert.title,
        "severity": alert.severity.value,
        "state": alert.state.value,
        "created_at": alert.created_at.isoformat(),
        "folded": alert.folded,
    }


def sections(tx: AlertTx, brand: str, start: datetime, end: datetime) -> dict[str, Any]:
    raised = tx.alerts_between(start, end, brand=brand)
    open_alerts = tx.open_alerts(brand=brand)
    complaints = sorted(
        (a for a in raised if a.kind is AlertKind.COMPLAINT),
        key=lambda a: (-a.severity.rank, a.created_at),
    )
    seen: dict[int, Alert] = {a.id: a for a in (*raised, *open_alerts)}
    breaches = [
        a for a in seen.values() if a.escalated_at is not None and start <= a.escalated_at < end
    ]
    suppressed = [d for d in tx.suppressed_between(start, end) if d.alert_id in seen]
    held = [d for d in suppressed if d.reason != DIGEST_ONLY]
    digest_only = sorted({d.alert_id for d in suppressed if d.reason == DIGEST_ONLY})
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "volume": _volume(tx, brand, start, end),
        "top_complaints": [_brief(a) for a in complaints[:TOP_COMPLAINTS]],
        "complaints": len(complaints),
        "open_alerts": {
            "count": len(open_alerts),
            "oldest": _brief(open_alerts[0]) if open_alerts else None,
        },
        "sla_breaches": [_brief(a) for a in sorted(breaches, key=lambda a: a.created_at)],
        "suppressed": {
            "count": len(held),
            "by_reason": dict(Counter(d.reason or "unknown" for d in held)),
            "items": [
                {
                    "alert_id": d.alert_id,
                    "channel": d.channel,
                    "reason": d.reason,
                    "title": seen[d.alert_id].title,
                }
                for d in held[:LISTED]
            ],
            "digest_only": [_brief(seen[i]) | {"rule": seen[i].rule} for i in digest_only[:LISTED]],
        },
    }


def check_digests(
    tx: AlertTx, settings: AlertsSettings, brands: Sequence[str], *, now: datetime
) -> list[Alert]:
    """Build and enqueue every digest whose latest period has no digest yet; return them."""
    built = []
    for digest in settings.digests:
        start, end = latest_period(digest, now)
        for brand in digest.brands or brands:
            key = f"digest:{digest.name}:{brand}:{start.isoformat()}"
            if tx.alert_by_key(key) is not None:
                continue
            details = sections(tx, brand, start, end)
            details["headline"] = _headline(tx, brand, start, end)
            details["dashboard_url"] = dashboard_url(settings.base_url, brand, start, end)
            details["sections"] = digest_lines(details)
            volume = details["volume"]
            alert = tx.add_alert(
                NewAlert(
                    key=key,
                    kind=AlertKind.DIGEST,
                    rule=digest.name,
                    brand=brand,
                    severity=Severity.LOW,
                    title=(
                        f"{digest.every.capitalize()} digest for {brand}: {volume['total']}"
                        f" mentions ({volume['negative']} negative), {details['complaints']}"
                        f" complaints, {details['open_alerts']['count']} open alerts"
                    ),
                    created_at=now,
                    details=details,
                )
            )
            if alert is None:
                continue
            enqueue_to(tx, alert, digest.channels, DeliveryEvent.DIGEST, settings, now)
            built.append(alert)
    return built
