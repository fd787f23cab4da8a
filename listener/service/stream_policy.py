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
linear steps instead of being hammered in a loop. ``attempt`` is 1-based and counts the
connections in a row that ended before ``healthy_after_s`` (``next_attempt``). Nothing here
sleeps or reads a clock.
"""

from __future__ import annotations

import random

from listener.sources.errors import RateLimited, ServerRefused, TransientError
from listener.sources.streaming import ReconnectPolicy

# A server's Retry-After is obeyed, but one that says "in a year" must not silence a stream
# for good: past an hour it is more likely a bug than a plan.
RETRY_AFTER_CEILING_S = 3600.0


def next_attempt(previous: int, connected_for_s: float, policy: ReconnectPolicy) -> int:
    """The attempt number of the reconnect after a connection that lasted
    ``connected_for_s``: a connection that stayed up long enough counts as healthy, so the
    backoff starts over from its first step."""
    if connected_for_s >= policy.healthy_after_s:
        return 1
    return previous + 1


def reconnect_delay_s(
    policy: ReconnectPolicy,
    error: TransientError | None,
    attempt: int,
    rng: random.Random,
) -> float:
    """Seconds to wait before connection attempt ``attempt`` (1-based) after ``error``
    (``None``: the server closed the stream cleanly)."""
    steps = max(attempt - 1, 0)
    exponent = min(steps, 30)  # 2**30 times any base is beyond every cap
    if isinstance(error, RateLimited):
        delay = min(policy.rate_limited_base_s * 2.0**exponent, policy.rate_limited_max_s)
    elif isinstance(error, ServerRefused):
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
