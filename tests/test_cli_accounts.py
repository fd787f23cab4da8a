"""``listener users`` and ``listener tokens`` on a settings file and a SQLite store on disk:
passwords are asked twice and never shown, a token's secret is printed once and works."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from listener.cli.main import main
from listener.config.settings import Settings
from listener.store import accounts, open_store
from listener.store.accounts import SessionPolicy

SETTINGS = """\
brands:
  - name: acme
    query: acme
storage:
  sqlite: data/listener.db
"""
PASSWORD = "plum-orchard-lantern-42"
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
POLICY = SessionPolicy(idle=timedelta(days=14), absolute=timedelta(days=30))


@pytest.fixture
def settings(write_settings: Callable[[str], Settings]) -> Settings:
    return write_settings(SETTINGS)


def cli(settings: Settings, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, [*args, "--config", str(settings.config_path)], input=input)


def test_users_add_asks_twice_stores_a_hash_and_never_shows_the_password(
    settings: Settings,
) -> None:
    added = cli(settings, "users", "add", "Dana", "--role", "agent", input=f"{PASSWORD}\n" * 2)
    assert added.exit_code == 0, added.output
    assert "added Dana (agent)" in added.output
    assert PASSWORD not in added.output

    listed = cli(settings, "users", "list")
    assert listed.exit_code == 0
    assert "Dana" in listed.output and "agent" in listed.output
    with open_store(settings.storage.sqlite) as store:
        assert accounts.check_password(store, "dana", PASSWORD) is not None  # name: any case
        assert accounts.check_password(store, "dana", PASSWORD + "x") is None
    with sqlite3.connect(settings.storage.sqlite) as conn:
        (stored,) = conn.execute("SELECT password_hash FROM users").fetchone()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_users_add_refuses_a_mismatch_a_short_password_and_a_duplicate(
    settings: Settings,
) -> None:
    mismatch = cli(
        settings, "users", "add", "dana", "--role", "viewer",
        input=f"{PASSWORD}\nsomething-else-entirely\n{PASSWORD}\n{PASSWORD}\n",
    )
    # click asks again after a mismatch; the second pair matches.
    assert "do not match" in mismatch.output.lower() and mismatch.exit_code == 0

    short = cli(settings, "users", "add", "eve", "--role", "viewer", input="short-pw\n" * 2)
    assert short.exit_code == 1 and "at least 12 characters" in short.output

    named = cli(settings, "users", "add", "evelyn", "--role", "viewer",
                input="evelyn-evelyn-1\n" * 2)
    assert named.exit_code == 1 and "must not contain the user's name" in named.output

    again = cli(settings, "users", "add", "DANA", "--role", "admin", input=f"{PASSWORD}\n" * 2)
    assert again.exit_code == 1 and "exists already" in again.output

    role = cli(settings, "users", "add", "finn", "--role", "owner", input=f"{PASSWORD}\n" * 2)
    assert role.exit_code == 2


def test_passwd_logout_and_remove_end_the_sessions(settings: Settings) -> None:
    assert cli(settings, "users", "add", "dana", "--role", "admin", "--password-stdin",
               input=f"{PASSWORD}\n").exit_code == 0
    policy = POLICY
    with open_store(settings.storage.sqlite) as store:
        user = accounts.get_user(store, "dana")
        assert user is not None
        first = accounts.start_session(store, user, "test", NOW, policy)
        second = accounts.start_session(store, user, "test", NOW, policy)

    new_password = "quiet-harbour-lights-7"
    changed = cli(settings, "users", "passwd", "dana", "--password-stdin",
                  input=f"{new_password}\n")
    assert changed.exit_code == 0, changed.output
    assert "2 session(s) ended" in changed.output and new_password not in changed.output
    with open_store(settings.storage.sqlite) as store:
        assert accounts.session_user(store, first, NOW, policy) is None
        assert accounts.check_password(store, "dana", PASSWORD) is None
        assert accounts.check_password(store, "dana", new_password) is not None
        user = accounts.get_user(store, "dana")
        assert user is not None
        third = accounts.start_session(store, user, "test", NOW, policy)
        assert accounts.session_user(store, third, NOW, policy) is not None

    out = cli(settings, "users", "logout", "dana")
    assert out.exit_code == 0 and "1 session(s) ended" in out.output
    with open_store(settings.storage.sqlite) as store:
        assert accounts.session_user(store, third, NOW, policy) is None
        fourth = accounts.start_session(store, user, "test", NOW, policy)

    removed = cli(settings, "users", "remove", "dana")
    assert removed.exit_code == 0
    with open_store(settings.storage.sqlite) as store:
        assert accounts.session_user(store, fourth, NOW, policy) is None
        assert not accounts.users_exist(store)
    assert second != first
    assert cli(settings, "users", "remove", "dana").exit_code == 1
    assert cli(settings, "users", "logout", "dana").exit_code == 1
    assert "no users yet" in cli(settings, "users", "list").output


def test_tokens_create_prints_the_secret_once_list_never_shows_it_and_revoke_ends_it(
    settings: Settings,
) -> None:
    created = cli(settings, "tokens", "create", "nightly-export", "--role", "viewer")
    assert created.exit_code == 0, created.output
    assert "Authorization: Bearer " in created.output
    secret = created.output.split("Authorization: Bearer ")[1].split('"')[0]
    assert len(secret) >= 40
    with open_store(settings.storage.sqlite) as store:
        token = accounts.token_bearer(store, secret, NOW)
        assert token is not None and token.role == "viewer" and token.created_by == "cli"

    listed = cli(settings, "tokens", "list")
    assert "nightly-export" in listed.output and "live" in listed.output
    assert secret not in listed.output

    twice = cli(settings, "tokens", "create", "nightly-export", "--role", "admin")
    assert twice.exit_code == 1 and "exists already" in twice.output

    assert cli(settings, "tokens", "revoke", "nightly-export").exit_code == 0
    with open_store(settings.storage.sqlite) as store:
        assert accounts.token_bearer(store, secret, NOW) is None
    assert "revoked" in cli(settings, "tokens", "list").output
    assert cli(settings, "tokens", "revoke", "nightly-export").exit_code == 1
    # The name is free again once its token is revoked.
    assert cli(settings, "tokens", "create", "nightly-export", "--role", "viewer").exit_code == 0


def test_a_real_process_reads_the_password_from_stdin_and_prints_nothing_of_it(
    settings: Settings,
) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "listener.cli.main", "-vv", "users", "add", "ops",
         "--role", "admin", "--password-stdin", "--config", str(settings.config_path)],
        input=f"{PASSWORD}\n", capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert run.returncode == 0, run.stderr
    assert "added ops (admin)" in run.stdout
    assert PASSWORD not in run.stdout + run.stderr


def test_a_hash_made_with_other_parameters_is_redone_at_the_next_sign_in(
    settings: Settings,
) -> None:
    from argon2 import PasswordHasher

    assert cli(settings, "users", "add", "dana", "--role", "viewer", "--password-stdin",
               input=f"{PASSWORD}\n").exit_code == 0
    older = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    with sqlite3.connect(settings.storage.sqlite) as conn:
        conn.execute("UPDATE users SET password_hash = ?", (older,))
    with open_store(settings.storage.sqlite) as store:
        assert accounts.check_password(store, "dana", PASSWORD) is not None
    with sqlite3.connect(settings.storage.sqlite) as conn:
        (stored,) = conn.execute("SELECT password_hash FROM users").fetchone()
    assert stored != older and "m=19456,t=2,p=1" in stored
    with open_store(settings.storage.sqlite) as store:
        assert accounts.check_password(store, "dana", PASSWORD) is not None


# Run in a fresh interpreter (this one imported the accounts long ago): cProfile counts the
# calls to argon2's PasswordHasher while the CLI is imported, then around two sign-ins.
_HASH_COUNTS = """\
import cProfile, json, pstats, sys

def counted(action):
    profile = cProfile.Profile()
    profile.runcall(action)
    calls = {"hash": 0, "verify": 0}
    for (file, _, function), figures in pstats.Stats(profile).stats.items():
        if file.endswith("_password_hasher.py") and function in calls:
            calls[function] += figures[1]
    return calls

imported = counted(lambda: __import__("listener.cli.main"))
from listener.store import accounts, open_store
with open_store(sys.argv[1]) as store:
    first = counted(lambda: accounts.check_password(store, "nobody", "any-password-at-all"))
    second = counted(lambda: accounts.check_password(store, "nobody", "any-password-at-all"))
print(json.dumps({"import": imported, "first": first, "second": second}))
"""


def test_no_password_is_hashed_until_the_first_sign_in_which_still_verifies_unknown_names(
    tmp_path: Path,
) -> None:
    run = subprocess.run(
        [sys.executable, "-c", _HASH_COUNTS, str(tmp_path / "listener.db")],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert run.returncode == 0, run.stderr
    counts = json.loads(run.stdout.splitlines()[-1])
    # Every command imports the accounts; none of them pays for a memory-hard hash there.
    assert counts["import"] == {"hash": 0, "verify": 0}
    # The first sign-in makes the dummy hash; an unknown name is verified against it, once
    # per sign-in, as a wrong password would be.
    assert counts["first"] == {"hash": 1, "verify": 1}
    assert counts["second"] == {"hash": 0, "verify": 1}


def test_disable_stops_sign_in_sessions_and_tokens_and_enable_lets_them_back(
    settings: Settings,
) -> None:
    for name, role in (("ops", "admin"), ("dana", "agent")):
        assert cli(settings, "users", "add", name, "--role", role, "--password-stdin",
                   input=f"{PASSWORD}\n").exit_code == 0
    with open_store(settings.storage.sqlite) as store:
        dana = accounts.get_user(store, "dana")
        assert dana is not None
        session = accounts.start_session(store, dana, "test", NOW, POLICY)
        _token, secret = accounts.create_token(store, "dana-script", "viewer", "dana", NOW)
        _token, other = accounts.create_token(store, "ops-script", "viewer", "ops", NOW)

    disabled = cli(settings, "users", "disable", "dana")
    assert disabled.exit_code == 0, disabled.output
    assert "disabled dana; 1 session(s) ended" in disabled.output
    listed = cli(settings, "users", "list").output.splitlines()
    assert [line for line in listed if "(disabled)" in line] == [
        line for line in listed if line.startswith("dana")
    ]
    with open_store(settings.storage.sqlite) as store:
        assert accounts.check_password(store, "dana", PASSWORD) is None
        assert accounts.session_user(store, session, NOW, POLICY) is None
        assert accounts.token_bearer(store, secret, NOW) is None
        assert accounts.token_bearer(store, other, NOW) is not None  # ops's token works

    # The only enabled admin stays enabled while someone else may sign in.
    assert cli(settings, "users", "enable", "dana").exit_code == 0
    last = cli(settings, "users", "disable", "ops")
    assert last.exit_code == 1 and "last enabled admin" in last.output
    assert cli(settings, "users", "disable", "nobody").exit_code == 1
    assert "(disabled)" not in cli(settings, "users", "list").output
    with open_store(settings.storage.sqlite) as store:
        assert accounts.check_password(store, "dana", PASSWORD) is not None
        assert accounts.token_bearer(store, secret, NOW) is not None
        assert accounts.session_user(store, session, NOW, POLICY) is None  # signs in afresh
