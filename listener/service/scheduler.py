"""When each source is checked next: the policy as pure functions of time and state.

The next check is computed, then clamped (as miniflux does):

- after a success: the source's interval less up to ``jitter`` of it (never more: a poll
  must not come later than the interval the user chose, or an alert waits longer than it),
  stretched up to the server's own hint (feed ``<ttl>``, ``Cache-Control: max-age``,
  ``Expires``) — a hint counts up to ``max_interval``, the interval the user chose always
  counts in full;
- after a transient failure: exponential backoff — interval × 2^(failures−1), at least the
  interval, at most ``backoff_max`` — and never sooner than the server's ``Retry-After``;
- after a permanent failure: no next check; the source is parked until a person acts.

Jitter spreads sources that share an interval so they do not all fire on the same tick.
Nothing here sleeps or reads a clock: the caller passes ``now`` and a random source.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class SchedulePolicy:
    interval: timedelta
    jitter: float  # fraction of the interval, e.g. 0.1 for ±10%
    backoff_base: timedelta  # the smallest backoff step, for sources with very short intervals
    backoff_max: timedelta
    max_interval: timedelta  # ceiling for server hints (TTL, Retry-After)


def _jittered(seconds: float, jitter: float, rng: random.Random) -> float:
    return seconds * (1.0 + rng.uniform(-jitter, jitter))


def _jittered_earlier(seconds: float, jitter: float, rng: random.Random) -> float:
    # One-sided: the spread still keeps sources apart, and the interval stays the bound
    # on how long a new post waits to be read.
    return seconds * (1.0 - rng.uniform(0.0, jitter))


def next_check_after_success(
    policy: SchedulePolicy, now: datetime, server_hint_s: float | None, rng: random.Random
) -> datetime:
    """``now`` is when the poll started, so the time the poll took does not add up."""
    delay = _jittered_earlier(policy.interval.total_seconds(), policy.jitter, rng)
    if server_hint_s is not None:
        # The ceiling bounds the server's hint, never the interval the user chose.
        delay = max(delay, min(server_hint_s, policy.max_interval.total_seconds()))
    return now + timedelta(seconds=delay)


def backoff_delay_s(policy: SchedulePolicy, consecutive_failures: int) -> float:
    """Seconds to wait after the ``consecutive_failures``-th failure in a row (1-based)."""
    step = max(policy.interval, policy.backoff_base).total_seconds()
    exponent = min(max(consecutive_failures - 1, 0), 30)  # 2**30 intervals is beyond any cap
    return min(step * 2.0**exponent, max(policy.backoff_max, policy.interval).total_seconds())


def next_check_after_failure(
    policy: SchedulePolicy,
    now: datetime,
    consecutive_failures: int,
    retry_after_s: float | None,
    rng: random.Random,
) -> datetime:
    delay = _jittered(backoff_delay_s(policy, consecutive_failures), policy.jitter, rng)
    if retry_after_s is not None:
        # A server that names a time is obeyed, up to the ceiling: asking earlier only
        # earns another 429 and, on some APIs, a longer ban.
        delay = max(delay, min(retry_after_s, policy.max_interval.total_seconds()))
    return now + timedelta(seconds=delay)


def is_due(next_check_at: datetime | None, parked: bool, now: datetime) -> bool:
    """A never-polled source is due at once; a parked one never."""
    if parked:
        return False
    return next_check_at is None or next_check_at <= now
