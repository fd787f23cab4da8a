"""Review of the saved-search rule: a first poll reaching back days raises no alerts for
its old posts (``max_age``, as the complaint rule has)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from listener.models import AlertKind
from tests.alert_rules_helpers import NOW, Harness, judged, make_settings

# ---- a first poll reaching back days ------------------------------------------------------


def test_a_first_polls_old_posts_raise_no_saved_search_alerts(tmp_path: Path) -> None:
    rules = [{"type": "saved_search", "name": "refunds", "query": "refund"}]
    h = Harness(tmp_path, make_settings(rules=rules))
    backlog = [
        judged(f"acme refund number {k}", at=NOW - timedelta(days=3 + k), complaint=False)
        for k in range(20)
    ]
    h.feed([*backlog, judged("acme refund today", complaint=False)])
    [hit] = h.alerts(AlertKind.SAVED_SEARCH)
    assert hit.title.endswith("acme refund today")
    # The rule says how old is too old, like the complaint rule does.
    rules = [{"type": "saved_search", "name": "refunds", "query": "refund", "max_age": "30d"}]
    wide = Harness(tmp_path / "wide", make_settings(rules=rules))
    wide.feed(backlog)
    assert len(wide.alerts(AlertKind.SAVED_SEARCH)) == 20
