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
