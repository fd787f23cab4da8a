"""Where settings.yaml names accounts about to be erased (review of issue 18, finding 7).

An account in ``people:`` is synced into the store at every start, so erasing it brings
the person back (name, note, accounts) at the next one; an ``alerts.authors`` entry keeps
their handle and note in the settings and on their future alerts. ``listener erase`` and
the web's confirm page ask for the settings entry to be removed first, naming its line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from listener.config.people import parse_account
from listener.config.settings import Settings
from listener.sources.registry import network_of


@dataclass(frozen=True, slots=True)
class Listing:
    """One settings entry naming an erased account: its section, who, and its line."""

    section: str  # "people" or "alerts.authors"
    who: str  # the person's name, or "@handle"
    line: int | None  # 1-based line in the settings file, when found

    def describe(self) -> str:
        at = f" (line {self.line})" if self.line else ""
        return f"{self.section}: {self.who}{at}"


def _key(handle: str) -> str:
    return handle.strip().removeprefix("@").lower()


def listed_in_settings(settings: Settings, accounts: Sequence[tuple[str, str]]) -> list[Listing]:
    """The ``people:`` entries holding any of ``accounts`` ((source_type, handle), on any type
    of their network) and the ``alerts.authors`` entries tagging their handle."""
    wanted = {(network_of(t), _key(h)) for t, h in accounts}
    handles = {k for _, k in wanted}
    text = _lines(settings.config_path)
    found: list[Listing] = []
    for person in settings.people:
        mine = [a for a in person.accounts if _network_key(a) in wanted]
        if mine:
            handle = mine[0].split(":", 1)[1]
            found.append(Listing("people", person.name, _line_of(text, handle, "people")))
    for author in settings.alerts.authors:
        network = None if author.source_type is None else network_of(author.source_type)
        if author.handle in handles and any(
            network is None or network == n for n, k in wanted if k == author.handle
        ):
            found.append(
                Listing(
                    "alerts.authors", f"@{author.handle}", _line_of(text, author.handle, "authors")
                )
            )
    return found


def _network_key(account: str) -> tuple[str, str]:
    source_type, handle = parse_account(account)
    return network_of(source_type), _key(handle)


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def _line_of(lines: list[str], handle: str, section: str) -> int | None:
    # The handle's first line after its section's key ("people:", "authors:").
    key = re.compile(rf"^\s*{section}:")
    start = next((n for n, line in enumerate(lines) if key.match(line)), 0)
    pattern = re.compile(rf"(?<![\w.\-]){re.escape(handle)}(?![\w]|[.\-]\w)", re.IGNORECASE)
    return next(
        (n for n, line in enumerate(lines[start:], start + 1) if pattern.search(line)), None
    )
