"""The stream reconnect policy as numbers: X's documented strategy, Retry-After, jitter and
the reset after a healthy connection (``listener.service.stream_policy``)."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from listener.service.stream_policy import (
    RETRY_AFTER_CEILING_S,
    next_attempt,
    reconnect_delay_s,
)
from listener.sources.errors import RateLimited, ServerRefused, TransientError
from listener.sources.streaming import DEFAULT_RECONNECT, ReconnectPolicy

EXACT = ReconnectPolicy(jitter=0.0)


def delays(
    error: TransientError | None, attempts: int, policy: ReconnectPolicy = EXACT
) -> list[float]:
    rng = random.Random(7)
    return [reconnect_delay_s(policy, error, n, rng) for n in range(1, attempts + 1)]


def test_a_dropped_connection_is_retried_at_once_then_linearly_up_to_the_cap() -> None:
    got = delays(TransientError("reset"), 70)
    assert got[:4] == [0.0, 0.25, 0.5, 0.75]
    assert max(got) == 16.0 and got[-1] == 16.0
    assert all(b >= a for a, b in pairwise(got))


def test_a_clean_close_backs_off_like_a_drop_so_a_server_that_closes_at_once_is_no_hot_loop() -> (
    None
):
    assert delays(None, 5) == delays(TransientError("x"), 5)
    assert delays(None, 5)[-1] > 0


def test_a_refused_connect_backs_off_exponentially_from_5_s_to_320_s() -> None:
    got = delays(ServerRefused("HTTP 503"), 9)
    assert got == [5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0, 320.0, 320.0]


def test_a_rate_limit_backs_off_exponentially_from_60_s_to_960_s() -> None:
    got = delays(RateLimited("HTTP 429"), 6)
    assert got == [60.0, 120.0, 240.0, 480.0, 960.0, 960.0]


def test_the_servers_retry_after_is_never_undercut_but_is_bounded() -> None:
    rng = random.Random(1)
    assert reconnect_delay_s(EXACT, TransientError("x", retry_after_s=42.0), 1, rng) == 42.0
    longer = RateLimited("x", retry_after_s=10.0)
    assert reconnect_delay_s(EXACT, longer, 1, rng) == 60.0  # the policy's own wait is longer
    absurd = RateLimited("x", retry_after_s=10**9)
    assert reconnect_delay_s(EXACT, absurd, 1, rng) == RETRY_AFTER_CEILING_S


@pytest.mark.parametrize("attempt", [2, 3, 5, 40])
def test_jitter_spreads_the_delay_within_its_fraction(attempt: int) -> None:
    rng = random.Random(3)
    error = ServerRefused("HTTP 502")
    exact = reconnect_delay_s(EXACT, error, attempt, rng)
    spread = {reconnect_delay_s(DEFAULT_RECONNECT, error, attempt, rng) for _ in range(200)}
    assert len(spread) > 100
    assert min(spread) >= exact * 0.8 and max(spread) <= exact * 1.2
    assert min(spread) < exact < max(spread)


def test_the_first_retry_after_a_drop_stays_immediate_with_jitter() -> None:
    rng = random.Random(5)
    assert {reconnect_delay_s(DEFAULT_RECONNECT, None, 1, rng) for _ in range(50)} == {0.0}


def test_a_connection_that_stayed_up_resets_the_attempts() -> None:
    policy = DEFAULT_RECONNECT
    assert next_attempt(0, 0.0, policy) == 1
    assert next_attempt(6, 0.2, policy) == 7
    assert next_attempt(6, policy.healthy_after_s - 0.1, policy) == 7
    assert next_attempt(6, policy.healthy_after_s, policy) == 1
