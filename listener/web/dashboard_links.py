"""Where a dashboard number leads: the search that finds exactly the mentions it counts, the
inbox filtered to the alerts it counts, an alert, a mention, an author.

A count is over live mentions published in ``[since, until)`` (whole UTC hours) for a brand
(or all); search's ``since``/``until`` take the same hours, so the search's count is the
number clicked. Filter names are search's own (``listener.web.search_views.FILTER_FIELDS``).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlencode

from listener.store.stats.scope import StatsScope
from listener.web.search_views import hour_param


def search_url(
    scope: StatsScope,
    since: datetime | None = None,
    until: datetime | None = None,
    /,
    **filters: str | None,
) -> str:
    """``/search?…`` for the scope's brand over ``[since, until)`` (the scope's range when
    not given) narrowed by ``filters`` (None: not narrowed)."""
    params: dict[str, str] = {}
    if scope.brand:
        params["brand"] = scope.brand
    params["since"] = hour_param(since or scope.since)
    params["until"] = hour_param(until or scope.until)
    params.update({name: value for name, value in filters.items() if value is not None})
    return "/search?" + urlencode(params)


def term_query(term: str) -> str:
    """A word as a search query of that word alone: quoted, so "or" or "-x" stay words."""
    return '"' + term.replace('"', " ").strip() + '"'


def inbox_url(brand: str | None = None, **filters: str) -> str:
    params = {"brand": brand} if brand else {}
    params.update(filters)
    return "/inbox" + ("?" + urlencode(params) if params else "")


def alert_url(alert_id: int) -> str:
    return f"/alerts/{alert_id}"


def mention_url(mention_id: str) -> str:
    return "/mentions/" + quote(mention_id, safe="")
