"""Apprise channel: the long tail of services (Telegram, ntfy, Pushover, Matrix, Gotify…)
through the apprise library, one URL per service (https://github.com/caronc/apprise/wiki).

The title and body are plain text from ``apprise_title.txt.j2`` and ``apprise_body.txt.j2``.
apprise reports only "all sent" or "not all sent", without a reason or a retry hint, so a
failure here is always a transient ``DeliveryError``; a URL apprise does not understand is
permanent. Its URLs carry tokens: errors name them by position ("urls[2]"), never by value, and
apprise's own log lines pass a filter that blanks every token-like part of the configured
URLs — apprise masks what it recognises, but logs a mistyped URL ("tgram:/…", one slash
short) whole at ERROR on every retry, and at DEBUG the request URL with the token in its path.
Note a retry after a partial failure sends again to the services that had taken it.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import apprise as apprise_lib
import regex

from alerts.channels.base import DeliveryError, SendContext
from alerts.channels.render import render_text
from alerts.escaping import oneline
from alerts.message import AlertMessage
from listener.config.channels import AppriseChannel

SETTINGS = AppriseChannel
TITLE_TEMPLATE = "alerts/apprise_title.txt.j2"
BODY_TEMPLATE = "alerts/apprise_body.txt.j2"
TEMPLATES = (TITLE_TEMPLATE, BODY_TEMPLATE)  # what `listener check` renders
TITLE_CHARS = 250
REDACTED = "[redacted]"
# Pieces of a URL that could be a token: between its separators, at least 6 characters and
# no dot (a host name or a file name says where, not who).
_PIECES = regex.compile(r"[^/:@?&=#;,+\s]{6,}")


class _RedactSecrets(logging.Filter):
    """Blanks the configured URLs' secrets in the records of apprise's logger."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def add(self, url: str) -> None:
        scheme = urlsplit(url).scheme
        self.secrets.add(url)
        rest = url[len(scheme) :] if scheme else url
        self.secrets.update(p for p in _PIECES.findall(rest) if "." not in p and p != scheme)

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        hidden = text
        for secret in sorted(self.secrets, key=len, reverse=True):  # the whole URL first
            hidden = hidden.replace(secret, REDACTED)
        if hidden != text:
            record.msg, record.args = hidden, None
        return True


_REDACT = _RedactSecrets()
logging.getLogger("apprise").addFilter(_REDACT)


def notifier(settings: AppriseChannel) -> apprise_lib.Apprise:
    for url in settings.urls:
        _REDACT.add(url.get_secret_value())
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
