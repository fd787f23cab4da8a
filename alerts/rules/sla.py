"""SLA escalation: an alert still new after ``ack_within`` is sent again to ``escalate_to``.

Each alert escalates once (``mark_escalated``; ``unacknowledged_alerts`` skips escalated
ones), and only while it is younger than ``max_age``: older ones are a backlog, not a
page. The deliveries go through ``alerts.routing`` as ``DeliveryEvent.ESCALATION``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from alerts.rules.common import at_least
from listener.config.alerts import SlaSettings
from listener.models import Alert
from listener.store.alert_contract import AlertTx

Escalate = Callable[[Alert], object]


def check_sla(tx: AlertTx, sla: SlaSettings, *, now: datetime, escalate: Escalate) -> list[Alert]:
    """Escalate every overdue alert (``escalate`` enqueues its deliveries); return them."""
    overdue = tx.unacknowledged_alerts(created_before=now - sla.ack_within, kinds=sla.kinds)
    escalated = []
    for alert in overdue:
        if not at_least(alert.severity, sla.min_severity) or now - alert.created_at > sla.max_age:
            continue
        escalate(alert)
        tx.mark_escalated(alert.id, now)
        escalated.append(alert)
    return escalated
