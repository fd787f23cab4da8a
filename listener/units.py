"""Durations and sizes as written in settings: ``"1h30m"``, ``"10MiB"``, or a bare number.

``parse_duration``/``format_duration``/``parse_size`` are plain functions (the CLI's ``--since``
uses them too); ``Duration``, ``PositiveDuration`` and ``ByteSize`` are the pydantic field types
that accept those forms, and ``at_least`` adds a lower bound to a duration field.

Every value a setting can hold is bounded by what the code can hold: a duration by
``MAX_DURATION`` (``interval: 999999999999`` used to pass ``check`` and overflow the next
check's date on every poll), a size by ``MAX_BYTES``, a count by ``MAX_COUNT``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

DURATION_FORMS = '"30s", "10m", "1h", "1h30m", "2d", "250ms", or a whole number of seconds'
# Milliseconds are for the few settings measured in them (a stream's batch window); "m" is
# minutes only when no "s" follows it.
_DURATION = re.compile(
    r"(?:([0-9]+)d)?\s*(?:([0-9]+)h)?\s*(?:([0-9]+)m(?!s))?\s*(?:([0-9]+)s)?\s*(?:([0-9]+)ms)?"
)
_SIZE = re.compile(r"([0-9]+)\s*(b|kb|mb|gb|kib|mib|gib)?")
# KB/MB/GB are decimal and KiB/MiB/GiB binary, as in IEC 80000-13.
_SIZE_UNITS = {
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
}
SIZE_FORMS = '"10MiB", "512KB", "1GB", or a whole number of bytes'

# A century: longer than any interval, window or look-back worth setting (a look-back of
# "everything" is written 6000d), and small enough that a date plus or minus it stays a
# date (datetime ends at year 9999) and a thousand of it (``intervals`` × ``interval``)
# stays a timedelta.
MAX_DURATION = timedelta(days=36525)
# A size is held in memory (a response body is read whole): a gibibyte is already too much.
MAX_BYTES = 2**30
# Counts go into SQLite as 64-bit integers and into arithmetic with dates; none needs more.
MAX_COUNT = 1_000_000_000


def parse_duration(text: str) -> timedelta:
    """``"1h30m"`` → 90 minutes. Units d, h, m, s, largest first; a bare number is seconds."""
    cleaned = text.strip().lower()
    if re.fullmatch(r"[0-9]+", cleaned):
        return _seconds(int(cleaned), text)
    match = _DURATION.fullmatch(cleaned)
    if match is None or not any(match.groups()):
        raise ValueError(f"invalid duration {text!r}: use {DURATION_FORMS}")
    days, hours, minutes, seconds, millis = (int(group or 0) for group in match.groups())
    try:
        return timedelta(
            days=days, hours=hours, minutes=minutes, seconds=seconds, milliseconds=millis
        )
    except OverflowError:
        raise ValueError(_too_long(text)) from None


def _too_long(text: object) -> str:
    return f"duration {text!r} is too long: at most {format_duration(MAX_DURATION)} (a century)"


def _seconds(count: int, text: object) -> timedelta:
    try:
        return timedelta(seconds=count)
    except OverflowError:
        raise ValueError(_too_long(text)) from None


def format_duration(value: timedelta) -> str:
    """The inverse of ``parse_duration``: 5400 s → ``"1h30m"``, 0.25 s → ``"250ms"``."""
    millis = round(value.total_seconds() * 1000)
    if millis <= 0:
        return f"{millis // 1000}s"
    parts = []
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)):
        count, millis = divmod(millis, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def parse_size(text: str) -> int:
    """``"10MiB"`` → 10485760 bytes; ``"512KB"`` → 512000; a bare number is bytes."""
    match = _SIZE.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(f"invalid size {text!r}: use {SIZE_FORMS}")
    return int(match.group(1)) * _SIZE_UNITS[match.group(2) or "b"]


def _duration_input(value: object) -> object:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return _seconds(value, value)
    if isinstance(value, str):
        return parse_duration(value)
    raise ValueError(f"expected a duration: {DURATION_FORMS}")


def _size_input(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        return parse_size(value)
    raise ValueError(f"expected a size: {SIZE_FORMS}")


def at_least(minimum: timedelta) -> AfterValidator:
    """A lower bound for a ``Duration`` field: ``Annotated[Duration, at_least(...)]``."""

    def check(value: timedelta) -> timedelta:
        if value < minimum:
            raise ValueError(f"must be at least {format_duration(minimum)}")
        return value

    return AfterValidator(check)


def _at_most_max(value: timedelta) -> timedelta:
    if value > MAX_DURATION:
        raise ValueError(
            f"must be at most {format_duration(MAX_DURATION)} (a century): a longer one"
            " overflows the dates computed from it"
        )
    return value


def _size_at_most_max(value: int) -> int:
    if value > MAX_BYTES:
        raise ValueError(f"must be at most 1GiB ({MAX_BYTES} bytes): a size is held in memory")
    return value


Duration = Annotated[timedelta, BeforeValidator(_duration_input), AfterValidator(_at_most_max)]
PositiveDuration = Annotated[Duration, at_least(timedelta(seconds=1))]
ByteSize = Annotated[
    int, BeforeValidator(_size_input), Field(ge=1024), AfterValidator(_size_at_most_max)
]
