"""Reading single values out of an API's JSON, where any field may be missing or odd.

JSON booleans are ints to Python (``isinstance(True, int)``): a count of ``true`` must not
become 1. Ids arrive as numbers from one API and numeric strings from the next.
"""

from __future__ import annotations

from typing import Any


def as_count(value: Any) -> int | None:
    """A JSON integer (likes, replies, followers), else ``None``; never a boolean."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_int(value: Any) -> int | None:
    """An integer given as a number or a numeric string (ids, epoch seconds), else ``None``."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def as_text(value: Any) -> str | None:
    """A non-empty string, else ``None``."""
    return value if isinstance(value, str) and value else None


# What mapping one odd item can raise: a field of the wrong type (``"snippet": "x"`` where
# an object was expected), a missing key, an unparsable number. A source catches these per
# item, reports the item in ``PollResult.problems`` and keeps the rest of the poll.
MAPPING_ERRORS = (AttributeError, KeyError, TypeError, ValueError, IndexError, OverflowError)


def skipped(where: str, exc: Exception) -> str:
    """The problem line for an item that could not be mapped."""
    return f"{where}: skipped a malformed item ({type(exc).__name__}: {exc})"
