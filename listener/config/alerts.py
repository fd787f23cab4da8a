"""Settings of the ``alerts:`` section: channels, rules, routes, the SLA, digests, author tags.

A channel or a rule is written flat with a ``type`` key that picks its model, like a
source entry::

    channels:
      - {name: team-slack, type: slack, webhook_url: "${SLACK_WEBHOOK_URL}"}
    rules:
      - {type: complaint, cooldown: 2h}
      - {type: spike, window: 1h, min_volume: 10}

Rules run for every brand unless their ``brands`` list names some. With no ``routes``,
every alert goes to every channel. Nothing here touches the network.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time, timedelta
from difflib import get_close_matches
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from listener.config.channels import (
    ChannelSettings,
    HttpUrl,
    Name,
    TimeZone,
)
from listener.config.errors import Loc, combine_errors
from listener.models import AlertKind, Severity
from listener.query import valid_query
from listener.sources.registry import source_types
from listener.units import MAX_COUNT, Duration, PositiveDuration, at_least

__all__ = [
    "AlertsSettings",
    "ComplaintRule",
    "DigestSettings",
    "RetrySettings",
    "Route",
    "RuleBase",
    "RuleSettings",
    "SavedSearchRule",
    "SentimentShiftRule",
    "SilentSourceRule",
    "SlaSettings",
    "SpikeRule",
    "TaggedAuthor",
    "default_rules",
    "unknown_names",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- rules -----------------------------------------------------------------------------


class RuleBase(_Strict):
    type: str  # each rule narrows this to its Literal, which picks the model
    # Defaults to the type; routes refer to rules by this name.
    name: Name | None = None
    brands: list[str] = []  # empty: every brand
    enabled: bool = True

    @property
    def rule_name(self) -> str:
        return self.name or self.type


class ComplaintRule(RuleBase):
    """A public complaint (not the brand's own accounts, not spam) raises an alert."""

    type: Literal["complaint"]
    min_severity: Severity = Severity.LOW
    # Follow-ups by the same author, or in the same thread, within this time fold into
    # the open alert instead of raising another.
    cooldown: PositiveDuration = timedelta(hours=2)
    # Mentions published longer ago than this (a first poll reaching back days) are stored
    # and searchable but raise no alert: nobody can answer them "in real time" any more.
    max_age: PositiveDuration = timedelta(days=2)
    # While an incident of the brand is open, complaints below this severity fold into it
    # rather than ping one by one: a wave reaches the team as one alert.
    fold_into_incident_below: Severity = Severity.HIGH


class SpikeRule(RuleBase):
    """Volume in a window against its baseline: one incident alert for a wave."""

    type: Literal["spike"]
    measure: Literal["negative", "total"] = "negative"
    window: Annotated[Duration, at_least(timedelta(minutes=5))] = timedelta(hours=1)
    # How much history the baseline is drawn from. hour_of_week compares with the same
    # hours of earlier weeks (falls back to ewma until it has two weeks); ewma weighs
    # recent windows more.
    baseline: Annotated[Duration, at_least(timedelta(days=1))] = timedelta(days=14)
    method: Literal["hour_of_week", "ewma"] = "hour_of_week"
    # How many standard deviations (Poisson) above the baseline: lower is more sensitive.
    sensitivity: float = Field(default=3.0, gt=0.0, le=20.0)
    # Never an incident below this many mentions.
    min_volume: int = Field(default=10, ge=1, le=MAX_COUNT)
    cooldown: PositiveDuration = timedelta(hours=2)


class SavedSearchRule(RuleBase):
    """A query in the brand query language; matching mentions alert at once or in a digest."""

    type: Literal["saved_search"]
    name: Name  # required here: a saved search is known by name
    # Either the query itself, or ``saved``: the name of a search saved in the web app (its
    # query and filters are read from the store at start and on reload; ``listener check``
    # refuses a name the store does not hold).
    query: str | None = None
    # Saved searches are named in words ("Late deliveries"), not as identifiers.
    saved: Annotated[str, Field(min_length=1, max_length=80)] | None = None
    delivery: Literal["instant", "digest"] = "instant"
    min_severity: Severity = Severity.LOW
    # As the complaint rule's: older posts (a first poll reaching back days) are stored and
    # searchable but raise no alert.
    max_age: PositiveDuration = timedelta(days=2)

    @field_validator("query")
    @classmethod
    def _query_parses(cls, value: str | None) -> str | None:
        return None if value is None else valid_query(value)

    @model_validator(mode="after")
    def _query_or_saved(self) -> SavedSearchRule:
        if (self.query is None) == (self.saved is None):
            raise ValueError("give the rule either a query or saved: the name of a saved search")
        return self


class SentimentShiftRule(RuleBase):
    """The share of negative mentions over a window rises past ``threshold``."""

    type: Literal["sentiment_shift"]
    window: Annotated[Duration, at_least(timedelta(minutes=15))] = timedelta(hours=6)
    threshold: float = Field(default=0.4, gt=0.0, lt=1.0)
    min_volume: int = Field(default=20, ge=1, le=MAX_COUNT)
    cooldown: PositiveDuration = timedelta(hours=6)


class SilentSourceRule(RuleBase):
    """A source with no successful poll for ``intervals`` of its intervals, or with an
    unusual run of empty polls."""

    type: Literal["silent_source"]
    sources: list[str] = []  # empty: every enabled source
    # × the source's interval (at most a century): a thousand keeps that a timedelta.
    intervals: int = Field(default=6, ge=2, le=1000)
    # Successful polls in a row that found nothing, for a source that has found mentions
    # before. null: do not watch for empty runs.
    empty_polls: int | None = Field(default=48, ge=2, le=MAX_COUNT)


RuleSettings = Annotated[
    ComplaintRule | SpikeRule | SavedSearchRule | SentimentShiftRule | SilentSourceRule,
    Field(discriminator="type"),
]


def default_rules() -> list[RuleSettings]:
    return [
        ComplaintRule(type="complaint"),
        SpikeRule(type="spike"),
        SilentSourceRule(type="silent_source"),
    ]


# ---- routing, SLA, digests, authors -----------------------------------------------------


class Route(_Strict):
    """Alerts of these rules (or kinds), brands and severities go to these channels."""

    channels: list[Name] = Field(min_length=1)
    rules: list[str] = []  # rule names; empty: every rule
    kinds: list[AlertKind] = []  # empty: every kind
    brands: list[str] = []
    min_severity: Severity = Severity.LOW


class SlaSettings(_Strict):
    """An alert still new (not acknowledged) after ``ack_within`` is sent again to
    ``escalate_to`` — the lead, the on-call phone — marked as an escalation."""

    ack_within: PositiveDuration = timedelta(minutes=30)
    escalate_to: list[Name] = Field(min_length=1)
    min_severity: Severity = Severity.NORMAL
    kinds: list[AlertKind] = [AlertKind.COMPLAINT, AlertKind.INCIDENT]
    # Alerts raised longer ago than this are not escalated: they are a backlog for the
    # digest, not a page — switching the SLA on over a full inbox must not call everyone.
    max_age: PositiveDuration = timedelta(days=1)

    @model_validator(mode="after")
    def _age_after_ack(self) -> SlaSettings:
        if self.max_age <= self.ack_within:
            raise ValueError("max_age must be longer than ack_within, or nothing escalates")
        return self


class DigestSettings(_Strict):
    """A summary per brand: volume and sentiment trend, top complaints, open alerts, SLA
    breaches, and what was held back (rate limits, digest-only saved searches)."""

    name: Name = "digest"
    every: Literal["hourly", "daily", "weekly"] = "daily"
    # Daily digests: the local time they are sent; weekly ones: on Mondays at that time.
    at: time = time(9, 0)
    timezone: TimeZone = "UTC"
    channels: list[Name] = Field(min_length=1)
    brands: list[str] = []


AuthorTag = Literal["vip", "loyal", "press"]


class TaggedAuthor(_Strict):
    """An author who gets extra care: their alerts rank higher and say why."""

    handle: str = Field(min_length=1)  # as the source shows it; '@' optional
    # "x", "reddit", …: that handle on every source type of its network ("bluesky" covers
    # "jetstream" too, and the other way round); null: that handle on any source.
    source_type: str | None = None
    tags: list[AuthorTag] = Field(min_length=1)
    note: str | None = None  # shown on their alerts: "ordered every month since 2019"

    @field_validator("handle")
    @classmethod
    def _plain_handle(cls, value: str) -> str:
        return value.strip().removeprefix("@").lower()

    @field_validator("source_type")
    @classmethod
    def _type_registered(cls, value: str | None) -> str | None:
        # A misspelt type would match no mention, and the tag would silently never apply.
        known = sorted(source_types())
        if value is None or value in known:
            return value
        close = get_close_matches(value, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"unknown source type {value!r}{hint}; known types: {', '.join(known)}")


class RetrySettings(_Strict):
    # A failed delivery is tried again after backoff_base, then twice as long each time,
    # up to backoff_max, until it succeeds or a person drops it.
    backoff_base: PositiveDuration = timedelta(seconds=30)
    backoff_max: PositiveDuration = timedelta(minutes=15)


class AlertsSettings(_Strict):
    # Off unless asked for; but channels or rules written in the file are asking for it, so
    # `enabled` then defaults to on (an explicit `enabled: false` still turns alerts off).
    enabled: bool = False
    channels: list[ChannelSettings] = []
    rules: list[RuleSettings] = Field(default_factory=default_rules)
    routes: list[Route] = []
    sla: SlaSettings | None = None
    digests: list[DigestSettings] = []
    authors: list[TaggedAuthor] = []
    retry: RetrySettings = Field(default_factory=RetrySettings)
    # How often the time-based rules (spike, shift, silent source, SLA, digests) are checked.
    evaluate_every: Annotated[Duration, at_least(timedelta(seconds=5))] = timedelta(seconds=30)
    # Where the web UI is reachable from the team's browsers, for links in messages
    # (e.g. https://listener.example.org). null: link to the post itself.
    base_url: HttpUrl | None = None

    @model_validator(mode="before")
    @classmethod
    def _on_when_configured(cls, data: Any) -> Any:
        # A channel configured and nothing sent, silently, is a setting that does nothing.
        configured = isinstance(data, Mapping) and (data.get("channels") or data.get("rules"))
        if configured and "enabled" not in data:
            return {**data, "enabled": True}
        return data

    @model_validator(mode="after")
    def _names_known(self) -> AlertsSettings:
        # Each problem at its own entry, so the message points at the line to fix.
        problems: list[tuple[Loc, str]] = []
        channels = [c.name for c in self.channels]
        for i in _repeated_at(channels):
            problems.append((("channels", i), f"channel name {channels[i]!r} is used twice"))
        rules = [r.rule_name for r in self.rules]
        for i in _repeated_at(rules):
            problems.append(
                (("rules", i), f"rule name {rules[i]!r} is used twice; give one a `name:`")
            )
        # A digest's key holds its name: the second of two namesakes would never be built.
        digests = [d.name for d in self.digests]
        for i in _repeated_at(digests):
            problems.append((("digests", i, "name"), f"digest name {digests[i]!r} is used twice"))
        referenced: list[tuple[Loc, str]] = [
            (("routes", i, "channels", k), n)
            for i, r in enumerate(self.routes)
            for k, n in enumerate(r.channels)
        ]
        referenced += [
            (("digests", i, "channels", k), n)
            for i, d in enumerate(self.digests)
            for k, n in enumerate(d.channels)
        ]
        if self.sla is not None:
            referenced += [
                (("sla", "escalate_to", k), n) for k, n in enumerate(self.sla.escalate_to)
            ]
        known = ", ".join(dict.fromkeys(channels)) or "none are configured"
        for loc, name in referenced:
            if name not in channels:
                problems.append((loc, f"no channel is named {name!r} (channels: {known})"))
        rule_names = ", ".join(dict.fromkeys(rules))
        for i, route in enumerate(self.routes):
            for k, rule in enumerate(route.rules):
                if rule not in rules:
                    problems.append(
                        (
                            ("routes", i, "rules", k),
                            f"no rule is named {rule!r} (rules: {rule_names})",
                        )
                    )
        if problems:
            raise combine_errors(None, problems)
        return self


def _repeated_at(names: list[str]) -> list[int]:
    """The indexes of names used before them in the list."""
    seen: set[str] = set()
    found = []
    for i, name in enumerate(names):
        if name in seen:
            found.append(i)
        seen.add(name)
    return found


def unknown_names(
    alerts: AlertsSettings, *, brands: list[str], sources: list[str]
) -> list[tuple[Loc, str]]:
    """Brands and sources the alerts settings name that the rest of the file does not
    define, each with its place in the file (``alerts.rules[1].brands[0]``)."""
    lists: list[tuple[Loc, list[str], str, list[str]]] = []
    for where, entries in (
        ("rules", alerts.rules),
        ("routes", alerts.routes),
        ("digests", alerts.digests),
    ):
        for i, entry in enumerate(entries):
            # A rule's path carries its type, as pydantic writes it (the loader drops it).
            at: Loc = ("alerts", where, i)
            at += (entry.type,) if isinstance(entry, RuleBase) else ()
            lists.append(((*at, "brands"), entry.brands, "brand", sorted(brands)))
    for i, rule in enumerate(alerts.rules):
        if isinstance(rule, SilentSourceRule):
            at = ("alerts", "rules", i, rule.type, "sources")
            lists.append((at, rule.sources, "source", sorted(sources)))
    return [
        ((*loc, n), f"no {kind} is named {name!r} ({kind}s: {', '.join(known) or 'none'})")
        for loc, names, kind, known in lists
        for n, name in enumerate(names)
        if name not in known
    ]
