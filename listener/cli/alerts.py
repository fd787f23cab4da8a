"""``listener alerts``: list, show and move alerts through their lifecycle; the outbox.

Exit codes as for every command: 0 success, 1 a runtime failure (an unknown alert or
outbox id included), 2 bad settings.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click

from alerts import workflow
from alerts.workflow import Move, Refusal
from listener.cli.common import config_option, load_or_exit, no_store_yet, parse_when
from listener.cli.render_alerts import (
    MENTIONS_SHOWN,
    alert_as_json,
    copies_json,
    delivery_as_json,
    event_as_json,
    mention_summary_json,
    render_alert,
    render_alert_line,
    render_alert_state,
    render_delivery_line,
)
from listener.clock import utcnow
from listener.models import Alert, AlertKind, AlertState, DeliveryStatus
from listener.store import Store, StoreError
from listener.store.base import UnknownAlert, UnknownDelivery

_STATES = [s.value for s in AlertState]
_KINDS = [k.value for k in AlertKind]


@click.group()
def alerts() -> None:
    """Alerts raised by the rules, and the outbox that delivers them."""


@contextmanager
def _store(config_path: str | None, *, empty_ok: bool = False) -> Iterator[Store]:
    """The store the settings name; without a database yet, say so (exit 1, or 0 with
    ``empty_ok`` for listings) rather than create an empty one."""
    from listener.config.engine import open_configured_store

    settings = load_or_exit(config_path, polls=False)
    if (missing := no_store_yet(settings)) is not None:
        click.echo(missing, err=not empty_ok)
        sys.exit(0 if empty_ok else 1)
    with open_configured_store(settings.storage) as store:
        yield store


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)


def _who(by: str | None) -> str:
    return (by or os.environ.get("USER") or "cli").strip() or "cli"


def _no_alert(alert_id: int) -> str:
    return f"no alert with id {alert_id} (see `listener alerts list`)"


def _no_row(delivery_id: int) -> str:
    return f"no outbox row with id {delivery_id} (see `listener alerts outbox`)"


by_option = click.option("--by", metavar="NAME", help="Who did it [default: $USER, else 'cli'].")


@alerts.command("list")
@config_option
@click.option("--state", "states", multiple=True, type=click.Choice(_STATES), help="Repeatable.")
@click.option("--kind", type=click.Choice(_KINDS), help="Only this kind of alert.")
@click.option("--brand", help="Only this brand's alerts.")
@click.option("--assignee", metavar="NAME", help="Only alerts assigned to NAME.")
@click.option("--since", help="Raised at or after: 2h, 7d, or a date like 2026-11-01.")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def list_alerts(
    config_path: str | None,
    states: tuple[str, ...],
    kind: str | None,
    brand: str | None,
    assignee: str | None,
    since: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Alerts, newest first."""
    raised_since = parse_when(since, "--since")
    with _store(config_path, empty_ok=True) as store:
        found = store.list_alerts(
            states=[AlertState(s) for s in states],
            kinds=[AlertKind(kind)] if kind else [],
            brand=brand,
            assignee=assignee,
            since=raised_since,
            limit=limit,
        )
    if as_json:
        for alert in found:
            click.echo(json.dumps(alert_as_json(alert), ensure_ascii=False))
        return
    now = utcnow()
    color = sys.stdout.isatty()
    for alert in found:
        click.echo(render_alert_line(alert, now=now, color=color))
    if not found:
        click.echo("no alerts match", err=True)


@alerts.command("show")
@config_option
@click.argument("alert_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True, help="The alert as one JSON object.")
def show_alert(config_path: str | None, alert_id: int, as_json: bool) -> None:
    """One alert in full: mentions, reasons, details, drafts, history and deliveries."""
    with _store(config_path) as store:
        alert = store.get_alert(alert_id)
        if alert is None:
            _fail(_no_alert(alert_id))
        ids = alert.mention_ids if as_json else alert.mention_ids[:MENTIONS_SHOWN]
        mentions = [(i, store.get_mention(i)) for i in ids]
        events = store.alert_events(alert_id)
        deliveries = store.list_deliveries(alert_id=alert_id)
        lead = alert.lead_mention_id
        lead_copies = store.copies_of([lead])[lead] if lead is not None else []
    if as_json:
        shown = alert_as_json(alert)
        shown["mentions"] = [mention_summary_json(i, m) for i, m in mentions]
        if shown["mentions"]:
            shown["mentions"][0].update(copies_json(lead_copies))
        shown["events"] = [event_as_json(e) for e in events]
        shown["deliveries"] = [delivery_as_json(d) for d in deliveries]
        click.echo(json.dumps(shown, ensure_ascii=False))
        return
    click.echo(
        render_alert(
            alert,
            mentions=mentions,
            events=events,
            deliveries=deliveries,
            now=utcnow(),
            color=sys.stdout.isatty(),
            lead_copies=lead_copies,
        )
    )


def _move(config_path: str | None, alert_id: int, by: str | None, move: Move) -> None:
    with _store(config_path) as store:
        alert = store.get_alert(alert_id)
        if alert is None:
            _fail(_no_alert(alert_id))
        state, refusal = workflow.target(move, alert)
        if refusal:
            _fail(_refusal_text(alert, refusal))
        try:
            moved = store.set_alert_state(alert_id, state, at=utcnow(), by=_who(by))
        except UnknownAlert:
            _fail(_no_alert(alert_id))
    click.echo(render_alert_state(moved))


def _refusal_text(alert: Alert, refusal: Refusal) -> str:
    if refusal == Refusal.OPEN_ALREADY:
        return f"alert #{alert.id} is open already ({alert.state.value})"
    return (
        f"alert #{alert.id} is {alert.state.value}; "
        f"reopen it first with `listener alerts reopen {alert.id}`"
    )


def _state_command(name: str, move: Move, help_text: str) -> None:
    @alerts.command(name, help=help_text)
    @config_option
    @click.argument("alert_id", metavar="ID", type=int)
    @by_option
    def command(config_path: str | None, alert_id: int, by: str | None) -> None:
        _move(config_path, alert_id, by, move)


# The transitions live in alerts.workflow, shared with the web inbox.
_state_command("ack", Move.ACKNOWLEDGE, "Acknowledge an alert: someone is on it.")
_state_command("reply", Move.REPLY, "Mark an alert replied to (publicly).")
_state_command("resolve", Move.RESOLVE, "Resolve an alert: nothing left to do.")
_state_command("ignore", Move.IGNORE, "Ignore an alert: it needed no answer.")
_state_command("reopen", Move.REOPEN, "Reopen a resolved or ignored alert.")


@alerts.command("assign")
@config_option
@click.argument("alert_id", metavar="ID", type=int)
@click.argument("name", required=False)
@click.option("--none", "unassign", is_flag=True, help="Clear the assignee.")
@by_option
def assign(
    config_path: str | None, alert_id: int, name: str | None, unassign: bool, by: str | None
) -> None:
    """Assign an alert to NAME, or with --none to nobody."""
    if unassign == (name is not None):
        raise click.UsageError("give a NAME, or --none to clear the assignee (not both)")
    assignee = None if unassign else (name or "").strip()
    if assignee == "":
        raise click.UsageError("NAME is empty; use --none to clear the assignee")
    with _store(config_path) as store:
        try:
            moved = store.assign_alert(alert_id, assignee, at=utcnow(), by=_who(by))
        except UnknownAlert:
            _fail(_no_alert(alert_id))
    click.echo(render_alert_state(moved))


# ---- the outbox ------------------------------------------------------------------------


@alerts.group("outbox", invoke_without_command=True)
@config_option
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice([s.value for s in DeliveryStatus]),
    help="Only rows in this status (repeatable) [default: all].",
)
@click.option("--channel", help="Only this channel's rows.")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def outbox(
    ctx: click.Context,
    config_path: str | None,
    statuses: tuple[str, ...],
    channel: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Outbox rows, newest first: what was sent, what waits and why.

    A row that keeps failing stays pending (retried with backoff) until it is sent or
    dropped: `listener alerts outbox drop ID`; `retry ID` sends it at the next flush.
    """
    ctx.ensure_object(dict)
    ctx.obj["outbox_config"] = config_path
    if ctx.invoked_subcommand is not None:
        return
    with _store(config_path, empty_ok=True) as store:
        rows = store.list_deliveries(
            statuses=[DeliveryStatus(s) for s in statuses], channel=channel, limit=limit
        )
    if as_json:
        for row in rows:
            click.echo(json.dumps(delivery_as_json(row), ensure_ascii=False))
        return
    now = utcnow()
    for row in rows:
        click.echo(render_delivery_line(row, now=now))
    if not rows:
        click.echo("no outbox rows match", err=True)


def _outbox_config(ctx: click.Context, config_path: str | None) -> str | None:
    # `outbox --config X drop 3` and `outbox drop 3 --config X` both work.
    parent: Any = ctx.obj.get("outbox_config") if isinstance(ctx.obj, dict) else None
    return config_path or parent


@outbox.command("drop")
@config_option
@click.argument("delivery_id", metavar="DELIVERY_ID", type=int)
@click.option("--reason", default="dropped by hand", show_default=True, help="Why, for the log.")
@by_option
@click.pass_context
def drop(
    ctx: click.Context, config_path: str | None, delivery_id: int, reason: str, by: str | None
) -> None:
    """Give up on a pending row: it will not be sent."""
    with _store(_outbox_config(ctx, config_path)) as store:
        try:
            row = store.drop_delivery(delivery_id, at=utcnow(), reason=f"{reason} ({_who(by)})")
        except UnknownDelivery:
            _fail(_no_row(delivery_id))
        except StoreError as error:
            _fail(f"cannot drop outbox row {delivery_id}: {error}")
    click.echo(render_delivery_line(row, now=utcnow()))


@outbox.command("retry")
@config_option
@click.argument("delivery_id", metavar="DELIVERY_ID", type=int)
@click.pass_context
def retry(ctx: click.Context, config_path: str | None, delivery_id: int) -> None:
    """Make a pending or dropped row due now (sent at the daemon's next flush, or by
    `listener poll --once`)."""
    with _store(_outbox_config(ctx, config_path)) as store:
        try:
            row = store.retry_delivery(delivery_id, at=utcnow())
        except UnknownDelivery:
            _fail(_no_row(delivery_id))
        except StoreError as error:
            _fail(f"cannot retry outbox row {delivery_id}: {error}")
    click.echo(render_delivery_line(row, now=utcnow()))
