"""The saved-search rule: mentions matching a query in the brand query language.

The query is compiled once (``listener.query.compile_query``) and matched against each new
mention the way brands are (``listener.pipeline.brands.match_brands``: title and text, language,
source). Every match published within ``max_age`` is an alert ``search:<rule>:<mention id>``
(a first poll's backlog of old posts is stored and searchable, but raises nothing):

- ``delivery: instant`` — routed like any alert;
- ``delivery: digest`` — stored, but its deliveries are written as suppressed with the
  reason "digest only" (``alerts.routing``), so the next digest lists it and the alert
  inbox still shows it. Storing it as an alert (rather than only counting it) keeps one
  place — the alerts — where a person finds every hit and acknowledges it.
"""

from __future__ import annotations

from datetime import datetime

from alerts.rules import authors
from alerts.rules.common import at_least, first_words
from alerts.severity import complaint_severity
from listener.config.alerts import SavedSearchRule, TaggedAuthor
from listener.models import Alert, AlertKind, Mention
from listener.query import Matcher, compile_query, prepare
from listener.store.alert_contract import AlertTx, NewAlert

# Matched text is capped like the pipeline caps what it stores: a match never scans more.
MATCH_CHARS = 20_000


class SavedSearch:
    """One saved-search rule with its compiled query."""

    def __init__(self, rule: SavedSearchRule) -> None:
        self.rule = rule
        self.matcher: Matcher = compile_query(rule.query)

    def matches(self, mention: Mention) -> tuple[str, ...] | None:
        doc = prepare(
            f"{mention.title}\n{mention.text}"[:MATCH_CHARS],
            language=mention.language,
            source=mention.source,
            source_type=mention.source_type,
        )
        return self.matcher.match(doc)

    def check(
        self,
        tx: AlertTx,
        mention: Mention,
        brand: str,
        *,
        now: datetime,
        authors_settings: list[TaggedAuthor],
    ) -> Alert | None:
        """Raise the alert for ``mention`` when it matches; return it."""
        if mention.deleted_at is not None or now - mention.published_at > self.rule.max_age:
            return None
        found = self.matches(mention)
        if found is None:
            return None
        tags, note = authors.author_tags(
            authors_settings, mention.source_type, mention.author.handle
        )
        earlier = authors.earlier_mentions(tx, mention)
        severity, reasons = complaint_severity(
            mention, tags=tags, prior_contacts=authors.prior_contacts(mention, earlier), note=note
        )
        if not at_least(severity, self.rule.min_severity):
            return None
        name = self.rule.rule_name
        who = f" by @{mention.author.handle.lstrip('@')}" if mention.author.handle else ""
        return tx.add_alert(
            NewAlert(
                key=f"search:{name}:{mention.id}",
                kind=AlertKind.SAVED_SEARCH,
                rule=name,
                brand=brand,
                severity=severity,
                title=(
                    f"Saved search {name}: mention{who} on {mention.source}: "
                    f"{first_words(mention.text or mention.title)}"
                ),
                created_at=now,
                mention_ids=(mention.id,),
                severity_reasons=reasons,
                details={
                    "query": self.rule.query,
                    "matched": list(found),
                    "delivery": self.rule.delivery,
                },
            )
        )
