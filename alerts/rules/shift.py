"""The sentiment-shift rule: the negative share over a window crosses ``threshold``.

It fires on the crossing — the share over the window ending now is at or above the
threshold (with at least ``min_volume`` mentions) while the share over the window before
was below it (or that window had no mentions) — so a brand that is always at 45% negative
does not alert every evaluation. One alert per brand and rule per cooldown, even when the
team closed the last one (the same crossing holds for up to a window after it).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from alerts.rules.common import aligned, describe_duration, raised_within
from listener.config.alerts import SentimentShiftRule
from listener.models import Alert, AlertKind, Severity
from listener.store.alert_contract import AlertTx, NewAlert


def _share(tx: AlertTx, brand: str, since: datetime, span: timedelta) -> tuple[int, int]:
    until = since + span
    total = sum(tx.mention_counts(brand, since, until, bucket=span, negative_only=False).values())
    negative = sum(tx.mention_counts(brand, since, until, bucket=span, negative_only=True).values())
    return negative, total


def check_shift(
    tx: AlertTx, rule: SentimentShiftRule, brand: str, *, now: datetime
) -> Alert | None:
    window = rule.window
    negative, total = _share(tx, brand, now - window, window)
    if total < rule.min_volume or negative / total < rule.threshold:
        return None
    before_negative, before_total = _share(tx, brand, now - 2 * window, window)
    before = before_negative / before_total if before_total else 0.0
    if before >= rule.threshold:
        return None
    name = rule.rule_name
    if tx.find_open_alert(
        kinds=[AlertKind.SENTIMENT_SHIFT], brand=brand, since=now - rule.cooldown, rule=name
    ):
        return None
    if raised_within(tx, AlertKind.SENTIMENT_SHIFT, name, brand, now, rule.cooldown):
        # Closed or ignored since: the crossing still holds for up to a window afterwards,
        # and it is the one the team has seen.
        return None
    share = negative / total
    span = describe_duration(window)
    return tx.add_alert(
        NewAlert(
            key=f"shift:{brand}:{name}:{aligned(now, rule.cooldown).isoformat()}",
            kind=AlertKind.SENTIMENT_SHIFT,
            rule=name,
            brand=brand,
            severity=Severity.NORMAL,
            title=(
                f"Negative share of {brand} mentions rose to {share:.0%} over the last {span}"
                f" (was {before:.0%}; {negative} of {total})"
            ),
            created_at=now,
            severity_reasons=(f"{share:.0%} negative",),
            details={
                "share": round(share, 3),
                "previous_share": round(before, 3),
                "negative": negative,
                "total": total,
                "previous_total": before_total,
                "threshold": rule.threshold,
                "window_s": int(window.total_seconds()),
            },
        )
    )
