"""How many mentions a filter-only search finds, counted from the rollups.

The search page shows "N mentions" without walking them when its filters are ones the
rollups are keyed by: a brand, whole UTC hours, and either the main keys (source,
language, sentiment, complaint) or one topic or one feeling. Each filter is written as
search writes it (``listener.store.search``), over the rollup row instead of the mention:

- brand: the rollup's brand, compared without case as ``mention_brands`` compares it;
- source: the source's name or its type (``source = ? OR source_type = ?``, NOCASE);
- language: the tag or any of its subtags ("hi" finds hi and hi-Latn); "unknown" finds
  the mentions whose language was not recognised ('' in the rollups, NULL in mentions);
- topic and feeling: lowercased and stripped, as search stores and reads tags.

Anything else (a time inside an hour, a topic with a sentiment…) is not expressible:
``None``, and the caller counts another way.
"""

from __future__ import annotations

from datetime import datetime

from listener.models import SentimentLabel
from listener.store.search import UNKNOWN_LANGUAGE, filter_name, like_prefix, search_where
from listener.store.search_walk import asked
from listener.store.sqlite import SQLiteStore
from listener.store.stats.scope import floor_hour
from listener.store.stats.sums import (
    EARLIEST,
    LATEST,
    Filters,
    Table,
    sum_rows,
)


def _whole_hour(moment: datetime | None) -> bool:
    return moment is None or (moment.tzinfo is not None and floor_hour(moment) == moment)


def _sentiment(value: str) -> str:
    try:
        return SentimentLabel(value.lower()).value
    except ValueError:
        choices = ", ".join(s.value for s in SentimentLabel)
        raise ValueError(f"sentiment must be one of {choices}, not {value!r}") from None


def exact_count(
    store: SQLiteStore,
    *,
    brand: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    source: str | None = None,
    language: str | None = None,
    sentiment: str | None = None,
    complaint: bool | None = None,
    topic: str | None = None,
    feeling: str | None = None,
) -> int | None:
    """The number of live mentions ``store.search(None, ...)`` with these filters finds,
    or None when the rollups cannot tell it exactly. Bad values raise ``ValueError`` as
    search's do."""
    if (index := store.shared_index) is not None:
        # The cluster counts any filters exactly; search_where checks them as search does.
        where = search_where(
            None, brand=brand, source=source, sentiment=sentiment, complaint=complaint,
            feeling=feeling, topic=topic, language=language, since=since, until=until,
        )  # fmt: skip
        return index.exact_count(asked(where))
    if not (_whole_hour(since) and _whole_hour(until)):
        return None
    keyed = (source, language, sentiment, complaint)
    if topic is not None and feeling is not None:
        return None
    if (topic is not None or feeling is not None) and any(v is not None for v in keyed):
        return None
    if brand == "":
        # Search looks for a brand named '' and finds none; the rollups' '' is all brands.
        return 0
    low = since or EARLIEST
    high = until or LATEST
    if high <= low:
        return 0
    filters = Filters()
    table: Table
    if topic is not None or feeling is not None:
        kind, value = ("topic", topic) if topic is not None else ("feeling", feeling)
        assert value is not None
        filters.add("kind = ? AND value = ?", kind, filter_name(value, kind))
        table = "tag"
    else:
        table = "main"
        if source is not None:
            filters.add("(source = ? OR source_type = ?)", source, source)
        if language is not None:
            tag = filter_name(language, "language")
            if tag == UNKNOWN_LANGUAGE:
                # Search's name for a language not recognised (NULL there, '' here).
                filters.add("lang = ''")
            else:
                filters.add("(lang = ? OR lang LIKE ? ESCAPE '\\')", tag, like_prefix(tag))
        if sentiment is not None:
            filters.add("sentiment = ?", _sentiment(sentiment))
        if complaint is not None:
            filters.add("complaint = ?", int(complaint))
    with store._read() as conn:
        found = sum_rows(
            conn,
            brand=brand,
            since=low,
            until=high,
            table=table,
            filters=filters,
        )
    return found.get((), 0)
