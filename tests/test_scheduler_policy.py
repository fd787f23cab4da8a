import random
from datetime import UTC, datetime, timedelta

import pytest

from listener.service.scheduler import (
    SchedulePolicy,
    backoff_delay_s,
    is_due,
    next_check_after_failure,
    next_check_after_success,
)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
POLICY = SchedulePolicy(
    interval=timedelta(minutes=10),
    jitter=0.1,
    backoff_base=timedelta(minutes=1),
    backoff_max=timedelta(hours=6),
    max_interval=timedelta(hours=24),
)


def test_success_schedules_one_interval_within_the_jitter_band() -> None:
    rng = random.Random(1)
    delays = {
        (next_check_after_success(POLICY, NOW, None, rng) - NOW).total_seconds() for _ in range(200)
    }
    assert min(delays) >= 540 and max(delays) <= 660
    assert len(delays) > 100  # jitter actually spreads the checks


def test_server_hint_stretches_the_next_check_but_not_past_the_ceiling() -> None:
    rng = random.Random(1)
    stretched = next_check_after_success(POLICY, NOW, 3600, rng)
    assert stretched == NOW + timedelta(hours=1)
    capped = next_check_after_success(POLICY, NOW, 7 * 86400, rng)
    assert capped == NOW + timedelta(hours=24)


def test_the_ceiling_never_shortens_an_interval_the_user_chose() -> None:
    slow = SchedulePolicy(
        interval=timedelta(days=2),
        jitter=0,
        backoff_base=timedelta(minutes=1),
        backoff_max=timedelta(hours=6),
        max_interval=timedelta(hours=24),
    )
    when = next_check_after_success(slow, NOW, None, random.Random(1))
    assert when == NOW + timedelta(days=2)


def test_backoff_starts_at_the_base_step_doubles_and_is_capped_by_the_interval() -> None:
    # 10 min interval, 1 min base: 1, 2, 4, 8… minutes, never past 8 intervals (80 min).
    assert [backoff_delay_s(POLICY, n) for n in (1, 2, 3, 4, 5, 6, 7, 8)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3840,
        4800,
    ]
    assert backoff_delay_s(POLICY, 50) == 80 * 60


def test_short_intervals_back_off_from_the_interval() -> None:
    short = SchedulePolicy(
        interval=timedelta(seconds=30),
        jitter=0,
        backoff_base=timedelta(minutes=1),
        backoff_max=timedelta(hours=1),
        max_interval=timedelta(hours=24),
    )
    assert [backoff_delay_s(short, n) for n in (1, 2, 3, 4, 5)] == [30, 60, 120, 240, 240]


def test_retry_after_is_honoured_when_longer_than_backoff() -> None:
    rng = random.Random(1)
    when = next_check_after_failure(POLICY, NOW, 1, 7200, rng)
    assert when == NOW + timedelta(hours=2)
    sooner = next_check_after_failure(POLICY, NOW, 1, 5, rng)
    # A short Retry-After does not shorten the backoff (1 min, up to 10 % earlier).
    assert 54 <= (sooner - NOW).total_seconds() <= 60


@pytest.mark.parametrize(
    ("next_check", "parked", "due"),
    [
        (None, False, True),
        (NOW - timedelta(seconds=1), False, True),
        (NOW + timedelta(seconds=1), False, False),
        (None, True, False),
        (NOW - timedelta(days=1), True, False),
    ],
)
def test_is_due(next_check: datetime | None, parked: bool, due: bool) -> None:
    assert is_due(next_check, parked, NOW) is due
