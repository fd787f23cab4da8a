"""Time in one place, so that time-based behaviour is testable without sleeping.

Every datetime in listener is timezone-aware UTC. Code that needs "now" takes a
``Clock`` (a zero-argument callable) from its context instead of calling
``datetime.now`` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The real clock: now, UTC-aware."""
    return datetime.now(UTC)


def ensure_utc(value: datetime) -> datetime:
    """Return ``value`` as an aware UTC datetime; a naive value is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
