"""The inbox's and alert page's data as the JSON API returns it and the pages render it.

Built from the store's records by ``listener.web.inbox_views``; every string from the
internet stays plain text here (the templates escape it), and a link is kept only when it is
http(s): a ``javascript:`` URL is never handed to a page as a link.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Path as PathParam
from pydantic import BaseModel, Field, StrictBool, field_validator

from listener.models import AlertKind, AlertState, Severity
from listener.web.copy_views import CopiesOut

# The mention page's judgments, evidence and all: one model for a mention's judgments
# wherever the app shows them.
from listener.web.mention_views import JudgmentsOut

# SQLite's largest integer: a larger id is refused (422) rather than failing in the store.
MAX_ID = 2**63 - 1
AlertId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
ListedId = Annotated[int, Field(ge=1, le=MAX_ID)]

# ---- the inbox's filters in the API document ---------------------------------------------
# A filter left blank means "any" (the page's form sends "" for its "any" option, and a value
# of only spaces is blank too, as str.strip sees it), so the document says a blank string is
# accepted beside the values it lists. The characters are those str.isspace() is true for,
# written out: a pattern's \s is not the same set.
_SPACE = "\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
BLANK_PATTERN = f"^[{_SPACE}]*$"
OPEN_OR_BLANK_PATTERN = f"^[{_SPACE}]*([Oo][Pp][Ee][Nn])?[{_SPACE}]*$"
BLANK_IS_ANY = "Blank (empty, or only spaces): any."


def _also_blank(schema: dict[str, Any], *, pattern: str, description: str) -> None:
    kept = ("title", "default", "description")
    alternatives = schema.pop("anyOf", None) or [
        {key: schema.pop(key) for key in list(schema) if key not in kept}
    ]
    if {"type": "string"} not in alternatives:  # any string already takes a blank one
        alternatives.append({"type": "string", "pattern": pattern})
    schema["anyOf"] = alternatives
    schema["description"] = description


def blank_is_any(description: str = BLANK_IS_ANY) -> Any:
    """A filter's ``Field``: the document adds a blank string to what it accepts."""
    return Field(
        description=description,
        json_schema_extra=lambda schema: _also_blank(
            schema, pattern=BLANK_PATTERN, description=description
        ),
    )


def open_or_blank_is_any(description: str) -> Any:
    """The state filter's ``Field``: blank, or "open" in any case (the State drop-down's
    default, every open state), also mean the default list."""
    return Field(
        description=description,
        json_schema_extra=lambda schema: _also_blank(
            schema, pattern=OPEN_OR_BLANK_PATTERN, description=description
        ),
    )


class AuthorView(BaseModel):
    handle: str | None = None
    name: str | None = None
    url: str | None = Field(default=None, description="The author's page; only http(s) links")
    followers: int | None = None
    source_type: str | None = None
    tags: list[str] = Field(default_factory=list, description="vip, loyal, press (settings)")
    note: str | None = None


class SlaClock(BaseModel):
    """The SLA as ``alerts.rules.sla`` applies it: acknowledge within ``ack_within``."""

    status: Literal["running", "overdue", "met", "late"]
    deadline: datetime
    seconds: int = Field(
        description="running: left; overdue: past the deadline; met/late: time to first response"
    )


class SnoozeView(BaseModel):
    until: datetime | None = Field(description="None: until the alert escalates")
    at: datetime
    by: str | None
    active: bool = Field(description="The alert is out of the default inbox view now")


class WaveView(BaseModel):
    """An alert about many mentions at once (an incident, a shift, a digest): what its row
    shows instead of one author, whose words would read as the sender's complaint."""

    mentions: int = Field(
        description="Mentions in the wave as its rule counted them (an incident holds at"
        " most 50 of them)"
    )
    negative_only: bool = Field(description="The rule counted negative mentions only")
    sources: dict[str, int] = Field(
        description="The sources they came from, the biggest first, with their counts"
    )


class AlertSummary(BaseModel):
    """One alert as a row of the inbox shows it."""

    id: int
    kind: AlertKind
    rule: str
    brand: str | None
    severity: Severity
    state: AlertState
    title: str
    created_at: datetime
    updated_at: datetime
    assignee: str | None
    acknowledged_at: datetime | None
    replied_at: datetime | None
    closed_at: datetime | None
    escalated_at: datetime | None
    mentions: int = Field(description="Mentions in the alert, the lead and those folded in")
    author: AuthorView | None
    source: str | None
    reach: int | None
    excerpt: str = Field(description="The lead mention's first words (plain text)")
    url: str | None = Field(description="The lead mention's link; only http(s) links")
    sla: SlaClock | None
    snooze: SnoozeView | None
    also_on: int = Field(
        default=0,
        description="Other sources the lead mention's story also ran on: its near-copies",
    )
    wave: WaveView | None = Field(
        default=None,
        description="Set for an alert about many mentions: then author, source, reach,"
        " excerpt and url are its lead mention's, one example among many, not its sender",
    )


class InboxPage(BaseModel):
    items: list[AlertSummary]
    next_cursor: str | None


class MentionView(BaseModel):
    id: str
    missing: bool = Field(
        default=False, description="The alert names it but the store has no such mention"
    )
    lead: bool
    source: str | None = None
    source_type: str | None = None
    url: str | None = None
    author: AuthorView | None = None
    title: str = ""
    text: str = ""
    published_at: datetime | None = None
    deleted: bool = False
    judgments: JudgmentsOut | None = None
    copies: CopiesOut | None = Field(
        default=None, description="Where else this story ran: its near-copies (issue 18)"
    )
    copy_of: str | None = Field(
        default=None, description="The story's head when this mention is a near-copy of it"
    )


class DraftView(BaseModel):
    approach: str
    language: str
    text: str
    note: str | None
    lint: dict[str, Any]
    lint_ok: bool | None
    lint_passed: list[str]
    lint_failed: list[str]
    lint_found: list[str]


class EventView(BaseModel):
    at: datetime
    what: str
    by: str | None
    detail: str | None
    mention_id: str | None = None  # the mention it is about (a copy's "also on" event)
    page: str | None = None  # that mention's page here


class ReplyView(BaseModel):
    at: datetime
    by: str | None
    text: str


class HistoryItemView(BaseModel):
    id: str
    source: str
    published_at: datetime
    url: str | None
    excerpt: str
    complaint: bool
    in_this_alert: bool
    network: str = ""  # a linked person's other network ("reddit"); "" on the lead's own


class AlertDetail(BaseModel):
    alert: AlertSummary
    severity_reasons: list[str]
    details: dict[str, Any]
    mention_list: list[MentionView]
    more_mentions: int = Field(description="Mentions not listed (the first ones are)")
    drafts: list[DraftView]
    events: list[EventView]
    replies: list[ReplyView]
    author_history: list[HistoryItemView]


Action = Literal[
    "acknowledge", "assign", "reply", "resolve", "ignore", "reopen", "snooze", "unsnooze"
]


class ActionBody(BaseModel):
    """What an action needs beside its name: assign wants ``assignee`` (empty or null
    clears it) and takes a ``note``; reply takes the ``reply`` that was sent; snooze wants
    ``until`` or ``until_escalation``."""

    assignee: str | None = Field(default=None, max_length=200)
    note: str = Field(default="", max_length=5000)
    reply: str = Field(default="", max_length=20000)
    until: datetime | None = None
    # Strict: the document says boolean, and a lax 0 or "no" read as false is a script's
    # mistake let through.
    until_escalation: StrictBool = False

    @field_validator("until", mode="before")
    @classmethod
    def _until_is_a_time(cls, value: object) -> object:
        # Lax pydantic reads a number as seconds since 1970; the document says a date-time.
        if value is not None and not isinstance(value, str | datetime):
            raise ValueError("until is a date and time (ISO 8601), e.g. 2026-12-05T09:00:00Z")
        return value


class BulkBody(ActionBody):
    # Strict (a JSON "1" or 1.0 is not an id); the page passes the ints its form parsed.
    ids: list[Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]] = Field(
        min_length=1, max_length=500
    )
    action: Action


class BulkOutcome(BaseModel):
    id: int
    ok: bool
    problem: str | None = None
    alert: AlertSummary | None = None


class BulkResult(BaseModel):
    done: int
    refused: int
    outcomes: list[BulkOutcome]
