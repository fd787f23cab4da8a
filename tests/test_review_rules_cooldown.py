"""Review of the spike and shift rules: one wave is one alert, even when the team closed
or ignored it just before the cooldown-aligned slot turned."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from listener.models import AlertKind, AlertState
from tests.alert_rules_helpers import Harness, judged, make_settings
from tests.test_alert_rules_spike import burst, quiet_history

# ---- one wave, one alert, whatever the aligned cooldown slots say -------------------------


def test_an_ignored_incident_is_not_raised_again_when_the_cooldown_slot_turns(
    tmp_path: Path,
) -> None:
    # Cooldown 2h: slots start at even hours. The wave ends at 15:50, near the end of the
    # 14:00-16:00 slot; the team looks at the incident and ignores it (a campaign, say).
    h = Harness(tmp_path, make_settings())
    quiet_history(h)
    h.clock.advance(minutes=50)
    h.feed(burst(end=h.clock.now))
    [incident] = h.alerts(AlertKind.INCIDENT)
    h.store.set_alert_state(incident.id, AlertState.IGNORED, at=h.clock.now)
    # 16:05: the same mentions are still in the window, nothing new came in.
    assert h.tick(minutes=15) == []
    assert len(h.alerts(AlertKind.INCIDENT)) == 1
    # Once the cooldown has passed since the incident, a wave may raise one again.
    h.clock.advance(hours=2)
    h.feed(burst(end=h.clock.now))
    assert len(h.alerts(AlertKind.INCIDENT)) == 2


SHIFT = {
    "type": "sentiment_shift",
    "window": "1h",
    "threshold": 0.5,
    "min_volume": 10,
    "cooldown": "2h",
}


def test_a_resolved_shift_is_not_raised_again_when_the_cooldown_slot_turns(
    tmp_path: Path,
) -> None:
    h = Harness(tmp_path, make_settings(rules=[SHIFT]))
    h.clock.advance(minutes=50)  # 15:50
    now = h.clock.now
    h.history(
        [judged("acme is great", at=now - timedelta(minutes=110 - k), negative=False)
         for k in range(10)]
        + [judged(at=now - timedelta(minutes=50 - k), complaint=False) for k in range(9)]
        + [judged("acme ok", at=now - timedelta(minutes=30 - k), negative=False)
           for k in range(3)]
    )  # fmt: skip
    [shift] = h.tick()
    h.store.set_alert_state(shift.id, AlertState.RESOLVED, at=now)
    # 16:01: a new 2h slot; the window before is still below the threshold, so the same
    # crossing still holds — it is the alert the team just resolved, not a new one.
    assert h.tick(minutes=11) == []
