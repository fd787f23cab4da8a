"""Review of routing: an alert that no route sends anywhere is said in the log (once per
rule), so an operator learns that a route list written for complaints leaves, say, the
silent-source alerts in the inbox only."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from listener.models import AlertKind, SourceState
from tests.alert_rules_helpers import NOW, Harness, judged, make_settings

SILENT = {"type": "silent_source", "intervals": 6}


def test_an_alert_no_route_matches_is_logged_once_per_rule(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    routes = [{"kinds": ["complaint"], "channels": ["slack"]}]
    h = Harness(tmp_path, make_settings(rules=[{"type": "complaint"}, SILENT], routes=routes))
    caplog.set_level(logging.WARNING, logger="alerts.decide")
    h.feed([judged("acme lost my parcel", handle="ann")])
    for name in ("feed", "other"):
        h.store.save_source_state(
            SourceState(source=name, last_attempt_at=NOW, error_count=9, parked_reason="404")
        )
    raised = h.tick(minutes=1)
    assert [a.kind for a in raised] == [AlertKind.SILENT_SOURCE] * 2
    assert all(h.deliveries(a) == [] for a in raised)
    warned = [r for r in caplog.records if r.getMessage().startswith("alert matched no route")]
    assert len(warned) == 1
    assert warned[0].fields["rule"] == "silent_source"  # type: ignore[attr-defined]
    assert warned[0].fields["alert"] == raised[0].id  # type: ignore[attr-defined]
    h.tick(minutes=1)
    assert len([r for r in caplog.records if r.getMessage().startswith("alert matched")]) == 1
    # The routed complaint said nothing.
    [complaint] = h.alerts(AlertKind.COMPLAINT)
    assert [d.channel for d in h.deliveries(complaint)] == ["slack"]
