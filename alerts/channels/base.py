"""The contract between the outbox sender and a delivery channel.

A channel type is one module in ``alerts/channels/`` exposing

- ``SETTINGS`` — its settings model (from ``listener.config.channels``),
- ``TEMPLATES`` — the template names it renders (``listener check`` tries them), and
- ``async def send(ctx: SendContext, settings, message: AlertMessage) -> None``.

``send`` renders the message with its templates (``templates/alerts/``) and delivers it
once. It raises ``DeliveryError`` when the delivery did not happen: the outbox keeps the
row and retries with backoff. It never retries by itself and never logs routine success.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from alerts.message import AlertMessage
from alerts.templating import Templates
from listener.clock import Clock, utcnow


class DeliveryError(Exception):
    """The channel did not take the message. ``retry_after_s`` is the receiver's own hint
    (429 ``Retry-After``); ``permanent`` says retrying as is cannot help (a 404 webhook,
    a rejected address) — the outbox still keeps the row, but says so loudly."""

    def __init__(
        self, message: str, *, retry_after_s: float | None = None, permanent: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.permanent = permanent


@dataclass(frozen=True)
class SendContext:
    http: httpx.AsyncClient
    templates: Templates
    clock: Clock = utcnow
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("alerts.channels"))


Send = Callable[[SendContext, Any, AlertMessage], Awaitable[None]]


@dataclass(frozen=True)
class ChannelType:
    name: str
    settings_model: type[Any]
    send: Send
    templates: tuple[str, ...] = ()  # the templates it renders, for `listener check`
