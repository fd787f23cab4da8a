"""Pieces every ``listener`` command module shares: the --config option, loading settings,
opening the store a command reads, and parsing --since/--until."""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import click

from listener.clock import ensure_utc, utcnow
from listener.config.errors import ConfigError
from listener.config.settings import Settings, load_settings, resolve_config_path
from listener.config.yamlfile import ENV_REFERENCE
from listener.logs import configure_logging
from listener.redaction import RedactSecrets, forget_secrets, remember_secrets
from listener.units import parse_duration

F = TypeVar("F", bound=Callable[..., Any])
_PLACEHOLDER_HOST = "unset.invalid"  # reserved, never resolves (RFC 2606)


def config_option(func: F) -> F:
    """``--config PATH`` on every command (else ``$LISTENER_CONFIG``, else ``./settings.yaml``)."""
    return click.option(
        "--config",
        "config_path",
        metavar="PATH",
        help="Settings file [default: $LISTENER_CONFIG or ./settings.yaml].",
    )(func)


def load_or_exit(config_path: str | None, *, polls: bool = True) -> Settings:
    """The settings, or their problems on stderr and exit code 2.

    ``polls=False`` for commands that only read the store (search, show, label, sources):
    the sources' secrets are then not needed, so an unset ``${VAR}`` reads as a placeholder
    instead of stopping a marketer's search in a shell without the daemon's environment.
    """
    path = resolve_config_path(config_path, os.environ)
    try:
        settings = load_settings(path) if polls else _load_without_secrets(path)
    except ConfigError as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    keep_secret_while_running(settings.secrets)
    return settings


def keep_secret_while_running(secrets: frozenset[str]) -> None:
    """Blank ``secrets`` in every output of the running command — its logs, its terminal
    output, the error text it stores — and forget them when it ends (so that one command
    run in-process, as tests do, does not blank another's output)."""
    remember_secrets(secrets)
    _filter_every_handler()
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(forget_secrets)


def start_logging(level: str) -> None:
    """Logs on stderr in key=value form (``listener.logs``), with the secrets taken out of
    every record, ours and the libraries', before it is written."""
    configure_logging(level)
    _filter_every_handler()


def _filter_every_handler() -> None:
    # A command that sets up no logging still prints warnings through logging.lastResort.
    handlers = [*logging.getLogger().handlers, logging.lastResort]
    for handler in handlers:
        if handler is not None and not any(isinstance(f, RedactSecrets) for f in handler.filters):
            handler.addFilter(RedactSecrets())


def _load_without_secrets(path: Path) -> Settings:
    """The settings with placeholders for unset variables, unless a placeholder is what
    fails them or ends up where reading commands look (the database's path, the brands):
    then the settings read from the real environment, whose problems name the variables,
    rather than a search for a database at a placeholder."""
    try:
        settings: Settings | None = load_settings(path, environ=_with_placeholders(path))
    except ConfigError:
        settings = None
    if settings is None or _reads_a_placeholder(settings):
        return load_settings(path)
    return settings


def _with_placeholders(path: Path) -> dict[str, str]:
    """The environment plus a placeholder for each ``${VAR}`` the file needs and the shell
    lacks: a URL in the reserved ``.invalid`` domain (RFC 2606), which passes as an address
    and as a non-empty secret. References with a default (``${VAR:-x}``) keep their default."""
    environ = dict(os.environ)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return environ  # load_settings reports it
    for match in ENV_REFERENCE.finditer(text):
        name, default = match.group(1), match.group(2)
        if name and default is None and not environ.get(name):
            environ[name] = f"https://{_PLACEHOLDER_HOST}/{name}"
    return environ


def _reads_a_placeholder(settings: Settings) -> bool:
    """Whether a placeholder ended up where reading commands look: the database's path
    (every one opens it) or the brands (search filters by them)."""
    read = settings.model_dump_json(include={"storage", "brands"})
    return _PLACEHOLDER_HOST in read


def no_store_yet(settings: Settings) -> str | None:
    """Why there is nothing to read yet, or ``None`` when the database exists.

    Read-only commands check first: opening the store would create an empty database.
    """
    if Path(settings.storage.sqlite).exists():
        return None
    return f"no mentions yet: {settings.storage.sqlite} does not exist (run `listener poll --once`)"


def store_problem(path: Path) -> str | None:
    """Why the existing store at ``path`` cannot be read, or ``None`` (also when there is no
    store yet: the daemon creates it). Opened read-only, so ``check`` changes nothing."""
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"the store {path} cannot be opened: {exc}"
    return None


def parse_when(value: str | None, flag: str) -> datetime | None:
    """``--since 7d`` (that long ago), ``--since 2026-11-01`` or a full ISO 8601 time."""
    if not value:
        return None
    try:
        return utcnow() - parse_duration(value)
    except (ValueError, OverflowError):  # OverflowError: a duration reaching before year 1
        pass
    try:
        return ensure_utc(datetime.fromisoformat(value))
    except ValueError:
        raise click.BadParameter(
            "use a duration such as 7d or 24h, or a date such as 2026-11-01", param_hint=flag
        ) from None
