"""Reading an API's own rate-limit signals, so a source slows down before it is blocked.

Every API spells its budget differently; this module reads them all into one ``RateBudget``:

    header family                              reset means                 seen at
    x-ratelimit-limit/-remaining/-reset        seconds until reset         Reddit ("599.0")
    x-ratelimit-limit/-remaining/-reset        epoch seconds               GitHub
    x-ratelimit-limit/-remaining/-reset        ISO 8601 instant            Mastodon
    x-rate-limit-limit/-remaining/-reset       epoch seconds               X (Twitter) v2
    RateLimit-Limit/-Remaining/-Reset          epoch seconds or delta      Bluesky, IETF draft
    RateLimit: limit=…, remaining=…, reset=…   delta seconds               IETF draft (newer form)

A reset value is read as epoch seconds when it is a plausible date (past 2001) and as a
delay otherwise: no real window is 31 years long. ``pause_s`` turns a budget into the wait
the scheduler should respect (``PollResult.min_next_check_s``), spreading the requests that
are left over the time until the window resets.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import httpx

from listener.sources.timestamps import parse_timestamp

# Any number above this is an epoch timestamp (2001-09-09), not a delay in seconds.
_EPOCH_FLOOR = 1_000_000_000
# Below this share of the window's budget, requests are spread until the reset.
LOW_BUDGET_SHARE = 0.1
_PREFIXES = ("x-ratelimit-", "x-rate-limit-", "ratelimit-")


@dataclass(frozen=True)
class RateBudget:
    """What an API says is left of its request budget."""

    remaining: float | None  # requests left in this window
    limit: float | None  # requests per window
    reset_s: float | None  # seconds until the window resets (0 when already past)

    @property
    def exhausted(self) -> bool:
        return self.remaining is not None and self.remaining < 1


def read_budget(headers: Mapping[str, str], now: datetime) -> RateBudget | None:
    """The budget announced by ``headers``, or ``None`` when they carry none."""
    headers = httpx.Headers(headers)
    for prefix in _PREFIXES:
        remaining = _number(headers.get(prefix + "remaining"))
        if remaining is not None:
            return RateBudget(
                remaining=remaining,
                limit=_number(headers.get(prefix + "limit")),
                reset_s=reset_seconds(headers.get(prefix + "reset"), now),
            )
    combined = headers.get("ratelimit")
    if combined:
        fields = _structured(combined)
        remaining = _number(fields.get("remaining") or fields.get("r"))
        if remaining is not None:
            return RateBudget(
                remaining=remaining,
                limit=_number(fields.get("limit")),
                reset_s=_number(fields.get("reset") or fields.get("t")),
            )
    return None


def reset_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds until a reset given as a delay, epoch seconds or an ISO 8601 instant."""
    if value is None or not value.strip():
        return None
    number = _number(value)
    if number is not None:
        if number >= _EPOCH_FLOOR:
            return max(0.0, number - now.timestamp())
        return max(0.0, number)
    when = parse_timestamp(value)
    return None if when is None else max(0.0, (when - now).total_seconds())


def pause_s(budget: RateBudget | None, requests_per_poll: int = 1) -> float | None:
    """How long to wait before the next poll so the budget is not overdrawn, or ``None``.

    No wait while the budget is comfortable. When fewer requests are left than one poll
    needs, wait for the reset; when it is low, spread what is left over the window.
    """
    if budget is None or budget.remaining is None or budget.reset_s is None:
        return None
    if budget.remaining < max(1, requests_per_poll):
        return budget.reset_s
    low = LOW_BUDGET_SHARE * budget.limit if budget.limit else requests_per_poll * 5
    if budget.remaining > low:
        return None
    polls_left = budget.remaining / max(1, requests_per_poll)
    return budget.reset_s / polls_left


def longest(*waits: float | None) -> float | None:
    """The longest of several server hints (``None`` where none was given)."""
    given = [w for w in waits if w is not None]
    return max(given) if given else None


def describe(budget: RateBudget | None) -> str:
    """For log lines and errors: "12 of 300 requests left, resets in 240 s"."""
    if budget is None or budget.remaining is None:
        return "no rate-limit headers"
    of = f" of {budget.limit:g}" if budget.limit is not None else ""
    resets = f", resets in {budget.reset_s:.0f} s" if budget.reset_s is not None else ""
    return f"{budget.remaining:g}{of} requests left{resets}"


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _structured(value: str) -> dict[str, str]:
    """``limit=100, remaining=50, reset=5`` (or ``;``-separated) as a dict."""
    fields: dict[str, str] = {}
    for part in value.replace(";", ",").split(","):
        name, sep, arg = part.strip().partition("=")
        if sep:
            fields[name.strip().lower()] = arg.strip().strip('"')
    return fields
