"""The inbox and the alert page, once: the JSON API returns these models and the pages
render them (``routes_inbox``, ``api_alerts``). Actions are in ``inbox_actions``.

The SLA clock is the SLA rule's (``alerts.rules.sla``): an alert of the rule's kinds and
severity is due to be acknowledged ``ack_within`` after it was raised; "breaching" is still
new past that time, which is when the rule escalates it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import HTTPException
from pydantic import BaseModel, field_validator

from alerts.rules.authors import author_tags, person_of, recent_mentions
from listener.config.alerts import SlaSettings
from listener.models import Alert, AlertKind, AlertState, Author, Mention, ReplyDraft, Severity
from listener.sources.registry import network_of
from listener.store import inbox_reads
from listener.store.inbox_reads import InboxEntry, InboxQuery, SlaBreach
from listener.web.auth import Principal
from listener.web.context import WebContext
from listener.web.copy_views import CopiesOut, copies_of, copy_sources
from listener.web.display import link_or_none
from listener.web.inbox_cursor import decode_cursor, encode_cursor
from listener.web.inbox_models import (
    AlertDetail,
    AlertSummary,
    AuthorView,
    DraftView,
    EventView,
    HistoryItemView,
    InboxPage,
    MentionView,
    ReplyView,
    SlaClock,
    SnoozeView,
    blank_is_any,
    open_or_blank_is_any,
)
from listener.web.inbox_waves import wave_view
from listener.web.mention_views import judgments_out, mention_page_path

EXCERPT_CHARS = 140
PAGE_SIZE = 50
MAX_PAGE = 200
MENTIONS_LISTED = 20
HISTORY_ITEMS = 10
# Mention text is capped when stored; this caps what one alert page repeats of it.
MENTION_TEXT_CHARS = 5000


class InboxFilters(BaseModel):
    """The inbox's filters, as query parameters (the page's URL is shareable).

    An empty value means "any", as a form's "any" option sends it."""

    brand: Annotated[str | None, blank_is_any()] = None
    rule: Annotated[str | None, blank_is_any()] = None
    severity: Annotated[Severity | None, blank_is_any()] = None
    state: Annotated[
        AlertState | None,
        open_or_blank_is_any('Blank, or "open" (any case): every open state.'),
    ] = None
    kind: Annotated[AlertKind | None, blank_is_any()] = None
    assignee: Annotated[str | None, blank_is_any()] = None
    unassigned: bool = False
    source: Annotated[str | None, blank_is_any()] = None
    mine: bool = False
    breaching: bool = False
    snoozed: bool = False

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_any(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("state", mode="before")
    @classmethod
    def _open_is_the_default(cls, value: Any) -> Any:
        # "open" is what the State drop-down shows for its default (every open state): a
        # URL that spells it out asks for the same list, not for an error.
        return None if isinstance(value, str) and value.strip().lower() == "open" else value

    @field_validator("unassigned", "mine", "breaching", "snoozed", mode="before")
    @classmethod
    def _unset_is_false(cls, value: Any) -> Any:
        return False if value is None else value

    def query_string(self) -> str:
        """These filters as the URL's query (defaults left out)."""
        shown = {
            k: ("1" if v is True else str(v))
            for k, v in self.model_dump().items()
            if v not in (None, False)
        }
        return urlencode(shown)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    words = " ".join(text.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


# ---- the list --------------------------------------------------------------------------


def inbox_query(context: WebContext, who: Principal, filters: InboxFilters) -> InboxQuery:
    """The store's query for these filters; refuses "breaching" when no SLA is set."""
    now = context.clock()
    breaching = None
    if filters.breaching:
        sla = context.settings.alerts.sla
        if sla is None:
            raise HTTPException(
                400, "no SLA is configured (alerts.sla in the settings): nothing can breach it"
            )
        breaching = SlaBreach(now - sla.ack_within, tuple(sla.kinds), sla.min_severity)
    assignee = filters.assignee
    if filters.mine:
        assignee = who.name
    elif filters.unassigned:
        assignee = ""
    return InboxQuery(
        now=now,
        states=(filters.state,) if filters.state else (),
        brand=filters.brand,
        rule=filters.rule,
        severity=filters.severity,
        assignee=assignee,
        source=filters.source,
        kind=filters.kind,
        breaching=breaching,
        snoozed="only" if filters.snoozed else "hide",
    )


def list_inbox(
    context: WebContext,
    who: Principal,
    filters: InboxFilters,
    *,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> InboxPage:
    """One page of the inbox, most severe then newest first."""
    query = inbox_query(context, who, filters)
    after = decode_cursor(cursor) if cursor else None
    limit = max(1, min(limit, MAX_PAGE))
    # One more than asked tells whether there is a next page without counting.
    entries = inbox_reads.inbox_page(context.store, query, after=after, limit=limit + 1)
    more = len(entries) > limit
    entries = entries[:limit]
    return InboxPage(
        items=summaries(context, entries),
        next_cursor=encode_cursor(entries[-1].key) if more and entries else None,
    )


def newer_rows(
    context: WebContext, who: Principal, filters: InboxFilters, after_id: int
) -> list[AlertSummary]:
    """Alerts raised after ``after_id`` that the list would show, oldest first."""
    query = inbox_query(context, who, filters)
    entries = inbox_reads.newer_alerts(context.store, query, after_id=after_id, limit=MAX_PAGE)
    return summaries(context, entries)


def one_row(context: WebContext, alert_id: int) -> AlertSummary:
    entry = inbox_reads.alert_entry(context.store, alert_id, context.clock())
    if entry is None:
        raise HTTPException(404, f"no alert with id {alert_id}")
    return summaries(context, [entry])[0]


def sla_clock(alert: Alert, sla: SlaSettings | None, now: datetime) -> SlaClock | None:
    if sla is None or alert.kind not in sla.kinds or alert.severity.rank < sla.min_severity.rank:
        return None
    deadline = alert.created_at + sla.ack_within
    answered = [t for t in (alert.acknowledged_at, alert.replied_at) if t is not None]
    if answered:
        first = min(answered)
        took = int((first - alert.created_at).total_seconds())
        return SlaClock(
            status="met" if first <= deadline else "late", deadline=deadline, seconds=took
        )
    if not alert.state.is_open:
        return None
    left = int((deadline - now).total_seconds())
    if left >= 0:
        return SlaClock(status="running", deadline=deadline, seconds=left)
    return SlaClock(status="overdue", deadline=deadline, seconds=-left)


def author_view(context: WebContext, m: Mention | None) -> AuthorView | None:
    if m is None:
        return None
    return _author(context, m.author, m.source_type)


def _author(context: WebContext, author: Author, source_type: str) -> AuthorView:
    tags, note = author_tags(context.settings.alerts.authors, source_type, author.handle)
    return AuthorView(
        handle=author.handle,
        name=author.name,
        url=link_or_none(author.url),
        followers=author.followers,
        source_type=source_type,
        tags=list(tags),
        note=note,
    )


def summaries(context: WebContext, entries: list[InboxEntry]) -> list[AlertSummary]:
    """Rows, their leads' near-copies counted in one read."""
    also_on = copy_sources(context.store, [e.lead.id for e in entries if e.lead is not None])
    return [summary(context, e, also_on.get(e.lead.id, 0) if e.lead else 0) for e in entries]


def summary(context: WebContext, entry: InboxEntry, also_on: int) -> AlertSummary:
    alert, lead = entry.alert, entry.lead
    snooze = entry.snooze
    words = ""
    if lead is not None and lead.deleted_at is None:
        words = excerpt(lead.text or lead.title)
    return AlertSummary(
        id=alert.id,
        kind=alert.kind,
        rule=alert.rule,
        brand=alert.brand,
        severity=alert.severity,
        state=alert.state,
        title=alert.title,
        created_at=alert.created_at,
        updated_at=alert.updated_at,
        assignee=alert.assignee,
        acknowledged_at=alert.acknowledged_at,
        replied_at=alert.replied_at,
        closed_at=alert.closed_at,
        escalated_at=alert.escalated_at,
        mentions=len(alert.mention_ids),
        author=author_view(context, lead),
        source=lead.source if lead else None,
        reach=lead.judgments.reach if lead else None,
        excerpt=words or excerpt(alert.title),
        url=link_or_none(lead.url) if lead else None,
        sla=sla_clock(alert, context.settings.alerts.sla, context.clock()),
        snooze=None
        if snooze is None
        else SnoozeView(until=snooze.until, at=snooze.at, by=snooze.by, active=entry.snoozed_now),
        also_on=also_on,
        wave=wave_view(alert),
    )


# ---- one alert -------------------------------------------------------------------------


def mention_view(
    context: WebContext,
    mention_id: str,
    m: Mention | None,
    lead: bool,
    copies: CopiesOut | None = None,
) -> MentionView:
    if m is None:
        return MentionView(id=mention_id, missing=True, lead=lead)
    gone = m.deleted_at is not None
    return MentionView(
        id=m.id,
        lead=lead,
        source=m.source,
        source_type=m.source_type,
        url=link_or_none(m.url),
        author=_author(context, m.author, m.source_type),
        title=m.title,
        # A tombstone's words are gone, and so are judgments about them.
        text="" if gone else m.text[:MENTION_TEXT_CHARS],
        published_at=m.published_at,
        deleted=gone,
        judgments=None if gone else judgments_out(m.judgments),
        copies=copies if copies is not None and copies.count else None,
        copy_of=m.copy_of,
    )


def draft_view(draft: ReplyDraft) -> DraftView:
    """A draft with its lint split as ``listener alerts show`` reads it: what passed, what
    failed, what was found."""
    lint = draft.lint
    ok = lint.get("ok")
    return DraftView(
        approach=draft.approach,
        language=draft.language,
        text=draft.text,
        note=draft.note,
        lint=lint,
        lint_ok=ok if isinstance(ok, bool) else None,
        lint_passed=[
            k.removesuffix("_present") for k, v in lint.items() if v is True and k != "ok"
        ],
        lint_failed=[
            k.removesuffix("_present") for k, v in lint.items() if v is False and k != "ok"
        ],
        lint_found=[
            f"{k}: {', '.join(map(str, v))}" for k, v in lint.items() if isinstance(v, list) and v
        ],
    )


def _other_network(m: Mention, lead_network: str) -> str:
    network = network_of(m.source_type)
    return "" if network == lead_network else network


def alert_detail(context: WebContext, alert_id: int) -> AlertDetail:
    """One alert in full: its mentions with their judgments, drafts, history and replies,
    and the lead author's other mentions."""
    store = context.store
    row = one_row(context, alert_id)
    alert = store.get_alert(alert_id)
    if alert is None:
        raise HTTPException(404, f"no alert with id {alert_id}")
    listed = alert.mention_ids[:MENTIONS_LISTED]
    found = inbox_reads.mentions_by_id(store, listed)
    copies = copies_of(store, found)
    mentions = [
        mention_view(context, i, found.get(i), n == 0, copies.get(i)) for n, i in enumerate(listed)
    ]
    lead = found.get(alert.mention_ids[0]) if alert.mention_ids else None
    history: list[HistoryItemView] = []
    if lead is not None and lead.author.handle:
        held = set(alert.mention_ids)
        # A stream's posts are the same author's; a linked person's other accounts too.
        person = person_of(store, lead)
        earlier = recent_mentions(store, lead, person, before=context.clock(), limit=HISTORY_ITEMS)
        lead_network = network_of(lead.source_type)
        history = [
            HistoryItemView(
                id=m.id,
                source=m.source,
                published_at=m.published_at,
                url=link_or_none(m.url),
                excerpt=excerpt(m.text or m.title, 200),
                complaint=m.judgments.complaint,
                in_this_alert=m.id in held,
                network=_other_network(m, lead_network),
            )
            for m in earlier
        ]
    return AlertDetail(
        alert=row,
        severity_reasons=list(alert.severity_reasons),
        details=alert.details,
        mention_list=mentions,
        more_mentions=max(0, len(alert.mention_ids) - len(listed)),
        drafts=[draft_view(d) for d in alert.drafts],
        events=[
            EventView(
                at=e.at,
                what=e.what,
                by=e.by,
                detail=e.detail,
                mention_id=e.mention_id,
                page=mention_page_path(e.mention_id) if e.mention_id else None,
            )
            for e in store.alert_events(alert_id)
        ],
        replies=[
            ReplyView(at=r.at, by=r.by, text=r.text)
            for r in inbox_reads.alert_replies(store, alert_id)
        ],
        author_history=history,
    )
