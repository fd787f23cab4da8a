"""The search form: a search's query and filters as its URL carries them (so a search is a
link), read and checked from the URL's parameters (``form_from_params``) or a saved search.
Split from ``listener.web.search_views``, which runs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from urllib.parse import urlencode

from pydantic import BaseModel

from listener.models import Flag, Urgency
from listener.query import QueryError
from listener.store.search import SearchWhere, search_where

SortOrder = Literal["relevance", "newest"]
# Filter values are short names; anything longer is refused before it reaches SQL.
MAX_FILTER_CHARS = 200
FILTER_FIELDS = (
    "brand", "source", "sentiment", "complaint", "feeling", "topic", "language", "urgency", "flag",
)  # fmt: skip
# The closed choices, as the CLI's --urgency and --flag offer them: a value outside them is
# refused with the list, never ignored.
URGENCY_CHOICES = tuple(u.value for u in Urgency)
FLAG_CHOICES = tuple(f.value for f in Flag)


class SearchProblem(ValueError):
    """A search the store cannot run: a bad filter value, or a query that does not parse
    (``column`` is then where, 1-based; None for a filter)."""

    def __init__(self, message: str, *, column: int | None = None, query: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.query = query


class SearchForm(BaseModel):
    """What is searched: the query box, the filters and the order (all optional)."""

    q: str = ""
    brand: str | None = None
    source: str | None = None
    sentiment: str | None = None
    complaint: Literal["yes", "no"] | None = None
    feeling: str | None = None
    topic: str | None = None
    language: str | None = None
    urgency: str | None = None  # one of URGENCY_CHOICES
    flag: str | None = None  # one of FLAG_CHOICES: mentions flagged so
    date_from: date | None = None  # "from" in the URL; inclusive, UTC
    date_to: date | None = None  # "to" in the URL; inclusive (the whole day), UTC
    # A time range in whole UTC hours, ``until`` exclusive: what a dashboard bucket links to
    # (the day fields cannot say "13:00 to 14:00"). Both ranges apply when both are set.
    since: datetime | None = None
    until: datetime | None = None
    sort: SortOrder = "relevance"

    def params(self) -> dict[str, str]:
        """The search as URL parameters (only what is set), for links and saving."""
        found: dict[str, str] = {}
        if self.q.strip():
            found["q"] = self.q
        for name in FILTER_FIELDS:
            value = getattr(self, name)
            if value is not None:
                found[name] = str(value)
        if self.date_from is not None:
            found["from"] = self.date_from.isoformat()
        if self.date_to is not None:
            found["to"] = self.date_to.isoformat()
        if self.since is not None:
            found["since"] = hour_param(self.since)
        if self.until is not None:
            found["until"] = hour_param(self.until)
        if self.sort != "relevance":
            found["sort"] = self.sort
        return found

    def url(self, **changes: str | None) -> str:
        """``/search?…`` for this search, with ``changes`` applied (None removes one)."""
        return "/search" + query_with(self.params(), changes)

    def where_kwargs(self) -> dict[str, Any]:
        """The filters as ``store.search`` and ``search_where`` take them."""
        return {
            "brand": self.brand,
            "source": self.source,
            "sentiment": self.sentiment,
            "complaint": None if self.complaint is None else self.complaint == "yes",
            "feeling": self.feeling,
            "topic": self.topic,
            "language": self.language,
            "urgency": self.urgency,
            "flag": self.flag,
            "since": _later(_midnight(self.date_from), self.since),
            # "to" names a day and includes it: the search ends at the next midnight (and
            # the last day of the calendar has no next midnight: no end).
            "until": _earlier(
                (
                    _midnight(self.date_to + timedelta(days=1))
                    if self.date_to and self.date_to < date.max
                    else None
                ),
                self.until,
            ),
        }

    def where(self) -> SearchWhere:
        """The store's WHERE clause for this search; ``SearchProblem`` when it cannot run."""
        try:
            return search_where(self.q or None, **self.where_kwargs(), on_filters=True)
        except QueryError as error:
            raise SearchProblem(error.message, column=error.column, query=error.query) from None
        except ValueError as error:
            raise SearchProblem(str(error)) from None


def _midnight(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(0), tzinfo=UTC)


def _later(first: datetime | None, second: datetime | None) -> datetime | None:
    return second if first is None else first if second is None else max(first, second)


def _earlier(first: datetime | None, second: datetime | None) -> datetime | None:
    return second if first is None else first if second is None else min(first, second)


def query_with(params: dict[str, str], changes: Mapping[str, str | None]) -> str:
    """``?…`` of ``params`` with ``changes`` applied (None removes one), or '' when none
    are left: the search's and the dashboard's links keep their state the same way."""
    changed = dict(params)
    for name, value in changes.items():
        if value is None:
            changed.pop(name, None)
        else:
            changed[name] = value
    return "?" + urlencode(changed) if changed else ""


def hour_param(moment: datetime) -> str:
    """A whole UTC hour as ``since``/``until`` carry it: ``2026-11-01T13:00Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def read_moment(value: str) -> datetime:
    """A date (its midnight UTC) or an ISO datetime as written, zone or none (the caller
    says what a missing zone means to it); ValueError when it is neither."""
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), time(0), tzinfo=UTC)
    return datetime.fromisoformat(value)


def _hour_value(value: str, name: str) -> datetime:
    """``since``/``until``: a date (its midnight UTC) or an ISO datetime with a zone, on a
    whole hour (the dashboard's buckets are whole hours; a minute would be a range the
    dashboard never counted, so it is refused rather than rounded)."""
    example = "2026-11-01T13:00Z"
    try:
        moment = read_moment(value)
    except ValueError:
        raise SearchProblem(
            f"{name} must be a date or an ISO time such as {example}, not {value!r}"
        ) from None
    if moment.tzinfo is None:
        raise SearchProblem(f"{name} needs a time zone, such as {example} (Z for UTC)")
    moment = moment.astimezone(UTC)
    if moment.minute or moment.second or moment.microsecond:
        raise SearchProblem(f"{name} must be a whole hour, such as {example}, not {value!r}")
    return moment


def _date_param(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value[:10]) if len(value) >= 10 else date.fromisoformat(value)
    except ValueError:
        raise SearchProblem(f"{name} must be a date such as 2026-11-01, not {value!r}") from None


def form_from_params(params: Mapping[str, str]) -> SearchForm:
    """The search a URL asks for; empty fields are unset (a plain GET form sends them all)."""
    values: dict[str, object] = {}
    q = params.get("q", "")
    values["q"] = q
    for name in FILTER_FIELDS:
        value = params.get(name, "").strip()
        if len(value) > MAX_FILTER_CHARS:
            raise SearchProblem(f"{name} is longer than {MAX_FILTER_CHARS} characters")
        if value:
            values[name] = value
    complaint = values.get("complaint")
    if complaint is not None and complaint not in ("yes", "no"):
        raise SearchProblem(f"complaint must be yes or no, not {complaint!r}")
    for name, choices in (("urgency", URGENCY_CHOICES), ("flag", FLAG_CHOICES)):
        chosen = values.get(name)
        if chosen is not None and chosen not in choices:
            raise SearchProblem(f"{name} must be one of {', '.join(choices)}, not {chosen!r}")
    for name, field in (("from", "date_from"), ("to", "date_to")):
        value = params.get(name, "").strip()
        if value:
            values[field] = _date_param(value, name)
    start, end = values.get("date_from"), values.get("date_to")
    if isinstance(start, date) and isinstance(end, date) and start > end:
        raise SearchProblem(f"from ({start}) is after to ({end})")
    for name in ("since", "until"):
        value = params.get(name, "").strip()
        if len(value) > MAX_FILTER_CHARS:
            raise SearchProblem(f"{name} is longer than {MAX_FILTER_CHARS} characters")
        if value:
            values[name] = _hour_value(value, name)
    since, until = values.get("since"), values.get("until")
    if isinstance(since, datetime) and isinstance(until, datetime) and since >= until:
        raise SearchProblem(
            f"since ({hour_param(since)}) must be before until ({hour_param(until)})"
        )
    sort = params.get("sort", "").strip() or "relevance"
    if sort not in ("relevance", "newest"):
        raise SearchProblem(f"sort must be relevance or newest, not {sort!r}")
    values["sort"] = sort
    return SearchForm.model_validate(values)


def form_from_saved(query: str, filters: Mapping[str, str]) -> SearchForm:
    """A saved search's form (its filters are the URL parameters it was saved with)."""
    return form_from_params({**filters, "q": query})
