"""Deciding alerts: runs the rules in the order that keeps a wave to one alert, routes them.

``AlertDecider.on_stored`` is ``insert_mentions``' hook, called inside the transaction that
stores a batch, so a mention, its alerts and their outbox rows commit together. It
evaluates the spike and shift rules for the batch's brands FIRST — a wave's own complaints
then fold into the incident the same batch raised — and then the per-mention rules
(complaint, saved search). ``evaluate`` runs the time-based rules on a clock tick: spike,
shift, silent sources, SLA escalation and digests. Every new alert is routed
(``alerts.routing``); digests enqueue themselves to their channels.

Nothing happens unless ``alerts.enabled``; each rule honours its ``enabled`` and ``brands``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from alerts.digest import check_digests
from alerts.routing import channels_for, route
from alerts.rules.common import watches
from alerts.rules.complaint import Drafts, check_complaint, no_drafts
from alerts.rules.saved_search import SavedSearch
from alerts.rules.shift import check_shift
from alerts.rules.silent import check_silent
from alerts.rules.sla import check_sla
from alerts.rules.spike import check_spike
from alerts.rules.terms import query_words
from listener.clock import Clock
from listener.config.alerts import (
    ComplaintRule,
    SavedSearchRule,
    SentimentShiftRule,
    SilentSourceRule,
    SpikeRule,
)
from listener.config.settings import Settings
from listener.logs import fields
from listener.models import Alert, AlertKind, DeliveryEvent, Mention
from listener.store.alert_contract import AlertTx

log = logging.getLogger("alerts.decide")


class AlertDecider:
    def __init__(self, settings: Settings, *, clock: Clock, drafts: Drafts | None = None) -> None:
        self._settings = settings
        self._clock = clock
        # When the daemon started watching: the silent-source rule does not count the time
        # it was stopped as the sources' silence.
        self._started = clock()
        self._drafts = drafts or no_drafts
        rules = [r for r in settings.alerts.rules if r.enabled]
        self._complaints = [r for r in rules if isinstance(r, ComplaintRule)]
        self._spikes = [r for r in rules if isinstance(r, SpikeRule)]
        self._shifts = [r for r in rules if isinstance(r, SentimentShiftRule)]
        self._silent = [r for r in rules if isinstance(r, SilentSourceRule)]
        # Compiled once: a saved search's query is parsed at start, not per mention.
        self._searches = [
            SavedSearch(r, store_path=settings.storage.sqlite)
            for r in rules
            if isinstance(r, SavedSearchRule)
        ]
        self._brands = [b.name for b in settings.brands]
        self._unrouted: set[str] = set()  # rules whose alerts matched no route (logged once)
        self._query_words = {b.name: query_words(b.query) for b in settings.brands}

    @property
    def enabled(self) -> bool:
        return self._settings.alerts.enabled

    def on_stored(self, tx: AlertTx, mentions: list[Mention]) -> None:
        """Decide the alerts of a batch of newly stored mentions (inside its transaction)."""
        if not self.enabled or not mentions:
            return
        now = self._clock()
        raised: list[Alert | None] = []
        for brand in _brands_in(mentions):
            batch = [m for m in mentions if brand in m.brands]
            raised += self._waves(tx, brand, now, batch)
        for mention in mentions:
            raised += self._per_mention(tx, mention, now)
        self._route_all(tx, raised, now)

    def evaluate(self, tx: AlertTx) -> list[Alert]:
        """Run the time-based rules; return the alerts they raised (digests included)."""
        if not self.enabled:
            return []
        now = self._clock()
        alerts = self._settings.alerts
        raised: list[Alert | None] = []
        for brand in self._brands:
            raised += self._waves(tx, brand, now, ())
        for rule in self._silent:
            raised += check_silent(tx, rule, self._settings.sources, now=now, started=self._started)
        routed = self._route_all(tx, raised, now)
        if alerts.sla is not None:
            check_sla(
                tx,
                alerts.sla,
                now=now,
                escalate=lambda a: route(tx, a, DeliveryEvent.ESCALATION, alerts, now),
            )
        return routed + check_digests(tx, alerts, self._brands, now=now)

    def _waves(
        self, tx: AlertTx, brand: str, now: datetime, batch: Sequence[Mention]
    ) -> list[Alert | None]:
        words = self._query_words.get(brand, frozenset())
        found: list[Alert | None] = [
            check_spike(tx, rule, brand, now=now, query_words=words, batch=batch)
            for rule in self._spikes
            if watches(rule, brand)
        ]
        found += [check_shift(tx, r, brand, now=now) for r in self._shifts if watches(r, brand)]
        return found

    def _per_mention(self, tx: AlertTx, mention: Mention, now: datetime) -> list[Alert | None]:
        # A near-copy (issue 18) is held back only where the head already reached the team
        # through the same rule: that alert got an "also on" event when the copy was stored.
        # Elsewhere it is a mention like any other: a customer quoting a story and adding a
        # complaint, a copy of a head that raised nothing, or whose alert was closed.
        held = _alerts_holding_head(tx, mention)
        authors = self._settings.alerts.authors
        found: list[Alert | None] = []
        for rule in self._complaints:
            brand = next((b for b in mention.brands if watches(rule, b)), None)
            if brand is not None and not _complaint_holds(held, rule.rule_name, brand):
                found.append(
                    check_complaint(
                        tx,
                        rule,
                        mention,
                        brand,
                        now=now,
                        authors_settings=authors,
                        incident_cooldown=self._incident_cooldown(brand),
                        drafts=self._drafts,
                    )
                )
        for search in self._searches:
            brand = next((b for b in mention.brands if watches(search.rule, b)), None)
            if brand is not None and not _search_holds(held, search.rule.rule_name, brand):
                found.append(search.check(tx, mention, brand, now=now, authors_settings=authors))
        return found

    def _incident_cooldown(self, brand: str) -> timedelta | None:
        """How long an incident of the brand stays open for folding: the longest cooldown
        of the spike rules that watch it (None: no spike rule, nothing to fold into)."""
        cooldowns = [r.cooldown for r in self._spikes if watches(r, brand)]
        return max(cooldowns) if cooldowns else None

    def _route_all(self, tx: AlertTx, raised: Iterable[Alert | None], now: datetime) -> list[Alert]:
        alerts = [a for a in raised if a is not None]
        for alert in alerts:
            route(tx, alert, DeliveryEvent.NEW, self._settings.alerts, now)
            self._warn_unrouted(alert)
        return alerts

    def _warn_unrouted(self, alert: Alert) -> None:
        """Say once per rule (per start) when routes send its alert to no channel: a route
        list written for complaints silently leaves silent-source alerts in the inbox."""
        settings = self._settings.alerts
        if not settings.routes or alert.rule in self._unrouted:
            return
        if channels_for(alert, DeliveryEvent.NEW, settings):
            return
        self._unrouted.add(alert.rule)
        log.warning(
            "alert matched no route: it is only in the alert inbox",
            extra=fields(
                alert=alert.id, rule=alert.rule, kind=str(alert.kind), severity=str(alert.severity)
            ),
        )


def _brands_in(mentions: Sequence[Mention]) -> list[str]:
    return list(dict.fromkeys(b for m in mentions for b in m.brands))


def _alerts_holding_head(tx: AlertTx, mention: Mention) -> list[Alert]:
    """The open alerts holding the head of the cluster ``mention`` is a copy in (none for
    a head: no read)."""
    return [] if mention.copy_of is None else tx.open_alerts_holding(mention.copy_of)


def _complaint_holds(held: Sequence[Alert], rule: str, brand: str) -> bool:
    """Whether the complaint rule ``rule`` already put the head before the team for
    ``brand``: its complaint alert, or the brand's incident a complaint folds into."""
    return any(
        a.brand == brand
        and (a.kind == AlertKind.INCIDENT or (a.kind == AlertKind.COMPLAINT and a.rule == rule))
        for a in held
    )


def _search_holds(held: Sequence[Alert], rule: str, brand: str) -> bool:
    return any(
        a.brand == brand and a.kind == AlertKind.SAVED_SEARCH and a.rule == rule for a in held
    )
