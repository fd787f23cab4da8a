"""The response panel and the headline's first response, from alerts moved through their
states the way people move them (set_alert_state, assign_alert): times to first response
and to resolve, the SLA as the inbox judges it, open alerts by age, per assignee."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from listener.models import AlertKind, AlertState, Severity
from listener.store import SQLiteStore
from listener.store.alert_contract import NewAlert
from listener.store.stats import headline, response
from listener.store.stats.scope import scope_for
from tests.stats_helpers import SINCE, UNTIL, at

NOW = at(4, 5, 10)
SLA = timedelta(minutes=30)
MINUTE = timedelta(minutes=1)


def _raise(
    store: SQLiteStore,
    n: int,
    created: datetime,
    *,
    kind: AlertKind = AlertKind.COMPLAINT,
    severity: Severity = Severity.NORMAL,
    brand: str = "acme",
) -> int:
    with store.alert_transaction() as tx:
        alert = tx.add_alert(
            NewAlert(
                key=f"test:{n}",
                kind=kind,
                rule=kind.value,
                brand=brand,
                severity=severity,
                title=f"Alert {n}",
                created_at=created,
            )
        )
        assert alert is not None
        return alert.id


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    with SQLiteStore(tmp_path_factory.mktemp("response") / "response.db") as s:
        a1 = _raise(s, 1, at(3, 1))  # acknowledged in 10 min, resolved after 2 h: SLA met
        s.set_alert_state(a1, AlertState.ACKNOWLEDGED, at=at(3, 1, 10))
        s.set_alert_state(a1, AlertState.RESOLVED, at=at(3, 3))
        s.assign_alert(a1, "dana", at=at(3, 1, 5))
        a2 = _raise(s, 2, at(3, 2), severity=Severity.HIGH)  # replied after 45 min: late
        s.set_alert_state(a2, AlertState.REPLIED, at=at(3, 2, 45))
        s.assign_alert(a2, "dana", at=at(3, 2, 1))
        a3 = _raise(s, 3, at(3, 4), kind=AlertKind.INCIDENT, severity=Severity.HIGH)  # overdue
        s.assign_alert(a3, "eli", at=at(3, 4, 1))
        a4 = _raise(s, 4, at(3, 5), severity=Severity.LOW)  # closed unanswered; under the SLA
        s.set_alert_state(a4, AlertState.IGNORED, at=at(3, 6))
        _raise(s, 5, at(3, 6), kind=AlertKind.SAVED_SEARCH)  # a kind the SLA leaves out
        _raise(s, 6, at(3, 7), kind=AlertKind.DIGEST)  # nobody answers a digest
        _raise(s, 7, at(4, 5))  # open, after the range
        a8 = _raise(s, 8, at(3, 8), brand="Globex")  # another brand: answered in 5 min
        s.set_alert_state(a8, AlertState.ACKNOWLEDGED, at=at(3, 8, 5))
        _raise(s, 9, at(4, 4, 50))  # in the range, its SLA still running at NOW
        _raise(s, 10, at(2, 19))  # before the range, open
        yield s


def test_response_times_sla_and_open_alerts(store: SQLiteStore) -> None:
    found = response(
        store,
        scope_for("Acme", SINCE, UNTIL),
        now=NOW,
        sla_within=SLA,
        sla_kinds=[AlertKind.COMPLAINT, AlertKind.INCIDENT],
        sla_min_severity=Severity.NORMAL,
    )
    assert found.alerts == 6  # 1, 2, 3, 4, 5, 9
    # First responses 600, 2700, 3600 s; p90 between the last two (inclusive quantiles).
    assert found.first_response.count == 3
    assert found.first_response.median_s == pytest.approx(2700)
    assert found.first_response.p90_s == pytest.approx(2700 + 0.8 * 900)
    assert found.resolve.count == 2
    assert found.resolve.median_s == pytest.approx(5400)
    assert found.resolve.p90_s == pytest.approx(3600 + 0.9 * 3600)
    # Judged: 1 (met), 2 (late), 3 (overdue); not 4 (low), 5 (kind), 9 (still running).
    assert (found.sla_alerts, found.sla_met) == (3, 1)
    assert found.sla_met_share == pytest.approx(1 / 3)
    # Every open Acme alert now: 2 and 3 (a day old), 5 (23 h), 9 and 7 (minutes), 10 (34 h).
    assert [(b.label, b.count) for b in found.open_by_age] == [
        ("under 1 h", 2),
        ("1–4 h", 0),
        ("4–24 h", 1),
        ("1–7 days", 3),
        ("over 7 days", 0),
    ]
    per = {(r.assignee, r.alerts, r.open, r.first_response.count) for r in found.per_assignee}
    assert per == {("dana", 2, 1, 2), ("eli", 1, 1, 0), (None, 3, 2, 1)}
    assert [r.assignee for r in found.per_assignee] == ["dana", "eli", None]
    dana = found.per_assignee[0]
    assert dana.first_response.median_s == pytest.approx((600 + 2700) / 2)


def test_no_sla_judges_nothing(store: SQLiteStore) -> None:
    found = response(store, scope_for(None, SINCE, UNTIL), now=NOW, sla_within=None)
    assert (found.sla_alerts, found.sla_met, found.sla_met_share) == (0, 0, None)
    assert found.alerts == 7  # Globex's too
    assert found.first_response.count == 4


def test_headline_first_response_and_open_alerts(store: SQLiteStore) -> None:
    found = headline(store, scope_for("acme", SINCE, UNTIL))
    assert found.first_response.median_s == pytest.approx(2700)
    assert found.open_alerts == 6  # 2, 3, 5, 7, 9, 10: every open one, whatever its time
    assert found.mentions == 0 and found.complaint_rate is None


def test_an_empty_range(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "empty.db") as empty:
        found = response(empty, scope_for(None, SINCE, UNTIL), now=NOW, sla_within=SLA)
    assert found.alerts == 0 and found.first_response.median_s is None
    assert found.per_assignee == [] and sum(b.count for b in found.open_by_age) == 0
