"""The ``listener`` command: run, poll --once, search, sources, unpark, check.

Exit codes: 0 success, 1 a runtime failure, 2 bad settings or a bad query (the message
names the key and line, or the query column).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from listener import __version__
from listener.clock import ensure_utc, utcnow
from listener.config import (
    ConfigError,
    Settings,
    load_settings,
    parse_duration,
    resolve_config_path,
)
from listener.logs import configure_logging
from listener.query import QueryError
from listener.render import hit_as_json, render_hit_text, render_poll_summary, render_sources_table

F = TypeVar("F", bound=Callable[..., Any])


def config_option(func: F) -> F:
    """``--config PATH`` on every command (else ``$LISTENER_CONFIG``, else ``./settings.yaml``)."""
    return click.option(
        "--config",
        "config_path",
        metavar="PATH",
        help="Settings file [default: $LISTENER_CONFIG or ./settings.yaml].",
    )(func)


def _load(config_path: str | None) -> Settings:
    path = resolve_config_path(config_path, os.environ)
    try:
        return load_settings(path)
    except ConfigError as error:
        click.echo(str(error), err=True)
        sys.exit(2)


def _parse_when(value: str | None, flag: str) -> datetime | None:
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="listener")
@click.option("-v", "--verbose", count=True, help="More log detail (-v info, -vv debug).")
@click.pass_context
def main(ctx: click.Context, verbose: int) -> None:
    """Listen for public mentions of your brands, judge them, keep them searchable."""
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose


@main.command()
@config_option
def check(config_path: str | None) -> None:
    """Validate the settings file and exit (2 when it has problems)."""
    settings = _load(config_path)
    types = sorted({s.type for s in settings.sources})
    click.echo(
        f"{settings.config_path}: OK — {len(settings.brands)} brand(s) "
        f"({', '.join(b.name for b in settings.brands)}), {len(settings.sources)} source(s)"
        + (f" ({', '.join(types)})" if types else "")
        + f", store {settings.storage.sqlite}"
    )


@main.command()
@config_option
@click.pass_context
def run(ctx: click.Context, config_path: str | None) -> None:
    """Run the daemon until SIGINT/SIGTERM."""
    from listener.daemon import Daemon

    # A service logs its transitions at INFO by default; -vv adds every poll's detail.
    configure_logging("DEBUG" if ctx.obj["verbose"] >= 2 else "INFO")
    settings = _load(config_path)

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        daemon = Daemon(settings)
        loop.add_signal_handler(signal.SIGHUP, daemon.request_reload)
        await daemon.run(stop)

    asyncio.run(serve())


@main.command()
@config_option
@click.option(
    "--source", "sources", multiple=True, metavar="NAME", help="Only this source (repeatable)."
)
@click.option("--once", is_flag=True, default=True, help="One cycle, then exit (the only mode).")
@click.pass_context
def poll(ctx: click.Context, config_path: str | None, sources: tuple[str, ...], once: bool) -> None:
    """Poll sources once now, ignoring their schedule, and print what each found."""
    from listener.daemon import Daemon

    configure_logging(["WARNING", "INFO", "DEBUG"][min(ctx.obj["verbose"], 2)])
    settings = _load(config_path)
    known = {s.name for s in settings.sources}
    unknown = [name for name in sources if name not in known]
    if unknown:
        raise click.BadParameter(
            f"no source named {', '.join(unknown)}; "
            f"configured: {', '.join(sorted(known)) or 'none'}",
            param_hint="--source",
        )

    async def poll_all() -> list[Any]:
        daemon = Daemon(settings)
        try:
            return await daemon.poll_once(list(sources) or None)
        finally:
            await daemon.close()

    summaries = asyncio.run(poll_all())
    for summary in summaries:
        click.echo(render_poll_summary(summary))
    if not summaries:
        click.echo("no enabled sources in the settings file")
    sys.exit(1 if summaries and all(s.error for s in summaries) else 0)


@main.command()
@config_option
@click.argument("query", required=False, default="")
@click.option("--brand", help="Only mentions of this brand.")
@click.option("--source", help="Only this source name or source type.")
@click.option(
    "--sentiment",
    type=click.Choice(["positive", "neutral", "negative", "unknown"]),
    help="Only this sentiment.",
)
@click.option("--since", help="Published at or after: 7d, 24h, or a date like 2026-11-01.")
@click.option("--until", help="Published before: same forms as --since.")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def search(
    config_path: str | None,
    query: str,
    brand: str | None,
    source: str | None,
    sentiment: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Search stored mentions with the brand query language, best matches first.

    QUERY examples: 'acme', '"acme anvil" -refund', '@acme OR #acme', 'late lang:en'.
    """
    from listener.store import open_store

    settings = _load(config_path)
    if not Path(settings.storage.sqlite).exists():
        click.echo(
            f"no mentions yet: {settings.storage.sqlite} does not exist "
            "(run `listener poll --once`)"
        )
        return
    with open_store(settings.storage.sqlite) as store:
        try:
            hits = store.search(
                query or None,
                brand=brand,
                source=source,
                sentiment=sentiment,
                since=_parse_when(since, "--since"),
                until=_parse_when(until, "--until"),
                limit=limit,
            )
        except QueryError as error:
            click.echo(f"bad query:\n{error}", err=True)
            sys.exit(2)
    if as_json:
        for hit in hits:
            click.echo(json.dumps(hit_as_json(hit), ensure_ascii=False))
        return
    color = sys.stdout.isatty()
    for hit in hits:
        click.echo(render_hit_text(hit, color=color))
    if not hits:
        click.echo("no mentions match", err=True)


@main.command()
@config_option
def sources(config_path: str | None) -> None:
    """Health of every configured source: last success, errors, next check, items."""
    from listener.store import open_store

    settings = _load(config_path)
    states = {}
    if Path(settings.storage.sqlite).exists():
        with open_store(settings.storage.sqlite) as store:
            states = {s.source: s for s in store.source_states()}
    click.echo(render_sources_table(settings.sources, states, now=utcnow()))


@main.command()
@config_option
@click.argument("name")
def unpark(config_path: str | None, name: str) -> None:
    """Let a parked source be polled again at the next tick."""
    from dataclasses import replace

    from listener.store import open_store

    settings = _load(config_path)
    with open_store(settings.storage.sqlite) as store:
        state = store.load_source_state(name)
        if state is None or not state.parked_reason:
            click.echo(f"{name} is not parked")
            return
        store.save_source_state(replace(state, parked_reason=None, next_check_at=None))
    click.echo(f"{name} unparked; the running daemon polls it within seconds")


if __name__ == "__main__":
    main()
