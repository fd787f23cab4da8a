"""What the dashboard's panels count: plain frozen data, the same for the web page, the
JSON API, the CSV export, ``listener stats`` and the digest.

Every count is of live mentions (tombstones count nowhere) over a ``StatsScope``; every
"previous" is the same count over ``scope.previous()``. Rates and shares are derived in
properties, so a caller can never show a rate that disagrees with its counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# The sentiment labels a mention can carry (listener.models.SentimentLabel), in chart order.
SENTIMENTS: tuple[str, ...] = ("negative", "neutral", "positive", "unknown")


def ratio(part: int, whole: int) -> float | None:
    """``part / whole``, or None when there is nothing to divide (shown as "—", not 0 %)."""
    return part / whole if whole else None


@dataclass(frozen=True)
class VolumePoint:
    start: datetime
    end: datetime
    # Every label of SENTIMENTS is a key, 0 when none.
    by_sentiment: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_sentiment.values())


@dataclass(frozen=True)
class Incident:
    """A spike alert raised in the range, marked on the volume chart."""

    alert_id: int
    created_at: datetime
    brand: str | None
    title: str
    severity: str


@dataclass(frozen=True)
class Volume:
    points: list[VolumePoint]
    previous_total: int
    incidents: list[Incident]

    @property
    def total(self) -> int:
        return sum(p.total for p in self.points)

    def sentiment_total(self, label: str) -> int:
        return sum(p.by_sentiment.get(label, 0) for p in self.points)


@dataclass(frozen=True)
class ComplaintPoint:
    start: datetime
    end: datetime
    complaints: int
    mentions: int

    @property
    def rate(self) -> float | None:
        return ratio(self.complaints, self.mentions)


@dataclass(frozen=True)
class Complaints:
    points: list[ComplaintPoint]
    previous_complaints: int
    previous_mentions: int
    # The previous period bucket by bucket, as many as ``points`` (aligned by position).
    previous_points: list[ComplaintPoint] = field(default_factory=list)

    @property
    def complaints(self) -> int:
        return sum(p.complaints for p in self.points)

    @property
    def mentions(self) -> int:
        return sum(p.mentions for p in self.points)

    @property
    def rate(self) -> float | None:
        return ratio(self.complaints, self.mentions)

    @property
    def previous_rate(self) -> float | None:
        return ratio(self.previous_complaints, self.previous_mentions)


@dataclass(frozen=True)
class BrandShare:
    brand: str
    mentions: int
    negative: int


@dataclass(frozen=True)
class ShareOfVoice:
    """Every brand's mentions in the range (all brands, whatever the scope's brand: share
    is relative). A mention naming two brands counts for each, so shares are of the sum."""

    brands: list[BrandShare]

    @property
    def mentions(self) -> int:
        return sum(b.mentions for b in self.brands)

    @property
    def negative(self) -> int:
        return sum(b.negative for b in self.brands)

    def share(self, brand: BrandShare) -> float | None:
        return ratio(brand.mentions, self.mentions)

    def negative_share(self, brand: BrandShare) -> float | None:
        return ratio(brand.negative, self.negative)


@dataclass(frozen=True)
class CountChange:
    """One value of a breakdown (a topic, a feeling, a source, a language) now and before."""

    value: str
    count: int
    previous: int

    @property
    def change(self) -> int:
        return self.count - self.previous

    @property
    def change_ratio(self) -> float | None:
        """+0.5 for half again as many; None when there were none before (new)."""
        return None if not self.previous else (self.count - self.previous) / self.previous


@dataclass(frozen=True)
class Breakdown:
    """Counts per value of one dimension, most first. ``dimension`` names the search
    filter that finds a value's mentions: topic, feeling, source or language. For
    ``language``, values are primary subtags ("hi" holds hi-Latn, as search's filter
    does) and ``unknown`` is a mention whose language was not recognised."""

    dimension: str
    rows: list[CountChange]
    total: int  # mentions in the scope (a mention may hold several topics, or none)
    previous_total: int


@dataclass(frozen=True)
class RisingTerm:
    term: str
    mentions: int  # sampled mentions of the range holding the word
    previous_mentions: int  # sampled mentions of the previous period holding it
    ratio: float  # how many times as common as before (smoothed, see listener.query.terms)


@dataclass(frozen=True)
class RisingTerms:
    """Words over-represented in the range against the previous period, read from a
    sample of each period's newest mentions (``sampled`` / ``previous_sampled`` of them),
    not from every mention: counting every word of a million mentions is no page view."""

    terms: list[RisingTerm]
    sampled: int
    previous_sampled: int
    sample_limit: int


@dataclass(frozen=True)
class TopAuthor:
    source_type: str
    handle: str
    name: str | None
    url: str | None
    reach: int  # the largest reach of their mentions in the range
    mentions: int  # their mentions in the range


@dataclass(frozen=True)
class EngagedMention:
    mention_id: str
    source: str
    published_at: datetime
    author: str | None
    title: str
    excerpt: str  # capped, plain text
    url: str | None
    engagement: int  # likes + shares + comments as the source reports them
    sentiment: str
    complaint: bool


@dataclass(frozen=True)
class Durations:
    """Seconds from an alert's creation to an event, over the alerts that reached it."""

    count: int
    median_s: float | None
    p90_s: float | None


@dataclass(frozen=True)
class AgeBucket:
    label: str  # "under 1 h", "1–4 h", "4–24 h", "1–7 days", "over 7 days"
    older_than_s: int  # lower bound of the open alerts' age in this bucket
    younger_than_s: int | None  # upper bound; None for the last
    count: int


@dataclass(frozen=True)
class AssigneeResponse:
    assignee: str | None  # None: not assigned
    alerts: int  # alerts of the range assigned to them
    open: int  # of which still open
    first_response: Durations
    resolve: Durations


@dataclass(frozen=True)
class Response:
    """How fast the team answers the alerts created in the range (not digests): first
    response is the first acknowledge, reply or close; resolve is the close."""

    alerts: int
    first_response: Durations
    resolve: Durations
    sla_alerts: int  # alerts the SLA applies to (0 when no SLA is configured)
    sla_met: int  # of which acknowledged in time
    open_by_age: list[AgeBucket]  # every open alert now, whatever its range
    per_assignee: list[AssigneeResponse]

    @property
    def sla_met_share(self) -> float | None:
        return ratio(self.sla_met, self.sla_alerts)


@dataclass(frozen=True)
class Headline:
    """The figures at the top of the dashboard, in ``listener stats`` and in the digest."""

    mentions: int
    previous_mentions: int
    negative: int
    previous_negative: int
    complaints: int
    previous_complaints: int
    first_response: Durations
    open_alerts: int

    @property
    def negative_share(self) -> float | None:
        return ratio(self.negative, self.mentions)

    @property
    def previous_negative_share(self) -> float | None:
        return ratio(self.previous_negative, self.previous_mentions)

    @property
    def complaint_rate(self) -> float | None:
        return ratio(self.complaints, self.mentions)

    @property
    def previous_complaint_rate(self) -> float | None:
        return ratio(self.previous_complaints, self.previous_mentions)
