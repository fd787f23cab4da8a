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
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import quote

from pydantic import BaseModel

from listener.models import Mention
from listener.query import QueryError
from listener.store import SearchHit, SQLiteStore
from listener.store.near_prints import CopyRef, other_sources
from listener.store.search import SearchWhere
from listener.store.search_facets import FACET_SAMPLE, facet_counts
from listener.store.search_walk import FIRST_PAGE, walk_page
from listener.store.stats import exact_count
from listener.web.display import link_or_none

# The form moved to search_form; these names stay importable from here, where the search
# page, the API, the export and saved searches have always found them.
from listener.web.search_form import FILTER_FIELDS as FILTER_FIELDS
from listener.web.search_form import MAX_FILTER_CHARS as MAX_FILTER_CHARS
from listener.web.search_form import SearchForm as SearchForm
from listener.web.search_form import SearchProblem as SearchProblem
from listener.web.search_form import SortOrder as SortOrder
from listener.web.search_form import form_from_params as form_from_params
from listener.web.search_form import form_from_saved as form_from_saved
from listener.web.search_form import hour_param as hour_param

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
# Relevance pages are cut by offset; a million hits deep is past anyone paging by hand (the
# export is the way to read them all), and keeps the store's LIMIT arithmetic in range.
MAX_OFFSET = 1_000_000
FACET_LABELS = {
    "brand": "Brand",
    "source": "Source",
    "sentiment": "Sentiment",
    "complaint": "Complaint",
    "language": "Language",
    "feeling": "Feeling",
    "topic": "Topic",
    "urgency": "Urgency",
    "flag": "Flag",
}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
    urgency: str  # low | normal | high
    flags: list[str]  # threat, press, abuse, spam, bot: what the urgency/flag filters read
    # Why each flag: its evidence lines (by flag name), as the judge wrote them; the page
    # shows them on the badge and under the hit. Author names and handles are in them:
    # escaped by the template like every other text.
    flag_evidence: dict[str, list[str]] = {}
    brands: list[str]
    score: float | None
    copy_of: str | None = None  # the story's head when this hit is a near-copy of it
    copy_of_link: str | None = None  # the head's mention page
    copies: int = 0  # near-copies of this hit's story stored from other posts
    copy_sources: int = 0  # ... on this many sources ("also on N sources")


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


def hit_out(hit: SearchHit, marks: tuple[str, str], copies: Sequence[CopyRef] = ()) -> SearchHitOut:
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
        urgency=m.judgments.urgency.value,
        flags=[f.name for f in m.judgments.flags],
        flag_evidence={f.name: list(f.evidence) for f in m.judgments.flags if f.evidence},
        brands=list(m.brands),
        score=hit.score,
        copy_of=m.copy_of,
        copy_of_link=mention_link(m.copy_of) if m.copy_of else None,
        copies=len(copies),
        copy_sources=other_sources(copies),
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
    copies = store.copies_of(h.mention.id for h in hits)
    return SearchPage(
        items=[hit_out(h, marks, copies[h.mention.id]) for h in hits],
        next_cursor=next_cursor,
        order=form.sort,
        facets=facets,
        exact_count=_exact_count(store, form) if facets.capped else None,
    )


def _exact_count(store: SQLiteStore, form: SearchForm) -> int | None:
    """Every match counted from the rollups, when they can tell it (no text query, and
    filters they hold): what a dashboard number links to shows that number, not "1,000+"."""
    filters = form.where_kwargs()
    # The rollups keep no urgency or flag: a search narrowed by one is counted by the facets.
    narrowed_by_judgment = (filters.pop("urgency"), filters.pop("flag")) != (None, None)
    if form.q.strip() or narrowed_by_judgment:
        return None
    try:
        return exact_count(store, **filters)
    except ValueError:
        return None
