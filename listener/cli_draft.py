"""``listener draft``: reply drafts for any text, to try the drafting without an alert."""

from __future__ import annotations

import click


@click.command()
def draft() -> None:
    """Print reply drafts for a text."""
    raise click.ClickException("reply drafts are being built")
