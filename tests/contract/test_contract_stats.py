"""The dashboard's panels on both engines, with the known counts of the SQLite panels'
own tests (tests/stats_helpers.py, tests/test_stats_people.py): buckets clipped to the
range, the previous period, brands apart and together, case rules, a tombstone counted
nowhere; top authors, most engaged and rising terms as a straight count says.

The spike alerts the volume chart marks are this daemon's own (alerts stay local), so
both engines mark the same ones."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from listener.models import AlertKind, Severity
from listener.store import SQLiteStore
from listener.store.alert_contract import NewAlert
from listener.store.stats import (
    breakdown,
    complaints,
    engaged_mentions,
    headline,
    rising_terms,
    share_of_voice,
    top_authors,
    volume,
)
from listener.store.stats.scope import scope_for
from tests.contract.mentions import settle
from tests.stats_helpers import MENTIONS, NEG, SINCE, TOMBSTONED, UNTIL, at, judged
from tests.test_stats_people import _SCOPES, _expected_authors, _expected_engaged
from tests.test_stats_people import MENTIONS as PEOPLE_MENTIONS
from tests.test_stats_people import TOMBSTONED as PEOPLE_TOMBSTONED


@pytest.fixture
def counted(store: SQLiteStore, writer: SQLiteStore) -> SQLiteStore:
    """``store`` (with its own spike alerts) reading the mentions ``writer`` stored."""
    writer.insert_mentions(MENTIONS)
    writer.tombstone_mentions([TOMBSTONED], at(4, 6))
    settle(writer)
    with store.alert_transaction() as tx:
        for n, brand, created in ((1, "acme", at(3, 6)), (2, "Globex", at(3, 7)),
                                  (3, "Acme", at(2, 19))):  # fmt: skip
            tx.add_alert(
                NewAlert(
                    key=f"incident:{brand}:{n}", kind=AlertKind.INCIDENT, rule="spike",
                    brand=brand, severity=Severity.HIGH, title=f"Spike {n}", created_at=created,
                )
            )  # fmt: skip
    return store


def sentiments(point: Any) -> dict[str, int]:
    return {k: v for k, v in point.by_sentiment.items() if v}


def test_volume_per_day_clipped_with_the_previous_period_and_incidents(
    counted: SQLiteStore,
) -> None:
    found = volume(counted, scope_for("Acme", SINCE, UNTIL, "day"))
    assert [(p.start, p.end) for p in found.points] == [
        (SINCE, at(3, 0)), (at(3, 0), at(4, 0)), (at(4, 0), UNTIL),
    ]  # fmt: skip
    assert [sentiments(p) for p in found.points] == [
        {"negative": 1, "positive": 1},
        {"neutral": 1, "negative": 1},  # the tombstoned negative counts nowhere
        {"positive": 1},
    ]
    assert set(found.points[0].by_sentiment) == {"negative", "neutral", "positive", "unknown"}
    assert (found.total, found.previous_total) == (5, 2)
    assert [i.title for i in found.incidents] == ["Spike 1"]


def test_volume_of_all_brands_counts_a_mention_of_two_brands_once(counted: SQLiteStore) -> None:
    found = volume(counted, scope_for(None, SINCE, UNTIL, "day"))
    assert [p.total for p in found.points] == [2, 3, 1]
    assert found.sentiment_total("negative") == 3


def test_volume_by_the_hour_and_by_the_week(counted: SQLiteStore) -> None:
    hourly = volume(counted, scope_for("Acme", SINCE, UNTIL))
    assert len(hourly.points) == 33
    assert {p.start: p.total for p in hourly.points if p.total} == {
        at(2, 20): 1, at(2, 23): 1, at(3, 0): 1, at(3, 12): 1, at(4, 4): 1,
    }  # fmt: skip
    weekly = volume(counted, scope_for("Acme", at(1, 0), at(4, 5), "week"))
    assert [(p.start, p.end, p.total) for p in weekly.points] == [
        (at(1, 0), at(2, 0), 2), (at(2, 0), at(4, 5), 6),
    ]  # fmt: skip


def test_complaints_and_rate_against_the_previous_period(counted: SQLiteStore) -> None:
    found = complaints(counted, scope_for("Acme", SINCE, UNTIL, "day"))
    assert [(p.complaints, p.mentions) for p in found.points] == [(1, 2), (1, 2), (0, 1)]
    assert (found.complaints, found.mentions) == (2, 5)
    assert (found.previous_complaints, found.previous_mentions) == (1, 2)


def rows(found: Any) -> list[tuple[str, int, int]]:
    return [(r.value, r.count, r.previous) for r in found.rows]


def test_breakdowns_now_and_before(counted: SQLiteStore) -> None:
    scope = scope_for("Acme", SINCE, UNTIL)
    topics = breakdown(counted, scope, "topic")
    assert rows(topics) == [("delivery", 2, 0), ("billing", 1, 1)]
    assert (topics.total, topics.previous_total) == (5, 2)
    assert rows(breakdown(counted, scope, "feeling")) == [("angry", 2, 0)]
    assert rows(breakdown(counted, scope, "source")) == [("news", 3, 2), ("reddit-main", 2, 0)]
    # Primary subtags, lowercase: "EN" and "en" are en, hi-Latn is hi; no language: unknown.
    assert rows(breakdown(counted, scope, "language")) == [
        ("en", 3, 2), ("hi", 1, 0), ("unknown", 1, 0),
    ]  # fmt: skip
    with pytest.raises(ValueError, match="dimension must be one of"):
        breakdown(counted, scope, "colour")  # type: ignore[arg-type]


def test_share_of_voice_ignores_the_scope_brand(counted: SQLiteStore) -> None:
    found = share_of_voice(counted, scope_for("Globex", SINCE, UNTIL))
    assert [(b.brand, b.mentions, b.negative) for b in found.brands] == [
        ("Acme", 5, 2), ("Globex", 2, 2),
    ]  # fmt: skip


def test_headline_counts(counted: SQLiteStore) -> None:
    found = headline(counted, scope_for("Acme", SINCE, UNTIL))
    assert (found.mentions, found.negative, found.complaints) == (5, 2, 2)
    previous = (found.previous_mentions, found.previous_negative, found.previous_complaints)
    assert previous == (2, 1, 1)
    assert found.open_alerts == 2  # local: this daemon's alerts


def test_a_brand_with_nothing_counts_zero(counted: SQLiteStore) -> None:
    scope = scope_for("Initech", SINCE, UNTIL, "day")
    assert volume(counted, scope).total == 0
    assert breakdown(counted, scope, "topic").rows == []
    assert headline(counted, scope).mentions == 0


@pytest.fixture
def people(store: SQLiteStore, writer: SQLiteStore) -> SQLiteStore:
    writer.insert_mentions(PEOPLE_MENTIONS)
    writer.tombstone_mentions(PEOPLE_TOMBSTONED, at(9, 0))
    settle(writer)
    return store


@pytest.mark.parametrize(("brand", "since", "until"), _SCOPES)
def test_top_authors_and_most_engaged_are_a_straight_count(
    people: SQLiteStore, brand: str | None, since: datetime, until: datetime
) -> None:
    scope = scope_for(brand, since, until)
    for limit in (1, 3, 10):
        authors = top_authors(people, scope, limit)
        assert [(a.source_type, a.handle, a.reach, a.mentions) for a in authors] == (
            _expected_authors(scope, limit)
        )
        engaged = engaged_mentions(people, scope, limit)
        assert [(e.mention_id, e.engagement) for e in engaged] == _expected_engaged(scope, limit)


def test_rising_terms_against_the_previous_period(store: SQLiteStore, writer: SQLiteStore) -> None:
    def said(n: int, when: datetime, text: str, brands: tuple[str, ...] = ("Acme",)) -> Any:
        return judged(n, when, text=text, brands=brands, sentiment=NEG)

    before = [
        said(n, at(1, 1) + timedelta(minutes=n), "acme parcel arrived fine") for n in range(10)
    ]
    now = [
        said(10 + n, at(2, 1) + timedelta(minutes=n), "acme parcel refund refused")
        for n in range(6)
    ]
    now += [
        said(20 + n, at(2, 2) + timedelta(minutes=n), "globex refund", ("Globex",))
        for n in range(5)
    ]
    writer.insert_mentions(before + now)
    writer.tombstone_mentions(["news:10"], at(3, 0))
    settle(writer)
    scope = scope_for("acme", at(2, 0), at(3, 0))
    found = rising_terms(store, scope, excluded=frozenset({"acme"}))
    assert (found.sampled, found.previous_sampled) == (5, 10)
    assert [t.term for t in found.terms] == ["refund", "refused"]
    assert (found.terms[0].mentions, found.terms[0].previous_mentions) == (5, 0)
    sampled = rising_terms(store, scope, sample=3)
    assert (sampled.sampled, sampled.previous_sampled) == (3, 3)
    assert sampled.terms[0].term == "refund" and sampled.terms[0].mentions == 3
