"""Routing: quiet hours (local time, spanning midnight, critical bypass), the per-channel
rate limit whose overflow the digest lists, disabled channels."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from alerts.routing import quiet_until
from listener.config.channels import QuietHours
from listener.models import Alert, AlertKind, DeliveryStatus, Severity
from tests.alert_rules_helpers import Harness, judged, make_settings

BERLIN_NIGHTS = QuietHours(start=time(22), end=time(7), timezone="Europe/Berlin")


def _alert(severity: Severity = Severity.NORMAL) -> Alert:
    at = datetime(2026, 11, 23, tzinfo=UTC)
    return Alert(
        id=1, key="k", kind=AlertKind.COMPLAINT, rule="complaint", brand="acme",
        severity=severity, title="t", created_at=at, updated_at=at,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("utc", "held_until"),
    [
        # Berlin is UTC+1 in November: 22:00-07:00 local is 21:00-06:00 UTC.
        (datetime(2026, 11, 23, 20, 59), None),
        (datetime(2026, 11, 23, 21, 0), datetime(2026, 11, 24, 6, 0)),
        (datetime(2026, 11, 23, 23, 30), datetime(2026, 11, 24, 6, 0)),  # before midnight
        (datetime(2026, 11, 24, 2, 0), datetime(2026, 11, 24, 6, 0)),  # after midnight
        (datetime(2026, 11, 24, 6, 0), None),
        # Summer time (UTC+2): the same local hours are an hour earlier in UTC.
        (datetime(2026, 7, 1, 20, 30), datetime(2026, 7, 2, 5, 0)),
    ],
)
def test_quiet_hours_span_midnight_in_their_time_zone(
    utc: datetime, held_until: datetime | None
) -> None:
    found = quiet_until(BERLIN_NIGHTS, _alert(), utc.replace(tzinfo=UTC))
    assert found == (held_until.replace(tzinfo=UTC) if held_until else None)


def test_quiet_hours_within_one_day_and_the_bypass() -> None:
    lunch = QuietHours(start=time(12), end=time(13))
    noon = datetime(2026, 11, 23, 12, 30, tzinfo=UTC)
    assert quiet_until(lunch, _alert(), noon) == datetime(2026, 11, 23, 13, tzinfo=UTC)
    assert quiet_until(lunch, _alert(Severity.CRITICAL), noon) is None
    high_bypass = QuietHours(start=time(12), end=time(13), bypass=Severity.HIGH)
    assert quiet_until(high_bypass, _alert(Severity.HIGH), noon) is None


def test_quiet_hours_hold_deliveries_but_a_threat_goes_out(tmp_path: Path) -> None:
    night = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    channels = [
        {"name": "slack", "type": "console", "quiet_hours": BERLIN_NIGHTS.model_dump(mode="json")},
        {"name": "mail", "type": "console"},
    ]
    h = Harness(tmp_path, make_settings(channels=channels), now=night)
    h.feed([judged("acme lost my bag", handle="ann", at=night)])
    h.feed([judged("acme I will hurt you", handle="eve", at=night, flags=("threat",))])
    for alert in h.alerts():
        held = {d.channel: d.not_before for d in h.deliveries(alert)}
        if alert.severity is Severity.CRITICAL:
            assert held == {"slack": night, "mail": night}
        else:
            assert held == {"slack": datetime(2026, 11, 24, 6, tzinfo=UTC), "mail": night}


def test_over_max_per_hour_is_suppressed_and_the_digest_lists_it(tmp_path: Path) -> None:
    channels = [
        {"name": "slack", "type": "console", "max_per_hour": 3},
        {"name": "mail", "type": "console", "enabled": False},
    ]
    digests = [{"name": "hourly", "every": "hourly", "channels": ["slack"]}]
    h = Harness(tmp_path, make_settings(channels=channels, digests=digests))
    h.feed([judged(f"acme problem number {k}", handle=f"u{k}") for k in range(5)])
    rows = sorted(h.deliveries(), key=lambda d: d.id)
    assert [d.channel for d in rows] == ["slack"] * 5  # the disabled channel gets nothing
    assert [d.status for d in rows] == [DeliveryStatus.PENDING] * 3 + [
        DeliveryStatus.SUPPRESSED
    ] * 2
    assert {d.reason for d in rows[3:]} == {"over max_per_hour (3)"}
    # The digest of that hour lists the overflow, and is itself never rate limited.
    [digest] = h.tick(hours=1)
    suppressed = digest.details["suppressed"]
    assert suppressed["count"] == 2
    assert suppressed["by_reason"] == {"over max_per_hour (3)": 2}
    assert {i["title"] for i in suppressed["items"]} == {
        "Complaint from @u3 on feed: acme problem number 3",
        "Complaint from @u4 on feed: acme problem number 4",
    }
    [row] = h.deliveries(digest)
    assert row.status is DeliveryStatus.PENDING and row.channel == "slack"
