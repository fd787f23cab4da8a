"""Search, the one implementation the search page and ``GET /api/v1/search`` share.

A search is a ``SearchForm`` (the query in the brand query language and its filters, all of
them in the URL so a search is a link), run against the store: one page of hits, the facet
counts and the cursor of the next page.

Two orders, as the store offers them:
- ``relevance``: the store's ranked pages (best matches first for a text query, newest
  published first without one); the cursor carries the store's offset, and the store cuts
  every page from one list, so paging shows each hit once;
- ``newest``: newest stored first, a keyset walk (``listener.store.search_walk``); the
  cursor is the last mention's position.

Highlights are applied after escaping: the store marks matched words in raw text with
markers made fresh for each search (so a post cannot forge one); ``marked_parts`` splits on
them, and only then does anything become HTML (the template escapes each part;
``snippet_html`` is escaped, then marked).
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from urllib.parse import quote, urlencode

from pydantic import BaseModel

from listener.models import Mention
from listener.query import QueryError
from listener.store import SearchHit, SQLiteStore
from listener.store.search import SearchWhere, search_where
from listener.store.search_facets import FACET_SAMPLE, facet_counts
from listener.store.search_walk import FIRST_PAGE, walk_page
from listener.store.stats import exact_count
from listener.web.display import link_or_none

SortOrder = Literal["relevance", "newest"]
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
# Relevance pages are cut by offset; a million hits deep is past anyone paging by hand (the
# export is the way to read them all), and keeps the store's LIMIT arithmetic in range.
MAX_OFFSET = 1_000_000
# Filter values are short names; anything longer is refused before it reaches SQL.
MAX_FILTER_CHARS = 200
FILTER_FIELDS = ("brand", "source", "sentiment", "complaint", "feeling", "topic", "language")
FACET_LABELS = {
    "brand": "Brand",
    "source": "Source",
    "sentiment": "Sentiment",
    "complaint": "Complaint",
    "language": "Language",
    "feeling": "Feeling",
    "topic": "Topic",
}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
        params = self.params()
        for name, value in changes.items():
            if value is None:
                params.pop(name, None)
            else:
                params[name] = value
        return "/search" + ("?" + urlencode(params) if params else "")

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


def hour_param(moment: datetime) -> str:
    """A whole UTC hour as ``since``/``until`` carry it: ``2026-11-01T13:00Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def _hour_value(value: str, name: str) -> datetime:
    """``since``/``until``: a date (its midnight UTC) or an ISO datetime with a zone, on a
    whole hour (the dashboard's buckets are whole hours; a minute would be a range the
    dashboard never counted, so it is refused rather than rounded)."""
    example = "2026-11-01T13:00Z"
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(0), tzinfo=UTC)
        moment = datetime.fromisoformat(value)
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


class MarkedPart(BaseModel):
    text: str
    marked: bool


class SearchHitOut(BaseModel):
    """One hit, ready to show: raw text (the page escapes it) plus escaped-then-marked HTML."""

    id: str
    link: str  # this app's mention page
    url: str | None  # the post at its source, only when it is an http(s) URL
    source: str
    source_type: str
    author_handle: str | None
    author_name: str | None
    published_at: datetime
    title: str
    title_parts: list[MarkedPart]
    snippet: str  # plain text, the highlight markers removed
    snippet_parts: list[MarkedPart]
    snippet_html: str  # escaped first, then matched words wrapped in <mark>
    language: str | None
    sentiment: float | None
    sentiment_label: str
    complaint: bool
    brands: list[str]
    score: float | None


class FacetValue(BaseModel):
    value: str
    count: int
    url: str | None  # this search narrowed to the value (None for "unknown")


class Facet(BaseModel):
    name: str
    values: list[FacetValue]


class Facets(BaseModel):
    counted: int  # how many matches the counts cover
    capped: bool  # True: the search has more matches than were counted (shown as "1,000+")
    sample: int  # the most matches counted
    groups: list[Facet]


class SearchPage(BaseModel):
    items: list[SearchHitOut]
    next_cursor: str | None
    order: SortOrder
    facets: Facets
    # Every match counted, when the rollups can say (no text query, filters they hold):
    # then the page shows it rather than "1,000+". None: only the facets' count is known.
    exact_count: int | None = None


def highlight_marks() -> tuple[str, str]:
    """Markers for one search's highlights that no stored text can hold: a fresh random
    word between control characters (a post may carry the store's default markers)."""
    nonce = secrets.token_hex(8)
    return f"\x02{nonce}\x02", f"\x03{nonce}\x03"


def _displayable(text: str) -> str:
    # C0 control characters (other than tab and newline) have no business on a page.
    return _CONTROL.sub("", text)


def marked_parts(text: str, marks: tuple[str, str]) -> list[MarkedPart]:
    """``text`` cut at this search's highlight ``marks``, as plain and marked parts."""
    open_mark, close_mark = marks
    parts: list[MarkedPart] = []
    for n, piece in enumerate(text.split(open_mark)):
        inside, _, after = piece.partition(close_mark) if n else ("", "", piece)
        for chunk, marked in ((inside, True), (after, False)):
            chunk = _displayable(chunk)
            if chunk:
                parts.append(MarkedPart(text=chunk, marked=marked))
    return parts


def parts_html(parts: list[MarkedPart]) -> str:
    return "".join(
        f"<mark>{html.escape(p.text)}</mark>" if p.marked else html.escape(p.text) for p in parts
    )


def mention_link(mention_id: str) -> str:
    return "/mentions/" + quote(mention_id, safe="")


def hit_out(hit: SearchHit, marks: tuple[str, str]) -> SearchHitOut:
    m: Mention = hit.mention
    snippet = marked_parts(hit.snippet, marks)
    title = marked_parts(hit.title_highlighted or m.title, marks)
    return SearchHitOut(
        id=m.id,
        link=mention_link(m.id),
        url=link_or_none(m.url),
        source=m.source,
        source_type=m.source_type,
        author_handle=m.author.handle,
        author_name=m.author.name,
        published_at=m.published_at,
        title="".join(p.text for p in title),
        title_parts=title,
        snippet="".join(p.text for p in snippet),
        snippet_parts=snippet,
        snippet_html=parts_html(snippet),
        language=m.language,
        sentiment=m.judgments.sentiment,
        sentiment_label=m.judgments.sentiment_label.value,
        complaint=m.judgments.complaint,
        brands=list(m.brands),
        score=hit.score,
    )


def _cursor_position(cursor: str | None, order: SortOrder) -> int:
    if not cursor:
        return 0 if order == "relevance" else FIRST_PAGE
    kind, digits = cursor[:1], cursor[1:]
    if kind != ("o" if order == "relevance" else "k") or not digits.isdigit() or len(digits) > 19:
        raise SearchProblem("this cursor belongs to another search order or is not a cursor")
    position = int(digits)
    if position > (MAX_OFFSET if order == "relevance" else FIRST_PAGE):
        raise SearchProblem("this cursor points past any page a search can have")
    return position


def _facets(store: SQLiteStore, form: SearchForm, where: SearchWhere) -> Facets:
    counts = facet_counts(store, where)
    groups = [
        Facet(
            name=name,
            values=[
                FacetValue(
                    value=value, count=count, url=form.url(**{name: value}) if value else None
                )
                for value, count in values[:20]
            ],
        )
        for name, values in counts.values.items()
        if values
    ]
    return Facets(counted=counts.counted, capped=counts.capped, sample=FACET_SAMPLE, groups=groups)


def run_search(
    store: SQLiteStore, form: SearchForm, *, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> SearchPage:
    """One page of ``form``'s hits, its facets and the next page's cursor."""
    if not 1 <= limit <= MAX_LIMIT:
        raise SearchProblem(f"limit must be between 1 and {MAX_LIMIT}")
    where = form.where()
    position = _cursor_position(cursor, form.sort)
    marks = highlight_marks()
    if form.sort == "relevance":
        filters = form.where_kwargs()
        try:
            found = store.search(
                form.q or None, **filters, limit=limit + 1, offset=position, highlight=marks
            )
        except QueryError as error:
            raise SearchProblem(error.message, column=error.column, query=error.query) from None
        more = len(found) > limit
        hits = found[:limit]
        next_cursor = f"o{position + limit}" if more else None
    else:
        page = walk_page(store, where, after=position, limit=limit, highlight=marks)
        hits = page.hits
        next_cursor = None if page.next_after is None else f"k{page.next_after}"
    facets = _facets(store, form, where)
    return SearchPage(
        items=[hit_out(h, marks) for h in hits],
        next_cursor=next_cursor,
        order=form.sort,
        facets=facets,
        exact_count=_exact_count(store, form) if facets.capped else None,
    )


def _exact_count(store: SQLiteStore, form: SearchForm) -> int | None:
    """Every match counted from the rollups, when they can tell it (no text query, and
    filters they hold): what a dashboard number links to shows that number, not "1,000+"."""
    if form.q.strip():
        return None
    try:
        return exact_count(store, **form.where_kwargs())
    except ValueError:
        return None
