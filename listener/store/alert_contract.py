"""The alert side of the storage contract: what the rules read and write inside one
transaction (``AlertTx``), the values they hand the store (``NewAlert``, ``AlertEvent``),
and what the CLI and the outbox sender ask outside it (``AlertStore``).

Kept apart from ``listener.store.base`` (which re-exports every name here) so each file
holds one concern: base.py the mention store, this one the alerts and their outbox.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from listener.models import (
    Alert,
    AlertKind,
    AlertState,
    Delivery,
    DeliveryEvent,
    DeliveryStatus,
    Mention,
    ReplyDraft,
    Severity,
    SourceState,
)

if TYPE_CHECKING:  # the stats package imports the SQLite store, which imports this module
    from listener.store.people import Person
    from listener.store.stats.models import Headline
    from listener.store.stats.scope import StatsScope


@dataclass(frozen=True, slots=True)
class NewAlert:
    """An alert a rule decided to raise; the store gives it its id and state."""

    key: str  # unique: raising the same key twice stores one alert
    kind: AlertKind
    rule: str
    brand: str | None
    severity: Severity
    title: str
    created_at: datetime
    mention_ids: tuple[str, ...] = ()
    severity_reasons: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    drafts: tuple[ReplyDraft, ...] = ()


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """One step in an alert's life, for its history: raised, folded, acknowledged, assigned…"""

    alert_id: int
    at: datetime
    what: str  # "raised", "folded", "acknowledged", "replied", "resolved", "ignored",
    # "assigned", "escalated", "reopened"
    by: str | None = None  # who did it; None for the daemon
    detail: str | None = None  # "assignee: dana", "mention x:123 folded in"
    mention_id: str | None = None  # the mention it is about ("copy": the copy), to link it


class AlertTx(Protocol):
    """Reads and writes of alerts inside ONE write transaction.

    Handed to ``insert_mentions``' ``on_stored`` (so a mention, its alert and its deliveries
    commit together or not at all) and yielded by ``Store.alert_transaction()`` for the
    time-based rules. It sees everything committed before it, and its own writes.
    Times compare as UTC instants. Mention reads leave tombstones out.
    """

    # -- alerts --
    def add_alert(self, alert: NewAlert) -> Alert | None:
        """Store a new alert (state ``new``) and its "raised" event; ``None`` when an
        alert with this key exists already (nothing is written then)."""
        ...

    def alert_by_key(self, key: str) -> Alert | None: ...

    def find_open_alert(
        self,
        *,
        kinds: Sequence[AlertKind],
        brand: str | None,
        since: datetime,
        rule: str | None = None,
        author: tuple[str | Sequence[str], str] | None = None,
        thread_id: str | None = None,
    ) -> Alert | None:
        """The newest open alert (new/acknowledged/replied) of these kinds and brand,
        updated at or after ``since``; with ``rule``, raised by that rule; with ``author``
        ((source_type, handle), any case; or (the source types of one network, handle)) or
        ``thread_id``, one that holds a mention by that author or in that thread (either
        matches when both are given)."""
        ...

    def fold_into(
        self,
        alert_id: int,
        mention_ids: Sequence[str],
        *,
        at: datetime,
        severity: Severity | None = None,
        severity_reasons: Sequence[str] = (),
        details: Mapping[str, Any] | None = None,
    ) -> Alert:
        """Add mentions to an alert (after those it holds; ones it holds are skipped),
        raise its severity when ``severity`` is higher (adding the reasons), replace its
        details when given, bump ``folded`` and ``updated_at``, record a "folded" event."""
        ...

    def set_state(
        self, alert_id: int, state: AlertState, *, at: datetime, by: str | None = None
    ) -> Alert:
        """As ``Store.set_alert_state``, inside this transaction (the daemon resolving a
        silent-source alert once the source works again)."""
        ...

    def unacknowledged_alerts(
        self, *, created_before: datetime, kinds: Sequence[AlertKind]
    ) -> list[Alert]:
        """Alerts still ``new``, never escalated, raised before ``created_before``."""
        ...

    def mark_escalated(self, alert_id: int, at: datetime) -> None: ...

    def alerts_between(
        self, since: datetime, until: datetime, *, brand: str | None = None
    ) -> list[Alert]:
        """Alerts raised in [since, until), oldest first (digests are left out)."""
        ...

    def open_alerts(self, *, brand: str | None = None) -> list[Alert]:
        """Alerts in new/acknowledged/replied, oldest first (digests are left out)."""
        ...

    def open_alerts_holding(self, mention_id: str) -> list[Alert]:
        """The open alerts (digests left out) that hold ``mention_id``, oldest first: one
        indexed read (the decider asks it for each near-copy's head)."""
        ...

    # -- deliveries --
    def enqueue(
        self,
        alert_id: int,
        channel: str,
        event: DeliveryEvent,
        *,
        at: datetime,
        not_before: datetime,
        status: DeliveryStatus = DeliveryStatus.PENDING,
        reason: str | None = None,
    ) -> Delivery | None:
        """Add an outbox row keyed "<alert key>|<channel>|<event>"; ``None`` when that key
        exists already."""
        ...

    def deliveries_since(self, channel: str, since: datetime) -> int:
        """Rows for ``channel`` created at or after ``since`` that were or will be sent
        (pending or sent): what its rate limit counts."""
        ...

    def suppressed_between(self, since: datetime, until: datetime) -> list[Delivery]:
        """Rows suppressed (rate limit, digest-only) created in [since, until), oldest first."""
        ...

    # -- mentions and sources, for the rules --
    def mention_counts(
        self,
        brand: str,
        since: datetime,
        until: datetime,
        *,
        bucket: timedelta,
        negative_only: bool,
    ) -> dict[datetime, int]:
        """Mentions of ``brand`` published in [since, until), counted per bucket: keys are
        bucket starts (``since + k * bucket``); empty buckets are left out."""
        ...

    def mentions_between(
        self,
        brand: str,
        since: datetime,
        until: datetime,
        *,
        negative_only: bool,
        limit: int = 500,
    ) -> list[Mention]:
        """Mentions of ``brand`` published in [since, until), newest first, at most ``limit``."""
        ...

    def author_mentions(
        self, source_type: str | Sequence[str], handle: str, *, before: datetime, limit: int = 5
    ) -> list[Mention]:
        """The author's mentions (handle any case) published before ``before``, newest first;
        ``source_type`` is one type or the types of one network (a polled type and its
        stream), whose mentions are one history."""
        ...

    def person_of(self, source_types: Iterable[str], handle: str) -> Person | None:
        """The person the author (handle any case, on any of ``source_types``: one network's
        types) is linked to, with every linked account; ``None`` for an unlinked author.
        One indexed read: the rules ask at every complaint."""
        ...

    def source_states(self) -> list[SourceState]: ...

    def headline(self, scope: StatsScope) -> Headline:
        """The dashboard's headline figures over ``scope`` (rollups and alerts, as
        ``listener.store.stats.headline`` reads them), read in this transaction: the digest."""
        ...


# insert_mentions' hook: called inside its write transaction with the mentions that were new.
OnStored = Callable[[AlertTx, list[Mention]], None]


class AlertStore(Protocol):
    """What the CLI, the outbox sender and the time-based rules ask of a store about alerts
    and deliveries, outside the rules' transactions; part of ``listener.store.base.Store``."""

    # -- alerts (see AlertTx for what the rules do inside a transaction) --

    def alert_transaction(self) -> AbstractContextManager[AlertTx]:
        """One write transaction for the time-based rules; commits when the block ends
        without an exception, rolls back otherwise."""
        ...

    def get_alert(self, alert_id: int) -> Alert | None: ...

    def list_alerts(
        self,
        *,
        states: Sequence[AlertState] = (),
        kinds: Sequence[AlertKind] = (),
        brand: str | None = None,
        assignee: str | None = None,
        since: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Alert]:
        """Alerts newest first; empty filters match everything; ``since`` on ``created_at``."""
        ...

    def set_alert_state(
        self, alert_id: int, state: AlertState, *, at: datetime, by: str | None = None
    ) -> Alert:
        """Move an alert to ``state`` and record the event. The first acknowledgement,
        reply and close each set their timestamp (kept if the alert moves on and back);
        moving a closed alert back to an open state reopens it (``closed_at`` cleared).
        Raises ``UnknownAlert``."""
        ...

    def assign_alert(
        self, alert_id: int, assignee: str | None, *, at: datetime, by: str | None = None
    ) -> Alert:
        """Set (or with ``None`` clear) the assignee and record the event."""
        ...

    def alert_events(self, alert_id: int) -> list[AlertEvent]:
        """The alert's history, oldest first."""
        ...

    def author_mentions(
        self, source_type: str | Sequence[str], handle: str, *, before: datetime, limit: int = 5
    ) -> list[Mention]:
        """As ``AlertTx.author_mentions``, on a reader connection."""
        ...

    def person_of(self, source_types: Iterable[str], handle: str) -> Person | None:
        """As ``AlertTx.person_of``, on a reader connection."""
        ...

    # -- the outbox --

    def due_deliveries(self, now: datetime, *, limit: int = 100) -> list[Delivery]:
        """Pending rows whose ``not_before`` has come, by channel then id (the order they
        must go out in), including rows still waiting for a retry (``next_attempt_at`` in
        the future) so the sender can hold back the rows queued behind them. ``limit`` is
        per channel, so a long queue on one channel never hides another's rows."""
        ...

    def mark_sent(self, delivery_id: int, *, at: datetime) -> None: ...

    def mark_failed(
        self, delivery_id: int, *, at: datetime, error: str, next_attempt_at: datetime
    ) -> None:
        """Count a failed attempt, keep the error (capped), and when to try again."""
        ...

    def drop_delivery(self, delivery_id: int, *, at: datetime, reason: str) -> Delivery:
        """A person gives up on a pending row. Raises ``UnknownDelivery``; a row that is
        not pending is a ``StoreError``."""
        ...

    def retry_delivery(self, delivery_id: int, *, at: datetime) -> Delivery:
        """Make a pending or dropped row pending and due now. Raises ``UnknownDelivery``."""
        ...

    def list_deliveries(
        self,
        *,
        statuses: Sequence[DeliveryStatus] = (),
        channel: str | None = None,
        alert_id: int | None = None,
        limit: int = 100,
    ) -> list[Delivery]:
        """Outbox rows, newest first."""
        ...
