"""How the mention, author and sources pages show times, numbers and links.

Passed to their templates as ``show``: times relative ("5 min ago") with the exact UTC time
for ``title=``, numbers with thousands separators, and the one rule for links from the
internet: only an absolute http(s) URL becomes a link; anything else (``javascript:``,
``data:``, a relative path) is shown as text.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote, urlsplit

_UNITS = (
    ("year", 365 * 86400),
    ("month", 30 * 86400),
    ("day", 86400),
    ("h", 3600),
    ("min", 60),
)
_PLURAL = frozenset({"year", "month", "day"})


def link_or_none(url: str | None) -> str | None:
    """``url`` when a browser may follow it from our page, else None (shown as text)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


# Feeds (RSS, Atom) and review sites name a person without an account on the network; the
# store gathers an author's mentions by account (handle), so no author page can exist.
NO_ACCOUNT_NOTE = (
    "This source names authors without an account, so their other mentions cannot be gathered."
)


def author_page_path(source_type: str | None, handle: str | None) -> str | None:
    """The author page of ``handle`` on ``source_type``; None when the source gave no handle."""
    if not handle or not source_type:
        return None
    return f"/authors/{quote(source_type, safe='')}/{quote(handle, safe='@')}"


def humanise(name: object) -> str:
    """A topic, feeling, flag or approach as a person reads it: "product_quality" →
    "product quality". The one spelling every template uses (the ``humanise`` filter)."""
    return str(name).replace("_", " ").strip()


_MODEL_PART_NAMES = {"vader": "VADER"}


def model_words(model: str) -> str:
    """The judging model's id in words: "vader-3.3+listener-1" → "listener 1 (VADER 3.3 and
    rules)" — our own judge first, the pieces it is built from after."""
    parts = [p for p in model.split("+") if p]
    named = []
    ours = None
    for part in parts:
        name, _, version = part.partition("-")
        words = f"{_MODEL_PART_NAMES.get(name.lower(), name)} {version}".strip()
        if name.lower() == "listener":
            ours = words
        else:
            named.append(words)
    if ours is None:
        return " and ".join(named) or model
    return f"{ours} ({' and '.join([*named, 'rules'])})"


class Show:
    """Formatting bound to one request's "now" (the context's clock)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def ago(self, when: datetime | None) -> str:
        """ "3 h ago", "in 5 min", "just now"; "—" for no time."""
        if when is None:
            return "—"
        seconds = (when - self.now).total_seconds()
        span = abs(seconds)
        if span < 45:
            return "just now" if seconds <= 0 else "in a few seconds"
        for unit, size in _UNITS:
            # Days up to two months, months up to two years: "45 days", "14 months".
            if span >= size * (2 if unit in ("year", "month") else 1):
                count = round(span / size)
                amount = f"{count} {unit}{'s' if unit in _PLURAL and count != 1 else ''}"
                break
        else:  # pragma: no cover - 45 s and more is at least a minute
            amount = f"{span:.0f} s"
        return f"in {amount}" if seconds > 0 else f"{amount} ago"

    @staticmethod
    def exact(when: datetime | None) -> str:
        return "" if when is None else f"{when:%Y-%m-%d %H:%M:%S} UTC"

    @staticmethod
    def number(value: int | float | None) -> str:
        if value is None:
            return "—"
        return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"

    @staticmethod
    def duration(span: timedelta) -> str:
        seconds = int(span.total_seconds())
        for unit, size in (("hour", 3600), ("minute", 60)):
            if seconds >= size and seconds % size == 0:
                count = seconds // size
                return f"{count} {unit}{'s' if count != 1 else ''}"
        return f"{seconds} seconds"

    link = staticmethod(link_or_none)
