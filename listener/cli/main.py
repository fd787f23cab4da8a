"""The ``listener`` command: run, web, poll --once, search, show, label, sources, unpark, check.

Reading and labelling mentions (search, show, label) are in ``listener.cli.mentions``.

Exit codes: 0 success, 1 a runtime failure, 2 bad settings or a bad query (the message
names the key and line, or the query column).
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from listener import __version__
from listener.cli.accounts import tokens, users
from listener.cli.alerts import alerts
from listener.cli.common import config_option, load_or_exit, start_logging, store_problem
from listener.cli.draft import draft
from listener.cli.erase import erase
from listener.cli.mentions import label, search, show
from listener.cli.people import people
from listener.cli.reindex import reindex
from listener.cli.render import (
    render_poll_summary,
    safe_error,
)
from listener.cli.render_sources import render_sources, render_sources_json
from listener.cli.rollups import rollups
from listener.cli.stats import stats
from listener.cli.web import web as web_command
from listener.clock import utcnow
from listener.config.settings import Settings
from listener.redaction import redact
from listener.store.elasticsearch.cluster import ClusterError

# SQLite's answers that mean the store file itself cannot be used, and what the operator can do;
# any other database error (a missing column, bad SQL) is our bug and keeps its traceback.
_STORE_REMEDIES = {
    "SQLITE_BUSY": "another process holds it locked: wait, or stop the other listener",
    "SQLITE_LOCKED": "another process holds it locked: wait, or stop the other listener",
    "SQLITE_NOTADB": "the file is not a listener store: check storage.sqlite",
    "SQLITE_CORRUPT": "the file is damaged: restore it from a backup (see the README)",
    "SQLITE_CANTOPEN": "the file cannot be opened: check the path and its folder's permissions",
    "SQLITE_READONLY": "the file is read-only: give this user write access",
    "SQLITE_PERM": "permission denied: give this user access to the file and its folder",
    "SQLITE_FULL": "the disk is full: free space, then run the command again",
    "SQLITE_IOERR": "the disk reported an I/O error: check the disk, then run it again",
}


class _ListenerGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        # A store that cannot be used (locked by another program, damaged after its header)
        # is an operator's problem to fix, not a traceback.
        try:
            return super().invoke(ctx)
        except ClusterError as exc:
            # The cluster of storage.elasticsearch is away or refuses us: the message names
            # its URL (without credentials) and what to do.
            click.echo(f"listener: {redact(str(exc))}", err=True)
            sys.exit(1)
        except sqlite3.DatabaseError as exc:
            # Extended codes name their primary one first: SQLITE_IOERR_SHORT_READ is an IOERR.
            name = getattr(exc, "sqlite_errorname", None) or ""
            remedy = _STORE_REMEDIES.get("_".join(name.split("_")[:2]))
            if remedy is None:
                raise
            click.echo(
                f"listener: the store cannot be used: {redact(str(exc))} ({remedy})", err=True
            )
            sys.exit(1)


@click.group(cls=_ListenerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="listener")
@click.option("-v", "--verbose", count=True, help="More log detail (-v info, -vv debug).")
@click.pass_context
def main(ctx: click.Context, verbose: int) -> None:
    """Listen for public mentions of your brands, judge them, keep them searchable."""
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose


def _refuse_missing_saved_searches(settings: Settings) -> None:
    """Exit 2, saying why, when a ``saved:`` rule names a search the store does not hold
    (or one whose filters a rule cannot test)."""
    from alerts.rules.saved_search import saved_search_problems

    if searches := saved_search_problems(settings):
        for problem in searches:
            click.echo(f"{settings.config_path}: {redact(problem)}", err=True)
        sys.exit(2)


def _refuse_unusable_extras(settings: Settings) -> None:
    """Exit 2, naming the key, when a setting asks for an optional extra that is not
    installed (``judgments.learning.embeddings: on``, ``judgments.language_id: py3langid``):
    refused, not ignored."""
    from listener.service.vetting import extras_problems

    if problems := extras_problems(settings):
        for problem in problems:
            click.echo(f"{settings.config_path}: {problem}", err=True)
        sys.exit(2)


@main.command()
@config_option
def check(config_path: str | None) -> None:
    """Validate the settings file and the store, and exit (2 when they have problems)."""
    settings = load_or_exit(config_path)
    problem = store_problem(Path(settings.storage.sqlite))
    if problem is not None:
        click.echo(f"{settings.config_path}: storage.sqlite: {redact(problem)}", err=True)
        sys.exit(2)
    types = sorted({s.type for s in settings.sources})
    click.echo(
        redact(
            f"{settings.config_path}: settings OK — {len(settings.brands)} brand(s) "
            f"({', '.join(b.name for b in settings.brands)}), {len(settings.sources)} source(s)"
            + (f" ({', '.join(types)})" if types else "")
            + f", store {settings.storage.sqlite}"
        )
    )
    _refuse_missing_saved_searches(settings)
    _refuse_unusable_extras(settings)
    from alerts.template_check import check_templates

    problems = check_templates(settings)
    for problem in problems:
        click.echo(f"template problem: {safe_error(problem)}", err=True)
    if problems:
        sys.exit(2)
    click.echo("templates: OK — every configured channel's and every reply language's render")
    if settings.storage.elasticsearch is not None:
        from listener.cli.cluster_check import check_cluster

        # Settings are fine but the cluster cannot be used: a runtime failure, exit 1.
        if not check_cluster(settings.storage.elasticsearch, Path(settings.storage.sqlite)):
            sys.exit(1)


@main.command()
@config_option
@click.pass_context
def run(ctx: click.Context, config_path: str | None) -> None:
    """Run the daemon, and serve the web app (web.enabled), until SIGINT/SIGTERM."""
    from listener.service.daemon import Daemon

    # A service logs its transitions at INFO by default; -vv adds every poll's detail.
    start_logging("DEBUG" if ctx.obj["verbose"] >= 2 else "INFO")
    settings = load_or_exit(config_path)
    # What `check` refuses, `run` refuses too: a rule that could never raise an alert is a
    # setting silently ignored.
    _refuse_missing_saved_searches(settings)
    _refuse_unusable_extras(settings)

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        daemon = Daemon(settings)
        loop.add_signal_handler(signal.SIGHUP, daemon.request_reload)
        if not settings.web.enabled:
            await daemon.run(stop)
            return
        from listener.cli import web

        web.quiet_uvicorn()
        try:
            web.refuse_unsafe(settings, daemon.store)
            sock = web.bind(settings)
        except web.WebAppError as error:
            await daemon.close()
            click.echo(f"listener run: {error}", err=True)
            sys.exit(error.exit_code)
        context = web.web_context(settings, daemon.store, daemon.metrics, daemon)
        server = web.build_server(context)
        web.announce(settings)
        serving = asyncio.create_task(server.serve(sockets=[sock]), name="web")
        following = asyncio.create_task(web.follow_reloads(context, lambda: daemon.settings))
        polling = asyncio.create_task(daemon.run(stop), name="daemon")
        stopping = asyncio.create_task(stop.wait(), name="stop")
        await asyncio.wait({serving, polling, stopping}, return_when=asyncio.FIRST_COMPLETED)
        # A signal, or one half ending on its own: the app stops accepting at its next
        # tick (0.1 s) while the daemon drains its polls, the two side by side.
        server.should_exit = True
        stop.set()
        outcomes = await asyncio.gather(serving, polling, return_exceptions=True)
        stopping.cancel()
        following.cancel()
        sock.close()
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    asyncio.run(serve())


@main.command()
@config_option
@click.option(
    "--source", "sources", multiple=True, metavar="NAME", help="Only this source (repeatable)."
)
@click.option("--once", is_flag=True, default=True, help="One cycle, then exit (the only mode).")
@click.option(
    "--listen",
    "listen_s",
    type=click.FloatRange(1.0, 3600.0),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="A stream source: listen at most this long (it stops sooner once caught up).",
)
@click.pass_context
def poll(
    ctx: click.Context,
    config_path: str | None,
    sources: tuple[str, ...],
    once: bool,
    listen_s: float,
) -> None:
    """Poll sources once now, ignoring their schedule, and print what each found. A stream
    source is listened to until it has been quiet for 2 s (caught up), at most --listen."""
    from listener.service.daemon import Daemon

    start_logging(["WARNING", "INFO", "DEBUG"][min(ctx.obj["verbose"], 2)])
    settings = load_or_exit(config_path)
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
            return await daemon.poll_once(list(sources) or None, listen_s=listen_s)
        finally:
            await daemon.close()

    summaries = asyncio.run(poll_all())
    for summary in summaries:
        click.echo(_render_summary(summary, listen_s))
    if not summaries:
        click.echo("no enabled sources in the settings file")
    sys.exit(1 if summaries and all(s.error for s in summaries) else 0)


def _render_summary(summary: Any, listen_s: float) -> str:
    from listener.service.stream_supervisor import StreamListenSummary

    line = render_poll_summary(summary)
    if not isinstance(summary, StreamListenSummary) or summary.error:
        return line
    # A stream's summary says it listened, how long and why it stopped, then what it stored
    # (the poll line's own duration is the listen's, said once).
    name, _, found = line.partition(" — ")
    found = found.rsplit(" (", 1)[0]
    why = "caught up" if summary.listened_s < listen_s - 0.05 else "--listen limit"
    events = f"{summary.events} event" + ("" if summary.events == 1 else "s")
    return f"{name} — listened {summary.listened_s:.1f}s ({why}), {events}: {found}"


@main.command()
@config_option
@click.option(
    "--types",
    "list_types",
    is_flag=True,
    help="List every source type instead: what it reads, its credentials and limits.",
)
@click.option("--samples", is_flag=True, help="With --types: a settings block for each type.")
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object per source (as /api/v1/sources)."
)
def sources(config_path: str | None, list_types: bool, samples: bool, as_json: bool) -> None:
    """Health of every configured source: last success, errors, next check, items; for a
    stream, whether it is connected, events/s, the last event, lag and reconnects."""
    from listener.store import open_store

    if list_types and as_json:
        raise click.UsageError("--json gives the configured sources' health; --types has no JSON")
    if list_types:
        from listener.cli.render import render_source_types
        from listener.sources.registry import source_types

        click.echo(render_source_types(source_types().values(), samples=samples))
        return
    settings = load_or_exit(config_path, polls=False)
    states = {}
    healths = {}
    if Path(settings.storage.sqlite).exists():
        with open_store(settings.storage.sqlite) as store:
            states = {s.source: s for s in store.source_states()}
            healths = store.stream_healths()
    render = render_sources_json if as_json else render_sources
    click.echo(render(settings.sources, states, healths, now=utcnow()))


@main.command()
@config_option
@click.argument("name")
def unpark(config_path: str | None, name: str) -> None:
    """Let a parked source be polled again at the next tick (a stream: reconnected within
    seconds, when the daemon's runner next looks at its state)."""
    from dataclasses import replace

    from listener.store import open_store

    settings = load_or_exit(config_path, polls=False)
    with open_store(settings.storage.sqlite) as store:
        state = store.load_source_state(name)
        if state is None or not state.parked_reason:
            click.echo(f"{name} is not parked")
            return
        store.save_source_state(replace(state, parked_reason=None, next_check_at=None))
    streams = {s.name for s in settings.sources if s.is_stream}
    then = "reconnects it" if name in streams else "polls it"
    click.echo(f"{name} unparked; the running daemon {then} within seconds")


for _command in (search, show, label, alerts, draft, web_command):
    main.add_command(_command)
main.add_command(users)
main.add_command(tokens)
main.add_command(rollups)
main.add_command(stats)
main.add_command(erase)
main.add_command(people)
main.add_command(reindex)


if __name__ == "__main__":
    main()
