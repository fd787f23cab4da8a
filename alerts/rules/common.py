"""Small helpers the rules share: which brands a rule watches, titles, time keys."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from listener.config_alerts import RuleBase
from listener.models import Severity

TITLE_WORDS = 12
TITLE_CHARS = 90
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def watches(rule: RuleBase, brand: str) -> bool:
    """A rule with no ``brands`` watches every brand."""
    return rule.enabled and (not rule.brands or brand in rule.brands)


def watched_brands(rule: RuleBase, brands: Iterable[str]) -> list[str]:
    return [b for b in brands if watches(rule, b)]


def first_words(text: str, *, words: int = TITLE_WORDS, chars: int = TITLE_CHARS) -> str:
    """The opening words of ``text`` on one line, cut with "…" (raw: channels escape)."""
    head = " ".join(text[: chars * 4].split()[:words])
    cut = len(head) > chars or len(text.split(maxsplit=words)) > words
    head = head[:chars].rstrip()
    return head + "…" if cut else head


def aligned(now: datetime, period: timedelta) -> datetime:
    """The start of the ``period``-long slot (counted from the Unix epoch) holding ``now``:
    one key per slot makes "at most one alert per cooldown" hold across restarts."""
    slots = (now - _EPOCH) // period
    return _EPOCH + slots * period


def at_least(severity: Severity, minimum: Severity) -> bool:
    return severity.rank >= minimum.rank


def span_text(span: timedelta) -> str:
    """1h -> "1 hour", 2h -> "2 hours", 30m -> "30 minutes", 1d -> "1 day"."""
    seconds = int(span.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0 and seconds >= size:
            n = seconds // size
            return f"{n} {unit}" if n == 1 else f"{n} {unit}s"
    return f"{seconds} seconds"


def describe_duration(span: timedelta) -> str:
    """As ``span_text`` but "hour", not "1 hour": for "in the last hour"."""
    return span_text(span).removeprefix("1 ")
