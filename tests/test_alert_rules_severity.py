"""The severity table of ``alerts.severity``: each row of its docstring, and how they add up."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from alerts.severity import complaint_severity, format_count, ordinal
from listener.models import Author, Severity, Urgency
from tests.alert_rules_helpers import judged


def _severity(
    tags: tuple[str, ...] = (), prior: int = 0, note: str | None = None, **kw: Any
) -> tuple[Severity, tuple[str, ...]]:
    return complaint_severity(judged(**kw), tags=tags, prior_contacts=prior, note=note)


@pytest.mark.parametrize(
    ("case", "kwargs", "severity", "reasons"),
    [
        ("plain complaint", {}, Severity.LOW, ()),
        ("strongly negative", {"sentiment": -0.8}, Severity.NORMAL, ("sentiment -0.80",)),
        ("confident complaint", {"score": 0.9}, Severity.NORMAL, ("complaint score 0.90",)),
        ("reach 12k", {"reach": 12_345}, Severity.NORMAL, ("reach 12k",)),
        ("reach 120k", {"reach": 120_000}, Severity.HIGH, ("reach 120k",)),
        ("abusive", {"flags": ("abuse",)}, Severity.NORMAL, ("abusive",)),
        ("threat", {"flags": ("threat",), "reach": 5}, Severity.CRITICAL, ("threat",)),
        ("vip", {"tags": ("vip",)}, Severity.HIGH, ("tagged vip",)),
        ("loyal", {"tags": ("loyal",)}, Severity.NORMAL, ("tagged loyal",)),
        ("press, small", {"tags": ("press",)}, Severity.HIGH, ("tagged press",)),
        (
            "press, big audience",
            {"tags": ("press",), "reach": 20_000},
            Severity.CRITICAL,
            ("reach 20k", "tagged press"),
        ),
        ("2nd contact", {"prior": 1}, Severity.NORMAL, ("2nd contact in 7 days",)),
        ("3rd contact", {"prior": 2}, Severity.NORMAL, ("3rd contact in 7 days",)),
        (
            "everything but threat is capped at high",
            {"sentiment": -0.9, "reach": 200_000, "tags": ("vip", "loyal"), "prior": 3},
            Severity.HIGH,
            (
                "sentiment -0.90",
                "reach 200k",
                "tagged vip",
                "tagged loyal",
                "4th contact in 7 days",
            ),
        ),
    ],
)
def test_severity_table(
    case: str, kwargs: dict[str, Any], severity: Severity, reasons: tuple[str, ...]
) -> None:
    found = _severity(**kwargs)
    assert found == (severity, reasons), case


def test_urgency_counts_unless_it_only_repeats_reach() -> None:
    urgent = judged(urgency=Urgency.HIGH)
    urgent = replace(
        urgent, judgments=replace(urgent.judgments, urgency_evidence=("phrase 'asap'",))
    )
    assert complaint_severity(urgent, tags=(), prior_contacts=0, note=None) == (
        Severity.NORMAL,
        ("urgent: phrase 'asap'",),
    )
    by_reach = judged(urgency=Urgency.HIGH, reach=15_000)
    evidence = ("complaint with 15,000 reach",)
    by_reach = replace(by_reach, judgments=replace(by_reach.judgments, urgency_evidence=evidence))
    assert complaint_severity(by_reach, tags=(), prior_contacts=0, note=None) == (
        Severity.NORMAL,
        ("reach 15k",),
    )


def test_followers_stand_in_when_reach_was_not_judged() -> None:
    m = replace(judged(), author=Author(handle="big", followers=150_000))
    assert complaint_severity(m, tags=(), prior_contacts=0, note=None)[1] == ("reach 150k",)


def test_note_is_shown_beside_the_tag_and_capped() -> None:
    _, reasons = _severity(tags=("loyal",), note="ordered every month since 2019" + "x" * 200)
    assert reasons[0].startswith("tagged loyal (ordered every month since 2019")
    assert len(reasons[0]) <= len("tagged loyal ()") + 80


def test_counts_and_ordinals() -> None:
    assert [format_count(n) for n in (999, 12_345, 120_000, 1_500_000, 2_000_000)] == [
        "999",
        "12k",
        "120k",
        "1.5M",
        "2M",
    ]
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "111th",
    ]  # fmt: skip
