"""Microsoft Teams channel: a Workflows webhook ("Post to a channel when a webhook request
is received", which replaced the retired Office 365 connectors) posting one Adaptive Card
1.4 rendered from ``templates/alerts/teams.json.j2``.

The workflow answers 202 Accepted once it has queued the run; a 4xx means the flow is
gone, switched off, or refuses the payload, and is permanent. Teams refuses messages over
about 28 KB, so a card rendered bigger than that is refused here, naming the template,
rather than sent to fail there.
"""

from __future__ import annotations

import json

from alerts.channels.base import SendContext
from alerts.channels.http import post
from alerts.channels.render import TemplateOutputError, render_json
from alerts.message import AlertMessage
from listener.config_alerts import TeamsChannel

SETTINGS = TeamsChannel
TEMPLATE = "alerts/teams.json.j2"
TEMPLATES = (TEMPLATE,)  # what `listener check` renders
MAX_BYTES = 28_000  # https://learn.microsoft.com/microsoftteams/limits-specifications-teams


async def send(ctx: SendContext, settings: TeamsChannel, message: AlertMessage) -> None:
    payload = render_json(ctx, TEMPLATE, message)
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    if len(body) > MAX_BYTES:
        raise TemplateOutputError(
            f"template {TEMPLATE} rendered {len(body):,} bytes; Teams takes at most"
            f" {MAX_BYTES:,}: clip the values in the edited template"
        )
    await post(
        ctx,
        settings.webhook_url.get_secret_value(),
        what="Teams workflow webhook",
        content=body,
        headers={"Content-Type": "application/json"},
    )
