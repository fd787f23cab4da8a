"""What a dashboard panel counts over: a brand (or all), a time range, a bucket size.

Ranges are whole UTC hours, because the rollups are: ``since`` is floored and ``until``
ceiled to the hour, so every number is a sum of whole rollup rows and a search over the
same range finds exactly the mentions counted. Buckets are the hour, the UTC day, or the
ISO week (Monday 00:00 UTC); the first and last bucket are clipped to the range, so the
buckets always add up to the range's total.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

Bucket = Literal["hour", "day", "week"]
BUCKETS: tuple[Bucket, ...] = ("hour", "day", "week")

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WEEK = timedelta(days=7)
# A range at most this long is charted by the hour, then by the day; longer ones by week.
HOURLY_UP_TO = timedelta(days=3)
DAILY_UP_TO = timedelta(days=120)
# No panel counts more than this: a year and a bit covers "this year against last".
LONGEST_RANGE = timedelta(days=800)
# The years a range and its previous period may cover: datetime stops at years 1 and 9999,
# and a range near either end would overflow there (its previous period, a week's Monday,
# the next whole hour) as a 500. No mention is published before the epoch in practice.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
# More buckets than this would be an unreadable chart and a slow table.
MOST_BUCKETS = 1000


class ScopeError(ValueError):
    """A range or bucket the dashboard cannot count over; the message says what to change."""


def floor_hour(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return moment.replace(minute=0, second=0, microsecond=0)


def ceil_hour(moment: datetime) -> datetime:
    floored = floor_hour(moment)
    return floored if floored == moment.astimezone(UTC) else floored + HOUR


def bucket_for(since: datetime, until: datetime) -> Bucket:
    """The bucket size that fits a range: hours up to 3 days, days up to 120, then weeks."""
    length = until - since
    if length <= HOURLY_UP_TO:
        return "hour"
    return "day" if length <= DAILY_UP_TO else "week"


def _bucket_start(moment: datetime, bucket: Bucket) -> datetime:
    if bucket == "hour":
        return floor_hour(moment)
    day = floor_hour(moment).replace(hour=0)
    return day if bucket == "day" else day - timedelta(days=day.weekday())


def _step(bucket: Bucket) -> timedelta:
    return {"hour": HOUR, "day": DAY, "week": WEEK}[bucket]


@dataclass(frozen=True)
class StatsScope:
    """One brand (None: all brands) over ``[since, until)`` (whole UTC hours), charted in
    ``bucket``s. Build it with ``scope_for``, which checks and aligns the range."""

    brand: str | None
    since: datetime
    until: datetime
    bucket: Bucket

    @property
    def length(self) -> timedelta:
        return self.until - self.since

    def previous(self) -> StatsScope:
        """The period of the same length just before this one ("against the previous")."""
        return StatsScope(self.brand, self.since - self.length, self.since, self.bucket)

    def buckets(self) -> list[tuple[datetime, datetime]]:
        """The buckets' ``[start, end)`` spans covering the range, in order; the first and
        last are clipped to it."""
        spans: list[tuple[datetime, datetime]] = []
        start = _bucket_start(self.since, self.bucket)
        step = _step(self.bucket)
        while start < self.until:
            spans.append((max(start, self.since), min(start + step, self.until)))
            start += step
        return spans


def scope_for(
    brand: str | None,
    since: datetime,
    until: datetime,
    bucket: Bucket | None = None,
) -> StatsScope:
    """The scope of a request: the range aligned to whole hours, the bucket fitted to it
    when not given; ``ScopeError`` for an empty, reversed, too long or too finely cut one."""
    if since.tzinfo is None or until.tzinfo is None:
        raise ScopeError("since and until need a time zone (UTC is assumed nowhere silently)")
    if not EARLIEST <= since <= LATEST or not EARLIEST <= until <= LATEST:
        raise ScopeError(f"since and until must lie between {EARLIEST.date()} and {LATEST.date()}")
    start, end = floor_hour(since), ceil_hour(until)
    if end <= start:
        raise ScopeError(f"since ({since.isoformat()}) must be before until ({until.isoformat()})")
    if end - start > LONGEST_RANGE:
        raise ScopeError(f"the range is longer than {LONGEST_RANGE.days} days: shorten it")
    if start - (end - start) < EARLIEST:
        raise ScopeError(f"the previous period of the range would start before {EARLIEST.date()}")
    chosen = bucket or bucket_for(start, end)
    if chosen not in BUCKETS:
        raise ScopeError(f"bucket must be one of {', '.join(BUCKETS)}, not {chosen!r}")
    scope = StatsScope(brand.strip() or None if brand else None, start, end, chosen)
    if (end - start) / _step(chosen) > MOST_BUCKETS:
        raise ScopeError(
            f"{chosen} buckets over {(end - start).days} days are more than {MOST_BUCKETS}:"
            " choose a larger bucket"
        )
    return scope
