"""Value filters for the alert templates: numbers, times and durations written the same way
in every channel, and a rule's ``details`` turned into labelled facts and digest sections.

These only turn values into short plain strings (or lists of them); the template still
escapes each one for its markup, and still decides what the message says.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from listener.clock import ensure_utc

UNKNOWN = "unknown"
# details keys that are for machines, not people (the examples are shown as mentions).
_HIDDEN = frozenset({"example_ids", "sections", "delivery"})
_LABELS = {
    "count": "mentions",
    "expected": "usually",
    "baseline": "usually",
    "z": "standard deviations above usual",
    "window_s": "window",
    "share": "negative share",
    "previous_share": "negative share before",
    "threshold": "threshold",
    "negative": "negative mentions",
    "total": "mentions",
    "previous_total": "mentions before",
    "terms": "driving terms",
    "topics": "topics",
    "sources": "sources",
    "measure": "measure",
    "baseline_method": "baseline",
    "query": "query",
    "matched": "matched",
    "source": "source",
    "last_success": "last successful poll",
    "last_success_at": "last successful poll",
    "error": "last error",
    "last_error": "last error",
    "prior_contacts": "earlier contacts",
    "tags": "author tags",
}
_PERCENT_KEYS = frozenset({"share", "previous_share", "threshold"})
_SECONDS_KEYS = frozenset({"window_s", "interval_s", "ack_within_s"})


def when(value: datetime | str | None) -> str:
    """A time as people read it in an alert: ``2026-03-01 14:05 UTC``."""
    if value is None or value == "":
        return UNKNOWN
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        return when(parsed)
    return ensure_utc(value).strftime("%Y-%m-%d %H:%M UTC")


def count(value: int | float | None) -> str:
    """A count with thousands separators; ``None`` (the source does not say) is "unknown"."""
    if value is None:
        return UNKNOWN
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def duration(value: float | timedelta | None) -> str:
    """Seconds (or a timedelta) as ``1d 2h``, ``1h 30m``, ``45s``: two units at most."""
    if value is None:
        return UNKNOWN
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else value)
    if seconds < 60:
        return f"{max(seconds, 0)}s"
    parts = []
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return " ".join(parts[:2])


def percent(value: float | None) -> str:
    return UNKNOWN if value is None else f"{value:.0%}"


def describe(value: Any) -> str:
    """Any JSON-like value on one line: lists joined with commas, mappings as ``key n``."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return count(value)
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {describe(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(describe(v) for v in value)
    return str(value)


def _fact(key: str, value: Any) -> str:
    if key in _PERCENT_KEYS and isinstance(value, int | float):
        return percent(value)
    if key in _SECONDS_KEYS and isinstance(value, int | float):
        return duration(value)
    if key.endswith("_at") or key == "last_success":
        return when(value) if isinstance(value, str | datetime) else describe(value)
    return describe(value)


def detail_items(details: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """What a rule found, as (label, value) pairs in a stable order; empty values skipped."""
    if not details:
        return []
    items = []
    for key, value in details.items():
        if key in _HIDDEN or value is None or value == "" or value == [] or value == {}:
            continue
        items.append((_LABELS.get(key, key.replace("_", " ")), _fact(key, value)))
    return items


@dataclass(frozen=True, slots=True)
class Section:
    """One part of a digest: a title and its lines (raw text: templates escape it)."""

    title: str
    lines: tuple[str, ...]


def _section_lines(value: Any) -> tuple[str, ...]:
    if isinstance(value, Mapping):
        return tuple(f"{k}: {describe(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return tuple(describe(v) for v in value)
    return (describe(value),)


def digest_sections(details: Mapping[str, Any] | None) -> list[Section]:
    """A digest's sections. ``details["sections"]`` may list ``{"title", "lines"}`` (or
    ``items``) itself; otherwise every list or mapping in ``details`` is a section of its
    own, so a digest whose shape grows still shows everything it carries."""
    if not details:
        return []
    given = details.get("sections")
    sections: list[Section] = []
    if isinstance(given, list):
        for part in given:
            if isinstance(part, Mapping):
                title = str(part.get("title") or part.get("name") or "")
                lines = part.get("lines", part.get("items", ()))
                sections.append(Section(title, _section_lines(lines)))
        return sections
    if isinstance(given, Mapping):
        return [Section(str(k).replace("_", " "), _section_lines(v)) for k, v in given.items()]
    overview = tuple(
        f"{label}: {value}"
        for label, value in detail_items(
            {k: v for k, v in details.items() if not isinstance(v, Mapping | list | tuple)}
        )
    )
    if overview:
        sections.append(Section("overview", overview))
    for key, value in details.items():
        if key not in _HIDDEN and isinstance(value, Mapping | list | tuple) and value:
            sections.append(Section(key.replace("_", " "), _section_lines(value)))
    return sections


FORMAT_FILTERS: dict[str, Callable[..., Any]] = {
    "when": when,
    "count": count,
    "duration": duration,
    "percent": percent,
    "describe": describe,
    "detail_items": detail_items,
    "digest_sections": digest_sections,
}
