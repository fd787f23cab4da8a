"""When each source is checked next: the policy as pure functions of time and state.

The next check is computed, then clamped (as miniflux does):

- after a success: the source's interval less up to ``jitter`` of it (never more: a poll
  must not come later than the interval the user chose, or an alert waits longer than it),
  stretched up to the server's own hint (feed ``<ttl>``, ``Cache-Control: max-age``,
  ``Expires``) — a hint counts up to ``max_interval``, the interval the user chose always
  counts in full;
- after a transient failure: exponential backoff that starts below the interval and is
  capped by it. The first retry comes after ``min(interval, backoff_base)`` (a blip is
  usually over within a minute, and waiting a whole 30-minute interval for it delays every
  post behind it), each further failure doubles the wait, up to ``backoff_cap``:
  ``BACKOFF_CAP_INTERVALS`` intervals (at least ``backoff_base``, never more than
  ``backoff_max``), so a server that recovers is read again within that cap, not hours
  later. Jitter only shortens a wait, so no retry comes later than the cap. A server's
  ``Retry-After`` is obeyed when it asks for longer, up to ``max_interval``;
- after a permanent failure: no next check; the source is parked until a person acts.

A poll never moves a check that is already scheduled later (``keep_before``): a manual poll
(``listener poll --once``, or two processes on one store) that reads a source a minute
before the daemon would have must not push the daemon's check a whole interval on; the
earlier check stays. A server's hint (TTL, ``Retry-After``) still wins over it: asking
sooner than a server said only earns a refusal.

Jitter spreads sources that share an interval so they do not all fire on the same tick.
Nothing here sleeps or reads a clock: the caller passes ``now`` and a random source.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

# A failing source is retried at least once every this many intervals (or ``backoff_max``,
# when that is shorter): a one-minute source is back within eight minutes of its server.
BACKOFF_CAP_INTERVALS = 8


@dataclass(frozen=True)
class SchedulePolicy:
    interval: timedelta
    jitter: float  # fraction of the interval, e.g. 0.1: checks come up to 10 % early
    backoff_base: timedelta  # the first retry, unless the interval is shorter
    backoff_max: timedelta  # no backoff is longer, whatever the interval
    max_interval: timedelta  # ceiling for server hints (TTL, Retry-After)


def _jittered_earlier(seconds: float, jitter: float, rng: random.Random) -> float:
    # One-sided: the spread still keeps sources apart, and the interval (or the backoff
    # cap) stays the bound on how long a new post waits to be read.
    return seconds * (1.0 - rng.uniform(0.0, jitter))


def _not_after(delay_s: float, now: datetime, keep_before: datetime | None) -> float:
    """``delay_s``, shortened so the check comes no later than ``keep_before`` when that
    check is still ahead (one already due was the one this poll made)."""
    if keep_before is None or keep_before <= now:
        return delay_s
    return min(delay_s, (keep_before - now).total_seconds())


def next_check_after_success(
    policy: SchedulePolicy,
    now: datetime,
    server_hint_s: float | None,
    rng: random.Random,
    keep_before: datetime | None = None,
) -> datetime:
    """``now`` is when the poll started, so the time the poll took does not add up;
    ``keep_before`` is the check already scheduled (the stored ``next_check_at``)."""
    delay = _jittered_earlier(policy.interval.total_seconds(), policy.jitter, rng)
    delay = _not_after(delay, now, keep_before)
    if server_hint_s is not None:
        # The ceiling bounds the server's hint, never the interval the user chose.
        delay = max(delay, min(server_hint_s, policy.max_interval.total_seconds()))
    return now + timedelta(seconds=delay)


def backoff_cap_s(policy: SchedulePolicy) -> float:
    """The longest backoff for this source: tied to its interval, within ``backoff_max``."""
    tied = max(policy.interval * BACKOFF_CAP_INTERVALS, policy.backoff_base)
    return min(tied, policy.backoff_max).total_seconds()


def backoff_delay_s(policy: SchedulePolicy, consecutive_failures: int) -> float:
    """Seconds to wait after the ``consecutive_failures``-th failure in a row (1-based),
    before jitter."""
    cap = backoff_cap_s(policy)
    first = min(policy.interval, policy.backoff_base).total_seconds()
    exponent = min(max(consecutive_failures - 1, 0), 30)  # 2**30 steps is beyond any cap
    return min(first * 2.0**exponent, cap)


def next_check_after_failure(
    policy: SchedulePolicy,
    now: datetime,
    consecutive_failures: int,
    retry_after_s: float | None,
    rng: random.Random,
    keep_before: datetime | None = None,
) -> datetime:
    delay = _jittered_earlier(backoff_delay_s(policy, consecutive_failures), policy.jitter, rng)
    delay = _not_after(delay, now, keep_before)
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
