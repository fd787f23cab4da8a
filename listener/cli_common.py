"""Pieces every ``listener`` command module shares: the --config option, loading settings,
opening the store a command reads, and parsing --since/--until."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from listener.clock import ensure_utc, utcnow
from listener.config import (
    ConfigError,
    Settings,
    load_settings,
    parse_duration,
    resolve_config_path,
)

F = TypeVar("F", bound=Callable[..., Any])


def config_option(func: F) -> F:
    """``--config PATH`` on every command (else ``$LISTENER_CONFIG``, else ``./settings.yaml``)."""
    return click.option(
        "--config",
        "config_path",
        metavar="PATH",
        help="Settings file [default: $LISTENER_CONFIG or ./settings.yaml].",
    )(func)


def load_or_exit(config_path: str | None) -> Settings:
    """The settings, or their problems on stderr and exit code 2."""
    path = resolve_config_path(config_path, os.environ)
    try:
        return load_settings(path)
    except ConfigError as error:
        click.echo(str(error), err=True)
        sys.exit(2)


def no_store_yet(settings: Settings) -> str | None:
    """Why there is nothing to read yet, or ``None`` when the database exists.

    Read-only commands check first: opening the store would create an empty database.
    """
    if Path(settings.storage.sqlite).exists():
        return None
    return f"no mentions yet: {settings.storage.sqlite} does not exist (run `listener poll --once`)"


def parse_when(value: str | None, flag: str) -> datetime | None:
    """``--since 7d`` (that long ago), ``--since 2026-11-01`` or a full ISO 8601 time."""
    if not value:
        return None
    try:
        return utcnow() - parse_duration(value)
    except ValueError:
        pass
    try:
        return ensure_utc(datetime.fromisoformat(value))
    except ValueError:
        raise click.BadParameter(
            "use a duration such as 7d or 24h, or a date such as 2026-11-01", param_hint=flag
        ) from None
