"""The silent-source rule: a source that stopped answering, or went unusually quiet.

A configured, enabled source is silent when

- it has not polled successfully for ``intervals`` × its interval, measured from its last
  success — or from when the daemon started watching (``started``), if later, unless a poll
  since then failed: time the daemon itself was stopped is not the source's silence, and
  the first evaluation after a night's downtime runs before anything was polled;
- a source that never succeeded is silent once it has failed ``intervals`` times in a row
  (its state keeps no first-attempt time, and each failure took at least an interval —
  backoff only stretches them), or as soon as it is parked;
- a stream (which reconnects within seconds, so failure counts mean little) is silent
  once it has gone ``intervals`` × its idle timeout, and at least ``STREAM_SILENCE_FLOOR``,
  without a success, counted from its last success or the daemon's start, whichever is
  later, failing or not; one that never succeeded needs a failure too;
- or, for a source that has found mentions before (``items_total`` > 0), its last
  ``empty_polls`` successful polls in a row found nothing.

One alert per silence episode: the key holds what stays constant while the episode lasts
(the last success for an outage, the mention total for an empty run). Once the source has
polled successfully since the alert, and is not silent, its open silent-source alerts are
resolved by "listener"; so are those of a source that was removed, disabled or is no longer
watched by the rule (nobody is going to fix it, and the alert would stay open for ever).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from alerts.rules.common import span_text
from listener.config.alerts import SilentSourceRule
from listener.config.settings import SourceSettings
from listener.models import Alert, AlertKind, AlertState, Severity, SourceState
from listener.store.alert_contract import AlertTx, NewAlert

RESOLVED_BY = "listener"
# A stream is silent after this long without a success at the least, whatever its idle
# timeout: reconnecting and rate-limit waits take minutes on a bad day.
STREAM_SILENCE_FLOOR = timedelta(minutes=10)


def _silence(
    rule: SilentSourceRule,
    source: SourceSettings,
    state: SourceState,
    now: datetime,
    started: datetime | None,
) -> tuple[str, str] | None:
    """(episode key, title) when the source is silent, else None."""
    name = source.name
    if source.is_stream and not state.parked_reason:
        return _stream_outage(rule, source, state, now, started) or _empty_run(rule, state, name)
    limit = rule.intervals * source.expected_interval
    # A failed poll since the start is news of its own; without one, the source has only
    # been silent since the daemon started watching.
    failing_now = state.error_count > 0 and (
        started is None or (state.last_attempt_at is not None and state.last_attempt_at >= started)
    )
    watched_for = now - started if started is not None and not failing_now else None
    if state.parked_reason:
        since = state.last_success_at.isoformat() if state.last_success_at else "never"
        return (
            f"silent:{name}:parked:{since}",
            f"Source {name} is parked: {state.parked_reason[:200]}",
        )
    if state.last_success_at is not None:
        if now - state.last_success_at >= limit and (watched_for is None or watched_for >= limit):
            return (
                f"silent:{name}:down:{state.last_success_at.isoformat()}",
                f"Source {name} has not polled successfully for {span_text(limit)}"
                f" (last success {state.last_success_at:%Y-%m-%d %H:%M} UTC)",
            )
    elif state.error_count >= rule.intervals:
        return (
            f"silent:{name}:never",
            f"Source {name} has never polled successfully ({state.error_count} failures)",
        )
    return _empty_run(rule, state, name)


def _empty_run(rule: SilentSourceRule, state: SourceState, name: str) -> tuple[str, str] | None:
    if (
        rule.empty_polls is not None
        and state.items_total > 0
        and state.empty_polls >= rule.empty_polls
        and state.error_count == 0
    ):
        return (
            f"silent:{name}:empty:{state.items_total}",
            f"Source {name} found nothing new in {state.empty_polls} polls in a row",
        )
    return None


def _stream_outage(
    rule: SilentSourceRule,
    source: SourceSettings,
    state: SourceState,
    now: datetime,
    started: datetime | None,
) -> tuple[str, str] | None:
    # A stream's failures say little: a dropped connection is retried within seconds, so six
    # come in a second or two, and a rate limit's routine waits outlast six idle timeouts.
    # What counts is how long it has gone without a success (a stored batch, or a connection
    # that held), never less than STREAM_SILENCE_FLOOR; counted from the daemon's start
    # when that is later (its own downtime is not the stream's silence).
    name = source.name
    limit = max(rule.intervals * source.expected_interval, STREAM_SILENCE_FLOOR)
    success = state.last_success_at
    since = success if started is None or (success is not None and success > started) else started
    if since is not None and now - since < limit:
        return None
    if success is not None:
        return (
            f"silent:{name}:down:{success.isoformat()}",
            f"Stream {name} has not listened successfully for {span_text(limit)}"
            f" (last success {success:%Y-%m-%d %H:%M} UTC)",
        )
    if state.error_count == 0:
        return None  # still connecting for the first time
    return (
        f"silent:{name}:never",
        f"Stream {name} has never listened successfully ({state.error_count} failures)",
    )


def check_silent(
    tx: AlertTx,
    rule: SilentSourceRule,
    sources: Sequence[SourceSettings],
    *,
    now: datetime,
    started: datetime | None = None,
) -> list[Alert]:
    """Raise alerts for silent sources and resolve those of sources that recovered (or are
    no longer watched). ``started``: when the daemon started watching (None: long ago)."""
    if not rule.enabled:
        return []
    states = {s.source: s for s in tx.source_states()}
    watched = [s for s in sources if s.enabled and (not rule.sources or s.name in rule.sources)]
    open_by_source: dict[str, list[Alert]] = {}
    for alert in tx.open_alerts():
        if alert.kind is AlertKind.SILENT_SOURCE and alert.rule == rule.rule_name:
            open_by_source.setdefault(str(alert.details.get("source")), []).append(alert)
    names = {s.name for s in watched}
    for name, gone in open_by_source.items():
        if name not in names:
            for alert in gone:
                tx.set_state(alert.id, AlertState.RESOLVED, at=now, by=RESOLVED_BY)
    raised = []
    for source in watched:
        state = states.get(source.name)
        if state is None:
            continue  # never polled: the scheduler has not reached it yet
        silence = _silence(rule, source, state, now, started)
        if silence is None:
            success = state.last_success_at
            for alert in open_by_source.get(source.name, []):
                # Not silent only because the daemon just started: still down until a
                # poll succeeds.
                if success is not None and success > alert.created_at:
                    tx.set_state(alert.id, AlertState.RESOLVED, at=now, by=RESOLVED_BY)
            continue
        key, title = silence
        new = tx.add_alert(
            NewAlert(
                key=key,
                kind=AlertKind.SILENT_SOURCE,
                rule=rule.rule_name,
                brand=None,
                severity=Severity.NORMAL,
                title=title,
                created_at=now,
                details={
                    "source": source.name,
                    "source_type": source.type,
                    "last_success_at": (
                        state.last_success_at.isoformat() if state.last_success_at else None
                    ),
                    "error_count": state.error_count,
                    "last_error": (state.last_error or "")[:300] or None,
                    "empty_polls": state.empty_polls,
                },
            )
        )
        if new is not None:
            raised.append(new)
    return raised
