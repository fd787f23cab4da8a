"""The dashboard's URL: which brand, range and bucket it shows, read into a ``StatsScope``.

``/dashboard?brand=Acme&range=7d`` — ``range`` is a preset (``24h 7d 30d 90d 180d``, the
default ``7d``: until is now ceiled to the next whole hour, since is until − the preset) or
``custom`` with ``since``/``until`` (a date is its midnight UTC, or an ISO datetime with a
zone; ``until`` exclusive, now when left out) and an optional ``bucket`` (hour, day, week).
The page, ``/api/v1/stats/{panel}`` and its CSV read the same parameters through
``scope_from_params``, so a panel's API URL is the page's query with another path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from listener.config.settings import Settings
from listener.store.stats.scope import (
    BUCKETS,
    EARLIEST,
    LATEST,
    LONGEST_RANGE,
    Bucket,
    ScopeError,
    StatsScope,
    ceil_hour,
    floor_hour,
    scope_for,
)
from listener.web.search_form import query_with, read_moment

PRESETS: dict[str, timedelta] = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
    "180d": timedelta(days=180),
}
PRESET_LABELS = {
    "24h": "Last 24 hours",
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "90d": "Last 90 days",
    "180d": "Last 180 days",
}
DEFAULT_RANGE = "7d"
CUSTOM = "custom"
# The parameters the dashboard reads; anything else in its URL is left out of its links.
PARAMS = ("brand", "range", "since", "until", "bucket")
_LONGEST_VALUE = 100


class DashboardProblem(ValueError):
    """A dashboard URL that cannot be counted over; the message says what to change."""


@dataclass(frozen=True)
class DashboardRequest:
    """What a dashboard URL asks for, checked: the scope, and how the URL said it (the
    range's name, the bucket only when chosen) so links keep the same state."""

    scope: StatsScope
    range: str  # a PRESETS key or CUSTOM
    chosen_bucket: Bucket | None

    def params(self) -> dict[str, str]:
        """The request as the URL's parameters (defaults left out: the shareable address)."""
        found: dict[str, str] = {}
        if self.scope.brand:
            found["brand"] = self.scope.brand
        if self.range != DEFAULT_RANGE:
            found["range"] = self.range
        if self.range == CUSTOM:
            found["since"] = iso_param(self.scope.since)
            found["until"] = iso_param(self.scope.until)
        if self.chosen_bucket is not None:
            found["bucket"] = self.chosen_bucket
        return found

    def query(self, **changes: str | None) -> str:
        """``?…`` of this request with ``changes`` (None removes a parameter), or ''."""
        return query_with(self.params(), changes)

    def url(self, **changes: str | None) -> str:
        return "/dashboard" + self.query(**changes)

    def preset_url(self, preset: str) -> str:
        """This dashboard over a preset range: its own bucket (the fitted one) too, as an
        hourly bucket chosen for a day would be 4,320 bars over 180 days."""
        return self.url(range=None if preset == DEFAULT_RANGE else preset, since=None,
                        until=None, bucket=None)  # fmt: skip


def iso_param(moment: datetime) -> str:
    """A whole-hour UTC time as the URL carries it: a date at midnight, else ``…T13:00Z``."""
    moment = moment.astimezone(UTC)
    if moment.hour == 0:
        return moment.date().isoformat()
    return moment.strftime("%Y-%m-%dT%H:%MZ")


# The form's own names for since and until: a problem is said in the words on the page.
FIELD_NAMES = {"since": "From", "until": "Before"}


def _moment(value: str, name: str) -> datetime:
    example = "2026-11-01 or 2026-11-01T13:00Z"
    field = FIELD_NAMES.get(name, name)
    try:
        moment = read_moment(value)
    except ValueError:
        raise DashboardProblem(
            f"{field} must be a date or a time ({example}), not {value!r}"
        ) from None
    if moment.tzinfo is None:
        raise DashboardProblem(f"{field} needs a time zone ({example}): Z for UTC")
    return moment.astimezone(UTC)


def _said(moment: datetime, now: datetime) -> str:
    """A range's edge as the form's reader names it: "7 Dec", "7 Dec 13:00", "7 Dec 2025"."""
    said = f"{moment.day} {moment:%b}"
    if moment.year != now.year:
        said += f" {moment.year}"
    return said if moment.hour == 0 and moment.minute == 0 else said + f" {moment:%H:%M}"


def _check_custom(since: datetime, until: datetime, now: datetime) -> None:
    """The custom range's own mistakes in the form's words (scope_for says them in since
    and until, the API's names)."""
    if not (EARLIEST <= since <= LATEST and EARLIEST <= until <= LATEST):
        return  # scope_for refuses it, before any hour arithmetic could overflow
    start, end = floor_hour(since), ceil_hour(until)
    if end <= start:
        raise DashboardProblem(
            f"From ({_said(since, now)}) must be before Before ({_said(until, now)})"
        )
    if end - start > LONGEST_RANGE:
        raise DashboardProblem(
            f"From ({_said(since, now)}) to Before ({_said(until, now)}) is"
            f" {(end - start).days} days: the longest range is {LONGEST_RANGE.days} days"
        )


def _brand(value: str, settings: Settings) -> str | None:
    if not value:
        return None
    for brand in settings.brands:
        if brand.name.casefold() == value.casefold():
            return brand.name
    configured = ", ".join(b.name for b in settings.brands) or "none"
    raise DashboardProblem(
        f"brand {value!r} is not configured (configured: {configured}); leave it empty for all"
    )


def _range(params: Mapping[str, str]) -> str:
    named = params.get("range", "").strip()
    # A custom date sent from the form beside a preset's name: the dates were chosen.
    if params.get("since", "").strip() and (not named or named in PRESETS):
        return CUSTOM
    if not named:
        return DEFAULT_RANGE
    if named != CUSTOM and named not in PRESETS:
        raise DashboardProblem(
            f"range must be one of {', '.join(PRESETS)} or custom, not {named!r}"
        )
    return named


def scope_from_params(
    params: Mapping[str, str], settings: Settings, now: datetime
) -> DashboardRequest:
    """The dashboard a URL asks for (``DashboardProblem`` when it cannot be counted)."""
    values = {name: params.get(name, "").strip() for name in PARAMS}
    for name, value in values.items():
        if len(value) > _LONGEST_VALUE:
            raise DashboardProblem(f"{name} is longer than {_LONGEST_VALUE} characters")
    brand = _brand(values["brand"], settings)
    named = _range(values)
    bucket_name = values["bucket"]
    if bucket_name and bucket_name not in BUCKETS:
        raise DashboardProblem(f"bucket must be one of {', '.join(BUCKETS)}, not {bucket_name!r}")
    bucket: Bucket | None = next((b for b in BUCKETS if b == bucket_name), None)
    if named == CUSTOM:
        if not values["since"]:
            raise DashboardProblem("a custom range needs since (a date such as 2026-11-01)")
        since = _moment(values["since"], "since")
        until = _moment(values["until"], "until") if values["until"] else ceil_hour(now)
        _check_custom(since, until, now)
    else:
        until = ceil_hour(now)
        since = until - PRESETS[named]
    try:
        scope = scope_for(brand, since, until, bucket)
    except ScopeError as error:
        raise DashboardProblem(str(error)) from None
    return DashboardRequest(scope=scope, range=named, chosen_bucket=bucket)
