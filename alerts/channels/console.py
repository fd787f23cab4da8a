"""Console channel: the alert as plain text on the daemon's standard output.

For trying things out (the default ``settings.yaml`` uses it) and for a daemon whose
output a log collector already reads. Flushed at once, so a piped output shows alerts as
they happen, not when a buffer fills.
"""

from __future__ import annotations

import sys

from alerts.channels.base import DeliveryError, SendContext
from alerts.channels.render import render_text
from alerts.message import AlertMessage
from listener.config.channels import ConsoleChannel

SETTINGS = ConsoleChannel
TEMPLATE = "alerts/console.txt.j2"
TEMPLATES = (TEMPLATE,)  # what `listener check` renders


async def send(ctx: SendContext, settings: ConsoleChannel, message: AlertMessage) -> None:
    text = render_text(ctx, TEMPLATE, message)
    try:
        print(text, file=sys.stdout, flush=True)
    except (OSError, ValueError) as exc:  # a closed or broken stdout
        raise DeliveryError(
            f"could not write to standard output ({type(exc).__name__}: {exc})"
        ) from None
