"""The plain data that flows between the parts: what a source found, a stored mention, fetch state.

These are frozen dataclasses, not ORM objects: every arrow in the flow
(source → pipeline → store → alerts) is a function call on values. Datetimes are
always timezone-aware UTC (see ``listener.clock``).

- ``RawItem``   — what a source adapter extracted from one entry, still source-shaped
                  (HTML not stripped, URL not canonicalised, no brand yet).
- ``Mention``   — a normalised, brand-matched, judged item; the unit that is stored,
                  searched and alerted on. Its id is ``"<source name>:<native id>"``.
- ``Author``    — who wrote it, as far as the source tells.
- ``SourceState`` — per-source fetch state persisted after every poll, failures included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class Author:
    """The person or account behind a mention. Every field is optional: feeds often say nothing."""

    handle: str | None = None
    name: str | None = None
    url: str | None = None
    # The audience the author reaches: followers, or where a network has none, the nearest
    # measure of standing it shows (Reddit karma, Stack Exchange reputation).
    followers: int | None = None
    # The profile, where the source gives it: bio and links suggest one person's accounts
    # (listener.store.people), age and shape feed the bot judge. Plain text, capped.
    bio: str | None = None  # the profile's self-description
    links: tuple[str, ...] = ()  # websites the profile names (not its own page, ``url``)
    created_at: datetime | None = None  # when the account was made
    following: int | None = None  # accounts it follows
    posts: int | None = None  # posts it has made, all told


@dataclass(frozen=True, slots=True)
class Engagement:
    """Public reaction counts at fetch time; ``None`` means the source does not report it."""

    likes: int | None = None
    shares: int | None = None
    replies: int | None = None
    views: int | None = None


@dataclass(frozen=True, slots=True)
class RawItem:
    """One entry as a source adapter mapped it, before normalisation.

    ``html`` and ``title`` are always HTML (a source escapes plain text it received), so the
    pipeline can strip tags and decode entities without mangling "AT&T" or "1 < 2". ``published_at``
    may be ``None`` when the source gives no usable date (the pipeline falls back to
    fetch time).
    """

    native_id: str
    url: str | None = None
    title: str | None = None
    html: str = ""
    author: Author = field(default_factory=Author)
    published_at: datetime | None = None
    language: str | None = None
    engagement: Engagement = field(default_factory=Engagement)
    rating: float | None = None
    parent_id: str | None = None
    thread_id: str | None = None
    # The source says the post was changed after it was first published / has been removed
    # (by its author or a moderator). A deletion tombstones the stored mention.
    edited_at: datetime | None = None
    deleted: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class SentimentLabel(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"
    UNKNOWN = "unknown"  # the model cannot read this language; not the same as neutral


class Urgency(StrEnum):
    LOW = "low"  # praise, chatter, a question that can wait
    NORMAL = "normal"
    HIGH = "high"  # time pressure, safety, legal or press threat, large audience


class Flag(StrEnum):
    SPAM = "spam"  # promotion, giveaways, link farms
    BOT = "bot"  # automated-looking account or text
    ABUSE = "abuse"  # insults or profanity aimed at people
    THREAT = "threat"  # violence or harm threatened: a person must see it first
    PRESS = "press"  # a news article or press item about the brand, not a customer's own post


@dataclass(frozen=True, slots=True)
class Finding:
    """One named conclusion (a feeling, a topic, a flag) and the words or signals behind it."""

    name: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Judgments:
    """What the judges concluded about a mention, each conclusion with its evidence.

    Every field is a pure function of the mention, the settings and (for the complaint
    score) the brand's learned model, so a mention can be judged again at any time.
    """

    sentiment: float | None = None  # compound score in [-1, 1]; None = not scored
    sentiment_label: SentimentLabel = SentimentLabel.UNKNOWN
    model: str = ""  # which judge produced this, for re-scoring later
    sentiment_evidence: tuple[str, ...] = ()  # "😡", "sarcasm: 'nice work' + 'days late'", "★1/5"
    language: str | None = None  # detected: "en", "bn", "hi-Latn" (romanised Hindi); None = unsure
    script: str | None = None  # the dominant writing system: "Latin", "Bengali", "Devanagari"…
    complaint: bool = False
    complaint_score: float | None = None  # probability-like, 0…1; None = not judged
    complaint_evidence: tuple[str, ...] = ()
    complaint_by: str = ""  # "rules", "rules+learned", "learned", "person"
    feelings: tuple[Finding, ...] = ()  # frustrated, angry, disappointed, confused, anxious…
    topics: tuple[Finding, ...] = ()  # delivery, billing, product_quality… and settings' own
    urgency: Urgency = Urgency.NORMAL
    urgency_evidence: tuple[str, ...] = ()
    flags: tuple[Finding, ...] = ()  # names are Flag values
    reach: int = 0  # estimated audience: followers plus weighted engagement
    reach_evidence: tuple[str, ...] = ()

    def flagged(self, flag: Flag) -> bool:
        return any(f.name == flag for f in self.flags)

    def feeling_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.feelings)

    def topic_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.topics)


@dataclass(frozen=True, slots=True)
class Mention:
    """A stored mention of one or more brands."""

    id: str  # "<source name>:<native id>"
    source: str  # the source's configured name
    source_type: str  # "rss", "reddit", …
    native_id: str
    url: str | None
    canonical_url: str | None  # scheme/host lowercased, fragment and tracking parameters removed
    author: Author
    title: str  # plain text
    text: str  # plain text: HTML stripped, entities decoded, whitespace collapsed
    html: str  # the raw markup as the source delivered it (capped in length)
    language: str | None
    published_at: datetime
    fetched_at: datetime
    engagement: Engagement
    rating: float | None
    parent_id: str | None
    thread_id: str | None
    brands: tuple[str, ...]
    matched_terms: tuple[str, ...]
    content_hash: str
    judgments: Judgments = field(default_factory=Judgments)
    # When the source last said the post was edited (its clock), for the edit we hold.
    edited_at: datetime | None = None
    # Set when the post was deleted at its source: the mention is a tombstone, its words
    # cleared, kept only so the id is never stored again.
    deleted_at: datetime | None = None
    # On a near-copy (a syndicated article, a cross-post): its cluster head's id. Stored and
    # searchable, it never alerts on its own (listener.pipeline.copies).
    copy_of: str | None = None


class SourceHealth(StrEnum):
    OK = "ok"
    NEW = "new"  # never polled yet
    FAILING = "failing"  # transient errors, backing off
    PARKED = "parked"  # a permanent error (401/403/404…): not polled until a person acts


@dataclass(frozen=True, slots=True)
class SourceState:
    """Fetch state of one source, persisted after every poll so a restart resumes exactly."""

    source: str
    etag: str | None = None
    last_modified: str | None = None
    cursor: str | None = None  # opaque to everything but the source that wrote it
    next_check_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    error_count: int = 0  # consecutive failures; 0 after a success
    last_error: str | None = None
    parked_reason: str | None = None
    items_total: int = 0  # new mentions stored from this source, ever
    last_new_items: int = 0  # new mentions stored by the last successful poll
    # Successful polls in a row that stored nothing new: a source that usually finds
    # mentions and suddenly finds none may be broken in a way no error shows (the silent
    # source alert watches this).
    empty_polls: int = 0

    @property
    def health(self) -> SourceHealth:
        if self.parked_reason:
            return SourceHealth.PARKED
        if self.error_count:
            return SourceHealth.FAILING
        if self.last_success_at is None:
            return SourceHealth.NEW
        return SourceHealth.OK


class StreamStatus(StrEnum):
    CONNECTING = "connecting"  # opening the connection (or re-opening it after a drop)
    CONNECTED = "connected"  # reading events
    BACKING_OFF = "backing_off"  # dropped or refused; waiting before the next connect
    PARKED = "parked"  # a permanent error (401/403…): not reconnected until a person acts
    STOPPED = "stopped"  # the daemon stopped it (shutdown, or the source left the settings)


@dataclass(frozen=True, slots=True)
class StreamHealth:
    """How a stream source is doing now, written by the daemon every few seconds so every
    process shows the same; the fetch state (cursor, errors, parking) stays in SourceState."""

    source: str
    status: StreamStatus
    updated_at: datetime  # when the daemon wrote this (a row older than a minute is stale)
    connected_since: datetime | None = None  # start of the current connection
    last_event_at: datetime | None = None  # our clock, when the latest frame arrived
    stream_time: datetime | None = None  # the stream's own clock of the newest event read
    events_total: int = 0  # frames read since the daemon started (keep-alives excluded)
    events_per_s: float = 0.0  # over the last few seconds
    reconnects: int = 0  # connections opened again since the daemon started
    last_error: str | None = None  # why the last connection ended, redacted

    def lag_s(self) -> float | None:
        """How far behind the stream's clock we read: arrival time less the event's time."""
        if self.last_event_at is None or self.stream_time is None:
            return None
        return max((self.last_event_at - self.stream_time).total_seconds(), 0.0)


# ---- alerts ------------------------------------------------------------------------------


class AlertKind(StrEnum):
    COMPLAINT = "complaint"  # one public complaint (and the follow-ups folded into it)
    INCIDENT = "incident"  # a spike of negative (or all) mentions: one alert for the wave
    SAVED_SEARCH = "saved_search"  # a mention matched a saved query
    SENTIMENT_SHIFT = "sentiment_shift"  # the negative share over a window crossed a threshold
    SILENT_SOURCE = "silent_source"  # a source stopped answering, or went unusually quiet
    DIGEST = "digest"  # the hourly/daily summary; informational, no lifecycle


class AlertState(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    REPLIED = "replied"
    RESOLVED = "resolved"
    IGNORED = "ignored"

    @property
    def is_open(self) -> bool:
        return self in (AlertState.NEW, AlertState.ACKNOWLEDGED, AlertState.REPLIED)


class Severity(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"  # threat, press with a big audience: goes out even in quiet hours

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.LOW: 0, Severity.NORMAL: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


@dataclass(frozen=True, slots=True)
class ReplyDraft:
    """A reply a person may send after a glance; never posted automatically."""

    approach: str  # "acknowledge", "solve_now", "take_private"
    text: str
    language: str  # the language the draft is written in ("en", "bn", "te", "hi")
    note: str | None = None  # e.g. "no Telugu templates: drafted in English"
    lint: dict[str, Any] = field(default_factory=dict)  # the draft linter's findings


@dataclass(frozen=True, slots=True)
class Alert:
    """Something a person should look at, with its lifecycle.

    ``key`` makes creation idempotent: the rule that raises an alert derives it from what
    the alert is about ("complaint:<mention id>", "incident:<brand>:<rule>:<window start>"),
    so deciding twice (a retried batch, two daemons) stores one alert. ``mention_ids`` lists
    the lead mention first, then those folded in (follow-ups, a wave's mentions).
    ``details`` holds what the rule found (an incident's driving terms, a shift's figures),
    as JSON-safe values.
    """

    id: int
    key: str
    kind: AlertKind
    rule: str  # the rule's configured name
    brand: str | None
    severity: Severity
    title: str  # one plain-text line
    created_at: datetime
    updated_at: datetime
    state: AlertState = AlertState.NEW
    mention_ids: tuple[str, ...] = ()
    severity_reasons: tuple[str, ...] = ()  # "reach 120k", "author tagged vip", "threat"
    details: dict[str, Any] = field(default_factory=dict)
    drafts: tuple[ReplyDraft, ...] = ()
    assignee: str | None = None
    acknowledged_at: datetime | None = None
    replied_at: datetime | None = None
    closed_at: datetime | None = None  # resolved or ignored
    escalated_at: datetime | None = None  # the SLA ran out before anyone acknowledged it
    folded: int = 0  # follow-ups and wave mentions folded in after the alert was raised

    @property
    def lead_mention_id(self) -> str | None:
        return self.mention_ids[0] if self.mention_ids else None


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting to be sent (or retried, or for quiet hours to end)
    SENT = "sent"
    SUPPRESSED = "suppressed"  # over the channel's rate limit: summarised in the next digest
    DROPPED = "dropped"  # a person gave up on it (`listener alerts outbox drop`)


class DeliveryEvent(StrEnum):
    NEW = "new"  # the alert was raised
    ESCALATION = "escalation"  # its SLA ran out unacknowledged
    DIGEST = "digest"


@dataclass(frozen=True, slots=True)
class Delivery:
    """One outbox row: an alert to send to one channel for one event.

    ``key`` ("<alert key>|<channel>|<event>") is unique: enqueuing twice stores one row,
    and channels that can pass it on (webhook headers) let the receiver drop a repeat.
    """

    id: int
    alert_id: int
    channel: str
    event: DeliveryEvent
    key: str
    status: DeliveryStatus
    created_at: datetime
    not_before: datetime  # quiet hours hold a delivery until they end
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    sent_at: datetime | None = None
    reason: str | None = None  # why suppressed or dropped


def text_mention(
    text: str,
    *,
    source: str,
    source_type: str,
    native_id: str,
    at: datetime,
    author: Author | None = None,
    language: str | None = None,
    brands: tuple[str, ...] = (),
) -> Mention:
    """A mention made of nothing but a text — what ``listener draft`` and the drafting
    benchmark judge and draft for, where no source delivered a post."""
    return Mention(
        id=f"{source}:{native_id}", source=source, source_type=source_type,
        native_id=native_id, url=None, canonical_url=None, author=author or Author(),
        title="", text=text, html="", language=language, published_at=at, fetched_at=at,
        engagement=Engagement(), rating=None, parent_id=None, thread_id=None, brands=brands,
        matched_terms=(), content_hash=native_id,
    )  # fmt: skip
