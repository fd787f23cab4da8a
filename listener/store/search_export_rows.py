"""The rows of a search's export, read in keyset pages as ``search_walk`` walks a search.

An export wants a few flat fields of many mentions, not whole ``Mention`` objects: building
each one (its judgments, engagement and lists decoded from JSON) was most of an export's
time. So the page selects the flat judgment columns, and the feelings and topics from
``mention_tags`` (the names search filters by, lowercase), and nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from listener.store.search import SearchWhere
from listener.store.search_walk import FIRST_PAGE
from listener.store.sqlite import SQLiteStore

# In export order. Text is the mention's plain text (the body column).
EXPORT_COLUMNS = (
    "id",
    "published_at",
    "source",
    "source_type",
    "author_handle",
    "author_name",
    "url",
    "title",
    "text",
    "language",
    "sentiment_label",
    "sentiment",
    "complaint",
    "complaint_score",
    "feelings",
    "topics",
    "urgency",
    "reach",
    "brands",
)
_SELECT = """
SELECT x.seq, x.id, x.published_at, x.source, x.source_type, x.author_handle, x.author_name,
       x.url, x.title, x.body, x.lang, x.sentiment_label, x.sentiment, x.complaint,
       x.complaint_score, x.urgency, x.reach, x.brands,
       (SELECT group_concat(t.value, char(31)) FROM mention_tags t
        WHERE t.mention_id = x.id AND t.kind = 'feeling') AS feelings,
       (SELECT group_concat(t.value, char(31)) FROM mention_tags t
        WHERE t.mention_id = x.id AND t.kind = 'topic') AS topics"""
# The two walks of search_walk (FTS5 driving with a text query, the narrow filter rows in seq
# order without one); both read a mentions row only for a row that passed.
_MATCHED = (
    _SELECT
    + """
FROM mentions_fts
CROSS JOIN mention_filters m ON m.seq = mentions_fts.rowid
CROSS JOIN mentions x ON x.seq = m.seq{where} AND mentions_fts.rowid < ?
ORDER BY mentions_fts.rowid DESC LIMIT ?"""
)
_FILTERED = (
    _SELECT
    + """
FROM mention_filters m CROSS JOIN mentions x ON x.seq = m.seq{where}
  AND m.seq < ? ORDER BY m.seq DESC LIMIT ?"""
)


def _names(joined: str | None) -> list[str]:
    return sorted(joined.split("\x1f")) if joined else []


def _record(row: tuple[Any, ...]) -> dict[str, Any]:
    (_seq, mention_id, published, source, source_type, handle, name, url, title, body, lang,
     label, sentiment, complaint, complaint_score, urgency, reach, brands, feelings,
     topics) = row  # fmt: skip
    return {
        "id": mention_id,
        "published_at": published,
        "source": source,
        "source_type": source_type,
        "author_handle": handle,
        "author_name": name,
        "url": url,
        "title": title,
        "text": body,
        "language": lang,
        "sentiment_label": label,
        "sentiment": sentiment,
        "complaint": bool(complaint),
        "complaint_score": complaint_score,
        "feelings": _names(feelings),
        "topics": _names(topics),
        "urgency": urgency,
        "reach": reach,
        "brands": list(json.loads(brands)),
    }


def export_rows(
    store: SQLiteStore, where: SearchWhere, *, page_size: int = 500
) -> Iterator[list[dict[str, Any]]]:
    """Every match of ``where`` as export records (``EXPORT_COLUMNS``), newest stored first,
    one list per read of ``page_size`` rows. ``where`` must be written for the narrow rows
    (``search_where(..., on_filters=True)``), as it always is with a text query."""
    if not where.on_filters:
        raise ValueError("an export walks the mention_filters rows: use on_filters=True")
    shape = _MATCHED if where.match is not None else _FILTERED
    sql = shape.format(where=where.sql or " WHERE 1")
    after = FIRST_PAGE
    while True:
        with store._read() as conn:
            found = conn.execute(sql, (*where.params, after, page_size)).fetchall()
        if found:
            yield [_record(tuple(r)) for r in found]
        if len(found) < page_size:
            return
        after = int(found[-1][0])
