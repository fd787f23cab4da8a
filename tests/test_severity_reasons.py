"""Severity's reasons say what fired ("complaint score 0.86", "sentiment -0.72"), never
"strongly negative" for a post whose sentiment is +0.00; a threat is CRITICAL and a complaint
about safety or discrimination is at least HIGH. The reasons reach the alert messages and the
web alert page as the decider stored them (a real store on disk, the real templates)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from alerts.channels.render import render_text
from alerts.compose import compose
from alerts.severity import complaint_severity
from listener.judging.judge import Judge
from listener.models import (
    Author,
    Finding,
    Judgments,
    Mention,
    SentimentLabel,
    Severity,
    Urgency,
)
from tests.alert_helpers import raise_alert
from tests.alert_rules_helpers import Harness, judged, make_settings
from tests.channel_messages import context
from tests.inbox_helpers import INBOX_SETTINGS, NOW
from tests.store_helpers import make_mention
from tests.web_fixtures import WebServer


def with_judgments(**fields: Any) -> Mention:
    """A stored-shape mention whose judgments are exactly ``fields``."""
    return replace(judged(), judgments=Judgments(**fields))


def severity_of(m: Mention) -> tuple[Severity, tuple[str, ...]]:
    return complaint_severity(m, tags=(), prior_contacts=0, note=None)


# ---- what fired -----------------------------------------------------------------------------


def test_a_confident_complaint_with_neutral_sentiment_names_its_score() -> None:
    # The trial's case: sentiment neutral +0.00, complaint score 0.86.
    m = with_judgments(
        sentiment=0.0,
        sentiment_label=SentimentLabel.NEUTRAL,
        complaint=True,
        complaint_score=0.86,
    )
    assert severity_of(m) == (Severity.NORMAL, ("complaint score 0.86",))


def test_strong_sentiment_below_the_complaint_bar_names_the_sentiment() -> None:
    m = with_judgments(sentiment=-0.72, complaint=True, complaint_score=0.6)
    assert severity_of(m) == (Severity.NORMAL, ("sentiment -0.72",))


def test_both_firing_count_once_and_both_are_named() -> None:
    m = with_judgments(sentiment=-0.72, complaint=True, complaint_score=0.86)
    assert severity_of(m) == (Severity.NORMAL, ("sentiment -0.72, complaint score 0.86",))


def test_neither_firing_names_nothing() -> None:
    m = with_judgments(sentiment=-0.49, complaint=True, complaint_score=0.74)
    assert severity_of(m) == (Severity.LOW, ())


# ---- grave matters --------------------------------------------------------------------------


def test_a_threat_is_critical() -> None:
    m = with_judgments(complaint=False, flags=(Finding("threat", ("you deserve to die",)),))
    assert severity_of(m) == (Severity.CRITICAL, ("threat",))


@pytest.mark.parametrize(
    ("topic", "words", "urgency_reason"),
    [
        ("safety", "charger caught fire", "safety 'charger caught fire'"),
        # The judge gives racism or harassment reported the topic "discrimination" and a
        # HIGH urgency whose first reason names it.
        ("discrimination", "racial slur", "discrimination 'racial slur'"),
    ],
)
def test_a_complaint_about_safety_or_discrimination_is_at_least_high(
    topic: str, words: str, urgency_reason: str
) -> None:
    # Nothing else about it would reach HIGH: neutral sentiment, a middling score, no reach.
    m = with_judgments(
        sentiment=0.0,
        complaint=True,
        complaint_score=0.6,
        topics=(Finding(topic, (words,)), Finding("support", ("staff",))),
        urgency=Urgency.HIGH,
        urgency_evidence=(urgency_reason,),
    )
    # The urgency cue is that same matter: named once, not counted twice.
    assert severity_of(m) == (Severity.HIGH, (f"{topic} complaint '{words}'",))


def test_other_urgency_beside_a_grave_matter_is_still_named() -> None:
    m = with_judgments(
        complaint=True,
        complaint_score=0.6,
        topics=(Finding("safety", ("burned my",)),),
        urgency=Urgency.HIGH,
        urgency_evidence=("safety 'burned my'", "phrase 'asap'"),
    )
    assert severity_of(m) == (
        Severity.HIGH,
        ("safety complaint 'burned my'", "urgent: phrase 'asap'"),
    )


def test_urgency_high_alone_counts_one_point_as_before() -> None:
    m = with_judgments(
        complaint=True,
        complaint_score=0.6,
        urgency=Urgency.HIGH,
        urgency_evidence=("phrase 'asap'",),
    )
    assert severity_of(m) == (Severity.NORMAL, ("urgent: phrase 'asap'",))


def test_a_news_item_about_a_fire_is_not_a_safety_complaint() -> None:
    # Press keeps its safety topic and urgency, but nobody complained: urgency counts once.
    m = with_judgments(
        complaint=False,
        complaint_score=0.3,
        topics=(Finding("safety", ("caught fire",)),),
        urgency=Urgency.HIGH,
        urgency_evidence=("safety 'caught fire'",),
    )
    assert severity_of(m) == (Severity.NORMAL, ("urgent: safety 'caught fire'",))


@pytest.mark.parametrize(
    ("text", "severity", "first_reason"),
    [
        ("whoever runs @acme deserves to die", Severity.CRITICAL, "threat"),
        (
            "My son's Acme rocket toy battery swelled up and started smoking next to his bed. "
            "He's 4. I'm terrified.",
            Severity.HIGH,
            "safety complaint 'toy battery swelled up and started smoking'",
        ),
        (
            "The cashier at Acme called me a racial slur at the till. I'm still shaking. "
            "This is racism and I want answers.",
            Severity.HIGH,
            "discrimination complaint 'racial slur'",
        ),
    ],
)
def test_the_trials_danger_cases_judged_for_real(
    text: str, severity: Severity, first_reason: str
) -> None:
    m = replace(judged(text), judgments=Judge().judge_text(text))
    found, reasons = severity_of(m)
    assert found is severity
    assert reasons[0] == first_reason
    assert not any("strongly negative" in r for r in reasons)


# ---- where the reasons are shown ------------------------------------------------------------


def test_the_alert_messages_show_what_fired(tmp_path: Path) -> None:
    h = Harness(tmp_path, make_settings())
    m = replace(
        judged("acme sent the wrong size again", handle="dana"),
        judgments=Judgments(
            sentiment=0.0,
            sentiment_label=SentimentLabel.NEUTRAL,
            complaint=True,
            complaint_score=0.86,
        ),
    )
    h.feed([m])
    [alert] = h.alerts()
    assert alert.severity_reasons == ("complaint score 0.86",)
    [delivery, *_] = h.deliveries(alert)
    message = compose(h.store, h.settings, alert, delivery)
    text = render_text(context(httpx.AsyncClient()), "alerts/console.txt.j2", message)
    assert "Why normal: complaint score 0.86" in text
    assert "strongly negative" not in text


def test_the_web_alert_page_shows_what_fired(web_server: Callable[..., WebServer]) -> None:
    running = web_server(INBOX_SETTINGS)
    mention = make_mention(
        1,
        source="news",
        text="Acme sent the wrong size again",
        author=Author(handle="dana", name="Dana"),
        published_at=NOW - timedelta(minutes=1),
        judgments=Judgments(
            sentiment=0.0,
            sentiment_label=SentimentLabel.NEUTRAL,
            complaint=True,
            complaint_score=0.86,
        ),
    )
    running.store.insert_mentions([mention])
    severity, reasons = severity_of(mention)
    alert, _ = raise_alert(
        running.store,
        1,
        at=NOW,
        channels=(),
        mention_ids=(mention.id,),
        severity=severity,
        severity_reasons=reasons,
    )
    page = httpx.get(f"{running.url}/alerts/{alert.id}").text
    assert "Severity because" in page
    assert '<span class="evidence">complaint score 0.86</span>' in page
    assert "strongly negative" not in page
