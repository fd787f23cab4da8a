"""Microsoft Teams channel: a Workflows webhook ("Post to a channel when a webhook request
is received", which replaced the retired Office 365 connectors) posting one Adaptive Card
1.4 rendered from ``templates/alerts/teams.json.j2``.

The workflow answers 202 Accepted once it has queued the run; a 4xx means the flow is
gone, switched off, or refuses the payload, and is permanent. Teams refuses messages over
about 28 KB: a card rendered bigger is rendered again from a shortened message, and only
if that is still too big refused here, naming the template, rather than sent to fail there.
"""

from __future__ import annotations

import json
from dataclasses import replace

from alerts.channels.base import SendContext
from alerts.channels.http import post
from alerts.channels.render import TemplateOutputError, render_json
from alerts.message import AlertMessage
from listener.config.channels import TeamsChannel

SETTINGS = TeamsChannel
TEMPLATE = "alerts/teams.json.j2"
TEMPLATES = (TEMPLATE,)  # what `listener check` renders
MAX_BYTES = 28_000  # https://learn.microsoft.com/microsoftteams/limits-specifications-teams


# A card over the limit is rendered again from a shorter message before giving up: Bengali
# or Telugu text takes three bytes a letter, so a full digest or a long post with its drafts
# can pass 28 KB, and refusing it would hold every later Teams alert behind it.
COMPACT_TEXT = 400
COMPACT_EXAMPLES = 2


def compact(message: AlertMessage) -> AlertMessage:
    """The message with the post and drafts shortened and fewer examples and history."""

    def short(text: str) -> str:
        return text if len(text) <= COMPACT_TEXT else text[: COMPACT_TEXT - 1] + "…"

    mention = message.mention
    if mention is not None:
        mention = replace(mention, text=short(mention.text), title=short(mention.title))
    history = message.history
    if history is not None:
        history = replace(history, recent=history.recent[:1])
    return replace(
        message,
        mention=mention,
        history=history,
        drafts=tuple(replace(d, text=short(d.text)) for d in message.drafts),
        examples=tuple(replace(e, text=short(e.text)) for e in message.examples[:COMPACT_EXAMPLES]),
    )


def card_body(ctx: SendContext, message: AlertMessage) -> bytes:
    """The rendered card as sent, compacted when the full one is over Teams' limit."""
    body = b""
    for attempt in (message, compact(message)):
        payload = render_json(ctx, TEMPLATE, attempt)
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        if len(body) <= MAX_BYTES:
            return body
    raise TemplateOutputError(
        f"template {TEMPLATE} rendered {len(body):,} bytes even with the post shortened;"
        f" Teams takes at most {MAX_BYTES:,}: clip the values in the edited template"
    )


async def send(ctx: SendContext, settings: TeamsChannel, message: AlertMessage) -> None:
    body = card_body(ctx, message)
    await post(
        ctx,
        settings.webhook_url.get_secret_value(),
        what="Teams workflow webhook",
        content=body,
        headers={"Content-Type": "application/json"},
    )
