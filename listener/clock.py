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


def to_iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``+00:00`` offset, to whole seconds."""
    if value is None:
        return None
    return ensure_utc(value).isoformat(timespec="seconds")


def from_iso(value: str | None) -> datetime | None:
    """Parse what ``to_iso`` wrote (or any ISO 8601 string) back to an aware UTC datetime."""
    if not value:
        return None
    return ensure_utc(datetime.fromisoformat(value))
