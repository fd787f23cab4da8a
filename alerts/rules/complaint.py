"""The complaint rule: a public complaint reaches the team once, with its follow-ups folded in.

A mention alerts when the judges call it a complaint, it is not spam or a bot, it is recent
enough to answer (``max_age``) and its severity reaches ``min_severity``. The brand's own
accounts never get here: ``listener.pipeline.brands.match_brands`` drops their posts before storage.

Where it goes, in order:

1. a follow-up by the same author (network + handle) or in the same thread within
   ``cooldown`` folds into that open complaint alert, raising its severity when worse —
   unless it is worse AND high or critical (a threat after a grumble, a journalist joining
   the thread): folded, it would change an alert the team has already seen and maybe
   acknowledged, without a word to anyone, so it raises its own alert, whose history
   shows the earlier contact;
2. while an incident of the brand is open, a complaint below ``fold_into_incident_below``
   folds into the incident: a wave reaches the team as one alert;
3. otherwise it raises ``complaint:<mention id>`` with reply drafts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from alerts.message import AuthorHistory
from alerts.rules import authors
from alerts.rules.common import at_least, first_words
from alerts.severity import complaint_severity
from listener.config.alerts import ComplaintRule, TaggedAuthor
from listener.models import Alert, AlertKind, Flag, Mention, ReplyDraft, Severity
from listener.store.alert_contract import AlertTx, NewAlert

# Drafting is another module's business; the decider is handed the function that does it.
Drafts = Callable[[Mention, AuthorHistory | None], tuple[ReplyDraft, ...]]


def no_drafts(mention: Mention, history: AuthorHistory | None) -> tuple[ReplyDraft, ...]:
    return ()


def is_public_complaint(mention: Mention) -> bool:
    j = mention.judgments
    return (
        j.complaint
        and mention.deleted_at is None
        and not j.flagged(Flag.SPAM)
        and not j.flagged(Flag.BOT)
    )


def title(mention: Mention) -> str:
    who = f" from @{mention.author.handle.lstrip('@')}" if mention.author.handle else ""
    words = first_words(mention.text or mention.title)
    return f"Complaint{who} on {mention.source}: {words}"


def check_complaint(
    tx: AlertTx,
    rule: ComplaintRule,
    mention: Mention,
    brand: str,
    *,
    now: datetime,
    authors_settings: list[TaggedAuthor],
    incident_cooldown: timedelta | None,
    drafts: Drafts = no_drafts,
) -> Alert | None:
    """Fold ``mention`` into an open alert or raise a new one; return the alert it raised."""
    if not is_public_complaint(mention) or now - mention.published_at > rule.max_age:
        return None
    # A person's (issue 18): tags, note and earlier contacts span their linked accounts.
    facts = authors.author_facts(tx, authors_settings, mention)
    tags, note, earlier = facts.tags, facts.note, facts.earlier
    severity, reasons = complaint_severity(
        mention, tags=tags, prior_contacts=authors.prior_contacts(mention, earlier), note=note
    )
    if not at_least(severity, rule.min_severity):
        return None
    handle = mention.author.handle
    # Without an author or a thread nothing links this mention to an earlier one (and
    # find_open_alert would return any open complaint).
    if handle or mention.thread_id:
        open_alert = tx.find_open_alert(
            kinds=[AlertKind.COMPLAINT],
            brand=brand,
            since=now - rule.cooldown,
            rule=rule.rule_name,
            author=authors.author_key(mention),
            thread_id=mention.thread_id,
        )
        if open_alert is not None and not _escalates(severity, open_alert):
            _fold(tx, open_alert, mention, severity, reasons, now)
            return None
    if incident_cooldown is not None and severity.rank < rule.fold_into_incident_below.rank:
        incident = tx.find_open_alert(
            kinds=[AlertKind.INCIDENT], brand=brand, since=now - incident_cooldown
        )
        if incident is not None:
            if mention.id not in incident.mention_ids:
                tx.fold_into(incident.id, [mention.id], at=now)
            return None
    history = authors.history(earlier, tags, note, facts.person) if handle else None
    return tx.add_alert(
        NewAlert(
            key=f"complaint:{mention.id}",
            kind=AlertKind.COMPLAINT,
            rule=rule.rule_name,
            brand=brand,
            severity=severity,
            title=title(mention),
            created_at=now,
            mention_ids=(mention.id,),
            severity_reasons=reasons,
            details={"tags": list(tags), "prior_contacts": len(authors.contacts(earlier))},
            drafts=drafts(mention, history),
        )
    )


def _escalates(severity: Severity, alert: Alert) -> bool:
    """The follow-up is worse than the alert the team saw, and bad enough to need telling."""
    return severity.rank > alert.severity.rank and severity.rank >= Severity.HIGH.rank


def _fold(
    tx: AlertTx,
    alert: Alert,
    mention: Mention,
    severity: Severity,
    reasons: tuple[str, ...],
    now: datetime,
) -> None:
    worse = severity.rank > alert.severity.rank
    tx.fold_into(
        alert.id,
        [mention.id],
        at=now,
        severity=severity if worse else None,
        severity_reasons=[r for r in reasons if r not in alert.severity_reasons] if worse else (),
    )
