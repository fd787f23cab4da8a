"""Apprise channel: the long tail of services (Telegram, ntfy, Pushover, Matrix, Gotify…)
through the apprise library, one URL per service (https://github.com/caronc/apprise/wiki).

The title and body are plain text from ``apprise_title.txt.j2`` and ``apprise_body.txt.j2``.
apprise reports only "all sent" or "not all sent", without a reason or a retry hint, so a
failure here is always a transient ``DeliveryError``; a URL apprise does not understand is
permanent. Its URLs carry tokens: errors name them by position ("urls[2]"), never by value.
Note a retry after a partial failure sends again to the services that had taken it.
"""

from __future__ import annotations

import apprise as apprise_lib

from alerts.channels.base import DeliveryError, SendContext
from alerts.channels.render import render_text
from alerts.escaping import oneline
from alerts.message import AlertMessage
from listener.config_alerts import AppriseChannel

SETTINGS = AppriseChannel
TITLE_TEMPLATE = "alerts/apprise_title.txt.j2"
BODY_TEMPLATE = "alerts/apprise_body.txt.j2"
TEMPLATES = (TITLE_TEMPLATE, BODY_TEMPLATE)  # what `listener check` renders
TITLE_CHARS = 250


def notifier(settings: AppriseChannel) -> apprise_lib.Apprise:
    services = apprise_lib.Apprise()
    for i, url in enumerate(settings.urls):
        if not services.add(url.get_secret_value()):
            raise DeliveryError(
                f"apprise does not understand urls[{i}] of channel {settings.name}; check it"
                " against https://github.com/caronc/apprise/wiki",
                permanent=True,
            )
    return services


async def send(ctx: SendContext, settings: AppriseChannel, message: AlertMessage) -> None:
    title = oneline(render_text(ctx, TITLE_TEMPLATE, message), TITLE_CHARS)
    body = render_text(ctx, BODY_TEMPLATE, message)
    services = notifier(settings)
    sent = await services.async_notify(
        body=body, title=title, body_format=apprise_lib.NotifyFormat.TEXT
    )
    if not sent:
        raise DeliveryError(
            f"apprise could not deliver to every service of channel {settings.name}"
            f" ({len(settings.urls)} url(s)); its log (logger 'apprise') says which"
        )
