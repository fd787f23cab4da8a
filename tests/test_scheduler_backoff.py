"""A failing source is retried sooner than its interval, then less and less often, but never
later than a cap tied to its interval: a server that recovers is read again within that cap
(``listener.service.scheduler``). A server's ``Retry-After`` still wins, up to ``max_interval``.
And a poll never pushes a check already scheduled sooner (``keep_before``)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from listener.service.scheduler import (
    SchedulePolicy,
    backoff_cap_s,
    backoff_delay_s,
    next_check_after_failure,
    next_check_after_success,
)

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def policy(
    interval: timedelta,
    *,
    jitter: float = 0.1,
    base: timedelta = timedelta(minutes=1),
    backoff_max: timedelta = timedelta(hours=6),
) -> SchedulePolicy:
    return SchedulePolicy(
        interval=interval,
        jitter=jitter,
        backoff_base=base,
        backoff_max=backoff_max,
        max_interval=timedelta(hours=24),
    )


@pytest.mark.parametrize(
    ("interval", "first_s", "cap_s"),
    [
        (timedelta(seconds=10), 10, 80),  # 8 intervals
        (timedelta(seconds=30), 30, 240),
        (timedelta(minutes=1), 60, 480),
        (timedelta(minutes=15), 60, 7200),  # the first retry is the base step, not 15 min
        (timedelta(hours=1), 60, 6 * 3600),  # 8 h would pass backoff_max
        (timedelta(days=2), 60, 6 * 3600),  # never above backoff_max, even past the interval
    ],
)
def test_the_first_retry_and_the_cap_follow_the_interval(
    interval: timedelta, first_s: float, cap_s: float
) -> None:
    rule = policy(interval)
    assert backoff_delay_s(rule, 1) == first_s
    assert backoff_cap_s(rule) == cap_s
    assert backoff_delay_s(rule, 1000) == cap_s


def test_the_cap_is_at_least_the_base_step() -> None:
    # 10 s × 8 is 80 s; with a 2-minute base the cap is the base, so doubling still runs.
    rule = policy(timedelta(seconds=10), base=timedelta(minutes=2))
    assert [backoff_delay_s(rule, n) for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 80, 120]


def test_a_shorter_backoff_max_wins_over_the_interval_tie() -> None:
    rule = policy(timedelta(minutes=10), backoff_max=timedelta(minutes=5))
    assert [backoff_delay_s(rule, n) for n in (1, 2, 3, 4, 5)] == [60, 120, 240, 300, 300]


def test_jitter_only_brings_a_retry_forward_so_none_passes_the_cap() -> None:
    rng = random.Random(3)
    rule = policy(timedelta(minutes=1), jitter=0.3)
    for failures in (1, 2, 4, 10, 40):
        step = backoff_delay_s(rule, failures)
        waits = [
            (next_check_after_failure(rule, NOW, failures, None, rng) - NOW).total_seconds()
            for _ in range(500)
        ]
        assert max(waits) <= step <= backoff_cap_s(rule)
        assert min(waits) >= step * 0.7
        assert max(waits) - min(waits) > step * 0.2  # still spread


def test_a_source_that_recovers_is_read_within_the_cap_of_its_server_coming_back() -> None:
    # A 1-minute source whose server is down for 3 hours: failures pile up, yet the retry
    # after the server comes back is at most 8 minutes away, not the 6 h backoff_max.
    rng = random.Random(5)
    rule = policy(timedelta(minutes=1))
    at, failures = NOW, 0
    back_up = NOW + timedelta(hours=3)
    while at < back_up:
        failures += 1
        at = next_check_after_failure(rule, at, failures, None, rng)
    assert failures > 20
    assert at - back_up <= timedelta(minutes=8)


def test_retry_after_still_wins_up_to_max_interval() -> None:
    rng = random.Random(1)
    rule = policy(timedelta(minutes=1))
    assert next_check_after_failure(rule, NOW, 1, 3600, rng) == NOW + timedelta(hours=1)
    # Past the backoff cap too: the server said so.
    assert next_check_after_failure(rule, NOW, 50, 1800, rng) == NOW + timedelta(minutes=30)
    assert next_check_after_failure(rule, NOW, 1, 10 * 86400, rng) == NOW + timedelta(hours=24)


def test_a_poll_keeps_a_check_already_scheduled_sooner() -> None:
    rng = random.Random(1)
    rule = policy(timedelta(minutes=10), jitter=0)
    daemon_next = NOW + timedelta(minutes=3)
    assert next_check_after_success(rule, NOW, None, rng, keep_before=daemon_next) == daemon_next
    failed = next_check_after_failure(rule, NOW, 4, None, rng, keep_before=daemon_next)
    assert failed == daemon_next  # the 8-minute backoff would have pushed it


def test_a_later_or_past_scheduled_check_is_not_kept() -> None:
    rng = random.Random(1)
    rule = policy(timedelta(minutes=10), jitter=0)
    later = NOW + timedelta(hours=1)
    assert next_check_after_success(rule, NOW, None, rng, keep_before=later) == NOW + timedelta(
        minutes=10
    )
    # A check already due is the one this poll made: the next comes an interval on.
    due = NOW - timedelta(seconds=1)
    assert next_check_after_success(rule, NOW, None, rng, keep_before=due) == NOW + timedelta(
        minutes=10
    )
    assert next_check_after_failure(rule, NOW, 1, None, rng, keep_before=due) == NOW + timedelta(
        minutes=1
    )


def test_a_servers_hint_wins_over_the_kept_check() -> None:
    rng = random.Random(1)
    rule = policy(timedelta(minutes=10), jitter=0)
    soon = NOW + timedelta(minutes=1)
    # The feed's TTL says 30 minutes: the stored check a minute away is not kept.
    hinted = next_check_after_success(rule, NOW, 1800, rng, keep_before=soon)
    assert hinted == NOW + timedelta(minutes=30)
    limited = next_check_after_failure(rule, NOW, 1, 900, rng, keep_before=soon)
    assert limited == NOW + timedelta(minutes=15)
