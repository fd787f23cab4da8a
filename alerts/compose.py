"""Gather one alert into the plain ``AlertMessage`` a channel renders.

Everything a person needs to act comes together here, from the store and the settings:
the lead mention with every judgment and the words behind it, what we know of the author
before this mention (so nobody asks them to repeat themselves), a few examples of a wave,
and where to act. Channels then only render and send.

Text from the internet stays raw (each channel's template escapes it for its markup) but is
cut to length here, before any template or network sees it. A mention that is gone (never
stored, or deleted at its source) must not stop the alert going out: the message says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from alerts.message import (
    COPY_LINES,
    MESSAGE_TEXT_CHARS,
    AlertMessage,
    AuthorHistory,
    CopyLine,
    HistoryItem,
    JudgmentLine,
    MentionView,
)
from alerts.rules.authors import (
    author_accounts,
    earlier_mentions,
    person_line,
    person_of,
    person_tags,
)
from listener.config.settings import Settings
from listener.models import Alert, AlertKind, AlertState, Delivery, Finding, Mention
from listener.sources.registry import network_of
from listener.store import Store
from listener.store.near_prints import CopyRef

DELETED_TEXT = "(deleted at its source)"
EXCERPT_CHARS = 200  # an earlier mention in the author's history: a reminder, not the post
EVIDENCE_CHARS = 160  # one piece of evidence (a quote from the post)
EVIDENCE_ITEMS = 8
HISTORY_ITEMS = 5
EXAMPLE_ITEMS = 5
OPEN_ALERTS_SCANNED = 200

# Alerts about many mentions at once: they show a few examples instead of one lead post.
WAVE_KINDS = frozenset({AlertKind.INCIDENT, AlertKind.DIGEST, AlertKind.SENTIMENT_SHIFT})
_OPEN_STATES = tuple(s for s in AlertState if s.is_open)


def compose(store: Store, settings: Settings, alert: Alert, delivery: Delivery) -> AlertMessage:
    """The message for one delivery of ``alert``. Synchronous (the store is): async callers
    run it in a thread."""
    mention: MentionView | None = None
    history: AuthorHistory | None = None
    examples: tuple[MentionView, ...] = ()
    lead = store.get_mention(alert.lead_mention_id) if alert.lead_mention_id else None
    if alert.kind in WAVE_KINDS:
        found = [m for m in (store.get_mention(i) for i in _example_ids(alert)) if m is not None]
        # A story and its near-copies are one example: the copies show as "also on".
        shown = {m.id for m in found}
        found = [m for m in found if m.copy_of is None or m.copy_of not in shown]
        copies = store.copies_of([m.id for m in found])
        examples = tuple(mention_view(m, copies.get(m.id, ())) for m in found)
    elif lead is not None:
        mention = mention_view(lead, store.copies_of([lead.id]).get(lead.id, ()))
        history = author_history(store, settings, lead, alert)
    return AlertMessage(
        alert_id=alert.id,
        idempotency_key=delivery.key,
        event=delivery.event,
        kind=alert.kind,
        rule=alert.rule,
        brand=alert.brand,
        severity=alert.severity,
        severity_reasons=alert.severity_reasons,
        state=alert.state,
        title=alert.title,
        created_at=alert.created_at,
        link=_link(settings, alert, lead),
        mention=mention,
        history=history,
        drafts=alert.drafts,
        folded=alert.folded,
        examples=examples,
        details=dict(alert.details),
        assignee=alert.assignee,
    )


def cap(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def copy_lines(
    copies: Sequence[CopyRef], head_source: str | None = None
) -> tuple[tuple[CopyLine, ...], int]:
    """The other sources a story ran on, one line each (its oldest copy there), capped to
    ``COPY_LINES``; and how many sources there are in all. A copy on the head's own source
    (a feed republishing its story) is not another source: "also on 1 source: <the same
    feed>" would tell the team nothing."""
    by_source: dict[str, CopyRef] = {}
    for ref in copies:
        if ref.source != head_source and not ref.on_head_source:
            by_source.setdefault(ref.source, ref)
    lines = tuple(
        CopyLine(
            mention_id=ref.mention_id,
            source=cap(ref.source, EXCERPT_CHARS),
            source_type=ref.source_type,
            url=ref.url,
            title=cap(ref.title, EXCERPT_CHARS),
            published_at=ref.published_at,
        )
        for ref in list(by_source.values())[:COPY_LINES]
    )
    return lines, len(by_source)


def mention_view(m: Mention, copies: Sequence[CopyRef] = ()) -> MentionView:
    deleted = m.deleted_at is not None
    lines, sources = copy_lines(copies, m.source)
    return MentionView(
        id=m.id,
        source=m.source,
        source_type=m.source_type,
        url=m.url,
        author_handle=m.author.handle,
        author_name=m.author.name,
        author_url=m.author.url,
        followers=m.author.followers,
        reach=m.judgments.reach,
        title="" if deleted or _repeats_text(m.title, m.text) else cap(m.title, MESSAGE_TEXT_CHARS),
        text=DELETED_TEXT if deleted else cap(m.text, MESSAGE_TEXT_CHARS),
        language=m.judgments.language or m.language,
        published_at=m.published_at,
        sentiment_label=m.judgments.sentiment_label.value,
        # A tombstone's judgments are about words nobody can read any more: not shown.
        judgments=() if deleted else judgment_lines(m),
        copies=lines,
        copy_sources=sources,
        copy_of=m.copy_of,
    )


def _evidence(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(cap(item, EVIDENCE_CHARS) for item in list(items)[:EVIDENCE_ITEMS])


def _findings(kind: str, findings: Sequence[Finding]) -> list[JudgmentLine]:
    return [JudgmentLine(f"{kind} {f.name}", _evidence(f.evidence)) for f in findings]


def judgment_lines(m: Mention) -> tuple[JudgmentLine, ...]:
    """Every judgment that says something, each with its evidence."""
    j = m.judgments
    score = f" {j.sentiment:+.2f}" if j.sentiment is not None else ""
    lines = [
        JudgmentLine(f"sentiment {j.sentiment_label.value}{score}", _evidence(j.sentiment_evidence))
    ]
    if j.complaint_score is not None or j.complaint_by:
        verdict = "complaint" if j.complaint else "not a complaint"
        value = f" {j.complaint_score:.2f}" if j.complaint_score is not None else ""
        by = f" (by {j.complaint_by})" if j.complaint_by else ""
        lines.append(JudgmentLine(verdict + value + by, _evidence(j.complaint_evidence)))
    lines += _findings("feeling", j.feelings)
    lines += _findings("topic", j.topics)
    lines.append(JudgmentLine(f"urgency {j.urgency.value}", _evidence(j.urgency_evidence)))
    lines += _findings("flag", j.flags)
    lines.append(JudgmentLine(f"reach {j.reach:,}", _evidence(j.reach_evidence)))
    language = j.language or m.language
    if language:
        lines.append(JudgmentLine(f"language {language}" + (f" ({j.script})" if j.script else "")))
    return tuple(lines)


def author_history(
    store: Store, settings: Settings, m: Mention, alert: Alert
) -> AuthorHistory | None:
    """What we know of the author before ``m``; ``None`` when the source names no author."""
    handle = m.author.handle
    if not handle:
        return None
    # One author on one network: the polled type's record and its stream's add up; a
    # person linked across networks (issue 18) adds up every linked account's.
    person = person_of(store, m)
    records = [
        record
        for types, account in author_accounts(m, person)
        for record in (store.get_author(t, account) for t in types)
        if record is not None
    ]
    earlier = earlier_mentions(store, m, person, limit=HISTORY_ITEMS)
    tags, note = person_tags(settings.alerts.authors, m, person)
    # The records count this mention too (and any stored since); "before" is what we show.
    counted = sum(r.mention_count for r in records)
    count = max(counted - 1, len(earlier)) if records else len(earlier)
    first_seen = min((r.first_seen_at for r in records), default=None)
    if first_seen is None or first_seen >= m.published_at:
        first_seen = earlier[-1].published_at if earlier else None
    return AuthorHistory(
        mention_count=count,
        first_seen_at=first_seen,
        tags=tags,
        note=note,
        recent=tuple(_history_item(e) for e in earlier),
        open_alerts=_other_open_alerts(store, alert, {e.id for e in earlier}),
        person=person_line(person),
    )


def _history_item(m: Mention) -> HistoryItem:
    words = m.text or m.title
    return HistoryItem(
        published_at=m.published_at,
        source=m.source,
        url=m.url,
        excerpt=DELETED_TEXT if m.deleted_at is not None else cap(words, EXCERPT_CHARS),
        complaint=m.judgments.complaint,
        source_type=m.source_type,
        network=network_of(m.source_type),
    )


def _other_open_alerts(store: Store, alert: Alert, mention_ids: set[str]) -> int:
    """Open alerts (other than this one) about the author's recent mentions: the store has
    no index of alerts by author, so this looks at the newest open alerts only."""
    if not mention_ids:
        return 0
    open_alerts = store.list_alerts(states=_OPEN_STATES, limit=OPEN_ALERTS_SCANNED)
    return sum(1 for a in open_alerts if a.id != alert.id and mention_ids & set(a.mention_ids))


def _example_ids(alert: Alert) -> list[str]:
    chosen = alert.details.get("example_ids")
    if isinstance(chosen, list) and chosen:
        ids = [str(i) for i in chosen]
    else:
        ids = list(alert.mention_ids)
    return ids[:EXAMPLE_ITEMS]


def _link(settings: Settings, alert: Alert, lead: Mention | None) -> str | None:
    base = settings.alerts.base_url
    if base:
        return f"{base.rstrip('/')}/alerts/{alert.id}"
    return lead.url if lead is not None else None


def _repeats_text(title: str, text: str) -> bool:
    """Forums, comment feeds and social posts often title an entry with its first words;
    shown above the text, such a title only says the same thing twice."""
    head = title.strip().rstrip(".…").strip()
    return bool(head) and text.startswith(head)
