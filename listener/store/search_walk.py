"""Walking a whole search, newest stored first, in keyset pages: the "newest" order of the
search page (the export reads its flat rows the same way, ``search_export_rows``).

``store.search`` pages by offset, which is what relevance needs (a score has no key to
resume from) but costs a deep page every row before it. A walk resumes after the last
mention's ``seq`` instead, so each page costs its own rows: an export of every match reads
each row once, in constant memory, whatever the size. The order is the order mentions were
stored (``seq``, which FTS5 walks as its rowid without sorting), close to newest published
for a running daemon; a first poll's backlog sits where it was stored.

Each page is its own read (no transaction held across the walk): a mention stored during
an export sorts above the walk's cursor and is not in it, one deleted is skipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from listener.store import rows
from listener.store.base import DEFAULT_HIGHLIGHT, SearchHit
from listener.store.letters import LETTERS_TABLE
from listener.store.mention_index import SearchAsk
from listener.store.search import SearchWhere, plain_snippet
from listener.store.search_both import WORD_INDEX, both_sides, hit_marks, letters_answer
from listener.store.sqlite import SQLiteStore

# Start above every seq (an INTEGER PRIMARY KEY is at most 2**63 - 1).
FIRST_PAGE = 2**63 - 1
# FTS5 drives (CROSS JOIN), so its rowid order serves ORDER BY and the range on the rowid is
# a seek in its doclists; only the page's rows are read whole. snippet() and highlight() run
# on the page's rows alone, as in ranked search.
_MATCHED = """
SELECT x.*, {snip} AS snip, {title_hl} AS title_hl
FROM {fts}
CROSS JOIN mention_filters m ON m.seq = {fts}.rowid
CROSS JOIN mentions x ON x.seq = m.seq{where} AND {fts}.rowid < ?
ORDER BY {fts}.rowid DESC LIMIT ?"""
_FILTERED = "SELECT m.* FROM mentions m{where} AND m.seq < ? ORDER BY m.seq DESC LIMIT ?"
# Without a text query, the narrow mention_filters rows are walked in seq order and only the
# page's mentions rows read: an index on a filter's column would read every mention it
# selects (300k negative ones) and sort them, where this stops after a page.
_FILTERED_NARROW = """
SELECT x.* FROM mention_filters m CROSS JOIN mentions x ON x.seq = m.seq{where}
  AND m.seq < ? ORDER BY m.seq DESC LIMIT ?"""


@dataclass(frozen=True, slots=True)
class WalkPage:
    hits: list[SearchHit]
    next_after: int | None  # the cursor of the next page; None after the last one


def asked(where: SearchWhere) -> SearchAsk:
    """The search ``where`` was written for, for a shared index to run; one made by hand
    (without ``search_where``) cannot be sent there."""
    if where.ask is None:
        raise ValueError("this store's mentions are searched in the shared index: build the "
                         "search with search_where")  # fmt: skip
    return where.ask


def _where(where: SearchWhere) -> str:
    # Both shapes always narrow (MATCH, or "not a tombstone"); " WHERE 1" keeps " AND" valid.
    return where.sql or " WHERE 1"


def walk_page(
    store: SQLiteStore,
    where: SearchWhere,
    *,
    after: int = FIRST_PAGE,
    limit: int = 500,
    highlight: tuple[str, str] = DEFAULT_HIGHLIGHT,
) -> WalkPage:
    """The ``limit`` matches stored just before the mention whose ``seq`` is ``after``."""
    if (index := store.shared_index) is not None:
        return index.walk_page(asked(where), after=after, limit=limit, highlight=highlight)
    if limit < 1:
        raise ValueError("a walk's page holds at least one mention")
    matched = where.match is not None
    params: tuple[object, ...]
    if matched:
        sql = _MATCHED.format(where=_where(where), **hit_marks(where.table))
        params = (*highlight, *highlight, *where.params, after)
    else:
        shape = _FILTERED_NARROW if where.on_filters else _FILTERED
        sql = shape.format(where=_where(where))
        params = (*where.params, after)
    with store._read() as conn:
        if matched and letters_answer(conn, where):
            # Each index walks the mentions it answers for (search_both), merged by seq.
            sql = both_sides(_MATCHED, where, hit_marks(WORD_INDEX), hit_marks(LETTERS_TABLE))
            sides = (*highlight, *highlight, *where.letters_params, after, limit + 1)
            params = (*params, limit + 1, *sides)
        # One row past the page says whether another page follows (no empty last page).
        found: list[sqlite3.Row] = conn.execute(sql, (*params, limit + 1)).fetchall()
    more = len(found) > limit
    found = found[:limit]
    hits = []
    for row in found:
        mention = rows.row_to_mention(row)
        if matched:
            hits.append(SearchHit(mention, None, row["snip"], row["title_hl"]))
        else:
            hits.append(SearchHit(mention, None, plain_snippet(mention.text), mention.title))
    next_after = int(found[-1]["seq"]) if more else None
    return WalkPage(hits, next_after)


def walk(store: SQLiteStore, where: SearchWhere, *, page_size: int = 500) -> Iterator[SearchHit]:
    """Every match of ``where``, newest stored first, read ``page_size`` rows at a time."""
    after: int | None = FIRST_PAGE
    while after is not None:
        page = walk_page(store, where, after=after, limit=page_size)
        yield from page.hits
        after = page.next_after
