"""How long a stream waits before connecting again: pure functions of why it dropped.

The policy (``listener.sources.streaming.ReconnectPolicy``) is X's documented strategy:

- a dropped connection (``TransientError``, or a stream the server closed cleanly) is
  retried at once, then linearly: +``network_step_s`` per attempt up to ``network_max_s``;
- a connect the server refused with an HTTP error (``ServerRefused``) backs off
  exponentially from ``http_base_s`` up to ``http_max_s``;
- a rate limit (``RateLimited``) exponentially from ``rate_limited_base_s`` up to
  ``rate_limited_max_s``;
- never sooner than the server's own ``retry_after_s``.

A clean close counts as a drop: a server that accepts and closes at once climbs the same
linear steps instead of being hammered in a loop. ``attempt`` is 1-based and counts, for
the kind of failure at hand (``FailureKind``), the failures of that kind since the last
connection that stayed up ``healthy_after_s`` (``ReconnectAttempts.after``): the first 503
after nine quick drops waits ``http_base_s``, not the ninth step of an exponential ladder
the drops had climbed. Nothing here sleeps or reads a clock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from enum import StrEnum

from listener.sources.errors import RateLimited, ServerRefused, TransientError
from listener.sources.streaming import ReconnectPolicy

# A server's Retry-After is obeyed, but one that says "in a year" must not silence a stream
# for good: past an hour it is more likely a bug than a plan.
RETRY_AFTER_CEILING_S = 3600.0


class FailureKind(StrEnum):
    """Why a connection ended, as the backoff sees it: each kind climbs a ladder of its own."""

    NETWORK = "network"  # dropped, timed out, idle, or closed cleanly: linear steps
    REFUSED = "refused"  # the server answered the connect with an HTTP error: exponential
    RATE_LIMITED = "rate_limited"  # 429 / too many connections: exponential, from a minute


def failure_kind(error: TransientError | None) -> FailureKind:
    """The ladder ``error`` (``None``: a clean close) climbs."""
    if isinstance(error, RateLimited):
        return FailureKind.RATE_LIMITED
    if isinstance(error, ServerRefused):
        return FailureKind.REFUSED
    return FailureKind.NETWORK


@dataclass(frozen=True)
class ReconnectAttempts:
    """Failures of each kind since the last healthy connection (all 0 at start).

    Counted apart because the ladders differ by orders of magnitude: with one shared count,
    ten quick drops (waits of a few seconds) put the first 503 after them on the HTTP
    ladder's eleventh step, 320 s, where the README promises it starts at 5 s."""

    network: int = 0
    refused: int = 0
    rate_limited: int = 0

    def of(self, kind: FailureKind) -> int:
        count: int = getattr(self, kind.value)
        return count

    def after(
        self, error: TransientError | None, connected_for_s: float, policy: ReconnectPolicy
    ) -> ReconnectAttempts:
        """The counts once a connection that lasted ``connected_for_s`` ended with
        ``error``: one more of its kind, after a reset of every kind if it stayed up long
        enough to count as healthy (a refused connect lasted 0 s)."""
        base = ReconnectAttempts() if connected_for_s >= policy.healthy_after_s else self
        kind = failure_kind(error)
        return replace(base, **{kind.value: base.of(kind) + 1})


def backoff_after(
    attempts: ReconnectAttempts,
    error: TransientError | None,
    connected_for_s: float,
    policy: ReconnectPolicy,
    rng: random.Random,
) -> tuple[ReconnectAttempts, float]:
    """The counts after this failure and the seconds to wait before connecting again."""
    counted = attempts.after(error, connected_for_s, policy)
    return counted, reconnect_delay_s(policy, error, counted.of(failure_kind(error)), rng)


def next_attempt(previous: int, connected_for_s: float, policy: ReconnectPolicy) -> int:
    """The attempt number of the reconnect after a connection that lasted
    ``connected_for_s``: a connection that stayed up long enough counts as healthy, so the
    backoff starts over from its first step. (One ladder; the runner counts each kind of
    failure apart with ``ReconnectAttempts``.)"""
    if connected_for_s >= policy.healthy_after_s:
        return 1
    return previous + 1


def reconnect_delay_s(
    policy: ReconnectPolicy,
    error: TransientError | None,
    attempt: int,
    rng: random.Random,
) -> float:
    """Seconds to wait before connection attempt ``attempt`` (1-based, counted among the
    failures of ``error``'s kind) after ``error`` (``None``: the server closed the stream
    cleanly)."""
    steps = max(attempt - 1, 0)
    exponent = min(steps, 30)  # 2**30 times any base is beyond every cap
    kind = failure_kind(error)
    if kind is FailureKind.RATE_LIMITED:
        delay = min(policy.rate_limited_base_s * 2.0**exponent, policy.rate_limited_max_s)
    elif kind is FailureKind.REFUSED:
        delay = min(policy.http_base_s * 2.0**exponent, policy.http_max_s)
    else:
        delay = min(policy.network_step_s * steps, policy.network_max_s)
    # Jitter both ways keeps the mean where X documents it and spreads daemons that lost
    # the same server at the same moment; a first retry "at once" stays at once.
    delay *= 1.0 + rng.uniform(-policy.jitter, policy.jitter)
    retry_after = error.retry_after_s if error is not None else None
    if retry_after is not None:
        delay = max(delay, min(retry_after, RETRY_AFTER_CEILING_S))
    return max(delay, 0.0)
