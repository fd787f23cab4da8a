"""The stream reconnect policy as numbers: X's documented strategy, Retry-After, jitter, a
ladder per kind of failure and the reset after a healthy connection
(``listener.service.stream_policy``)."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from listener.service.stream_policy import (
    RETRY_AFTER_CEILING_S,
    FailureKind,
    ReconnectAttempts,
    backoff_after,
    failure_kind,
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


def ladder(
    failures: list[tuple[TransientError | None, float]], policy: ReconnectPolicy = EXACT
) -> list[float]:
    """The waits after each (error, seconds the connection stayed up), as the runner counts."""
    rng = random.Random(11)
    attempts, waits = ReconnectAttempts(), []
    for error, connected_for_s in failures:
        attempts, wait = backoff_after(attempts, error, connected_for_s, policy, rng)
        waits.append(wait)
    return waits


def test_the_first_http_error_after_many_drops_starts_its_own_ladder_at_5_s() -> None:
    # The trial: nine quick connect failures, a connection that dropped after 28 s (short of
    # healthy_after_s), then 503s. The drops must not push the first 503 to 320 s.
    drops: list[tuple[TransientError | None, float]] = [(TransientError("connect failed"), 0.0)] * 9
    drops.append((TransientError("reset"), 28.0))
    refusals: list[tuple[TransientError | None, float]] = [(ServerRefused("HTTP 503"), 0.0)] * 3
    waits = ladder(drops + refusals)
    assert waits[:10] == [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25]
    assert waits[10:] == [5.0, 10.0, 20.0]


def test_each_kind_keeps_its_own_count_across_the_others() -> None:
    # Alternating failures still climb each ladder: a flapping server is not hammered at the
    # first step of each, and a 429 starts at a minute whatever came before.
    refused, dropped, limited = (
        ServerRefused("HTTP 502"),
        TransientError("reset"),
        RateLimited("429"),
    )
    waits = ladder(
        [(refused, 0), (dropped, 1), (refused, 0), (dropped, 1), (limited, 0), (refused, 0)]
    )
    assert waits == [5.0, 0.0, 10.0, 0.25, 60.0, 20.0]


def test_a_healthy_connection_resets_every_kind() -> None:
    refused, dropped = ServerRefused("HTTP 503"), TransientError("reset")
    healthy = EXACT.healthy_after_s
    waits = ladder([(refused, 0), (refused, 0), (dropped, 2), (dropped, healthy), (refused, 0)])
    assert waits == [5.0, 10.0, 0.0, 0.0, 5.0]
    counted = ReconnectAttempts(network=4, refused=2, rate_limited=1)
    assert counted.after(None, healthy, EXACT) == ReconnectAttempts(network=1)
    assert counted.after(refused, healthy - 0.1, EXACT) == ReconnectAttempts(4, 3, 1)


def test_each_error_climbs_the_ladder_of_its_kind() -> None:
    assert failure_kind(None) is FailureKind.NETWORK
    assert failure_kind(TransientError("idle for 60 s")) is FailureKind.NETWORK
    assert failure_kind(ServerRefused("HTTP 503")) is FailureKind.REFUSED
    assert failure_kind(RateLimited("HTTP 429")) is FailureKind.RATE_LIMITED
