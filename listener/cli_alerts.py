"""``listener alerts``: list, show and move alerts through their lifecycle; the outbox."""

from __future__ import annotations

import click


@click.group()
def alerts() -> None:
    """Alerts raised by the rules, and the outbox that delivers them."""
