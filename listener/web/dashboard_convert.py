"""The store's panel counts (``listener.store.stats.models``) made into what the page and the
API show (``listener.web.dashboard_models``): rates, changes and every number's link.

Pure functions of the counts and the scope: nothing here reads the store.
"""

from __future__ import annotations

from listener.store.stats import models as stats
from listener.store.stats.models import SENTIMENTS, ratio
from listener.store.stats.scope import StatsScope
from listener.web.dashboard_links import (
    alert_url,
    inbox_url,
    mention_url,
    search_url,
    term_query,
)
from listener.web.dashboard_models import (
    AgeBucketOut,
    AssigneeOut,
    BrandShareOut,
    BreakdownOut,
    BreakdownRow,
    ComplaintBucket,
    ComplaintsOut,
    DurationsOut,
    EngagedMentionOut,
    EngagedMentionsOut,
    HeadlineOut,
    IncidentOut,
    ResponseOut,
    RisingTermOut,
    RisingTermsOut,
    ScopeOut,
    ShareOfVoiceOut,
    TopAuthorOut,
    TopAuthorsOut,
    VolumeBucket,
    VolumeOut,
)
from listener.web.display import author_page_path, link_or_none

# The search filter each breakdown's values go into.
BREAKDOWN_FILTERS = {"topic": "topic", "feeling": "feeling", "source": "source",
                     "language": "language"}  # fmt: skip


def scope_out(scope: StatsScope) -> ScopeOut:
    return ScopeOut(
        brand=scope.brand,
        since=scope.since,
        until=scope.until,
        bucket=scope.bucket,
        previous_since=scope.previous().since,
    )


def headline_out(
    scope: StatsScope, now: stats.Headline, before: stats.Durations | None
) -> HeadlineOut:
    """``before`` is the first response of ``scope.previous()``, for the response time's
    change (the counts' previous values are in ``now`` already)."""
    return HeadlineOut(
        scope=scope_out(scope),
        mentions=now.mentions,
        previous_mentions=now.previous_mentions,
        negative=now.negative,
        previous_negative=now.previous_negative,
        negative_share=now.negative_share,
        previous_negative_share=now.previous_negative_share,
        complaints=now.complaints,
        previous_complaints=now.previous_complaints,
        complaint_rate=now.complaint_rate,
        previous_complaint_rate=now.previous_complaint_rate,
        first_response_median_s=now.first_response.median_s,
        previous_first_response_median_s=before.median_s if before else None,
        first_responses=now.first_response.count,
        open_alerts=now.open_alerts,
        mentions_url=search_url(scope),
        negative_url=search_url(scope, sentiment="negative"),
        complaints_url=search_url(scope, complaint="yes"),
        open_alerts_url=inbox_url(scope.brand),
    )


def volume_out(scope: StatsScope, volume: stats.Volume) -> VolumeOut:
    buckets = [
        VolumeBucket(
            start=p.start,
            end=p.end,
            total=p.total,
            url=search_url(scope, p.start, p.end),
            sentiment_urls={s: search_url(scope, p.start, p.end, sentiment=s) for s in SENTIMENTS},
            **{s: p.by_sentiment.get(s, 0) for s in SENTIMENTS},
        )
        for p in volume.points
    ]
    return VolumeOut(
        scope=scope_out(scope),
        buckets=buckets,
        total=volume.total,
        previous_total=volume.previous_total,
        sentiment_totals={s: volume.sentiment_total(s) for s in SENTIMENTS},
        sentiment_urls={s: search_url(scope, sentiment=s) for s in SENTIMENTS},
        incidents=[
            IncidentOut(
                alert_id=i.alert_id,
                created_at=i.created_at,
                brand=i.brand,
                title=i.title,
                severity=i.severity,
                url=alert_url(i.alert_id),
            )
            for i in volume.incidents
        ],
        url=search_url(scope),
    )


def complaints_out(scope: StatsScope, complaints: stats.Complaints) -> ComplaintsOut:
    # Aligned by position: the model's previous series has as many buckets as the range.
    before: list[stats.ComplaintPoint | None] = list(complaints.previous_points)
    before += [None] * (len(complaints.points) - len(before))
    return ComplaintsOut(
        scope=scope_out(scope),
        buckets=[
            ComplaintBucket(
                start=p.start,
                end=p.end,
                complaints=p.complaints,
                mentions=p.mentions,
                rate=p.rate,
                complaints_url=search_url(scope, p.start, p.end, complaint="yes"),
                mentions_url=search_url(scope, p.start, p.end),
                previous_start=b.start if b else None,
                previous_end=b.end if b else None,
                previous_complaints=b.complaints if b else 0,
                previous_mentions=b.mentions if b else 0,
                previous_rate=b.rate if b else None,
                previous_complaints_url=(
                    search_url(scope, b.start, b.end, complaint="yes") if b else None
                ),
            )
            for p, b in zip(complaints.points, before, strict=False)
        ],
        complaints=complaints.complaints,
        mentions=complaints.mentions,
        rate=complaints.rate,
        previous_complaints=complaints.previous_complaints,
        previous_mentions=complaints.previous_mentions,
        previous_rate=complaints.previous_rate,
        complaints_url=search_url(scope, complaint="yes"),
    )


def share_of_voice_out(scope: StatsScope, share: stats.ShareOfVoice) -> ShareOfVoiceOut:
    return ShareOfVoiceOut(
        scope=scope_out(scope),
        brands=[
            BrandShareOut(
                brand=b.brand,
                mentions=b.mentions,
                share=share.share(b),
                negative=b.negative,
                negative_share=share.negative_share(b),
                mentions_url=search_url(scope, brand=b.brand),
                negative_url=search_url(scope, brand=b.brand, sentiment="negative"),
            )
            for b in share.brands
        ],
        mentions=share.mentions,
        negative=share.negative,
    )


def breakdown_out(scope: StatsScope, breakdown: stats.Breakdown) -> BreakdownOut:
    field = BREAKDOWN_FILTERS[breakdown.dimension]
    return BreakdownOut(
        scope=scope_out(scope),
        dimension=breakdown.dimension,
        rows=[
            BreakdownRow(
                value=row.value,
                count=row.count,
                previous=row.previous,
                change=row.change,
                change_ratio=row.change_ratio,
                share=ratio(row.count, breakdown.total),
                url=search_url(scope, **{field: row.value}),
            )
            for row in breakdown.rows
        ],
        total=breakdown.total,
        previous_total=breakdown.previous_total,
    )


def rising_terms_out(scope: StatsScope, rising: stats.RisingTerms) -> RisingTermsOut:
    return RisingTermsOut(
        scope=scope_out(scope),
        terms=[
            RisingTermOut(
                term=t.term,
                mentions=t.mentions,
                previous_mentions=t.previous_mentions,
                ratio=t.ratio,
                url=search_url(scope, q=term_query(t.term)),
            )
            for t in rising.terms
        ],
        sampled=rising.sampled,
        previous_sampled=rising.previous_sampled,
        sample_limit=rising.sample_limit,
    )


def top_authors_out(scope: StatsScope, authors: list[stats.TopAuthor]) -> TopAuthorsOut:
    return TopAuthorsOut(
        scope=scope_out(scope),
        authors=[
            TopAuthorOut(
                source_type=a.source_type,
                handle=a.handle,
                name=a.name,
                url=link_or_none(a.url),
                reach=a.reach,
                mentions=a.mentions,
                author_url=author_page_path(a.source_type, a.handle),
            )
            for a in authors
        ],
    )


def engaged_out(scope: StatsScope, mentions: list[stats.EngagedMention]) -> EngagedMentionsOut:
    return EngagedMentionsOut(
        scope=scope_out(scope),
        mentions=[
            EngagedMentionOut(
                mention_id=m.mention_id,
                url=mention_url(m.mention_id),
                source_url=link_or_none(m.url),
                source=m.source,
                published_at=m.published_at,
                author=m.author,
                title=m.title,
                excerpt=m.excerpt,
                engagement=m.engagement,
                sentiment=m.sentiment,
                complaint=m.complaint,
            )
            for m in mentions
        ],
    )


def _durations(d: stats.Durations) -> DurationsOut:
    return DurationsOut(count=d.count, median_s=d.median_s, p90_s=d.p90_s)


def response_out(scope: StatsScope, response: stats.Response) -> ResponseOut:
    return ResponseOut(
        scope=scope_out(scope),
        alerts=response.alerts,
        first_response=_durations(response.first_response),
        resolve=_durations(response.resolve),
        sla_alerts=response.sla_alerts,
        sla_met=response.sla_met,
        sla_met_share=response.sla_met_share,
        open_by_age=[
            AgeBucketOut(
                label=a.label,
                older_than_s=a.older_than_s,
                younger_than_s=a.younger_than_s,
                count=a.count,
            )
            for a in response.open_by_age
        ],
        per_assignee=[
            AssigneeOut(
                assignee=a.assignee,
                alerts=a.alerts,
                open=a.open,
                first_response=_durations(a.first_response),
                resolve=_durations(a.resolve),
                url=(
                    inbox_url(scope.brand, assignee=a.assignee)
                    if a.assignee
                    else inbox_url(scope.brand, unassigned="1")
                ),
            )
            for a in response.per_assignee
        ],
        inbox_url=inbox_url(scope.brand),
    )
