"""Review of digests: hourly digests in a zone with summer time cover every hour once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from alerts.digest import latest_period
from listener.config.alerts import DigestSettings
from listener.models import AlertKind
from tests.alert_rules_helpers import Harness, make_settings

HOURLY_NY = {"name": "hourly", "every": "hourly", "timezone": "America/New_York",
             "channels": ["mail"]}  # fmt: skip


@pytest.mark.parametrize(
    "day",
    [
        datetime(2026, 3, 8, tzinfo=UTC),  # clocks go forward at 02:00 local (07:00 UTC)
        datetime(2026, 11, 1, tzinfo=UTC),  # clocks go back at 02:00 local (06:00 UTC)
    ],
)
def test_hourly_periods_are_whole_hours_back_to_back_across_a_dst_change(day: datetime) -> None:
    hourly = DigestSettings.model_validate(HOURLY_NY)
    periods = [latest_period(hourly, day + timedelta(hours=h, minutes=10)) for h in range(1, 12)]
    assert [end - start for start, end in periods] == [timedelta(hours=1)] * len(periods)
    for (_, end), (start, _) in pairwise(periods):
        assert start == end
    # UTC, as the docstring says (the key holds the start: one spelling per instant).
    assert {start.utcoffset() for start, _ in periods} == {timedelta(0)}


def test_an_hourly_digest_is_built_for_every_hour_of_the_night_clocks_change(
    tmp_path: Path,
) -> None:
    start = datetime(2026, 11, 1, 3, 30, tzinfo=UTC)
    h = Harness(tmp_path, make_settings(digests=[HOURLY_NY]), now=start)
    built = []
    for _ in range(6):
        built += h.tick()
        h.clock.advance(hours=1)
    periods = [(d.details["period"]["start"], d.details["period"]["end"]) for d in built]
    assert [d.kind for d in built] == [AlertKind.DIGEST] * 6
    assert [p[0] for p in periods] == [f"2026-11-01T0{hour}:00:00+00:00" for hour in range(2, 8)]
