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

A rule with ``saved: NAME`` reads the search saved in the web app under that name (its query
and its filters: brand, source, sentiment, complaint, feeling, topic, language, urgency,
flag, dates) from the store when the rules are built (at start and on each reload).
``listener check`` and ``listener run`` refuse a name the store does not hold
(``saved_search_problems``), and so does
the daemon's reload, keeping the settings it runs on; should one still go missing between that
check and the rules being built, the rule raises nothing and says so in the log at ERROR.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from alerts.rules import authors
from alerts.rules.common import at_least, first_words
from alerts.severity import complaint_severity
from listener.config.alerts import SavedSearchRule, TaggedAuthor
from listener.config.settings import Settings
from listener.logs import fields
from listener.models import Alert, AlertKind, Mention
from listener.query import Matcher, compile_query, prepare
from listener.store.alert_contract import AlertTx, NewAlert
from listener.store.saved_searches import read_saved_search

log = logging.getLogger("alerts.rules.saved_search")

# Matched text is capped like the pipeline caps what it stores: a match never scans more.
MATCH_CHARS = 20_000


# The saved search's filters a rule can test on one mention; "sort" orders a list and
# means nothing to a rule. Any other key is refused, never skipped.
_RULE_FILTERS = frozenset(
    {"brand", "source", "sentiment", "complaint", "feeling", "topic", "language", "urgency",
     "flag", "from", "to"}
)  # fmt: skip
_UNORDERED = frozenset({"sort"})


def _passes(filters: Mapping[str, str], mention: Mention) -> bool:
    """Whether ``mention`` passes a saved search's filters, as the search tests them."""
    j = mention.judgments
    if "brand" in filters and filters["brand"].lower() not in {b.lower() for b in mention.brands}:
        return False
    if "source" in filters and filters["source"].lower() not in (
        mention.source.lower(),
        mention.source_type.lower(),
    ):
        return False
    if "sentiment" in filters and j.sentiment_label.value != filters["sentiment"].lower():
        return False
    if "complaint" in filters and j.complaint != (filters["complaint"] == "yes"):
        return False
    if "feeling" in filters and filters["feeling"].lower() not in j.feeling_names():
        return False
    if "topic" in filters and filters["topic"].lower() not in j.topic_names():
        return False
    if "urgency" in filters and j.urgency.value != filters["urgency"].lower():
        return False
    if "flag" in filters and filters["flag"].lower() not in {f.name for f in j.flags}:
        return False
    if "language" in filters:
        wanted, lang = filters["language"].lower(), (mention.language or "").lower()
        if lang != wanted and not lang.startswith(wanted + "-"):
            return False
    published = mention.published_at
    if "from" in filters and published < _day(filters["from"]):
        return False
    # "to" names a day and includes it.
    return not ("to" in filters and published >= _day(filters["to"]) + timedelta(days=1))


def _day(value: str) -> datetime:
    return datetime.combine(date.fromisoformat(value), time(0), tzinfo=UTC)


def saved_search_problems(settings: Settings) -> list[str]:
    """What keeps a ``saved:`` rule from running: a name the store does not hold, or a
    saved filter the rule cannot test (``listener check`` prints these and exits 2)."""
    problems = []
    for rule in settings.alerts.rules:
        if not isinstance(rule, SavedSearchRule) or rule.saved is None:
            continue
        record = read_saved_search(settings.storage.sqlite, rule.saved)
        if record is None:
            problems.append(
                f"alerts.rules: the saved_search rule {rule.rule_name!r} names the saved search "
                f"{rule.saved!r}, which the store {settings.storage.sqlite} does not hold: "
                "save it in the web app's search first, or give the rule a query"
            )
            continue
        unknown = sorted(set(record.filters) - _RULE_FILTERS - _UNORDERED)
        if unknown:
            problems.append(
                f"alerts.rules: the saved search {rule.saved!r} filters on "
                f"{', '.join(unknown)}, which the saved_search rule cannot test"
            )
    return problems


class SavedSearch:
    """One saved-search rule with its compiled query (and, for ``saved:``, its filters)."""

    def __init__(self, rule: SavedSearchRule, *, store_path: str | Path | None = None) -> None:
        self.rule = rule
        self.query: str | None = rule.query
        self.filters: dict[str, str] = {}
        if rule.saved is not None:
            record = read_saved_search(store_path, rule.saved) if store_path else None
            unknown = set(record.filters) - _RULE_FILTERS - _UNORDERED if record else set()
            if record is None or unknown:
                log.error(
                    "a saved_search rule cannot run: its saved search is missing or filters "
                    "on what a rule cannot test (see `listener check`); it raises nothing",
                    extra=fields(rule=rule.rule_name, saved=rule.saved),
                )
            else:
                self.query = record.query
                self.filters = {k: v for k, v in record.filters.items() if k in _RULE_FILTERS}
        # An empty saved query (filters only) matches every mention the filters pass.
        self.matcher: Matcher | None = (
            compile_query(self.query) if self.query and self.query.strip() else None
        )

    def matches(self, mention: Mention) -> tuple[str, ...] | None:
        if self.query is None or not _passes(self.filters, mention):
            return None
        if self.matcher is None:
            return ()
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
        facts = authors.author_facts(tx, authors_settings, mention)
        tags, note, earlier = facts.tags, facts.note, facts.earlier
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
                    "query": self.query,
                    **({"saved": self.rule.saved} if self.rule.saved else {}),
                    "matched": list(found),
                    "delivery": self.rule.delivery,
                },
            )
        )
