"""The rows of a search's export, read in keyset pages as ``search_walk`` walks a search.

An export wants a few flat fields of many mentions, not whole ``Mention`` objects: building
each one (its judgments, engagement and lists decoded from JSON) was most of an export's
time. So the page selects the flat judgment columns, and takes only the feelings' and
topics' names from the judgments JSON (in the judges' order and case, as the export always
wrote them: ``mention_tags`` holds them lowercased and unordered, for search).

A record is the one ``Mention`` → record mapping gave before (``tests/golden/``): a time as
``datetime.isoformat`` writes it (no ``.000000`` for a whole second), not as stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from listener.models import Mention
from listener.store.rows import parse_ts
from listener.store.search import SearchWhere
from listener.store.search_both import both_sides, letters_answer
from listener.store.search_walk import FIRST_PAGE, asked
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
       x.complaint_score, x.urgency, x.reach, x.brands, x.judgments"""
# The two walks of search_walk (FTS5 driving with a text query, the narrow filter rows in seq
# order without one); both read a mentions row only for a row that passed.
_MATCHED = (
    _SELECT
    + """
FROM {fts}
CROSS JOIN mention_filters m ON m.seq = {fts}.rowid
CROSS JOIN mentions x ON x.seq = m.seq{where} AND {fts}.rowid < ?
ORDER BY {fts}.rowid DESC LIMIT ?"""
)
_FILTERED = (
    _SELECT
    + """
FROM mention_filters m CROSS JOIN mentions x ON x.seq = m.seq{where}
  AND m.seq < ? ORDER BY m.seq DESC LIMIT ?"""
)


_WHOLE_SECOND = ".000000"
_STORED_WIDTH = len("2024-05-01T12:00:00.000000+00:00")


def _published(stored: str) -> str:
    """The stored time as ``parse_ts(stored).isoformat()`` writes it, without parsing the
    fixed-width UTC form every row is stored in (``rows.ts``)."""
    if len(stored) == _STORED_WIDTH and stored.endswith("+00:00"):
        if stored[19:26] == _WHOLE_SECOND:
            return stored[:19] + stored[26:]
        return stored
    return parse_ts(stored).isoformat()


def _names(findings: Any) -> list[str]:
    # As rows.judgments_from_json reads findings: only named ones, duplicates kept.
    if not isinstance(findings, list):
        return []
    return [
        str(item["name"])
        for item in findings
        if isinstance(item, dict) and item.get("name") is not None
    ]


def _record(row: tuple[Any, ...]) -> dict[str, Any]:
    (_seq, mention_id, published, source, source_type, handle, name, url, title, body, lang,
     label, sentiment, complaint, complaint_score, urgency, reach, brands,
     judgments) = row  # fmt: skip
    found = json.loads(judgments)
    return {
        "id": mention_id,
        "published_at": _published(published),
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
        "feelings": _names(found.get("feelings")),
        "topics": _names(found.get("topics")),
        "urgency": urgency,
        "reach": reach,
        "brands": list(json.loads(brands)),
    }


def record_of(m: Mention) -> dict[str, Any]:
    """``m``'s export record, the one ``_record`` makes of its row (the shared index's
    export: its documents keep the mention whole)."""
    j = m.judgments
    return {
        "id": m.id,
        "published_at": m.published_at.isoformat(),
        "source": m.source,
        "source_type": m.source_type,
        "author_handle": m.author.handle,
        "author_name": m.author.name,
        "url": m.url,
        "title": m.title,
        "text": m.text,
        "language": m.language,
        "sentiment_label": str(j.sentiment_label),
        "sentiment": j.sentiment,
        "complaint": bool(j.complaint),
        "complaint_score": j.complaint_score,
        "feelings": [f.name for f in j.feelings],
        "topics": [t.name for t in j.topics],
        "urgency": str(j.urgency),
        "reach": j.reach,
        "brands": list(m.brands),
    }


def export_rows(
    store: SQLiteStore, where: SearchWhere, *, page_size: int = 500
) -> Iterator[list[dict[str, Any]]]:
    """Every match of ``where`` as export records (``EXPORT_COLUMNS``), newest stored first,
    one list per read of ``page_size`` rows. ``where`` must be written for the narrow rows
    (``search_where(..., on_filters=True)``), as it always is with a text query."""
    if not where.on_filters:
        raise ValueError("an export walks the mention_filters rows: use on_filters=True")
    if (index := store.shared_index) is not None:
        for hits in index.export_pages(asked(where), page_size=page_size):
            yield [record_of(hit.mention) for hit in hits]
        return
    shape = _MATCHED if where.match is not None else _FILTERED
    sql = shape.format(where=where.sql or " WHERE 1", fts=where.table)
    after = FIRST_PAGE
    while True:
        with store._read() as conn:
            if where.match is not None and letters_answer(conn, where):
                # Each index reads the mentions it answers for (search_both), by seq.
                both = both_sides(
                    _MATCHED, where, {"fts": "mentions_fts"}, {"fts": "mentions_letters"}
                )
                sides = (*where.letters_params, after, page_size, page_size)
                params = (*where.params, after, page_size, *sides)
                found = conn.execute(both, params).fetchall()
            else:
                found = conn.execute(sql, (*where.params, after, page_size)).fetchall()
        if found:
            yield [_record(tuple(r)) for r in found]
        if len(found) < page_size:
            return
        after = int(found[-1][0])
