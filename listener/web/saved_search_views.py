"""Saved searches, the one implementation the pages and ``/api/v1/saved-searches`` share.

A saved search is a name, a query and its filters; its URL (``/search?saved=NAME``) opens it,
and a ``saved_search`` alert rule can name it (``saved: NAME``). A saved search that a rule
names cannot be renamed or deleted from here: the rule would stop matching without a word
(``listener check`` refuses a rule whose saved search is gone); change the settings first.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from urllib.parse import quote

from pydantic import BaseModel

from listener.config.alerts import SavedSearchRule
from listener.config.settings import Settings
from listener.store import SQLiteStore
from listener.store.saved_searches import (
    SavedSearches,
    SavedSearchExists,
    SavedSearchRecord,
    UnknownSavedSearch,
)
from listener.web.search_views import SearchForm, SearchProblem, form_from_saved

MAX_NAME_CHARS = 80
MAX_LIST = 100


class SavedSearchConflict(ValueError):
    """The name is taken, or a rule uses the saved search (HTTP 409)."""


class SavedSearchMissing(KeyError):
    """No saved search has this name (HTTP 404)."""

    def __str__(self) -> str:
        return str(self.args[0])


class SavedSearchOut(BaseModel):
    name: str
    query: str
    filters: dict[str, str]
    url: str  # opens it: /search?saved=NAME
    search_url: str  # the same search spelled out in the URL
    used_by_rules: list[str]
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


class SavedSearchList(BaseModel):
    items: list[SavedSearchOut]
    next_cursor: str | None


def saved_url(name: str) -> str:
    return "/search?saved=" + quote(name, safe="")


def clean_name(name: str) -> str:
    """A saved search's name: trimmed, 1-80 characters, no control characters."""
    cleaned = name.strip()
    if not cleaned:
        raise SearchProblem("a saved search needs a name")
    if len(cleaned) > MAX_NAME_CHARS:
        raise SearchProblem(f"a saved search's name is at most {MAX_NAME_CHARS} characters")
    if any(unicodedata.category(c).startswith("C") for c in cleaned):
        raise SearchProblem("a saved search's name cannot hold control characters")
    return cleaned


def rules_using(settings: Settings, name: str) -> list[str]:
    """The saved_search rules that name this saved search (names compare without case)."""
    return [
        r.rule_name
        for r in settings.alerts.rules
        if isinstance(r, SavedSearchRule)
        and r.saved is not None
        and r.saved.lower() == name.lower()
    ]


def saved_out(record: SavedSearchRecord, settings: Settings) -> SavedSearchOut:
    form = form_of(record)
    return SavedSearchOut(
        name=record.name,
        query=record.query,
        filters=record.filters,
        url=saved_url(record.name),
        search_url=form.url(),
        used_by_rules=rules_using(settings, record.name),
        created_by=record.created_by,
        created_at=record.created_at,
        updated_by=record.updated_by,
        updated_at=record.updated_at,
    )


def form_of(record: SavedSearchRecord) -> SearchForm:
    return form_from_saved(record.query, record.filters)


def _filters(form: SearchForm) -> dict[str, str]:
    params = form.params()
    params.pop("q", None)
    return params


def get_saved(store: SQLiteStore, settings: Settings, name: str) -> SavedSearchOut:
    record = SavedSearches(store).get(name)
    if record is None:
        raise SavedSearchMissing(f"no saved search is named {name!r}")
    return saved_out(record, settings)


def list_saved(
    store: SQLiteStore, settings: Settings, *, cursor: str | None = None, limit: int = 50
) -> SavedSearchList:
    if not 1 <= limit <= MAX_LIST:
        raise SearchProblem(f"limit must be between 1 and {MAX_LIST}")
    found = SavedSearches(store).page(after=cursor or "", limit=limit + 1)
    more = len(found) > limit
    found = found[:limit]
    return SavedSearchList(
        items=[saved_out(r, settings) for r in found],
        next_cursor=found[-1].name if more else None,
    )


def save_search(
    store: SQLiteStore,
    settings: Settings,
    name: str,
    form: SearchForm,
    *,
    by: str,
    at: datetime,
    replace: bool = False,
) -> SavedSearchOut:
    """Save ``form`` as ``name`` (``replace`` overwrites one of that name)."""
    name = clean_name(name)
    # Refuse what cannot run (a query that does not parse, a bad sentiment…) now, with the
    # query's column, not when someone opens it or a rule reads it.
    form.where()
    try:
        record = SavedSearches(store).save(
            name, form.q, _filters(form), by=by, at=at, replace=replace
        )
    except SavedSearchExists as error:
        raise SavedSearchConflict(str(error)) from None
    return saved_out(record, settings)


def _refuse_if_used(settings: Settings, name: str, doing: str) -> None:
    rules = rules_using(settings, name)
    if rules:
        raise SavedSearchConflict(
            f"the alert rule {', '.join(rules)} uses the saved search {name!r}: change the "
            f"rule in the settings before you {doing} it"
        )


def rename_saved(
    store: SQLiteStore, settings: Settings, name: str, new_name: str, *, by: str, at: datetime
) -> SavedSearchOut:
    new_name = clean_name(new_name)
    if new_name.lower() != name.lower():
        _refuse_if_used(settings, name, "rename")
    try:
        record = SavedSearches(store).rename(name, new_name, by=by, at=at)
    except UnknownSavedSearch as error:
        raise SavedSearchMissing(str(error)) from None
    except SavedSearchExists as error:
        raise SavedSearchConflict(str(error)) from None
    return saved_out(record, settings)


def delete_saved(store: SQLiteStore, settings: Settings, name: str) -> None:
    _refuse_if_used(settings, name, "delete")
    if not SavedSearches(store).delete(name):
        raise SavedSearchMissing(f"no saved search is named {name!r}")
