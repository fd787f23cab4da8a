"""Review of the silent-source rule: no alert because the daemon itself was down, an open
alert is kept until the source works, and removed or disabled sources have theirs resolved."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from listener.models import AlertKind, AlertState, SourceState
from tests.alert_rules_helpers import NOW, Harness, make_settings

# ---- silent sources -----------------------------------------------------------------------

SILENT = {"type": "silent_source", "intervals": 6, "empty_polls": 5}


def test_a_restart_after_downtime_raises_no_silent_source_alert(tmp_path: Path) -> None:
    # The daemon was stopped for eight hours; every source was fine before. The first
    # evaluation runs as the daemon starts, before the scheduler has polled anything.
    h = Harness(tmp_path, make_settings(rules=[SILENT]))
    before = NOW - timedelta(hours=8)
    for name in ("feed", "other"):
        h.store.save_source_state(
            SourceState(source=name, last_attempt_at=before, last_success_at=before, items_total=9)
        )
    assert h.tick() == []
    assert h.tick(minutes=30) == []
    # A source that still has not been polled six intervals after the start is silent.
    [alert] = h.tick(minutes=31)
    assert alert.details["source"] == "feed"
    assert h.alerts(AlertKind.SILENT_SOURCE) == [alert]


def test_a_source_failing_after_a_restart_alerts_at_once(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings(rules=[SILENT]))
    before = NOW - timedelta(hours=8)
    h.store.save_source_state(
        SourceState(source="feed", last_attempt_at=NOW, last_success_at=before, error_count=1)
    )
    [alert] = h.tick()
    assert alert.details["source"] == "feed" and alert.details["error_count"] == 1


def test_an_open_silent_alert_stays_open_across_a_restart_until_the_source_works(
    tmp_path: Path,
) -> None:
    h = Harness(tmp_path, make_settings(rules=[SILENT]))
    down = SourceState(
        source="feed", last_attempt_at=NOW, last_success_at=NOW - timedelta(hours=2), error_count=9
    )
    h.store.save_source_state(down)
    [alert] = h.tick()
    # The daemon restarts (a new decider) before the source has been polled again.
    later = Harness(tmp_path, h.settings, now=NOW + timedelta(hours=1))
    h.store.save_source_state(
        SourceState(
            source="feed",
            last_attempt_at=NOW,
            last_success_at=NOW - timedelta(hours=2),
            error_count=0,  # say an operator cleared it
        )
    )
    assert later.tick() == []
    [still] = later.alerts(AlertKind.SILENT_SOURCE)
    assert still.id == alert.id and still.state is AlertState.NEW
    later.store.save_source_state(
        SourceState(source="feed", last_attempt_at=later.clock.now, last_success_at=later.clock.now)
    )
    later.tick(minutes=1)
    [resolved] = later.alerts(AlertKind.SILENT_SOURCE)
    assert resolved.state is AlertState.RESOLVED


def test_removing_or_disabling_a_source_resolves_its_silent_alert(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings(rules=[SILENT]))
    h.store.save_source_state(
        SourceState(source="feed", last_attempt_at=NOW, error_count=3, parked_reason="HTTP 404")
    )
    [alert] = h.tick()
    assert alert.details["source"] == "feed"
    # The operator disables the source: nobody is going to fix it, and the alert must not
    # sit in "open alerts" of every digest from now on.
    settings = make_settings(rules=[SILENT])
    sources = [s.model_copy(update={"enabled": s.name != "feed"}) for s in settings.sources]
    disabled = settings.model_copy(update={"sources": sources})
    restarted = Harness(tmp_path, disabled, now=NOW + timedelta(minutes=5))
    assert restarted.tick() == []
    [resolved] = restarted.alerts(AlertKind.SILENT_SOURCE)
    assert resolved.state is AlertState.RESOLVED
    events = restarted.store.alert_events(resolved.id)
    assert [e.by for e in events if e.what == "resolved"] == ["listener"]
