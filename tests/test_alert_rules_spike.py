"""The spike rule on a real store: a burst becomes one incident naming what drives it; the
same volume is no incident where it is usual for that hour of the week."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from listener.models import AlertKind, Mention, Severity
from tests.alert_rules_helpers import NOW, Harness, judged, make_settings

_FILLER = ["slow delivery", "rude staff at the store", "late parcel again", "wrong size shipped"]


def burst(count: int = 40, *, end: datetime = NOW, **kw: Any) -> list[Mention]:
    """``count`` negative complaints in the hour before ``end``: every one says refund,
    three in four say crash, half say login, one in three please."""
    found = []
    for k in range(count):
        words = ["acme", "refund"]
        if k % 3 == 0:
            words.append("please")
        if k % 4:
            words.append("crash")
        if k % 2:
            words.append("login")
        words.append(_FILLER[k % len(_FILLER)])
        found.append(
            judged(
                " ".join(words), at=end - timedelta(minutes=59) + k * timedelta(seconds=60), **kw
            )
        )
    return found


def quiet_history(h: Harness, *, hours: int = 72, per_hour: int = 2) -> None:
    """A few negative mentions an hour for the past days: the usual grumbling."""
    h.history(
        [
            judged(
                f"acme {_FILLER[(i + k) % len(_FILLER)]}",
                at=NOW - timedelta(hours=i, minutes=10 + k),
            )
            for i in range(1, hours + 1)
            for k in range(per_hour)
        ]
    )


def test_a_burst_over_a_quiet_baseline_is_one_incident_naming_its_terms(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings())
    quiet_history(h)
    wave = burst()
    h.feed(wave)
    [incident] = h.alerts(AlertKind.INCIDENT)
    assert incident.key.startswith("incident:acme:spike:")
    assert incident.title == (
        "Spike in negative mentions of acme: 40 in the last hour (usually 2) — refund, crash, login"
    )
    d = incident.details
    assert d["count"] == 40 and d["measure"] == "negative" and d["window_s"] == 3600
    assert d["baseline_method"] == "ewma"  # three days of history: no weeks to compare
    assert 1.5 < d["expected"] < 2.5 and d["z"] > 20
    assert d["terms"][:3] == ["refund", "crash", "login"]
    assert "acme" not in d["terms"] and "please" in d["terms"]
    assert d["sources"] == {"feed": 40}
    assert len(d["example_ids"]) == 5
    # The wave's complaints are in the incident, not alerts of their own.
    assert set(incident.mention_ids) == {m.id for m in wave}
    assert h.alerts(AlertKind.COMPLAINT) == []
    assert sorted(d.channel for d in h.deliveries()) == ["mail", "slack"]


def test_a_severe_complaint_in_the_wave_still_alerts(tmp_path: Path) -> None:
    settings = make_settings(authors=[{"handle": "vip1", "tags": ["vip"]}])
    h = Harness(tmp_path, settings)
    quiet_history(h)
    wave = burst(38)
    threat = judged("acme refund or I burn your store down", flags=("threat",))
    vip = judged("acme refund crash login, I am done", handle="vip1")
    h.feed([*wave, threat, vip])
    assert len(h.alerts(AlertKind.INCIDENT)) == 1
    complaints = {a.mention_ids[0]: a for a in h.alerts(AlertKind.COMPLAINT)}
    assert set(complaints) == {threat.id, vip.id}
    assert complaints[threat.id].severity is Severity.CRITICAL
    assert complaints[vip.id].severity is Severity.HIGH


def test_the_same_burst_where_that_hour_is_always_busy_is_no_incident(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings())
    # Monday 14:00-15:00 is busy every week (a weekly newsletter, say).
    for weeks in (1, 2):
        h.history(burst(40, end=NOW - timedelta(weeks=weeks)))
    h.feed(burst(40))
    assert h.alerts(AlertKind.INCIDENT) == []
    # The mean of the rest of the fortnight would have called it a spike: ewma does.
    ewma = Harness(tmp_path / "ewma", make_settings(rules=[{"type": "spike", "method": "ewma"}]))
    for weeks in (1, 2):
        ewma.history(burst(40, end=NOW - timedelta(weeks=weeks)))
    ewma.feed(burst(40))
    assert len(ewma.alerts(AlertKind.INCIDENT)) == 1


def test_min_volume_guards_a_small_brand(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings())
    h.feed(burst(9))  # z = 9 over an empty history, but under min_volume (10)
    assert h.alerts(AlertKind.INCIDENT) == []
    h.feed([judged("acme refund", at=NOW - timedelta(minutes=1))])
    assert len(h.alerts(AlertKind.INCIDENT)) == 1


def test_positive_mentions_do_not_make_a_negative_spike(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings())
    h.feed(burst(40, negative=False, complaint=False))
    assert h.alerts(AlertKind.INCIDENT) == []
    total = Harness(tmp_path / "t", make_settings(rules=[{"type": "spike", "measure": "total"}]))
    total.feed(burst(40, negative=False, complaint=False))
    [incident] = total.alerts(AlertKind.INCIDENT)
    assert incident.title.startswith("Spike in mentions of acme: 40 in the last hour")


def test_one_incident_per_cooldown_later_batches_fold_into_it(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings())
    quiet_history(h)
    h.feed(burst())
    h.clock.advance(minutes=30)
    more = burst(15, end=h.clock.now)
    h.feed(more)
    [incident] = h.alerts(AlertKind.INCIDENT)
    assert incident.details["count"] == 55
    assert set(m.id for m in more) <= set(incident.mention_ids)
    assert h.alerts(AlertKind.COMPLAINT) == []  # folded into the incident too
    assert len(h.deliveries()) == 2  # folding sends nothing
    assert h.tick() == []  # the time-based pass raises no second incident either
    # Hours after the wave went quiet, a new wave is a new incident.
    h.clock.advance(hours=4)
    h.feed(burst(40, end=h.clock.now))
    assert len(h.alerts(AlertKind.INCIDENT)) == 2


def test_an_incident_closed_early_is_not_raised_again_in_its_cooldown(tmp_path: Path) -> None:
    from listener.models import AlertState

    h = Harness(tmp_path, make_settings())
    h.feed(burst())
    [incident] = h.alerts(AlertKind.INCIDENT)
    h.store.set_alert_state(incident.id, AlertState.RESOLVED, at=NOW)
    h.clock.advance(minutes=1)
    h.feed(burst(5, end=h.clock.now))
    assert len(h.alerts(AlertKind.INCIDENT)) == 1


def test_the_time_based_pass_finds_a_spike_stored_without_the_hook(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings())
    h.history(burst())
    [incident] = h.tick()
    assert incident.kind is AlertKind.INCIDENT and incident.details["count"] == 40
    assert len(h.deliveries(incident)) == 2


def test_a_spike_rule_watches_only_its_brands(tmp_path: Path) -> None:
    rules = [{"type": "spike", "brands": ["globex"]}]
    h = Harness(tmp_path, make_settings(rules=rules, other_brands=["globex"]))
    h.feed(burst())
    assert h.alerts(AlertKind.INCIDENT) == []
    h.feed([replace(m, brands=("globex",)) for m in burst(12)])
    [incident] = h.alerts(AlertKind.INCIDENT)
    assert incident.brand == "globex"
