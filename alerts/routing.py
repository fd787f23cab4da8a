"""Which channels an alert goes to, and when: routes, quiet hours, per-channel rate limits.

- **Routes**: a route matches an alert by rule name, kind, brand and minimum severity (an
  empty list matches everything); the alert goes to the channels of every matching route.
  No routes at all: every enabled channel. Disabled channels get nothing.
- **Quiet hours** (local time in their zone, spanning midnight when start > end): a delivery
  is written now with ``not_before`` at the end of the quiet hours, unless the alert is of
  the ``bypass`` severity or above.
- **Rate limit** (``max_per_hour``): when the channel already has that many rows pending or
  sent in the last hour, the row is written as suppressed ("over max_per_hour (N)") and the
  next digest lists it. A critical alert (a threat, press with an audience) is never held
  back for a digest that may come tomorrow, or not at all; it still counts toward the limit.
- **Digest-only saved searches**: rows written as suppressed ("digest only").

Escalations (SLA) go only to the SLA's ``escalate_to`` channels. They honour quiet hours
(the ``bypass`` severity is how a team lets an alert through at night) but are never rate
limited: an escalation is rare, and folding it into a digest would defeat its purpose.
Digests go to their own channels (``enqueue_to``), held by quiet hours, never rate limited.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from listener.config.alerts import AlertsSettings, Route
from listener.config.channels import ChannelSettings, QuietHours
from listener.models import Alert, AlertKind, Delivery, DeliveryEvent, DeliveryStatus, Severity
from listener.store.alert_contract import AlertTx

RATE_WINDOW = timedelta(hours=1)
# Alerts of this severity are sent whatever the rate limit says (see the module doc).
RATE_LIMIT_BYPASS = Severity.CRITICAL
DIGEST_ONLY = "digest only"


def route_matches(route: Route, alert: Alert) -> bool:
    return (
        (not route.rules or alert.rule in route.rules)
        and (not route.kinds or alert.kind in route.kinds)
        and (not route.brands or alert.brand in route.brands)
        and alert.severity.rank >= route.min_severity.rank
    )


def channels_for(alert: Alert, event: DeliveryEvent, settings: AlertsSettings) -> list[str]:
    """The channel names an alert goes to for ``event``, in the settings' channel order."""
    if event is DeliveryEvent.ESCALATION:
        wanted = set(settings.sla.escalate_to) if settings.sla else set()
    elif not settings.routes:
        wanted = {c.name for c in settings.channels}
    else:
        wanted = {n for r in settings.routes if route_matches(r, alert) for n in r.channels}
    return [c.name for c in settings.channels if c.name in wanted]


def quiet_until(quiet: QuietHours | None, alert: Alert, now: datetime) -> datetime | None:
    """The end of the quiet hours ``now`` falls in (UTC), or None when sending is fine now."""
    if quiet is None or quiet.start == quiet.end or alert.severity.rank >= quiet.bypass.rank:
        return None
    zone = ZoneInfo(quiet.timezone)
    local = now.astimezone(zone)
    t = local.time().replace(tzinfo=None)
    if quiet.start < quiet.end:
        inside = quiet.start <= t < quiet.end
        end_day = local.date()
    else:  # spans midnight: 22:00–07:00
        inside = t >= quiet.start or t < quiet.end
        end_day = local.date() + timedelta(days=1) if t >= quiet.start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, quiet.end, tzinfo=zone).astimezone(UTC)


def _digest_only(alert: Alert) -> bool:
    return alert.kind is AlertKind.SAVED_SEARCH and alert.details.get("delivery") == "digest"


def _over_limit(tx: AlertTx, channel: ChannelSettings, alert: Alert, now: datetime) -> bool:
    limit = channel.max_per_hour
    if limit is None or alert.severity.rank >= RATE_LIMIT_BYPASS.rank:
        return False
    return tx.deliveries_since(channel.name, now - RATE_WINDOW) >= limit


def enqueue_to(
    tx: AlertTx,
    alert: Alert,
    channels: Sequence[str],
    event: DeliveryEvent,
    settings: AlertsSettings,
    now: datetime,
) -> list[Delivery]:
    """Write the outbox rows for ``alert`` on these channels, applying each channel's quiet
    hours and (for new alerts) rate limit; return the rows written (repeats are skipped)."""
    by_name: dict[str, ChannelSettings] = {c.name: c for c in settings.channels}
    written = []
    for name in channels:
        channel = by_name.get(name)
        if channel is None or not channel.enabled:
            continue
        status, reason = DeliveryStatus.PENDING, None
        if event is DeliveryEvent.NEW and _digest_only(alert):
            status, reason = DeliveryStatus.SUPPRESSED, DIGEST_ONLY
        elif event is DeliveryEvent.NEW and _over_limit(tx, channel, alert, now):
            status = DeliveryStatus.SUPPRESSED
            reason = f"over max_per_hour ({channel.max_per_hour})"
        held = quiet_until(channel.quiet_hours, alert, now)
        row = tx.enqueue(
            alert.id,
            name,
            event,
            at=now,
            not_before=held or now,
            status=status,
            reason=reason,
        )
        if row is not None:
            written.append(row)
    return written


def route(
    tx: AlertTx, alert: Alert, event: DeliveryEvent, settings: AlertsSettings, now: datetime
) -> list[Delivery]:
    """Enqueue ``alert`` for ``event`` to every channel its routes name (see module doc)."""
    return enqueue_to(tx, alert, channels_for(alert, event, settings), event, settings, now)
