"""Review of routing: the per-channel rate limit never holds a critical alert (a threat)
back for the digest."""

from __future__ import annotations

from pathlib import Path

from listener.models import AlertKind, DeliveryStatus, Severity
from tests.alert_rules_helpers import Harness, judged, make_settings

# ---- the rate limit never holds back what must reach someone ------------------------------


def test_a_threat_over_max_per_hour_is_still_sent(tmp_path: Path) -> None:
    channels = [{"name": "slack", "type": "console", "max_per_hour": 2}]
    digests = [{"name": "daily", "channels": ["slack"]}]
    h = Harness(tmp_path, make_settings(channels=channels, digests=digests))
    h.feed([judged(f"acme problem number {k}", handle=f"u{k}") for k in range(3)])
    h.feed([judged("acme I will hurt you", handle="eve", flags=("threat",))])
    [threat] = [a for a in h.alerts(AlertKind.COMPLAINT) if a.severity is Severity.CRITICAL]
    [row] = h.deliveries(threat)
    assert row.status is DeliveryStatus.PENDING
    statuses = sorted(str(d.status) for d in h.deliveries())
    assert statuses == ["pending", "pending", "pending", "suppressed"]
