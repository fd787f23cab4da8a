"""How ``listener people`` shows people and suggestions: terminal-safe text and JSON.

Handles, names, notes and evidence come from profiles on the internet (or were typed by a
colleague from one): control and bidi characters are taken out before the terminal sees
them, and a command offered for copying is shell-quoted.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from listener.cli.render import terminal_safe
from listener.sources.registry import network_of
from listener.store.people import Account, Person, Suggestion

__all__ = [
    "person_as_json",
    "render_person",
    "render_person_line",
    "render_suggestion",
    "suggestion_as_json",
]

Counts = Mapping[Account, int]  # stored mentions per account, where known


def _account(account: Account) -> str:
    return terminal_safe(str(account))


def _shell(account: Account) -> str:
    return shlex.quote(terminal_safe(str(account)))


def render_person_line(person: Person) -> str:
    """One line of ``people list``: id, name, tags and accounts."""
    name = terminal_safe(person.name) or "(no name)"
    tags = f" [{', '.join(person.tags)}]" if person.tags else ""
    accounts = ", ".join(_account(a) for a in person.accounts)
    return f"#{person.id}  {name}{tags}  {accounts}"


def render_person(person: Person, counts: Counts) -> str:
    """``people show``: the person, their note, and each account with its mentions."""
    lines = [render_person_line(person)]
    lines.append(f"  from {person.origin}, since {person.created_at:%Y-%m-%d}")
    if person.note:
        lines.append(f"  note: {terminal_safe(person.note)}")
    for account in person.accounts:
        count = counts.get(account)
        seen = f"{count} mention{'s' if count != 1 else ''}" if count is not None else "not seen"
        lines.append(f"  {_account(account)}  ({network_of(account.source_type)}, {seen})")
    return "\n".join(lines)


def person_as_json(person: Person, counts: Counts | None = None) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "tags": list(person.tags),
        "note": person.note,
        "origin": person.origin,
        "created_at": person.created_at.isoformat(),
        "accounts": [
            {
                "source_type": a.source_type,
                "handle": a.handle,
                "network": network_of(a.source_type),
                **({"mentions": counts.get(a, 0)} if counts is not None else {}),
            }
            for a in person.accounts
        ],
    }


def render_suggestion(number: int, suggestion: Suggestion) -> str:
    """A numbered suggestion with its evidence and the two commands that settle it."""
    a, b = suggestion.accounts
    lines = [f"{number}. {_account(a)}  and  {_account(b)}"]
    lines += [f"   - {terminal_safe(words)}" for words in suggestion.evidence]
    lines.append(f"   same person:  listener people link {_shell(a)} {_shell(b)}")
    lines.append(f"   not the same: listener people dismiss {_shell(a)} {_shell(b)}")
    return "\n".join(lines)


def suggestion_as_json(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "accounts": [
            {"source_type": a.source_type, "handle": a.handle, "network": network_of(a.source_type)}
            for a in suggestion.accounts
        ],
        "evidence": list(suggestion.evidence),
    }
