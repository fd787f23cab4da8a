"""The time-based rules on a real store and an injected clock: sentiment shift, silent
sources (by time, by empty polls, resolved on recovery) and SLA escalation."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from listener.models import (
    AlertKind,
    AlertState,
    DeliveryEvent,
    DeliveryStatus,
    SourceState,
)
from tests.alert_rules_helpers import NOW, Harness, judged, make_settings

SHIFT = {"type": "sentiment_shift", "window": "1h", "threshold": 0.5, "min_volume": 10}


def _mixed(h: Harness, *, hours_ago: int, negative: int, positive: int) -> None:
    start = NOW - timedelta(hours=hours_ago)
    h.history(
        [judged(at=start + timedelta(minutes=1 + k), complaint=False) for k in range(negative)]
        + [
            judged("acme is great", at=start + timedelta(minutes=30 + k), negative=False)
            for k in range(positive)
        ]
    )


def test_a_shift_fires_when_the_negative_share_crosses_the_threshold(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings(rules=[SHIFT]))
    _mixed(h, hours_ago=2, negative=3, positive=12)  # 20% the hour before
    _mixed(h, hours_ago=1, negative=9, positive=6)  # 60% now
    [alert] = h.tick()
    assert alert.kind is AlertKind.SENTIMENT_SHIFT
    assert alert.title == (
        "Negative share of acme mentions rose to 60% over the last hour (was 20%; 9 of 15)"
    )
    assert alert.details["share"] == 0.6 and alert.details["previous_share"] == 0.2
    assert len(h.deliveries(alert)) == 2
    assert h.tick(minutes=5) == []  # cooldown


def test_no_shift_when_already_negative_or_too_few(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings(rules=[SHIFT]))
    _mixed(h, hours_ago=2, negative=9, positive=6)  # was already above
    _mixed(h, hours_ago=1, negative=9, positive=6)
    assert h.tick() == []
    few = Harness(tmp_path / "few", make_settings(rules=[SHIFT]))
    _mixed(few, hours_ago=1, negative=6, positive=3)  # 67%, but 9 < min_volume
    assert few.tick() == []


SILENT = {"type": "silent_source", "intervals": 6, "empty_polls": 5}


def test_a_source_without_a_successful_poll_alerts_once_and_resolves(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings(rules=[SILENT]))
    # "feed" polls every 10 minutes: six intervals is an hour.
    down = SourceState(
        source="feed",
        last_attempt_at=NOW,
        last_success_at=NOW - timedelta(minutes=50),
        error_count=5,
        last_error="HTTP 503",
        items_total=40,
    )
    h.store.save_source_state(down)
    h.store.save_source_state(SourceState(source="other", last_success_at=NOW, items_total=3))
    assert h.tick() == []
    [alert] = h.tick(minutes=11)
    assert alert.kind is AlertKind.SILENT_SOURCE and alert.brand is None
    assert alert.title == (
        "Source feed has not polled successfully for 1 hour (last success 2026-11-23 14:10 UTC)"
    )
    assert alert.details["last_error"] == "HTTP 503"
    assert h.tick(minutes=30) == []  # the same episode: no second alert
    h.store.save_source_state(
        SourceState(source="feed", last_success_at=h.clock.now, items_total=41)
    )
    h.tick(minutes=1)
    [resolved] = h.alerts(AlertKind.SILENT_SOURCE)
    assert resolved.state is AlertState.RESOLVED
    assert [e.by for e in h.store.alert_events(resolved.id) if e.what == "resolved"] == ["listener"]


def test_an_unusual_run_of_empty_polls_alerts(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings(rules=[SILENT]))
    state = SourceState(source="feed", last_success_at=NOW, items_total=40, empty_polls=4)
    h.store.save_source_state(state)
    assert h.tick() == []
    h.store.save_source_state(replace(state, empty_polls=5))
    [alert] = h.tick()
    assert alert.title == "Source feed found nothing new in 5 polls in a row"
    h.store.save_source_state(replace(state, empty_polls=9))
    assert h.tick() == []  # still the same run
    # A source that never found anything is not "unusually" empty.
    h.store.save_source_state(
        SourceState(source="other", last_success_at=NOW, items_total=0, empty_polls=50)
    )
    assert h.tick() == []


def test_a_source_that_never_worked_alerts_after_its_failures(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings(rules=[SILENT]))
    h.store.save_source_state(SourceState(source="feed", last_attempt_at=NOW, error_count=5))
    assert h.tick() == []
    h.store.save_source_state(SourceState(source="feed", last_attempt_at=NOW, error_count=6))
    [alert] = h.tick()
    assert alert.key == "silent:feed:never"


SLA = {"ack_within": "30m", "escalate_to": ["pager"], "min_severity": "normal"}
CHANNELS = [
    {"name": "slack", "type": "console"},
    {"name": "mail", "type": "console"},
    {"name": "pager", "type": "console"},
]
ROUTES = [{"channels": ["slack", "mail"]}]


def test_sla_escalates_once_after_ack_within(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings(sla=SLA, channels=CHANNELS, routes=ROUTES))
    h.feed([judged("acme stole my money", handle="ann", sentiment=-0.9)])
    h.feed([judged("acme is a bit slow", handle="bob")])  # low: below the SLA's minimum
    h.tick(minutes=29)
    assert not [d for d in h.deliveries() if d.channel == "pager"]
    h.tick(minutes=2)
    [escalation] = [d for d in h.deliveries() if d.channel == "pager"]
    assert escalation.event is DeliveryEvent.ESCALATION
    assert escalation.status is DeliveryStatus.PENDING
    [alert] = [a for a in h.alerts() if a.escalated_at is not None]
    assert alert.title.startswith("Complaint from @ann")
    assert alert.escalated_at == h.clock.now
    h.tick(minutes=30)
    assert len([d for d in h.deliveries() if d.channel == "pager"]) == 1


def test_an_acknowledged_alert_does_not_escalate(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings(sla=SLA, channels=CHANNELS, routes=ROUTES))
    h.feed([judged("acme stole my money", handle="ann", sentiment=-0.9)])
    [alert] = h.alerts()
    h.store.set_alert_state(alert.id, AlertState.ACKNOWLEDGED, at=NOW + timedelta(minutes=10))
    h.tick(minutes=45)
    assert not [d for d in h.deliveries() if d.channel == "pager"]


def test_an_alert_older_than_the_slas_max_age_is_left_to_the_digest(tmp_path: Path) -> None:
    # As when the SLA is switched on over an inbox of old unacknowledged alerts: the first
    # evaluation must not page anyone about yesterday's backlog.
    h = Harness(tmp_path, make_settings(sla=SLA, channels=CHANNELS, routes=ROUTES))
    h.feed([judged("acme stole my money", handle="ann", sentiment=-0.9)])
    h.tick(hours=25)
    assert not [d for d in h.deliveries() if d.channel == "pager"]
    assert all(a.escalated_at is None for a in h.alerts())
