"""``listener users`` and ``listener tokens``: the web app's accounts and API tokens.

Passwords are asked twice with hidden input (or read from stdin with ``--password-stdin``,
for scripts) and never echoed, logged or stored in clear; a token's secret is printed once,
when it is made. Exit codes as for every command: 0 success, 1 a refused change (an unknown
name, a weak password), 2 bad settings.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import NoReturn

import click

from listener.cli.common import config_option, load_or_exit
from listener.clock import utcnow
from listener.store import SQLiteStore, open_store
from listener.store import accounts as store_accounts
from listener.store.accounts import ROLES, AccountError

_ROLE = click.Choice(ROLES, case_sensitive=False)
CLI_CREATOR = "cli"  # who made a token from the terminal


@contextmanager
def _store(config_path: str | None) -> Iterator[SQLiteStore]:
    # Accounts may be added before the daemon first runs: opening creates the database.
    settings = load_or_exit(config_path, polls=False)
    with open_store(settings.storage.sqlite) as store:
        yield store


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)


def _read_password(name: str, from_stdin: bool) -> str:
    if from_stdin:
        # One line, the newline dropped: `printf '%s\n' "$PW" | listener users add …`.
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            _fail("no password on stdin")
        return password
    prompted: str = click.prompt(
        f"Password for {name}", hide_input=True, confirmation_prompt=True, err=True
    )
    return prompted


def _when(value: datetime | None) -> str:
    return "never" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


@click.group()
def users() -> None:
    """People who may sign in to the web app, and their roles (viewer, agent, admin)."""


@users.command("add")
@config_option
@click.argument("name")
@click.option("--role", type=_ROLE, required=True, help="viewer reads; agent acts; admin manages.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin (one line).")
def add_user(config_path: str | None, name: str, role: str, password_stdin: bool) -> None:
    """Add a user; the password is asked twice (at least 12 characters)."""
    password = _read_password(name, password_stdin)
    with _store(config_path) as store:
        try:
            user = store_accounts.add_user(store, name, role.lower(), password, utcnow())
        except AccountError as error:
            _fail(str(error))
    click.echo(f"added {user.name} ({user.role})")


@users.command("list")
@config_option
def list_users(config_path: str | None) -> None:
    """Every user, their role and when they were added."""
    with _store(config_path) as store:
        found = store_accounts.list_users(store)
    if not found:
        click.echo("no users yet: add one with `listener users add NAME --role admin`")
        return
    width = max(len(user.name) for user in found)
    for user in found:
        disabled = "  (disabled)" if user.disabled else ""
        added = _when(user.created_at)
        click.echo(f"{user.name:<{width}}  {user.role:<6}  added {added}{disabled}")


@users.command("remove")
@config_option
@click.argument("name")
def remove_user(config_path: str | None, name: str) -> None:
    """Remove a user; their sessions end at once."""
    with _store(config_path) as store:
        try:
            store_accounts.remove_user(store, name)
        except AccountError as error:
            _fail(str(error))
    click.echo(f"removed {name}")


@users.command("disable")
@config_option
@click.argument("name")
def disable_user(config_path: str | None, name: str) -> None:
    """Stop a user signing in, keeping their account: their sessions end at once, and the
    API tokens they made are refused until they are enabled again."""
    with _store(config_path) as store:
        try:
            ended = store_accounts.set_disabled(store, name, True)
        except AccountError as error:
            _fail(str(error))
    click.echo(f"disabled {name}; {ended} session(s) ended")


@users.command("enable")
@config_option
@click.argument("name")
def enable_user(config_path: str | None, name: str) -> None:
    """Let a disabled user sign in again (their tokens work again too)."""
    with _store(config_path) as store:
        try:
            store_accounts.set_disabled(store, name, False)
        except AccountError as error:
            _fail(str(error))
    click.echo(f"enabled {name}")


@users.command("passwd")
@config_option
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin (one line).")
def passwd(config_path: str | None, name: str, password_stdin: bool) -> None:
    """Set a user's password; their sessions end (sign in again with the new one)."""
    with _store(config_path) as store:
        if store_accounts.get_user(store, name) is None:
            _fail(f"no user named {name!r}")
        password = _read_password(name, password_stdin)
        try:
            ended = store_accounts.set_password(store, name, password)
        except AccountError as error:
            _fail(str(error))
    click.echo(f"password changed for {name}; {ended} session(s) ended")


@users.command("logout")
@config_option
@click.argument("name")
def logout(config_path: str | None, name: str) -> None:
    """End every session of a user, on every browser."""
    with _store(config_path) as store:
        try:
            ended = store_accounts.end_sessions(store, name, utcnow())
        except AccountError as error:
            _fail(str(error))
    click.echo(f"{name}: {ended} session(s) ended")


@click.group()
def tokens() -> None:
    """API tokens for scripts (sent as `Authorization: Bearer …`)."""


@tokens.command("create")
@config_option
@click.argument("name")
@click.option("--role", type=_ROLE, required=True, help="What the token may do.")
def create_token(config_path: str | None, name: str, role: str) -> None:
    """Make a token; its secret is printed once, here, and cannot be shown again."""
    with _store(config_path) as store:
        try:
            token, secret = store_accounts.create_token(
                store, name, role.lower(), CLI_CREATOR, utcnow()
            )
        except AccountError as error:
            _fail(str(error))
    click.echo(f"token {token.name} ({token.role}) created. Its secret, shown only this once:")
    click.echo("")
    click.echo(f"  {secret}")
    click.echo("")
    click.echo("Send it with each API request, for example:")
    click.echo(f'  curl -H "Authorization: Bearer {secret}" http://HOST:PORT/api/v1/...')
    click.echo(f"Revoke it with `listener tokens revoke {token.name}`.")


@tokens.command("list")
@config_option
def list_tokens(config_path: str | None) -> None:
    """Every token (never its secret), newest first."""
    with _store(config_path) as store:
        found = store_accounts.list_tokens(store)
    if not found:
        click.echo("no tokens yet: make one with `listener tokens create NAME --role viewer`")
        return
    width = max(len(token.name) for token in found)
    for token in found:
        state = "live" if token.revoked_at is None else f"revoked {_when(token.revoked_at)}"
        click.echo(
            f"{token.name:<{width}}  {token.role:<6}  {state}  by {token.created_by}"
            f"  created {_when(token.created_at)}  last used {_when(token.last_used_at)}"
        )


@tokens.command("revoke")
@config_option
@click.argument("name")
def revoke_token(config_path: str | None, name: str) -> None:
    """Revoke a token: the next request that sends it is refused."""
    with _store(config_path) as store:
        try:
            store_accounts.revoke_token(store, name, utcnow())
        except AccountError as error:
            _fail(str(error))
    click.echo(f"revoked {name}")
