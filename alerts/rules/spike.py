"""The spike rule: a wave of (negative) mentions reaches the team as ONE incident alert.

Per brand: the count in the window ending now against the baseline (``alerts.rules.baseline``);
an incident fires when count >= ``min_volume`` and z >= ``sensitivity``. At most one incident
per brand and rule per cooldown: an open incident of the rule updated within the cooldown
is folded into rather than raised again — new mentions of the measure join it and its
count grows, so a long wave stays one alert — and one raised within the cooldown, even if
closed or ignored since, keeps a new one from being raised (the key also holds the
cooldown-aligned time, so two writers never store the same incident twice).

The alert says what drives it: the top terms (``alerts.rules.terms``), topics, sources and
a few example mentions (largest reach first).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from alerts.rules.baseline import Baseline, measure
from alerts.rules.common import aligned, describe_duration, raised_within
from alerts.rules.terms import driving_terms
from alerts.severity import reach_of
from listener.config.alerts import SpikeRule
from listener.models import Alert, AlertKind, Mention, SentimentLabel, Severity
from listener.store.alert_contract import AlertTx, NewAlert

EXAMPLES = 5
WAVE_MENTIONS = 50  # the incident holds this many of the window's mentions
SAMPLE = 500  # mentions read for the driving terms, per side
TOP_COUNTS = 5


def counts_for(rule: SpikeRule, mention: Mention) -> bool:
    if rule.measure == "total":
        return True
    return mention.judgments.sentiment_label is SentimentLabel.NEGATIVE


def open_incident(tx: AlertTx, rule: SpikeRule, brand: str, now: datetime) -> Alert | None:
    return tx.find_open_alert(
        kinds=[AlertKind.INCIDENT], brand=brand, since=now - rule.cooldown, rule=rule.rule_name
    )


def check_spike(
    tx: AlertTx,
    rule: SpikeRule,
    brand: str,
    *,
    now: datetime,
    query_words: frozenset[str],
    batch: Sequence[Mention] = (),
) -> Alert | None:
    """Fold ``batch``'s mentions into the brand's open incident, or test for a new one;
    return the incident raised, if any."""
    current = open_incident(tx, rule, brand, now)
    if current is not None:
        wave = [m.id for m in batch if counts_for(rule, m) and m.id not in current.mention_ids]
        if wave:
            details = dict(current.details)
            details["count"] = int(details.get("count", 0)) + len(wave)
            tx.fold_into(current.id, wave, at=now, details=details)
        return None
    if batch and not any(counts_for(rule, m) for m in batch):
        # Nothing in this batch adds to the measure: the clock's evaluation will see the
        # same counts, without holding the batch's write transaction for them.
        return None
    found = measure(tx, rule, brand, now)
    if found.count < rule.min_volume or found.z < rule.sensitivity:
        return None
    if raised_within(tx, AlertKind.INCIDENT, rule.rule_name, brand, now, rule.cooldown):
        return None  # raised (and closed or ignored) within the cooldown: the same wave
    key = f"incident:{brand}:{rule.rule_name}:{aligned(now, rule.cooldown).isoformat()}"
    negative = rule.measure == "negative"
    window = tx.mentions_between(
        brand, now - rule.window, now, negative_only=negative, limit=SAMPLE
    )
    usual = tx.mentions_between(
        brand, now - rule.baseline, now - rule.window, negative_only=negative, limit=SAMPLE
    )
    details = _details(rule, found, window, driving_terms(window, usual, excluded=query_words))
    by_reach = sorted(window, key=lambda m: (-reach_of(m), m.id))
    return tx.add_alert(
        NewAlert(
            key=key,
            kind=AlertKind.INCIDENT,
            rule=rule.rule_name,
            brand=brand,
            severity=Severity.HIGH,
            title=spike_title(rule, brand, found, details["terms"]),
            created_at=now,
            mention_ids=tuple(m.id for m in by_reach[:WAVE_MENTIONS]),
            severity_reasons=(f"{found.count} in {describe_duration(rule.window)}",),
            details=details,
        )
    )


def _details(
    rule: SpikeRule, found: Baseline, window: Sequence[Mention], terms: list[str]
) -> dict[str, Any]:
    topics = Counter(t for m in window for t in m.judgments.topic_names())
    sources = Counter(m.source for m in window)
    examples = sorted(window, key=lambda m: (-reach_of(m), m.id))[:EXAMPLES]
    return {
        "count": found.count,
        "expected": round(found.expected, 2),
        "z": round(found.z, 2),
        "window_s": int(rule.window.total_seconds()),
        "measure": rule.measure,
        "baseline_method": found.method,
        "terms": terms,
        "topics": dict(topics.most_common(TOP_COUNTS)),
        "sources": dict(sources.most_common(TOP_COUNTS)),
        "example_ids": [m.id for m in examples],
    }


def spike_title(rule: SpikeRule, brand: str, found: Baseline, terms: Sequence[str]) -> str:
    what = "negative mentions" if rule.measure == "negative" else "mentions"
    usual = round(found.expected)
    head = (
        f"Spike in {what} of {brand}: {found.count} in the last "
        f"{describe_duration(rule.window)} (usually {usual})"
    )
    return f"{head} — {', '.join(terms[:3])}" if terms else head
