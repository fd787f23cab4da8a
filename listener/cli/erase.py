"""``listener erase``: forget a person on request (issue 18).

``--author HANDLE --source TYPE`` erases that handle on every type of the source's network
(a stream's and the polled API's posts are one account); ``--person ID`` erases a linked
person and all their accounts. An account linked to a person is refused unless
``--only-this-account`` says to leave the person's other accounts (else ``--person``): a
request to erase someone is about all of them. Whose data and the counts are shown first
and asked about, with the reason when none was given at a terminal (``--yes`` skips both,
for scripts); the audit keeps who asked, when, the reason and the counts, never the handle,
name or words. ``--audit`` lists it. An account settings.yaml lists (``people:``,
``alerts.authors``) is refused with the entry's line unless ``--force``: the daemon syncs
``people:`` into the store at each start, which would bring the person back. Exit codes: 0
erased (or listed), 1 nothing matched (or declined), 2 bad usage, settings, or listed.
"""

from __future__ import annotations

import getpass
import sys

import click

from listener.cli.common import config_option, load_or_exit
from listener.config.engine import open_configured_store
from listener.config.listed import listed_in_settings
from listener.sources.registry import same_network_types, source_types
from listener.store import SQLiteStore
from listener.store.erasure import ErasureReport, NothingToErase, accounts_of
from listener.store.erasure_words import counts_line
from listener.store.people import Account, Person


def _asker() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container)
        return "unknown"


def _shown(account: Account) -> str:
    return f"{account.source_type}:@{account.handle.lstrip('@')}"


def _person_words(person: Person) -> str:
    n = len(person.accounts)
    named = f"{person.name}, " if person.name else ""
    return f"person #{person.id} ({named}{n} account{'' if n == 1 else 's'})"


def _whose(handle: str | None, accounts: list[Account], person: Person | None) -> str:
    if person is not None:
        return f"{_person_words(person)}: " + ", ".join(_shown(a) for a in person.accounts)
    types = ", ".join(a.source_type for a in accounts)
    return f"@{(handle or '').lstrip('@')} on {types} (one network)"


def _ask_reason() -> str:
    click.echo("The reason is kept in the audit: type no name, handle or words of the person.",
               err=True)  # fmt: skip
    return str(click.prompt("Reason (Enter for none)", default="", show_default=False, err=True))


@click.command()
@click.option("--author", "handle", help="The handle to erase, as the source shows it.")
@click.option("--source", "source_type", help="The source type of --author (e.g. x, reddit).")
@click.option("--person", "person_id", type=int, help="A person's id (listener people list).")
@click.option("--reason", default=None, help="Why (kept in the audit; not the person's data).")
@click.option(
    "--only-this-account",
    is_flag=True,
    help="Erase --author's account alone, though it is linked to a person with others.",
)
@click.option("--asked-by", default=None, help="Who asked (default: the OS user).")
@click.option("--yes", is_flag=True, help="Do not ask before erasing.")
@click.option(
    "--force",
    is_flag=True,
    help="Erase though settings.yaml lists them (people: brings them back at the next start).",
)
@click.option("--audit", "show_audit", is_flag=True, help="List the erasures made so far.")
@config_option
def erase(
    handle: str | None,
    source_type: str | None,
    person_id: int | None,
    reason: str | None,
    only_this_account: bool,
    asked_by: str | None,
    yes: bool,
    force: bool,
    show_audit: bool,
    config_path: str | None,
) -> None:
    """Erase a person's mentions, accounts and words, leaving opaque tombstones."""
    if show_audit:
        if handle or source_type or person_id is not None:
            raise click.UsageError("--audit lists the erasures; it takes no --author/--person")
        settings = load_or_exit(config_path, polls=False)
        with open_configured_store(settings.storage) as store:
            for entry in store.erasure_audit():
                click.echo(
                    f"#{entry.id} {entry.at:%Y-%m-%d %H:%M} UTC  {entry.scope}  by {entry.asked_by}"
                    f"  reason: {entry.reason or '-'}  {counts_line(entry.counts)}"
                )
        return
    if (handle is None) == (person_id is None):
        raise click.UsageError("give either --author HANDLE --source TYPE, or --person ID")
    if handle is not None and not source_type:
        raise click.UsageError("--author needs --source TYPE (the handle's network)")
    if source_type and source_type not in source_types():
        known = ", ".join(sorted(source_types()))
        raise click.UsageError(f"--source {source_type!r} is no source type; one of: {known}")
    if only_this_account and handle is None:
        raise click.UsageError("--only-this-account goes with --author")
    settings = load_or_exit(config_path, polls=False)
    who = asked_by or _asker()
    with open_configured_store(settings.storage) as store:
        if handle is not None and source_type:
            accounts = accounts_of(same_network_types(source_type), handle)
            person = store.person_of(same_network_types(source_type), handle)
            if person is not None and not only_this_account:
                click.echo(
                    f"this account belongs to {_person_words(person)}: erase them all with"
                    f" --person {person.id}, or add --only-this-account",
                    err=True,
                )
                sys.exit(2)
            person = None
        else:
            accounts = [
                network_account
                for linked in store.accounts_of_person(person_id or 0)
                for network_account in accounts_of(
                    same_network_types(linked.source_type), linked.handle
                )
            ]
            person = store.get_person(person_id or 0)
        listed = listed_in_settings(settings, [(a.source_type, a.handle) for a in accounts])
        if listed and not force:
            click.echo(
                "settings.yaml lists them: " + "; ".join(x.describe() for x in listed)
                + ". Remove them from settings.yaml first (people: would bring them back at the"
                " next start), or add --force",
                err=True,
            )  # fmt: skip
            sys.exit(2)
        counts = store.preview_erasure(accounts, person_id=person_id)
        if not counts:
            click.echo("nothing matched: no mention, author or person to erase", err=True)
            sys.exit(1)
        click.echo(f"will erase: {_whose(handle, accounts, person)}\n  {counts_line(counts)}")
        click.echo(
            f"  new mentions wait about {store.erasure_hold_seconds()} s while it runs"
            " (the search index merge)"
        )
        if reason is None and not yes and sys.stdin.isatty():
            reason = _ask_reason()
        if not yes and not click.confirm("Erase these for good?", default=False, err=True):
            click.echo("nothing erased", err=True)
            sys.exit(1)
        report = _run(store, accounts, person_id, who, reason or "")
    click.echo(f"erased ({counts_line(report.counts)}); audit #{report.audit_id} by {who}")
    click.echo("backups made before now still hold the data: see docs/privacy.md")


def _run(
    store: SQLiteStore, accounts: list[Account], person_id: int | None, who: str, reason: str
) -> ErasureReport:
    try:
        if person_id is not None:
            return store.erase_person(person_id, asked_by=who, reason=reason, accounts=accounts)
        return store.erase_accounts(accounts, asked_by=who, reason=reason)
    except NothingToErase:
        click.echo("nothing matched: no mention, author or person to erase", err=True)
        sys.exit(1)
