"""Slack channel: an incoming webhook (https://api.slack.com/messaging/webhooks) posting a
Block Kit message rendered from ``templates/alerts/slack.json.j2``.

Slack answers 200 "ok", or 4xx with a short reason (``invalid_blocks``,
``no_service`` for a removed webhook, ``channel_is_archived``): those are permanent.
Incoming webhooks have no idempotency key; the outbox sends each delivery once.
"""

from __future__ import annotations

from typing import Any

from alerts.channels.base import SendContext
from alerts.channels.http import post
from alerts.channels.limits import cut
from alerts.channels.render import render_json
from alerts.escaping import link_url
from alerts.message import AlertMessage
from listener.config.channels import SlackChannel

SETTINGS = SlackChannel
TEMPLATE = "alerts/slack.json.j2"
TEMPLATES = (TEMPLATE,)  # what `listener check` renders

# https://api.slack.com/reference/block-kit/blocks
MAX_BLOCKS = 50
HEADER_CHARS = 150
SECTION_CHARS = 3000
FIELD_CHARS = 2000
MAX_FIELDS = 10
CONTEXT_ELEMENTS = 10
FALLBACK_CHARS = 3000  # the notification text; Slack truncates past 40k, keep it short
URL_CHARS = 3000


def _fit_text(obj: Any, limit: int) -> None:
    if isinstance(obj, dict) and isinstance(obj.get("text"), str):
        obj["text"] = cut(obj["text"], limit)


def _button(element: dict[str, Any]) -> dict[str, Any] | None:
    """A button whose ``url`` Slack takes — escaped and checked by ``link_url`` as Discord's
    and Teams' links are, whatever the template put there — or ``None`` to leave it out:
    Slack refuses the whole message over one bad button URL (a CR/LF, a space, too long)."""
    if "url" not in element:
        return element
    url = link_url(element["url"])
    if not url or len(url) > URL_CHARS:
        return None
    return {**element, "url": url}


def _fit_block(block: dict[str, Any]) -> dict[str, Any] | None:
    kind = block.get("type")
    if kind == "header":
        _fit_text(block.get("text"), HEADER_CHARS)
    elif kind == "section":
        _fit_text(block.get("text"), SECTION_CHARS)
        if isinstance(block.get("fields"), list):
            block["fields"] = block["fields"][:MAX_FIELDS]
            for field in block["fields"]:
                _fit_text(field, FIELD_CHARS)
    elif kind == "context" and isinstance(block.get("elements"), list):
        block["elements"] = block["elements"][:CONTEXT_ELEMENTS]
        for element in block["elements"]:
            _fit_text(element, SECTION_CHARS)
    elif kind == "actions" and isinstance(block.get("elements"), list):
        block["elements"] = [_button(e) for e in block["elements"] if isinstance(e, dict)]
        block["elements"] = [e for e in block["elements"] if e is not None]
        if not block["elements"]:
            return None  # no link Slack takes: the fallback text still has the alert
    return block


def fit(payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` within Block Kit's limits: long texts cut, extra blocks dropped (the last
    block, the footer, is kept)."""
    if isinstance(payload.get("text"), str):
        payload["text"] = cut(payload["text"], FALLBACK_CHARS)
    blocks = [b for b in payload.get("blocks", []) if isinstance(b, dict)]
    fitted = [f for f in (_fit_block(b) for b in blocks) if f is not None]
    if len(fitted) > MAX_BLOCKS:
        fitted = [*fitted[: MAX_BLOCKS - 1], fitted[-1]]
    payload["blocks"] = fitted
    return payload


async def send(ctx: SendContext, settings: SlackChannel, message: AlertMessage) -> None:
    payload = fit(render_json(ctx, TEMPLATE, message))
    await post(ctx, settings.webhook_url.get_secret_value(), what="Slack webhook", payload=payload)
