"""``listener reindex --to elasticsearch|sqlite``: move a store's mentions between the local
SQLite file and the cluster ``storage.elasticsearch`` names (issue 19).

``--to elasticsearch`` when a store that ran on SQLite starts using a cluster: every local
mention, tombstones too, goes into the index. ``--to sqlite`` the way back: the index's
mentions into the SQLite file, stored without alert rules. Both resume where an interrupted
run stopped, show a progress bar on stderr, and compare the counts at the end.

Exit codes: 0 copied and the counts match (or stopped by ``--stop-after``), 1 the counts
differ, the cluster refused documents or could not be reached, 2 bad settings.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from listener.cli.common import config_option, load_or_exit
from listener.cli.render import safe_error, terminal_safe

if TYPE_CHECKING:  # the client is imported when the command runs: other commands skip it
    from listener.store.elasticsearch.cluster import Cluster
    from listener.store.elasticsearch.reindex import CopyReport, Tally
    from listener.store.sqlite import SQLiteStore

TO_CLUSTER = "elasticsearch"  # as listener.store.elasticsearch.reindex names it
SHOWN = 10
REASON_CHARS = 300


@click.command()
@config_option
@click.option(
    "--to",
    "direction",
    type=click.Choice(["elasticsearch", "sqlite"]),
    required=True,
    help="elasticsearch: the SQLite file's mentions into the cluster; sqlite: the way back.",
)
@click.option(
    "--page-size",
    type=click.IntRange(1, 10_000),
    help="Mentions per page [default: storage.elasticsearch.bulk_docs].",
)
@click.option(
    "--stop-after",
    type=click.IntRange(min=1),
    help="Copy at most N mentions in this run, then stop; the next run resumes.",
)
@click.option(
    "--restart", is_flag=True, help="Forget where the last run stopped; copy everything again."
)
def reindex(
    config_path: str | None,
    direction: str,
    page_size: int | None,
    stop_after: int | None,
    restart: bool,
) -> None:
    """Copy the mentions into the Elasticsearch cluster, or from it into the SQLite file,
    resumably, and compare the counts at the end."""
    from elasticsearch import ApiError, TransportError, UnsupportedProductError

    from listener.config.engine import cluster_problem, cluster_settings
    from listener.store import open_store
    from listener.store.elasticsearch.cluster import Cluster, ClusterError

    settings = load_or_exit(config_path, polls=False)
    es = settings.storage.elasticsearch
    if es is None:
        click.echo(
            "storage.elasticsearch is not set: reindex copies between the SQLite file and the"
            " cluster it names (see the README's Elasticsearch section)",
            err=True,
        )
        sys.exit(2)
    sqlite_path = Path(settings.storage.sqlite)
    if direction == TO_CLUSTER and not sqlite_path.exists():
        click.echo(f"nothing to copy: {sqlite_path} does not exist", err=True)
        sys.exit(1)
    failures = (ClusterError, ApiError, TransportError, UnsupportedProductError)
    try:
        cluster = Cluster(cluster_settings(es))
    except failures as exc:
        _fail(f"cannot use the cluster: {cluster_problem(exc, es.urls) or exc}")
    try:
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        with open_store(sqlite_path) as store:
            report = _copy(store, cluster, direction, page_size, stop_after, restart)
    except failures as exc:
        _fail(f"the copy stopped: {cluster_problem(exc, es.urls) or exc}")
    finally:
        cluster.close()
    sys.exit(_print_report(report, direction))


def _copy(
    store: SQLiteStore,
    cluster: Cluster,
    direction: str,
    page_size: int | None,
    stop_after: int | None,
    restart: bool,
) -> CopyReport:
    from listener.store.elasticsearch.mapping import index_names
    from listener.store.elasticsearch.reindex_to_cluster import ToCluster
    from listener.store.elasticsearch.reindex_to_sqlite import ToSQLite
    from listener.store.elasticsearch.template import ensure_indices

    size = page_size or cluster.settings.bulk_docs
    copier: ToCluster | ToSQLite
    if direction == TO_CLUSTER:
        ensure_indices(cluster)
        copier = ToCluster(store, cluster, page_size=size, restart=restart)
        label = "mentions into the cluster"
    else:
        mentions, _ = index_names(cluster.settings.index_prefix)
        if not cluster.call(lambda es: es.indices.exists(index=mentions)):
            _fail(f"the cluster has no index {mentions}: nothing to copy (check index_prefix)")
        copier = ToSQLite(store, cluster, page_size=size, restart=restart)
        label = f"mentions into {store.path}"
    remaining = copier.remaining()
    if stop_after is not None:
        remaining = min(remaining, stop_after)
    with click.progressbar(length=remaining, label=f"copying {label}", file=sys.stderr) as bar:
        return copier.run(stop_after=stop_after, on_page=bar.update)


def _print_report(report: CopyReport, direction: str) -> int:
    to = "the cluster" if direction == TO_CLUSTER else "the SQLite file"
    line = f"copied {report.copied_now:,} mentions to {to} in this run"
    click.echo(f"{line} ({report.copied_total:,} since the copy began)")
    if report.already_there:
        click.echo(
            f"  {report.already_there:,} of them were here already (stored, erased or pruned):"
            " left as they are"
        )
    for rejection in report.rejected[:SHOWN]:
        # Ids and the cluster's reasons may quote a post: no control characters reach the
        # terminal, and a reason is cut short.
        what = f"{terminal_safe(rejection.mention_id)}: {rejection.status}"
        click.echo(f"  refused: {what} {safe_error(rejection.reason)[:REASON_CHARS]}")
    if len(report.rejected) > SHOWN:
        click.echo(f"  … {len(report.rejected) - SHOWN:,} more refused")
    if not report.finished:
        click.echo("stopped as asked (--stop-after): run the same command again to resume")
        return 1 if report.rejected else 0
    here, there = (
        ("this file", "the index (the same ids)")
        if direction == TO_CLUSTER
        else ("the index", "this file")
    )
    click.echo(f"{here}: {report.source}")
    click.echo(f"{there}: {report.target}")
    for difference in report.differences:
        click.echo(f"  differs: {terminal_safe(difference)}")
    if direction != TO_CLUSTER and report.source is not None and report.target is not None:
        _explain_counts(report.source, report.target)
    if report.counts_match and not report.rejected:
        click.echo("counts match")
        return 0
    click.echo("counts differ: see the lines above; `--restart` copies everything again", err=True)
    return 1


def _explain_counts(index: Tally, here: Tally) -> None:
    for kind, there_n, here_n in (
        ("live mention", index.live, here.live),
        ("tombstone", index.tombstones, here.tombstones),
    ):
        if here_n > there_n:
            click.echo(
                f"  this file has {_count(here_n - there_n, kind)} the index lacks: not sent"
                " yet? (`listener check` counts what waits to be sent)"
            )
        elif there_n > here_n:
            click.echo(
                f"  the index has {_count(there_n - here_n, kind)} this file lacks: erased or"
                " pruned here, or stored by another daemon meanwhile (run it again)"
            )


def _count(n: int, kind: str) -> str:
    return f"{n:,} {kind}{'' if n == 1 else 's'}"


def _fail(message: str) -> NoReturn:
    # The message may carry the cluster's own error text: no control characters or secrets.
    click.echo(f"listener reindex: {safe_error(message)}", err=True)
    sys.exit(1)
