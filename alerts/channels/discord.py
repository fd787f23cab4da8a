"""Discord channel: a channel webhook (execute webhook) posting one embed rendered from
``templates/alerts/discord.json.j2``.

Mentions never ping: the text is escaped (``@everyone`` broken, ``<@id>`` shown) and the
payload carries ``allowed_mentions: {"parse": []}``, which this module sets again after
rendering so an edited template cannot drop it. ``?wait=true`` makes Discord answer only
once the message is stored, so a 2xx means it is in the channel. A 429 carries
``retry_after`` in its JSON body (seconds) as well as the ``Retry-After`` header.
"""

from __future__ import annotations

from typing import Any

import httpx

from alerts.channels.base import SendContext
from alerts.channels.http import post
from alerts.channels.limits import cut
from alerts.channels.render import render_json
from alerts.escaping import units
from alerts.message import AlertMessage
from listener.config.channels import DiscordChannel

SETTINGS = DiscordChannel
TEMPLATE = "alerts/discord.json.j2"
TEMPLATES = (TEMPLATE,)  # what `listener check` renders

# https://discord.com/developers/docs/resources/message#embed-object-embed-limits
CONTENT_CHARS = 2000
TITLE_CHARS = 256
DESCRIPTION_CHARS = 4096
MAX_FIELDS = 25
FIELD_NAME_CHARS = 256
FIELD_VALUE_CHARS = 1024
FOOTER_CHARS = 2048
AUTHOR_CHARS = 256
EMBED_TOTAL_CHARS = 6000  # title, description, field names and values, footer, author
MAX_EMBEDS = 10
SHORTEST_CUT = 64  # a field cut shorter than this says nothing: it is dropped instead


def _embed_size(embed: dict[str, Any]) -> int:
    parts = [embed.get("title"), embed.get("description")]
    parts += [(embed.get("footer") or {}).get("text"), (embed.get("author") or {}).get("name")]
    for field in embed.get("fields", []):
        parts += [field.get("name"), field.get("value")]
    return sum(units(p) for p in parts if isinstance(p, str))


def _fit_embed(embed: dict[str, Any], budget: int) -> dict[str, Any]:
    for key, limit in (("title", TITLE_CHARS), ("description", DESCRIPTION_CHARS)):
        if isinstance(embed.get(key), str):
            embed[key] = cut(embed[key], limit)
    for key, name, limit in (("footer", "text", FOOTER_CHARS), ("author", "name", AUTHOR_CHARS)):
        if isinstance(embed.get(key), dict) and isinstance(embed[key].get(name), str):
            embed[key][name] = cut(embed[key][name], limit)
    fields = [f for f in embed.get("fields", []) if isinstance(f, dict)][:MAX_FIELDS]
    for field in fields:
        field["name"] = cut(str(field.get("name") or "—"), FIELD_NAME_CHARS)
        field["value"] = cut(str(field.get("value") or "—"), FIELD_VALUE_CHARS)
    embed["fields"] = fields
    # Over the total: shorten the longest text first, so every part keeps something.
    while (excess := _embed_size(embed) - budget) > 0:
        texts = [(units(f["value"]), f, "value") for f in embed["fields"]]
        if isinstance(embed.get("description"), str):
            texts.append((units(embed["description"]), embed, "description"))
        size, holder, key = max(texts, key=lambda t: t[0], default=(0, embed, ""))
        if size - excess >= SHORTEST_CUT:
            holder[key] = cut(holder[key], size - excess)
        elif embed["fields"]:
            embed["fields"].pop()
        else:
            embed["description"] = cut(embed.get("description") or "", max(size - excess, 0))
            break
    return embed


def fit(payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` within Discord's limits; mentions switched off whatever the template says."""
    if isinstance(payload.get("content"), str):
        payload["content"] = cut(payload["content"], CONTENT_CHARS)
    embeds = [e for e in payload.get("embeds", []) if isinstance(e, dict)][:MAX_EMBEDS]
    budget = EMBED_TOTAL_CHARS
    for embed in embeds:
        _fit_embed(embed, budget)
        budget -= _embed_size(embed)
    payload["embeds"] = embeds
    payload["allowed_mentions"] = {"parse": []}
    return payload


async def send(ctx: SendContext, settings: DiscordChannel, message: AlertMessage) -> None:
    payload = fit(render_json(ctx, TEMPLATE, message))
    if settings.username:
        payload["username"] = settings.username
    url = httpx.URL(settings.webhook_url.get_secret_value()).copy_merge_params({"wait": "true"})
    await post(ctx, str(url), what="Discord webhook", payload=payload)
