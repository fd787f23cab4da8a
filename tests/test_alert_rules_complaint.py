"""The complaint rule on a real SQLite store: one alert, one delivery per routed channel,
follow-ups folded within the cooldown, nothing for spam or stale posts."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from alerts.message import AuthorHistory
from listener.models import (
    AlertKind,
    AlertState,
    DeliveryEvent,
    DeliveryStatus,
    Mention,
    ReplyDraft,
    Severity,
)
from tests.alert_rules_helpers import NOW, Harness, judged, make_settings


def test_a_complaint_raises_one_alert_with_one_delivery_per_routed_channel(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings())
    m = judged("acme charged me twice for one order and nobody answers my emails", handle="dana")
    h.feed([m])
    [alert] = h.alerts()
    assert alert.kind is AlertKind.COMPLAINT
    assert alert.key == f"complaint:{m.id}"
    assert alert.brand == "acme" and alert.mention_ids == (m.id,)
    assert alert.title == (
        "Complaint from @dana on feed: acme charged me twice for one order and nobody"
        " answers my emails"
    )
    deliveries = h.deliveries(alert)
    assert sorted(d.channel for d in deliveries) == ["mail", "slack"]
    assert {(d.event, d.status, d.not_before) for d in deliveries} == {
        (DeliveryEvent.NEW, DeliveryStatus.PENDING, NOW)
    }


def test_routes_pick_channels_by_severity(tmp_path: Path) -> None:
    settings = make_settings(
        routes=[
            {"channels": ["slack"]},
            {"channels": ["mail"], "min_severity": "high"},
        ]
    )
    h = Harness(tmp_path, settings)
    h.feed([judged(handle="low"), judged(handle="loud", reach=500_000)])
    by_title = {a.severity: a for a in h.alerts()}
    assert [d.channel for d in h.deliveries(by_title[Severity.LOW])] == ["slack"]
    assert sorted(d.channel for d in h.deliveries(by_title[Severity.HIGH])) == ["mail", "slack"]


def test_a_follow_up_within_the_cooldown_folds_and_raises_severity(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings())
    first = judged("acme my order never came", handle="Dana")
    h.feed([first])
    h.clock.advance(minutes=30)
    follow = judged(
        "acme still nothing, I want a refund", handle="dana", at=NOW + timedelta(minutes=30)
    )
    h.feed([follow])
    [alert] = h.alerts()
    assert alert.mention_ids == (first.id, follow.id)
    assert alert.folded == 1
    # The follow-up is the author's second contact in a week: the alert gets worse.
    assert alert.severity is Severity.NORMAL
    assert "2nd contact in 7 days" in alert.severity_reasons
    assert len(h.deliveries()) == 2  # still only the first alert's two rows


def test_a_reply_in_the_same_thread_folds(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings())
    root = judged("acme app crashed during checkout", handle="ann", thread_id="t1")
    h.feed([root])
    reply = judged("acme same here, crashed twice", handle="bob", thread_id="t1")
    h.feed([reply])
    [alert] = h.alerts()
    assert alert.mention_ids == (root.id, reply.id)


def test_after_the_cooldown_a_follow_up_raises_a_new_alert(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings(rules=[{"type": "complaint", "cooldown": "1h"}]))
    h.feed([judged(handle="dana")])
    h.clock.advance(hours=1, minutes=1)
    later = judged(handle="dana", at=h.clock.now)
    h.feed([later])
    alerts = h.alerts()
    assert len(alerts) == 2
    assert alerts[0].mention_ids == (later.id,)
    assert len(h.deliveries()) == 4


def test_a_closed_alert_does_not_swallow_follow_ups(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings())
    h.feed([judged(handle="dana")])
    [first] = h.alerts()
    h.store.set_alert_state(first.id, AlertState.RESOLVED, at=NOW)
    h.feed([judged(handle="dana")])
    assert len(h.alerts()) == 2


def test_spam_bots_stale_posts_and_non_complaints_raise_nothing(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings())
    h.feed(
        [
            judged("acme refund now!!! click here", flags=("spam",)),
            judged("acme is broken", flags=("bot",)),
            judged("acme lost my bag", at=NOW - timedelta(days=3)),
            judged("acme is lovely", complaint=False, negative=False),
        ]
    )
    assert h.alerts() == []
    assert h.deliveries() == []


def test_below_min_severity_raises_nothing(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings(rules=[{"type": "complaint", "min_severity": "normal"}]))
    h.feed([judged(handle="quiet"), judged(handle="angry", sentiment=-0.9)])
    [alert] = h.alerts()
    assert alert.severity is Severity.NORMAL


def test_a_disabled_rule_or_disabled_alerts_raise_nothing(tmp_path: Path) -> None:
    off = make_settings(rules=[{"type": "complaint", "enabled": False}])
    h = Harness(tmp_path / "rule-off", off)
    h.feed([judged()])
    assert h.alerts() == []
    h2 = Harness(tmp_path / "alerts-off", make_settings(enabled=False))
    h2.feed([judged()])
    assert h2.alerts() == []
    assert h2.store.count_mentions() == 1


def test_tagged_authors_rank_higher_and_drafts_are_attached(tmp_path: Path) -> None:
    seen: list[tuple[str, AuthorHistory | None]] = []

    def drafts(mention: Mention, history: AuthorHistory | None) -> tuple[ReplyDraft, ...]:
        seen.append((mention.id, history))
        return (ReplyDraft(approach="acknowledge", text="Sorry, Dana", language="en"),)

    settings = make_settings(
        authors=[{"handle": "@Dana", "tags": ["vip"], "note": "customer since 2019"}]
    )
    h = Harness(tmp_path, settings, drafts=drafts)
    m = judged(handle="dana")
    h.feed([m])
    [alert] = h.alerts()
    assert alert.severity is Severity.HIGH
    assert alert.severity_reasons == ("tagged vip (customer since 2019)",)
    assert [d.text for d in alert.drafts] == ["Sorry, Dana"]
    [(mention_id, history)] = seen
    assert mention_id == m.id
    assert history is not None and history.tags == ("vip",) and history.mention_count == 0


def test_a_failing_rule_stores_the_mention_without_its_alert_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Rolled back, the same mention would fail again at every poll and stop its source.
    def broken(mention: Mention, history: AuthorHistory | None) -> tuple[ReplyDraft, ...]:
        raise RuntimeError("drafting failed")

    h = Harness(tmp_path, make_settings(), drafts=broken)
    m = judged()
    with caplog.at_level(logging.ERROR, logger="listener.store"):
        h.feed([m])
    assert h.store.get_mention(m.id) is not None
    assert h.alerts() == []
    [error] = [r for r in caplog.records if r.name == "listener.store"]
    assert error.fields["mention_ids"] == m.id  # type: ignore[attr-defined]


def test_a_follow_up_that_turns_high_raises_its_own_alert_instead_of_folding(
    tmp_path: Path,
) -> None:
    # Folded, a threat after a grumble would change an alert the team already saw, silently.
    h = Harness(tmp_path, make_settings())
    first = judged("acme my order never came", handle="dana")
    h.feed([first])
    [seen] = h.alerts()
    h.clock.advance(minutes=20)
    threat = judged("acme you will regret this", handle="dana", flags=["threat"], at=h.clock.now)
    h.feed([threat])

    alerts = {a.lead_mention_id: a for a in h.alerts()}
    assert alerts[first.id].mention_ids == (first.id,)  # nothing folded into the seen alert
    assert alerts[first.id].severity is seen.severity
    assert alerts[threat.id].severity is Severity.CRITICAL
    assert len(h.deliveries(alerts[threat.id])) == 2  # the team hears about it
