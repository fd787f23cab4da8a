"""What every alert template is given, and rendering a JSON payload template.

Templates see the same names whatever the channel (``templates/README.md`` lists them):

- ``message`` — the ``AlertMessage``; ``mention`` — its lead mention (or ``None``);
- ``escalation`` — this delivery is the SLA's second call: nobody acknowledged the alert;
- ``waited`` — how long the alert has been open, as "34m" (for the escalation line);
- ``urgent`` — severity high or critical (templates colour or mark these);
- ``kind``, ``severity``, ``event`` — the enum values as plain strings.
"""

from __future__ import annotations

import json
from typing import Any

from alerts.channels.base import SendContext
from alerts.channels.formatting import duration
from alerts.escaping import FILTERS
from alerts.message import AlertMessage
from listener.clock import ensure_utc
from listener.models import DeliveryEvent, Severity


class TemplateOutputError(ValueError):
    """A payload template rendered something that is not the JSON its platform needs:
    an edited template's mistake, which the outbox reports and retries after a fix."""


def template_context(ctx: SendContext, message: AlertMessage) -> dict[str, Any]:
    waited = (ctx.clock() - ensure_utc(message.created_at)).total_seconds()
    return {
        "message": message,
        "mention": message.mention,
        "escalation": message.event == DeliveryEvent.ESCALATION,
        "waited": duration(max(waited, 0.0)),
        "urgent": message.severity.rank >= Severity.HIGH.rank,
        "kind": message.kind.value,
        "severity": message.severity.value,
        "event": message.event.value,
    }


def ensure_filters(ctx: SendContext) -> None:
    """The outbox builds its ``Templates`` with ``alerts.escaping.FILTERS``; an environment
    built elsewhere (``listener check``, a script) gets them here, once, before the first
    alert template compiles. Idempotent: the same functions under the same names."""
    if "slack_text" not in ctx.templates.env.filters:
        ctx.templates.add_filters(FILTERS)


def render_text(ctx: SendContext, name: str, message: AlertMessage) -> str:
    ensure_filters(ctx)
    return ctx.templates.render(name, **template_context(ctx, message))


def render_json(ctx: SendContext, name: str, message: AlertMessage) -> dict[str, Any]:
    """Render a ``*.json.j2`` template and parse it: a broken edit fails here, naming the
    template, rather than at the receiver as an opaque 400."""
    text = render_text(ctx, name, message)
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TemplateOutputError(
            f"template {name} did not render valid JSON (line {exc.lineno}, column"
            f" {exc.colno}: {exc.msg}); check the edit, values must go through |tojson"
        ) from None
    if not isinstance(payload, dict):
        raise TemplateOutputError(f"template {name} must render a JSON object")
    return payload
