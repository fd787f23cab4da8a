"""The dashboard's rollup panels on a store with known counts (tests/stats_helpers.py):
buckets clipped to the range, the previous period, brands apart and together, a
tombstone counted nowhere, and exact_count equal to what a real search finds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from listener.models import Judgments
from listener.store import SQLiteStore
from listener.store.stats import (
    breakdown,
    complaints,
    exact_count,
    headline,
    share_of_voice,
    volume,
)
from listener.store.stats.scope import scope_for
from listener.store.stats.sums import split_range
from tests.stats_helpers import POS, PREVIOUS_SINCE, SINCE, UNTIL, at, judged, open_filled


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    filled = open_filled(tmp_path_factory.mktemp("stats") / "stats.db")
    yield filled
    filled.close()


def _sentiments(point: Any) -> dict[str, int]:
    return {k: v for k, v in point.by_sentiment.items() if v}


def test_volume_per_day_bucket_clipped_to_the_range(store: SQLiteStore) -> None:
    found = volume(store, scope_for("Acme", SINCE, UNTIL, "day"))
    assert [(p.start, p.end) for p in found.points] == [
        (SINCE, at(3, 0)),
        (at(3, 0), at(4, 0)),
        (at(4, 0), UNTIL),
    ]
    assert [_sentiments(p) for p in found.points] == [
        {"negative": 1, "positive": 1},
        {"neutral": 1, "negative": 1},  # the tombstoned negative counts nowhere
        {"positive": 1},
    ]
    assert set(found.points[0].by_sentiment) == {"negative", "neutral", "positive", "unknown"}
    assert found.total == 5
    assert found.previous_total == 2  # 19:59 of 03-02 in, 10:59 of 03-01 out
    assert [i.title for i in found.incidents] == ["Spike 1"]  # brand "acme" any case


def test_volume_of_all_brands_counts_a_mention_of_two_brands_once(store: SQLiteStore) -> None:
    found = volume(store, scope_for(None, SINCE, UNTIL, "day"))
    assert [p.total for p in found.points] == [2, 3, 1]
    assert found.sentiment_total("negative") == 3
    assert [i.title for i in found.incidents] == ["Spike 1", "Spike 2"]


def test_volume_by_the_hour_reads_every_hour(store: SQLiteStore) -> None:
    found = volume(store, scope_for("Acme", SINCE, UNTIL))
    assert found.points[0].start == SINCE and len(found.points) == 33
    busy = {p.start: p.total for p in found.points if p.total}
    assert busy == {at(2, 20): 1, at(2, 23): 1, at(3, 0): 1, at(3, 12): 1, at(4, 4): 1}


def test_weekly_buckets_are_clipped_to_the_range(store: SQLiteStore) -> None:
    scope = scope_for("Acme", at(1, 0), at(4, 5), "week")
    found = volume(store, scope)
    # 2026-03-01 is a Sunday: its week began on 02-23; 03-02 starts the next.
    assert [(p.start, p.end, p.total) for p in found.points] == [
        (at(1, 0), at(2, 0), 2),
        (at(2, 0), at(4, 5), 6),
    ]


def test_complaints_and_rate_against_the_previous_period(store: SQLiteStore) -> None:
    found = complaints(store, scope_for("Acme", SINCE, UNTIL, "day"))
    assert [(p.complaints, p.mentions) for p in found.points] == [(1, 2), (1, 2), (0, 1)]
    assert (found.complaints, found.mentions) == (2, 5)
    assert (found.previous_complaints, found.previous_mentions) == (1, 2)
    assert found.rate == pytest.approx(0.4) and found.previous_rate == pytest.approx(0.5)
    assert found.points[2].rate == 0.0


def _rows(found: Any) -> list[tuple[str, int, int]]:
    return [(r.value, r.count, r.previous) for r in found.rows]


def test_breakdowns_now_and_before(store: SQLiteStore) -> None:
    scope = scope_for("Acme", SINCE, UNTIL)
    topics = breakdown(store, scope, "topic")
    assert _rows(topics) == [("delivery", 2, 0), ("billing", 1, 1)]
    assert (topics.total, topics.previous_total) == (5, 2)
    assert _rows(breakdown(store, scope, "feeling")) == [("angry", 2, 0)]
    assert _rows(breakdown(store, scope, "source")) == [("news", 3, 2), ("reddit-main", 2, 0)]
    # Primary subtags, lowercase: "EN" and "en" are en, hi-Latn is hi, en-GB (before) en.
    assert _rows(breakdown(store, scope, "language")) == [
        ("en", 3, 2),
        ("hi", 1, 0),
        ("unknown", 1, 0),
    ]
    with pytest.raises(ValueError, match="dimension must be one of"):
        breakdown(store, scope, "colour")  # type: ignore[arg-type]


def test_share_of_voice_ignores_the_scope_brand(store: SQLiteStore) -> None:
    found = share_of_voice(store, scope_for("Globex", SINCE, UNTIL))
    assert [(b.brand, b.mentions, b.negative) for b in found.brands] == [
        ("Acme", 5, 2),
        ("Globex", 2, 2),
    ]
    assert found.share(found.brands[0]) == pytest.approx(5 / 7)
    assert found.negative_share(found.brands[1]) == pytest.approx(0.5)


def test_headline(store: SQLiteStore) -> None:
    found = headline(store, scope_for("Acme", SINCE, UNTIL))
    assert (found.mentions, found.negative, found.complaints) == (5, 2, 2)
    assert (found.previous_mentions, found.previous_negative, found.previous_complaints) == (
        2,
        1,
        1,
    )
    assert found.open_alerts == 2  # the two spike alerts of Acme, open, whatever their time
    assert found.first_response.count == 0 and found.first_response.median_s is None


def test_a_brand_with_nothing_counts_zero(store: SQLiteStore) -> None:
    scope = scope_for("Initech", SINCE, UNTIL, "day")
    assert volume(store, scope).total == 0
    assert breakdown(store, scope, "topic").rows == []
    assert headline(store, scope).mentions == 0


def test_a_long_range_reads_days_and_only_the_edge_hours() -> None:
    hours, days = split_range(at(1, 11), at(4, 5), days=True)
    assert hours == [(at(1, 11), at(2, 0)), (at(4, 0), at(4, 5))]
    assert days == (at(2, 0), at(4, 0))
    assert split_range(at(1, 11), at(1, 20), days=True) == ([(at(1, 11), at(1, 20))], None)
    assert split_range(at(1, 0), at(3, 0), days=True) == ([], (at(1, 0), at(3, 0)))


_RANGES = [
    (SINCE, UNTIL),
    (None, None),
    (PREVIOUS_SINCE, SINCE),
    (at(3, 0), at(3, 13)),
    (None, at(3, 0)),
    (at(2, 23), None),
]
_FILTERS: list[dict[str, Any]] = [
    {},
    {"brand": "acme"},
    {"brand": "GLOBEX"},
    {"brand": "Initech"},
    {"source": "news"},
    {"source": "reddit"},  # the source type
    {"source": "REDDIT-MAIN", "brand": "Acme"},
    {"language": "en"},
    {"language": "hi"},
    {"language": "hi-latn"},
    {"language": "fr", "brand": "Globex"},
    {"language": "unknown"},  # search's name for a language not recognised
    {"language": "Unknown", "brand": "Acme"},
    {"sentiment": "negative"},
    {"sentiment": "Positive", "source": "reddit"},
    {"complaint": True},
    {"complaint": False, "brand": "Acme", "sentiment": "neutral"},
    {"topic": "delivery"},
    {"topic": " Billing ", "brand": "acme"},
    {"feeling": "angry", "brand": "Globex"},
    {"feeling": "calm"},
]


def _filter_id(filters: dict[str, Any]) -> str:
    return ",".join(f"{k}={v}" for k, v in filters.items()) or "none"


@pytest.mark.parametrize("since, until", _RANGES)
@pytest.mark.parametrize(
    "filters", _FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()) or "none"
)
def test_exact_count_is_what_a_search_finds(
    store: SQLiteStore, since: Any, until: Any, filters: dict[str, Any]
) -> None:
    searched = store.search(None, since=since, until=until, limit=1000, **filters)
    assert exact_count(store, since=since, until=until, **filters) == len(searched)


def test_exact_count_is_none_when_the_rollups_cannot_tell(store: SQLiteStore) -> None:
    assert exact_count(store, since=SINCE + timedelta(minutes=30), until=UNTIL) is None
    assert exact_count(store, topic="delivery", feeling="angry") is None
    assert exact_count(store, topic="delivery", sentiment="negative") is None
    assert exact_count(store, feeling="angry", source="news") is None
    assert exact_count(store, brand="Acme", topic="delivery") is not None


def test_exact_count_refuses_what_search_refuses(store: SQLiteStore) -> None:
    with pytest.raises(ValueError, match="sentiment must be one of"):
        exact_count(store, sentiment="grumpy")
    with pytest.raises(ValueError, match="language must not be empty"):
        exact_count(store, language=" ")


def test_exact_count_follows_a_tombstone_and_an_edit(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        store.insert_mentions([judged(1, at(3, 1), sentiment=POS), judged(2, at(3, 2))])
        assert exact_count(store, brand="Acme", sentiment="positive") == 1
        store.tombstone_mentions(["news:1"], at(3, 3))
        assert exact_count(store, brand="Acme", sentiment="positive") == 0
        assert exact_count(store, brand="Acme") == len(store.search(None, brand="Acme")) == 1
        store.update_judgments("news:2", Judgments(sentiment_label=POS, language="en"))
        assert exact_count(store, brand="Acme", sentiment="positive") == 1
        assert exact_count(store, brand="Acme", sentiment="neutral") == 0


def test_complaints_previous_period_bucket_by_bucket_moved_back_by_hours(
    store: SQLiteStore,
) -> None:
    # 33 hours: the previous buckets are these moved back 33 hours, read from the hours:
    # [03-01 11:00, 15:00) holds the complaint #2, [02 15:00, 20:00) the negative #3.
    found = complaints(store, scope_for("Acme", SINCE, UNTIL, "day"))
    assert [(p.start, p.end, p.complaints, p.mentions) for p in found.previous_points] == [
        (PREVIOUS_SINCE, at(1, 15), 1, 1),
        (at(1, 15), at(2, 15), 0, 0),
        (at(2, 15), SINCE, 0, 1),
    ]
    assert len(found.previous_points) == len(found.points)


def test_complaints_previous_period_by_whole_days_reads_the_days(store: SQLiteStore) -> None:
    # Two whole days: the previous are 02-28 (nothing) and 03-01 (#1 negative at 10:59,
    # #2 a complaint at 12:00).
    found = complaints(store, scope_for("Acme", at(2, 0), at(4, 0), "day"))
    assert [(p.complaints, p.mentions) for p in found.points] == [(1, 3), (1, 2)]
    assert [(p.start, p.complaints, p.mentions) for p in found.previous_points] == [
        (at(2, 0) - timedelta(days=2), 0, 0),
        (at(1, 0), 1, 2),
    ]
    assert (found.previous_complaints, found.previous_mentions) == (1, 2)
    assert found.previous_points[1].rate == pytest.approx(0.5)
