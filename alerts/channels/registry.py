"""Channel types by name. Each is one module exposing ``SETTINGS`` and ``send``
(see ``alerts.channels.base``); adding a channel is adding a module and a line here."""

from __future__ import annotations

from functools import cache
from importlib import import_module

from alerts.channels.base import ChannelType

BUILTIN_CHANNEL_MODULES: dict[str, str] = {
    "slack": "alerts.channels.slack",
    "teams": "alerts.channels.teams",
    "discord": "alerts.channels.discord",
    "email": "alerts.channels.email",
    "webhook": "alerts.channels.webhook",
    "console": "alerts.channels.console",
    "apprise": "alerts.channels.apprise",
}


@cache
def channel_types() -> dict[str, ChannelType]:
    types = {}
    for name, path in BUILTIN_CHANNEL_MODULES.items():
        module = import_module(path)
        types[name] = ChannelType(
            name=name,
            settings_model=module.SETTINGS,
            send=module.send,
            templates=tuple(module.TEMPLATES),
        )
    return types


def get_channel_type(name: str) -> ChannelType:
    types = channel_types()
    try:
        return types[name]
    except KeyError:
        raise KeyError(
            f"unknown channel type {name!r}; known: {', '.join(sorted(types))}"
        ) from None
