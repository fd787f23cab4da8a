"""One mention as the mention page and ``/api/v1/mentions/{id}`` show it, and the label
buttons' action: the one implementation both call.

The models carry the mention's own words unescaped (JSON is data); the page escapes them
through the template's autoescape. Links are split: ``url`` is what the source said,
``link`` is the same URL only when it is an absolute http(s) URL a browser may follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import quote

from fastapi import HTTPException
from pydantic import BaseModel

from listener.judging.labels import daemon_pickup, save_label
from listener.judging.learning import MIN_PER_CLASS
from listener.models import Author, Finding, Judgments, Mention
from listener.store import UnknownMention
from listener.store.author_reads import AlertBrief, alerts_of_mentions, existing_mentions
from listener.web.context import WebContext
from listener.web.copy_views import CopiesOut, CopyHeadOut, copies_of, head_of
from listener.web.display import Show, author_page_path, link_or_none
from listener.web.label_retraining import retrain_soon

# The store caps text on the way in; these bound what a page puts in one element anyway.
MAX_SHOWN_TEXT = 20_000


class FindingOut(BaseModel):
    name: str
    evidence: list[str]


class JudgmentsOut(BaseModel):
    """Every judgment with the evidence behind it (as ``listener show`` prints them)."""

    sentiment: float | None
    sentiment_label: str
    sentiment_evidence: list[str]
    model: str
    language: str | None
    script: str | None
    complaint: bool
    complaint_score: float | None
    complaint_evidence: list[str]
    complaint_by: str  # "rules", "rules+learned", "learned" or "person" (a label)
    feelings: list[FindingOut]
    topics: list[FindingOut]
    urgency: str
    urgency_evidence: list[str]
    flags: list[FindingOut]
    reach: int
    reach_evidence: list[str]


class AuthorOut(BaseModel):
    handle: str | None
    name: str | None
    url: str | None
    link: str | None  # ``url`` when it is safe to follow
    followers: int | None
    page: str | None  # this author's page here (None without a handle)


class AlertOut(BaseModel):
    id: int
    kind: str
    state: str
    severity: str
    title: str
    brand: str | None
    created_at: datetime
    page: str


class EngagementOut(BaseModel):
    likes: int | None
    shares: int | None
    replies: int | None
    views: int | None


class MentionOut(BaseModel):
    id: str
    source: str
    source_type: str
    native_id: str
    url: str | None
    link: str | None  # ``url`` when it is safe to follow
    published_at: datetime
    fetched_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    brands: list[str]
    matched_terms: list[str]
    author: AuthorOut
    title: str
    text: str
    language: str | None
    rating: float | None
    engagement: EngagementOut
    parent_id: str | None
    thread_id: str | None
    page: str
    judgments: JudgmentsOut
    copy_of: str | None = None  # the head's id when this is a near-copy of another story


class ThreadOut(BaseModel):
    """Where the mention sits in its conversation, as far as the store holds it."""

    reply_to: str | None  # the stored mention it answers
    reply_to_page: str | None
    root: str | None  # the stored mention that started the thread
    root_page: str | None
    reply_to_native: str | None  # the source's id of the post it answers, stored or not
    root_native: str | None


class LearningOut(BaseModel):
    """When a label made here reaches the judging of new mentions."""

    retrain_every_s: int
    retrain_every: str  # in words


class BrandLearningOut(BaseModel):
    """How far one brand's own complaint model is, after a label."""

    brand: str
    labels: int  # mentions of the brand labelled so far
    complaints: int  # of those, labelled complaints
    min_labels: int  # the model starts learning at this many (judgments.learning.min_labels)
    min_per_kind: int  # ... with at least this many complaints and non-complaints
    model_labels: int | None  # the stored model was trained on this many; None: no model yet
    learns: bool  # enough labels of each kind: a retrain now trains a model


class MentionDetail(BaseModel):
    mention: MentionOut
    alerts: list[AlertOut]
    thread: ThreadOut
    learning: LearningOut
    copies: CopiesOut  # where else this story ran (near-copies of it, issue 18)
    copy_of: CopyHeadOut | None  # the story this mention is a near-copy of


class LabelIn(BaseModel):
    complaint: bool


class LabelResult(BaseModel):
    mention: MentionOut
    labelled_by: str
    retrain_report: list[str]  # the trainer's lines, when it finished within a moment
    retrain_pending: bool  # still retraining in the background (many labels take seconds)
    retrain_error: str | None
    learning: LearningOut
    brands: list[BrandLearningOut]


def mention_page_path(mention_id: str) -> str:
    return "/mentions/" + quote(mention_id, safe=":@")


def _findings(found: tuple[Finding, ...]) -> list[FindingOut]:
    return [FindingOut(name=str(f.name), evidence=list(f.evidence)) for f in found]


def judgments_out(j: Judgments) -> JudgmentsOut:
    return JudgmentsOut(
        sentiment=j.sentiment,
        sentiment_label=j.sentiment_label.value,
        sentiment_evidence=list(j.sentiment_evidence),
        model=j.model,
        language=j.language,
        script=j.script,
        complaint=j.complaint,
        complaint_score=j.complaint_score,
        complaint_evidence=list(j.complaint_evidence),
        complaint_by=j.complaint_by,
        feelings=_findings(j.feelings),
        topics=_findings(j.topics),
        urgency=j.urgency.value,
        urgency_evidence=list(j.urgency_evidence),
        flags=_findings(j.flags),
        reach=j.reach,
        reach_evidence=list(j.reach_evidence),
    )


def author_out(source_type: str, author: Author) -> AuthorOut:
    return AuthorOut(
        handle=author.handle,
        name=author.name,
        url=author.url,
        link=link_or_none(author.url),
        followers=author.followers,
        page=author_page_path(source_type, author.handle),
    )


def mention_out(m: Mention) -> MentionOut:
    return MentionOut(
        id=m.id,
        source=m.source,
        source_type=m.source_type,
        native_id=m.native_id,
        url=m.url,
        link=link_or_none(m.url),
        published_at=m.published_at,
        fetched_at=m.fetched_at,
        edited_at=m.edited_at,
        deleted_at=m.deleted_at,
        brands=list(m.brands),
        matched_terms=list(m.matched_terms),
        author=author_out(m.source_type, m.author),
        title=m.title[:MAX_SHOWN_TEXT],
        text=m.text[:MAX_SHOWN_TEXT],
        language=m.language,
        rating=m.rating,
        engagement=EngagementOut(
            likes=m.engagement.likes,
            shares=m.engagement.shares,
            replies=m.engagement.replies,
            views=m.engagement.views,
        ),
        parent_id=m.parent_id,
        thread_id=m.thread_id,
        page=mention_page_path(m.id),
        judgments=judgments_out(m.judgments),
        copy_of=m.copy_of,
    )


def alert_out(alert: AlertBrief) -> AlertOut:
    return AlertOut(
        id=alert.id,
        kind=alert.kind.value,
        state=alert.state.value,
        severity=alert.severity.value,
        title=alert.title,
        brand=alert.brand,
        created_at=alert.created_at,
        page=f"/alerts/{alert.id}",
    )


def brand_learning(context: WebContext, brands: Sequence[str]) -> list[BrandLearningOut]:
    """Each brand's labels and model as a person asks after labelling: read only after a
    label (it reads the brand's labelled mentions, a few hundred at most)."""
    learning = context.settings.judgments.learning
    models = context.store.complaint_models()
    shown = []
    for brand in brands:
        labelled = context.store.labelled_mentions(brand)
        model = models.get(brand)
        complaints = sum(1 for item in labelled if item.is_complaint)
        shown.append(
            BrandLearningOut(
                brand=brand,
                labels=len(labelled),
                complaints=complaints,
                min_labels=learning.min_labels,
                min_per_kind=MIN_PER_CLASS,
                model_labels=model.labels if model else None,
                learns=len(labelled) >= learning.min_labels
                and min(complaints, len(labelled) - complaints) >= MIN_PER_CLASS,
            )
        )
    return shown


def learning_out(context: WebContext) -> LearningOut:
    every = daemon_pickup(context.settings)
    return LearningOut(
        retrain_every_s=int(every.total_seconds()), retrain_every=Show.duration(every)
    )


def _thread(context: WebContext, m: Mention) -> ThreadOut:
    # Ids are "<source name>:<native id>": the posts this one answers and started from are
    # on the same source when the store holds them.
    wanted = {
        key: f"{m.source}:{native}"
        for key, native in (("reply_to", m.parent_id), ("root", m.thread_id))
        if native and native != m.native_id
    }
    held = existing_mentions(context.store, wanted.values()) if wanted else set()
    reply_to = wanted["reply_to"] if wanted.get("reply_to") in held else None
    root = wanted["root"] if wanted.get("root") in held else None
    return ThreadOut(
        reply_to=reply_to,
        reply_to_page=mention_page_path(reply_to) if reply_to else None,
        root=root,
        root_page=mention_page_path(root) if root else None,
        reply_to_native=m.parent_id,
        root_native=m.thread_id if m.thread_id != m.native_id else None,
    )


def _mention_or_404(context: WebContext, mention_id: str) -> Mention:
    mention = context.store.get_mention(mention_id)
    if mention is None:
        raise HTTPException(status_code=404, detail=f"no mention with id {mention_id!r}")
    return mention


def mention_detail(context: WebContext, mention_id: str) -> MentionDetail:
    """The mention, the alerts it belongs to, its thread and when labels take effect."""
    m = _mention_or_404(context, mention_id)
    alerts = alerts_of_mentions(context.store, [m.id])[m.id]
    return MentionDetail(
        mention=mention_out(m),
        alerts=[alert_out(a) for a in alerts],
        thread=_thread(context, m),
        learning=learning_out(context),
        copies=copies_of(context.store, [m.id])[m.id],
        copy_of=head_of(context.store, m),
    )


def label_mention(
    context: WebContext, mention_id: str, is_complaint: bool, *, by: str
) -> LabelResult:
    """What ``listener label`` does: keep the verdict, then retrain the brands' models (in
    the background when that takes more than a moment)."""
    try:
        mention = save_label(context.store, mention_id, is_complaint, by=by, at=context.clock())
    except UnknownMention:
        raise HTTPException(status_code=404, detail=f"no mention with id {mention_id!r}") from None
    retrain = retrain_soon(context.store, context.settings, mention.brands)
    return LabelResult(
        mention=mention_out(mention),
        labelled_by=by,
        retrain_report=retrain.report,
        retrain_pending=retrain.pending,
        retrain_error=retrain.error,
        learning=learning_out(context),
        brands=brand_learning(context, mention.brands),
    )
