"""``listener people``: link one customer's accounts across networks, by hand (issue 18).

Nothing is ever linked silently: ``suggest`` lists pairs that strong profile signals point
at, each with the ``link`` and ``dismiss`` commands that settle it. Accounts are written
``TYPE:HANDLE`` (``x:@jane``, ``mastodon:@jane@mastodon.social``). Exit codes: 0 done,
1 no such person or account, 2 bad usage or settings.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Sequence

import click

from listener.cli.common import config_option, load_or_exit
from listener.cli.render import terminal_safe
from listener.cli.render_history import ShownHistory, history_as_json, render_history
from listener.cli.render_people import (
    person_as_json,
    render_person,
    render_person_line,
    render_suggestion,
    suggestion_as_json,
)
from listener.clock import utcnow
from listener.config.engine import open_configured_store
from listener.config.people import parse_account
from listener.models import Mention
from listener.sources.registry import network_of, same_network_types
from listener.store import SQLiteStore
from listener.store.people import Account, PeopleError, Person
from listener.store.people_models import handle_key

HISTORY_SHOWN = 5  # the person's last mentions ``show`` prints, across their accounts
NO_PEOPLE = (
    "No people yet: link accounts with listener people link TYPE:HANDLE TYPE:HANDLE "
    "(`listener people suggest` lists accounts that may be one person)"
)

__all__ = ["people"]


def _asker() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container)
        return "unknown"


def _parse(value: str) -> Account:
    if value.strip().isdigit():  # `people link rss:x 1`: a person's id where an account goes
        raise click.UsageError(
            f"{value!r} is not TYPE:HANDLE; to link accounts to person {value.strip()},"
            f" write --person {value.strip()}"
        )
    try:
        source_type, handle = parse_account(value)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    return Account(source_type, handle)


def _open(config_path: str | None) -> SQLiteStore:
    settings = load_or_exit(config_path, polls=False)
    return open_configured_store(settings.storage)


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


def _counts(store: SQLiteStore, person: Person) -> dict[Account, int]:
    counts: dict[Account, int] = {}
    for account in person.accounts:
        record = store.get_author(account.source_type, account.handle)
        if record is not None:
            counts[account] = record.mention_count
    return counts


def _find(store: SQLiteStore, ref: str) -> Person | None:
    if ref.isdigit():
        return store.get_person(int(ref))
    account = _parse(ref)
    return store.person_of(same_network_types(account.source_type), account.handle)


def _recent(store: SQLiteStore, person: Person, limit: int) -> list[Mention]:
    """The person's last mentions over every linked account, newest first: one indexed read
    per account (an account is its network's types: ``x`` and ``x_stream`` are one)."""
    found: dict[str, Mention] = {}
    seen: set[tuple[str, str]] = set()
    before = utcnow()
    for account in person.accounts:
        key = (network_of(account.source_type), handle_key(account.handle))
        if key in seen:
            continue
        seen.add(key)
        types = same_network_types(account.source_type)
        for m in store.author_mentions(types, account.handle, before=before, limit=limit):
            found.setdefault(m.id, m)
    return sorted(found.values(), key=lambda m: m.published_at, reverse=True)[:limit]


def _echo_person(
    store: SQLiteStore, person: Person, as_json: bool, *, with_history: bool = False
) -> None:
    counts = _counts(store, person)
    # The same lines as `listener show`'s history; the person, tags and note are above.
    shown = ShownHistory(None, (), None, _recent(store, person, HISTORY_SHOWN))
    if as_json:
        body = person_as_json(person, counts)
        if with_history:
            body["recent"] = history_as_json(shown)["recent"]
        click.echo(json.dumps(body, ensure_ascii=False))
        return
    click.echo(render_person(person, counts))
    if with_history:
        click.echo(render_history(shown))


def _warn_unseen(store: SQLiteStore, accounts: Sequence[Account]) -> None:
    """Linking an account nothing is stored from is allowed (a customer may write later),
    but a typo there links nobody the team will ever see: say so."""
    for account in accounts:
        types = same_network_types(account.source_type)
        if all(store.get_author(t, account.handle) is None for t in types):
            click.echo(
                f"warning: no mention by {terminal_safe(str(account))} is stored yet:"
                " linked anyway; check the spelling",
                err=True,
            )


@click.group()
def people() -> None:
    """One customer's accounts across networks: link, unlink, tag, suggestions."""


@people.command()
@click.argument("accounts", nargs=-1, required=True, metavar="TYPE:HANDLE...")
@click.option(
    "--person", "person_id", type=int, default=None, metavar="ID",
    help="Link the ACCOUNTS to this existing person.",
)  # fmt: skip
@click.option("--name", default=None, help="The person's name.")
@click.option("--tag", "tags", multiple=True, help="vip, loyal or press (repeatable).")
@click.option(
    "--merge", is_flag=True,
    help="Accounts of two people already: merge those people (refused without it).",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the person as JSON.")
@config_option
def link(
    accounts: Sequence[str],
    person_id: int | None,
    name: str | None,
    tags: Sequence[str],
    merge: bool,
    as_json: bool,
    config_path: str | None,
) -> None:
    """Make the ACCOUNTS one person; with --person, add them to that person. Accounts
    that belong to two people already are refused unless --merge is given."""
    parsed = [_parse(a) for a in accounts]
    with _open(config_path) as store:
        joined: list[Account] = []
        if person_id is not None:
            existing = store.get_person(person_id)
            if existing is None:
                _fail(f"no person {person_id}: `listener people list` shows them")
                return
            joined = list(existing.accounts[:1])  # linking to one of theirs joins them
        try:
            person = store.link_accounts([*joined, *parsed], by=_asker(), name=name, merge=merge)
            if tags:
                person = store.update_person(person.id, tags=[*person.tags, *tags])
        except PeopleError as exc:
            raise click.UsageError(str(exc)) from None
        _echo_person(store, person, as_json)
        _warn_unseen(store, parsed)


@people.command()
@click.argument("account", metavar="TYPE:HANDLE")
@config_option
def unlink(account: str, config_path: str | None) -> None:
    """Take ACCOUNT off its person (a person left with none is removed)."""
    parsed = _parse(account)
    with _open(config_path) as store:
        if store.person_of([parsed.source_type], parsed.handle) is None:
            _fail(f"{parsed} is linked to nobody")
        after = store.unlink_account(parsed, by=_asker())
        click.echo(
            f"{parsed} unlinked"
            + (f"; person #{after.id} keeps {len(after.accounts)}" if after else "; person removed")
        )


@people.command(name="list")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@config_option
def list_people(limit: int, as_json: bool, config_path: str | None) -> None:
    """Every person, by name."""
    with _open(config_path) as store:
        found = store.list_people(limit=limit)
        if not found and not as_json:
            click.echo(NO_PEOPLE)
        for person in found:
            if as_json:
                click.echo(json.dumps(person_as_json(person), ensure_ascii=False))
            else:
                click.echo(render_person_line(person))


@people.command()
@click.argument("ref", metavar="ID|TYPE:HANDLE")
@click.option("--json", "as_json", is_flag=True, help="Print the person as JSON.")
@config_option
def show(ref: str, as_json: bool, config_path: str | None) -> None:
    """A person: accounts with their mentions, tags, note, and their last mentions."""
    with _open(config_path) as store:
        person = _find(store, ref)
        if person is None:
            _fail(f"no person is {ref}: `listener people list` shows them")
            return
        _echo_person(store, person, as_json, with_history=True)


@people.command()
@click.argument("person_id", type=int, metavar="ID")
@click.option("--tag", "tags", multiple=True, help="vip, loyal or press (repeatable; replaces).")
@click.option("--no-tags", is_flag=True, help="Clear the tags.")
@click.option("--note", default=None, help="A note for colleagues ('' clears it).")
@click.option("--name", default=None, help="The person's name ('' clears it).")
@config_option
def tag(
    person_id: int,
    tags: Sequence[str],
    no_tags: bool,
    note: str | None,
    name: str | None,
    config_path: str | None,
) -> None:
    """Set a person's tags, note or name."""
    if tags and no_tags:
        raise click.UsageError("--tag and --no-tags together say two things")
    if not (tags or no_tags or note is not None or name is not None):
        raise click.UsageError("give --tag, --no-tags, --note or --name")
    with _open(config_path) as store:
        if store.get_person(person_id) is None:
            _fail(f"no person {person_id}: `listener people list` shows them")
        try:
            person = store.update_person(
                person_id, name=name, note=note, tags=[] if no_tags else (list(tags) or None)
            )
        except PeopleError as exc:
            raise click.UsageError(str(exc)) from None
        click.echo(render_person_line(person))


@people.command()
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@config_option
def suggest(limit: int, as_json: bool, config_path: str | None) -> None:
    """Accounts that may be one person, strongest first, with the evidence."""
    with _open(config_path) as store:
        # The store cannot tell networks: a pair on one network (x and x_stream) is one
        # account's two feeds, not a suggestion.
        found = [
            s
            for s in store.suggestions(limit=limit * 2)
            if network_of(s.accounts[0].source_type) != network_of(s.accounts[1].source_type)
        ][:limit]
    if as_json:
        for suggestion in found:
            click.echo(json.dumps(suggestion_as_json(suggestion), ensure_ascii=False))
        return
    if not found:
        click.echo("no open suggestions")
    for number, suggestion in enumerate(found, start=1):
        click.echo(render_suggestion(number, suggestion))


@people.command()
@click.argument("first", metavar="TYPE:HANDLE")
@click.argument("second", metavar="TYPE:HANDLE")
@config_option
def dismiss(first: str, second: str, config_path: str | None) -> None:
    """Say FIRST and SECOND are not one person: the pair is not suggested again."""
    a, b = _parse(first), _parse(second)
    with _open(config_path) as store:
        try:
            store.dismiss_suggestion(a, b, by=_asker())
        except PeopleError as exc:
            raise click.UsageError(str(exc)) from None
    click.echo(f"{a} and {b} will not be suggested again")
