"""What a channel is given to send: one alert, with everything a person needs to act.

Plain values, already gathered from the store and settings (``alerts.compose`` builds
them), so a channel only renders and sends: it knows nothing of how the alert was decided.
Text from the internet (``MentionView.text``, titles, names) is raw here; each channel's
template escapes it for that channel's markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from listener.models import AlertKind, AlertState, DeliveryEvent, ReplyDraft, Severity
from listener.sources.registry import byline_parts

# Mention text shown in a message is cut to this many characters (the link has the rest).
MESSAGE_TEXT_CHARS = 1200
# A message lists this many of the other sources a story ran on, then "and N more".
COPY_LINES = 5


@dataclass(frozen=True, slots=True)
class JudgmentLine:
    """One judgment with the words behind it: ("complaint 0.82", ("never arrived", "😡"))."""

    label: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CopyLine:
    """One other source a story ran on: its name (settings text) and title (internet text)
    are raw here, escaped by each channel's template."""

    mention_id: str
    source: str
    source_type: str
    url: str | None
    title: str  # capped
    published_at: datetime


@dataclass(frozen=True, slots=True)
class MentionView:
    id: str
    source: str  # the configured source name
    source_type: str
    url: str | None
    author_handle: str | None
    author_name: str | None
    author_url: str | None
    followers: int | None
    reach: int
    title: str
    text: str  # capped to MESSAGE_TEXT_CHARS
    language: str | None
    published_at: datetime
    sentiment_label: str
    judgments: tuple[JudgmentLine, ...] = ()
    # Near-copies (issue 18): a head lists where else the story ran; a copy names its head.
    copies: tuple[CopyLine, ...] = ()  # capped to COPY_LINES, one per source, oldest first
    copy_sources: int = 0  # every source the story also ran on ("also on N sources")
    copy_of: str | None = None  # the head's mention id when this mention is a copy

    @property
    def more_copies(self) -> int:
        """Sources beyond the ones listed ("and N more")."""
        return max(self.copy_sources - len(self.copies), 0)

    @property
    def author_aside(self) -> str | None:
        """What the messages put after the author's name: ``@handle`` for an account, the
        site for a feed byline (``jane-doe@example.com`` is a name and a site, and shown
        as one it reads, and is linked, as an email or a fediverse address)."""
        if not self.author_handle:
            return None
        byline = byline_parts(self.source_type, self.author_handle)
        return byline[1] if byline else "@" + self.author_handle


@dataclass(frozen=True, slots=True)
class HistoryItem:
    published_at: datetime
    source: str
    url: str | None
    excerpt: str  # capped, raw
    complaint: bool
    source_type: str = ""  # the stored type ("" where a caller predates issue 18)
    network: str = ""  # its network (``listener.sources.registry.network_of``): "reddit"


@dataclass(frozen=True, slots=True)
class AccountLine:
    """One of a person's accounts: a handle (internet text, raw) on a network."""

    source_type: str
    handle: str
    network: str


@dataclass(frozen=True, slots=True)
class PersonLine:
    """The person an author's account is linked to (issue 18): their history spans every
    account listed here."""

    id: int
    name: str | None  # raw
    accounts: tuple[AccountLine, ...]


@dataclass(frozen=True, slots=True)
class AuthorHistory:
    """What we know of the author before this mention: don't make them repeat themselves.
    For an author linked to a person, everything here is the person's, across accounts."""

    mention_count: int  # earlier mentions stored
    first_seen_at: datetime | None
    tags: tuple[str, ...] = ()  # vip, loyal, press (settings and the person)
    note: str | None = None
    recent: tuple[HistoryItem, ...] = ()  # newest first
    open_alerts: int = 0  # other open alerts about them
    person: PersonLine | None = None


@dataclass(frozen=True, slots=True)
class AlertMessage:
    alert_id: int
    idempotency_key: str  # the delivery's key: the same for every retry of one delivery
    event: DeliveryEvent
    kind: AlertKind
    rule: str
    brand: str | None
    severity: Severity
    severity_reasons: tuple[str, ...]
    state: AlertState
    title: str  # one plain line, raw
    created_at: datetime
    link: str | None  # where to act: the web UI's alert page, else the post itself
    mention: MentionView | None = None  # the lead mention (complaint, saved search)
    history: AuthorHistory | None = None
    drafts: tuple[ReplyDraft, ...] = ()
    folded: int = 0
    examples: tuple[MentionView, ...] = ()  # incidents and digests: a few of the mentions
    # What the rule found, for incidents and shifts: {"terms": [...], "topics": {...},
    # "sources": {...}, "count": 40, "baseline": 2.1, "window": "1h"}; digests: their sections.
    details: dict[str, Any] = field(default_factory=dict)
    assignee: str | None = None
