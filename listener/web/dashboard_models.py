"""The dashboard's panels as the page renders them and ``/api/v1/stats/{panel}`` returns them.

The store's counts (``listener.store.stats.models``) plus what a reader needs beside them:
the derived rates and changes, and for every number the link to what it counts (a search,
the inbox, an alert, a mention, an author). Every panel says the scope it counted over.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from listener.store.stats.scope import Bucket


class ScopeOut(BaseModel):
    brand: str | None = Field(description="null: all brands")
    since: datetime
    until: datetime = Field(description="exclusive")
    bucket: Bucket
    previous_since: datetime = Field(description="the period compared against starts here")


class HeadlineOut(BaseModel):
    scope: ScopeOut
    mentions: int
    previous_mentions: int
    negative: int
    previous_negative: int
    negative_share: float | None
    previous_negative_share: float | None
    complaints: int
    previous_complaints: int
    complaint_rate: float | None
    previous_complaint_rate: float | None
    first_response_median_s: float | None
    previous_first_response_median_s: float | None
    first_responses: int = Field(description="alerts of the range that got a first response")
    open_alerts: int = Field(description="open now, whatever the range")
    mentions_url: str
    negative_url: str
    complaints_url: str
    open_alerts_url: str


class VolumeBucket(BaseModel):
    start: datetime
    end: datetime
    negative: int
    neutral: int
    positive: int
    unknown: int
    total: int
    url: str = Field(description="the search finding this bucket's mentions")
    sentiment_urls: dict[str, str]


class IncidentOut(BaseModel):
    alert_id: int
    created_at: datetime
    brand: str | None
    title: str
    severity: str
    url: str


class VolumeOut(BaseModel):
    scope: ScopeOut
    buckets: list[VolumeBucket]
    total: int
    previous_total: int
    sentiment_totals: dict[str, int]
    sentiment_urls: dict[str, str]
    incidents: list[IncidentOut]
    url: str


class ComplaintBucket(BaseModel):
    start: datetime
    end: datetime
    complaints: int
    mentions: int
    rate: float | None
    complaints_url: str
    mentions_url: str
    # The same bucket of the previous period (this one moved back by the range's length).
    previous_start: datetime | None = None
    previous_end: datetime | None = None
    previous_complaints: int = 0
    previous_mentions: int = 0
    previous_rate: float | None = None
    previous_complaints_url: str | None = None


class ComplaintsOut(BaseModel):
    scope: ScopeOut
    buckets: list[ComplaintBucket]
    complaints: int
    mentions: int
    rate: float | None
    previous_complaints: int
    previous_mentions: int
    previous_rate: float | None
    complaints_url: str


class BrandShareOut(BaseModel):
    brand: str
    mentions: int
    share: float | None
    negative: int
    negative_share: float | None
    mentions_url: str
    negative_url: str


class ShareOfVoiceOut(BaseModel):
    scope: ScopeOut
    brands: list[BrandShareOut]
    mentions: int
    negative: int


class BreakdownRow(BaseModel):
    value: str
    count: int
    previous: int
    change: int
    change_ratio: float | None = Field(description="null: none before (new)")
    share: float | None = Field(description="of the scope's mentions")
    url: str


class BreakdownOut(BaseModel):
    scope: ScopeOut
    dimension: str
    rows: list[BreakdownRow]
    total: int
    previous_total: int


class RisingTermOut(BaseModel):
    term: str
    mentions: int
    previous_mentions: int
    ratio: float
    url: str


class RisingTermsOut(BaseModel):
    scope: ScopeOut
    terms: list[RisingTermOut]
    sampled: int
    previous_sampled: int
    sample_limit: int


class TopAuthorOut(BaseModel):
    source_type: str
    handle: str
    name: str | None
    url: str | None = Field(description="their profile, only when an http(s) URL")
    reach: int
    mentions: int
    author_url: str | None = Field(description="this app's author page")


class TopAuthorsOut(BaseModel):
    scope: ScopeOut
    authors: list[TopAuthorOut]


class EngagedMentionOut(BaseModel):
    mention_id: str
    url: str = Field(description="this app's mention page")
    source_url: str | None = Field(description="the post at its source, only when http(s)")
    source: str
    published_at: datetime
    author: str | None
    title: str
    excerpt: str
    engagement: int
    sentiment: str
    complaint: bool


class EngagedMentionsOut(BaseModel):
    scope: ScopeOut
    mentions: list[EngagedMentionOut]


class DurationsOut(BaseModel):
    count: int
    median_s: float | None
    p90_s: float | None


class AgeBucketOut(BaseModel):
    label: str
    older_than_s: int
    younger_than_s: int | None
    count: int


class AssigneeOut(BaseModel):
    assignee: str | None = Field(description="null: not assigned")
    alerts: int
    open: int
    first_response: DurationsOut
    resolve: DurationsOut
    url: str = Field(description="the inbox filtered to their open alerts")


class ResponseOut(BaseModel):
    scope: ScopeOut
    alerts: int
    first_response: DurationsOut
    resolve: DurationsOut
    sla_alerts: int
    sla_met: int
    sla_met_share: float | None
    open_by_age: list[AgeBucketOut]
    per_assignee: list[AssigneeOut]
    inbox_url: str


PanelOut = (
    HeadlineOut
    | VolumeOut
    | ComplaintsOut
    | ShareOfVoiceOut
    | BreakdownOut
    | RisingTermsOut
    | TopAuthorsOut
    | EngagedMentionsOut
    | ResponseOut
)
