"""Small helpers the rules share: which brands a rule watches, titles, time keys."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from listener.config.alerts import RuleBase
from listener.models import AlertKind, Severity
from listener.store.alert_contract import AlertTx

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
    one key per slot keeps two daemons (or a retried batch) from raising the same alert
    twice; ``raised_within`` makes it one per cooldown across a slot's end."""
    slots = (now - _EPOCH) // period
    return _EPOCH + slots * period


def raised_within(
    tx: AlertTx, kind: AlertKind, rule: str, brand: str, now: datetime, cooldown: timedelta
) -> bool:
    """Whether the rule raised an alert of this kind for the brand in the last ``cooldown``,
    whatever became of it. The aligned key alone is not enough: an incident raised at 15:50
    and ignored at 15:55 would be raised again, from the same mentions, at 16:00."""
    # alerts_between's end is exclusive; an alert of this very batch has created_at == now.
    found = tx.alerts_between(now - cooldown, now + timedelta(microseconds=1), brand=brand)
    return any(a.kind is kind and a.rule == rule for a in found)


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
