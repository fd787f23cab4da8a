"""Timestamps as APIs send them, read into aware UTC datetimes.

Formats met in the wild: ISO 8601 with "Z", an offset ("-07:00") or no zone at all (Lemmy
0.18, Yelp: taken as UTC), with 0, 3, 6 or 9 fraction digits (Bluesky sends 3 or 6);
"2026-08-01 15:00:00" with a space; epoch seconds as int, float or string (Reddit
``created_utc`` "1700000000.0", HN ``created_at_i``, Stack Exchange). Anything else is
``None``: a source falls back to the fetch time rather than failing the whole poll.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, time, timedelta, tzinfo

# More than 6 fraction digits: datetime.fromisoformat keeps at most microseconds.
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")
_EPOCH_TEXT = re.compile(r"\d{9,11}(?:\.\d+)?")


def parse_timestamp(value: object) -> datetime | None:
    """``value`` as an aware UTC datetime, or ``None`` when it is not a timestamp."""
    if isinstance(value, bool) or value is None:
        return None  # Reddit's "edited": false
    if isinstance(value, int | float):
        return from_epoch(float(value))
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _EPOCH_TEXT.fullmatch(text):
        return from_epoch(float(text))
    text = _LONG_FRACTION.sub(r"\1", text)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def from_epoch(seconds: float) -> datetime | None:
    """Epoch seconds as aware UTC; ``None`` for values no clock gives (NaN, year 10,000)."""
    if not math.isfinite(seconds) or seconds < 0:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def epoch(moment: datetime) -> int:
    """Whole epoch seconds of an aware datetime (for ``fromdate=``, ``created_at_i>``)."""
    return int(moment.timestamp())


def iso_z(moment: datetime) -> str:
    """``2026-12-04T19:06:00Z``: the form query parameters such as ``since=`` want."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def seconds_until_midnight(now: datetime, zone: tzinfo = UTC) -> float:
    """Seconds from ``now`` to the next midnight in ``zone``: when daily API quotas reset
    (Stack Exchange and Yelp at 00:00 UTC, YouTube at midnight Pacific time)."""
    local = now.astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)
    return (midnight - now).total_seconds()
