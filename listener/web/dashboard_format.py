"""How the dashboard page writes its numbers: counts with thousands separators, shares as
percentages, changes against the previous period with an arrow and a word (never colour
alone), durations in the unit a person would say, buckets as dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from listener.store.stats.models import ratio


@dataclass(frozen=True)
class Change:
    arrow: str  # ▲ ▼ or "" (no change, nothing to compare)
    text: str  # "+12 %", "−3 %", "new", "no change", "no earlier data to compare"
    tone: str  # "worse", "better" or "same" (also: no judgement): the CSS class
    words: str  # for screen readers and the tooltip: "up 12 % on the previous period";
    # "" when the text already says it all


# A change with no previous figure (the previous period held nothing to divide by): said
# in plain words, as a dash beside a rate read as a missing number.
NO_EARLIER_DATA = Change("", "no earlier data to compare", "same", "")


def count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def percent(share: float | None, digits: int = 1) -> str:
    if share is None:
        return "—"
    shown = f"{share * 100:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{share * 100:.0f}"
    return f"{shown} %"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h".replace(".0 h", " h")
    return f"{seconds / 86400:.1f} days".replace(".0 days", " days")


def _tone(up: bool, up_is_bad: bool | None) -> str:
    # None: more is neither good nor bad (mentions: a launch or a crisis).
    if up_is_bad is None:
        return "same"
    return "worse" if up == up_is_bad else "better"


def change(now: float | None, before: float | None, *, up_is_bad: bool | None = False) -> Change:
    """``now`` against ``before``: the relative change for counts and durations."""
    if now is None or before is None:
        return NO_EARLIER_DATA
    if before == 0:
        if now == 0:
            return Change("", "no change", "same", "none then or now")
        return Change("▲", "new", _tone(True, up_is_bad), "none in the previous period")
    moved = ratio_change(now, before)
    if abs(moved) < 0.005:
        return Change("", "no change", "same", "the same as the previous period")
    up = moved > 0
    text = f"{'+' if up else '−'}{abs(moved) * 100:.0f} %"
    tone = _tone(up, up_is_bad)
    words = f"{'up' if up else 'down'} {abs(moved) * 100:.0f} % on the previous period"
    return Change("▲" if up else "▼", text, tone, words)


def ratio_change(now: float, before: float) -> float:
    return (now - before) / before


def point_change(now: float | None, before: float | None, *, up_is_bad: bool = False) -> Change:
    """A share against the previous one, in percentage points (a rate's change in % of a
    rate reads as nonsense: 2 % to 3 % is "+1 pt", not "+50 %")."""
    if now is None or before is None:
        return NO_EARLIER_DATA
    points = (now - before) * 100
    if abs(points) < 0.05:
        return Change("", "no change", "same", "the same as the previous period")
    up = points > 0
    text = f"{'+' if up else '−'}{abs(points):.1f} pt"
    tone = _tone(up, up_is_bad)
    words = f"{'up' if up else 'down'} {abs(points):.1f} points on the previous period"
    return Change("▲" if up else "▼", text, tone, words)


def change_ratio(value: float | None, previous: int) -> Change:
    """A breakdown row's change (``change_ratio`` None with nothing before: new)."""
    if value is None:
        return (
            Change("▲", "new", "same", "none in the previous period")
            if previous == 0
            else (Change("", "—", "same", ""))
        )
    return change(1 + value, 1.0, up_is_bad=None)


def share_of(part: int, whole: int) -> float | None:
    return ratio(part, whole)


def bucket_label(start: datetime, bucket: str) -> str:
    """A bucket as a person names it: "3 Nov 13:00", "Mon 3 Nov", "week of 3 Nov"."""
    start = start.astimezone(UTC)
    day = f"{start.day} {start:%b}"
    if bucket == "hour":
        return f"{day} {start:%H}:00"
    if bucket == "day":
        return f"{start:%a} {day}"
    return f"week of {day}"


_BUCKET_SIZES = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(days=7)}


def partial(start: datetime, end: datetime, bucket: str, now: datetime) -> str:
    """What a bucket clipped by the range's edge holds, or '' for a whole one: its counts are
    of fewer hours than its neighbours' and would read as a collapse ("so far, 2 h" for the
    bucket still running, the current hour too; "from 02:00" for one the range starts inside,
    "to 02:00" for one it ends inside)."""
    size = _BUCKET_SIZES.get(bucket)
    running = start <= now < end  # the current hour: a preset's until is now ceiled
    if not running and (size is None or end - start >= size):
        return ""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if running:
        minutes = int((now - start).total_seconds() // 60)
        return f"so far, {minutes // 60} h" if minutes >= 60 else f"so far, {minutes} min"
    if start.hour or start.minute:
        return f"from {start:%H:%M}"
    return f"to {end:%H:%M}"


def length(since: datetime, until: datetime) -> str:
    """A range's length as said: "24 hours", "7 days", "1 day 5 hours"."""
    hours = int((until - since).total_seconds() // 3600)
    days, rest = divmod(hours, 24)
    if days == 0 or (days == 1 and rest == 0):
        return f"{hours} hours"
    said = f"{days} day{'s' if days != 1 else ''}"
    return said + (f" {rest} hour{'s' if rest != 1 else ''}" if rest else "")


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


FORMAT = {
    "count": count,
    "percent": percent,
    "duration": duration,
    "change": change,
    "point_change": point_change,
    "change_ratio": change_ratio,
    "share_of": share_of,
    "bucket_label": bucket_label,
    "epoch": epoch,
    "length": length,
    "partial": partial,
}
