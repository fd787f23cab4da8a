"""``listener check``'s look at the Elasticsearch cluster (``storage.elasticsearch``): it is
reached, and its flavour, version, health, the index template's state and the indices'
document counts are printed. Read-only: the template is put by the store when it opens, so a
missing one is reported, not created."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

import click

from listener.cli.render import terminal_safe
from listener.config.engine import cluster_problem, cluster_settings
from listener.config.storage import ElasticsearchSettings, without_credentials
from listener.redaction import redact
from listener.store.elasticsearch.cluster import Cluster, info_of
from listener.store.elasticsearch.outbox import pending_on, rejected_count_on, rejected_on
from listener.store.elasticsearch.template import (
    TemplateState,
    cluster_health,
    template_state,
)
from listener.store.elasticsearch.watch import cluster_made


def check_cluster(es: ElasticsearchSettings, sqlite_path: Path) -> bool:
    """Print what the cluster says, and what this daemon's file has yet to send it; False
    (after one line naming the URL and what to do) when it cannot be reached or refuses us."""
    settings = cluster_settings(es)
    where = ", ".join(without_credentials(url) for url in settings.urls)
    try:
        cluster = Cluster(settings)
    except Exception as exc:
        return _failed(exc, settings.urls)
    try:
        info = cluster.info or info_of(cluster.call(lambda client: client.info()).body)
        health = cluster_health(cluster)
        state = template_state(cluster)
        made = cluster_made(cluster)
    except Exception as exc:
        return _failed(exc, settings.urls)
    finally:
        cluster.close()
    click.echo(
        redact(
            f"mention index: {info.distribution} {info.version} at {where}"
            f" (cluster {info.cluster_name!r}), health {health}"
        )
    )
    click.echo(_template_line(state))
    for line in _index_lines(state):
        click.echo(line)
    if (outbox := _outbox_line(sqlite_path)) is not None:
        click.echo(redact(outbox))
    for name in made:
        click.echo(
            f"index {name} was made by the cluster, not by listener (the cluster lost "
            "listener's indices: restarted empty?); search and the dashboard fail on it. A "
            "running daemon puts listener's back and sends its mentions again within 30 s; "
            "with none running, start one or run `listener reindex --to elasticsearch --restart`",
            err=True,
        )
    return not made


def _failed(exc: Exception, urls: tuple[str, ...]) -> bool:
    problem = cluster_problem(exc, urls)
    if problem is None:
        raise exc
    click.echo(f"mention index: {redact(problem)}", err=True)
    return False


def _template_line(state: TemplateState) -> str:
    icu = "ICU analysis installed" if state.icu else "no ICU plugin: standard and CJK analysis"
    name = state.mentions.name
    if state.template == "missing":
        return (
            f"index template {name}: missing — the daemon puts it when it starts"
            " (a running one within 30 s)"
            f" (version {state.wanted}; {icu})"
        )
    if state.template == "outdated":
        return (
            f"index template {name}: out of date (version {state.version}, this listener"
            f" wants {state.wanted}) — the daemon puts the new one when it starts; {icu}"
        )
    if state.template == "newer":
        return (
            f"index template {name}: version {state.version}, newer than this listener's"
            f" {state.wanted} (a later listener put it; left as it is); {icu}"
        )
    return f"index template {name}: current (version {state.version}; {icu})"


def _index_lines(state: TemplateState) -> list[str]:
    lines = []
    for index, what in ((state.mentions, "documents"), (state.keys, "dedupe keys")):
        if index.docs is None:
            lines.append(f"index {index.name}: not created yet (the daemon creates it)")
        else:
            lines.append(f"index {index.name}: {index.docs:,} {what}")
    if state.mentions.missing_fields:
        fields = ", ".join(state.mentions.missing_fields[:8])
        more = len(state.mentions.missing_fields) - 8
        lines.append(
            f"index {state.mentions.name} lacks fields of this version: {fields}"
            + (f" and {more} more" if more > 0 else "")
            + " (added when the daemon starts)"
        )
    return lines


def _outbox_line(path: Path) -> str | None:
    """What the local file has queued for the cluster and what the cluster refused, read
    read-only (``check`` changes nothing); None before the store first opened with a cluster."""
    if not path.exists():
        return None
    conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    try:
        has = {
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE name IN ('index_outbox', 'index_rejected')"
            )
        }
        if "index_outbox" not in has:
            return None
        line = f"index outbox ({path.name}): {pending_on(conn):,} mention(s) waiting to be sent"
        if "index_rejected" in has and (refused := rejected_count_on(conn)):
            newest = rejected_on(conn, 1)[0]
            line += (
                f"; {refused:,} refused by the cluster, the newest {newest.mention_id}"
                f" ({newest.status}: {terminal_safe(newest.reason[:200])})"
            )
        return line
    finally:
        conn.close()
