"""Schema 11: what the web app keeps — accounts and their sessions and API tokens, saved
searches, and the alert workflow's snoozes and sent replies.

One migration, built from one tuple per concern so each stays readable on its own.
Part of ``listener.store.schema``'s ordered migrations (shipped: never edit, append).
"""

from __future__ import annotations

# Users, browser sessions, API tokens and login throttling (passwords and tokens stored hashed).
_ACCOUNTS: tuple[str, ...] = ()

# Named searches: a query and its filters, shareable as a URL and usable by a saved_search rule.
_SAVED_SEARCHES: tuple[str, ...] = ()

# The inbox's workflow on top of the alert lifecycle: snoozes and the replies people sent.
_ALERT_WORKFLOW: tuple[str, ...] = ()

WEB_SCHEMA = 11
WEB_MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (WEB_SCHEMA, _ACCOUNTS + _SAVED_SEARCHES + _ALERT_WORKFLOW),
)
