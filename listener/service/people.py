"""Keeping the store's people in step with settings' ``people:`` list (issue 18).

Called when the daemon starts and after every reload that took effect. A hand link wins over
the list: an account the list gives one person but someone linked by hand to another stays
where it is, and each such account is logged as a warning at every sync until one side
changes (``docs/people.md``).
"""

from __future__ import annotations

import logging

from listener.config.settings import Settings
from listener.logs import fields
from listener.store import SQLiteStore
from listener.store.people import Account, PersonEntry, SyncReport

__all__ = ["settings_people", "sync_settings_people"]

log = logging.getLogger("listener.service.people")


def settings_people(settings: Settings) -> list[PersonEntry]:
    """The settings' people as the store takes them."""
    return [
        PersonEntry(
            name=person.name,
            accounts=tuple(Account(t, h) for t, h in person.account_pairs),
            tags=tuple(person.tags),
            note=person.note,
        )
        for person in settings.people
    ]


def sync_settings_people(store: SQLiteStore, settings: Settings) -> SyncReport:
    report = store.sync_people(settings_people(settings))
    for conflict in report.conflicts:
        log.warning("settings person not linked: %s", conflict, extra=fields(reason="hand link"))
    if report.added or report.removed:
        log.info(
            "people from settings synced",
            extra=fields(added=report.added, removed=report.removed, listed=len(settings.people)),
        )
    return report
