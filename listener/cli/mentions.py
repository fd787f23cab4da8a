"""``listener search``, ``show`` and ``label``: reading stored mentions and correcting them.

Exit codes as for every command: 0 success, 1 a runtime failure (an unknown mention id
included), 2 bad settings or a bad query.
"""

from __future__ import annotations

import json
import os
import sys

import click

from listener.cli.common import config_option, load_or_exit, no_store_yet, parse_when
from listener.cli.render import (
    hit_as_json,
    judgments_line,
    mention_as_json,
    render_hit_text,
    render_mention,
    terminal_safe,
)
from listener.cli.render_copies import also_on_line, copies_as_json, copy_of_line
from listener.cli.render_history import author_history, history_as_json, render_history
from listener.clock import utcnow
from listener.judging.labels import retrain_after_label, save_label
from listener.models import Flag, Urgency
from listener.query import QueryError
from listener.store import UnknownMention


@click.command()
@config_option
@click.argument("query", required=False, default="")
@click.option("--brand", help="Only mentions of this brand.")
@click.option("--source", help="Only this source name or source type.")
@click.option(
    "--sentiment",
    type=click.Choice(["positive", "neutral", "negative", "unknown"]),
    help="Only this sentiment.",
)
@click.option(
    "--complaint/--not-complaint",
    default=None,
    help="Only complaints, or only what is not a complaint [default: both].",
)
@click.option("--feeling", metavar="NAME", help="Only mentions with this feeling (e.g. angry).")
@click.option("--topic", metavar="NAME", help="Only mentions about this topic (e.g. delivery).")
@click.option("--lang", metavar="CODE", help="Only this language; 'hi' includes hi-IN, hi-Latn.")
@click.option("--urgency", type=click.Choice([u.value for u in Urgency]), help="Only this urgency.")
@click.option(
    "--flag", type=click.Choice([f.value for f in Flag]), help="Only mentions flagged so."
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
    complaint: bool | None,
    feeling: str | None,
    topic: str | None,
    lang: str | None,
    urgency: str | None,
    flag: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Search stored mentions with the brand query language, best matches first.

    QUERY examples: 'acme', '"acme anvil" -refund', '@acme OR #acme', 'late lang:en'.
    """
    from listener.config.engine import open_configured_store

    settings = load_or_exit(config_path, polls=False)
    if (missing := no_store_yet(settings)) is not None:
        click.echo(missing)
        return
    with open_configured_store(settings.storage) as store:
        try:
            hits = store.search(
                query or None,
                brand=brand,
                source=source,
                sentiment=sentiment,
                complaint=complaint,
                feeling=feeling,
                topic=topic,
                language=lang,
                urgency=urgency,
                flag=flag,
                since=parse_when(since, "--since"),
                until=parse_when(until, "--until"),
                limit=limit,
            )
        except QueryError as error:
            click.echo(f"bad query:\n{error}", err=True)
            sys.exit(2)
        except ValueError as error:  # a filter value the store refuses, e.g. an empty --topic
            raise click.UsageError(str(error)) from None
        copies = store.copies_of(hit.mention.id for hit in hits)
    if as_json:
        for hit in hits:
            shown = hit_as_json(hit, copies[hit.mention.id])
            click.echo(json.dumps(shown, ensure_ascii=False))
        return
    color = sys.stdout.isatty()
    for hit in hits:
        click.echo(render_hit_text(hit, color=color, copies=copies[hit.mention.id]))
    if not hits:
        click.echo("no mentions match", err=True)


def _unknown(mention_id: str) -> str:
    return (
        f"no mention with id {terminal_safe(mention_id)!r} (find ids with"
        " `listener search QUERY`, e.g. `listener search acme`: each match's id follows its"
        " time; or in the web app, where a mention's page, opened from Search, shows its id)"
    )


@click.command()
@config_option
@click.argument("mention_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="The mention as one JSON object.")
def show(config_path: str | None, mention_id: str, as_json: bool) -> None:
    """Show one mention and every judgment about it, each with its evidence, and the
    author's history (a linked person's across their accounts and networks)."""
    from listener.config.engine import open_configured_store

    settings = load_or_exit(config_path, polls=False)
    if (missing := no_store_yet(settings)) is not None:
        click.echo(missing, err=True)
        sys.exit(1)
    with open_configured_store(settings.storage) as store:
        mention = store.get_mention(mention_id)
        copies = store.copies_of([mention.id])[mention.id] if mention is not None else []
        head = (
            store.get_mention(mention.copy_of)
            if mention is not None and mention.copy_of is not None
            else None
        )
        # A tombstone's author history would only put a name beside words that are gone.
        history = (
            author_history(store, settings.alerts.authors, mention)
            if mention is not None and mention.deleted_at is None
            else None
        )
    if mention is None:
        click.echo(_unknown(mention_id), err=True)
        sys.exit(1)
    if as_json:
        shown = mention_as_json(mention)
        shown["edited_at"] = mention.edited_at.isoformat() if mention.edited_at else None
        shown["deleted_at"] = mention.deleted_at.isoformat() if mention.deleted_at else None
        shown["author_history"] = history_as_json(history) if history else None
        # As the web API's mention: the head's id on a copy, every copy on a head.
        shown["copy_of"] = mention.copy_of
        shown["copies"] = copies_as_json(copies)
        shown["copy_sources"] = len({c.source for c in copies})
        click.echo(json.dumps(shown, ensure_ascii=False))
    else:
        shown_text = render_mention(mention, color=sys.stdout.isatty())
        copy_line = copy_of_line(mention, head) or also_on_line(copies)
        if copy_line:
            shown_text += "\n\n" + copy_line
        click.echo(shown_text + ("\n\n" + render_history(history) if history else ""))


@click.command()
@config_option
@click.argument("mention_id", metavar="ID")
@click.argument("verdict", type=click.Choice(["complaint", "not"]))
@click.option("--by", metavar="NAME", help="Who decided [default: $USER, else 'cli'].")
def label(config_path: str | None, mention_id: str, verdict: str, by: str | None) -> None:
    """Mark a mention as a complaint or not; the brand's complaint model learns from it.

    The label overrides the judges for this mention at once, and becomes training data.
    """
    from listener.config.engine import open_configured_store

    settings = load_or_exit(config_path, polls=False)
    if (missing := no_store_yet(settings)) is not None:
        click.echo(missing, err=True)
        sys.exit(1)
    who = (by or os.environ.get("USER") or "cli").strip() or "cli"
    with open_configured_store(settings.storage) as store:
        try:
            mention = save_label(store, mention_id, verdict == "complaint", by=who, at=utcnow())
        except UnknownMention:
            click.echo(_unknown(mention_id), err=True)
            sys.exit(1)
        kind = "a complaint" if mention.judgments.complaint else "not a complaint"
        click.echo(f"{terminal_safe(mention.id)}: {kind} (marked by {terminal_safe(who)})")
        click.echo(f"  {judgments_line(mention)}")
        try:
            report = retrain_after_label(store, settings, mention.brands)
        except Exception as error:  # the label is saved; only the learning step failed
            click.echo(f"label saved, but retraining failed: {error}", err=True)
            sys.exit(1)
    for line in report:
        click.echo(terminal_safe(line))
