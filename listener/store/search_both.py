"""A search over both indexes: the word index for the mentions without letters of spaceless
scripts, the letters index for the mentions with them (``listener.store.letters``).

A query that does not require a word of Chinese, Japanese, Korean or Thai is written for
the word index, where "Appleの新製品が壊れた" is one token and ``apple`` misses it. The
letters index holds every mention with such letters, with a break around each such letter,
so its Latin words are words of their own there, tokenised as in the word index elsewhere.
So each mention is answered by one index: the letters index for the mentions it holds
(their rowids are ``mentions_letters_docsize``'s, a rowid table: a B-tree seek a row), the
word index for the others. The two sets do not overlap, so nothing needs deduplicating,
and ``acme -apple`` leaves out "acme Appleの…" although the word index alone would keep it.

Ranking: each side is scored by bm25 on its own index (its own document count and lengths)
and the two lists are merged by that raw score, as one list of candidates: the newest
``RANKED_WINDOW`` stored matches of both together are ranked, as in the word index alone.
Snippets and highlights come from the index that matched the row.

Cost: a store whose letters index has nothing to say about a search runs the word index's
statement unchanged (``letters_answer``: one MATCH on that small table, or a look whether it
is empty when the query has a NOT), so a Latin query on a store with few such mentions pays
one probe; only when the letters index holds a match does the search read both.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from listener.store.letters import LETTERS_TABLE

if TYPE_CHECKING:
    from listener.store.search import SearchWhere

WORD_INDEX = "mentions_fts"


def hit_marks(table: str) -> dict[str, str]:
    """The snippet (body) and title highlight of a hit in ``table``, as SQL (``{snip}``,
    ``{title_hl}``; each binds its two markers), and the table as ``{fts}``. The letters
    index holds its text with a break around each letter (``letters_spaced``), which the
    marked text must not show."""
    snip, title = f"snippet({table}, 1, ?, ?, '…', 24)", f"highlight({table}, 0, ?, ?)"
    if table == LETTERS_TABLE:
        # Each letter is a token there: 64 tokens (FTS5's most) show about as much as 24
        # words of the word index.
        snip = f"snippet({table}, 1, ?, ?, '…', 64)"
        snip, title = (f"replace({sql}, char(31), '')" for sql in (snip, title))
    return {"fts": table, "snip": snip, "title_hl": title}


# The word index's side of a search over both: only the mentions the letters index does not
# hold. An uncorrelated IN on a rowid table's rowid is a seek a row, nothing materialised.
OUTSIDE_LETTERS = " AND m.seq NOT IN (SELECT id FROM mentions_letters_docsize)"

# search._RANKED and _RANKED_PAST_WINDOW in one, with the candidates of both indexes: each
# side walks its matches newest first and stops after the reach (the window, or the page's
# end past it; the letters side also at the word side's oldest candidate when that side is
# full, as nothing older can be among the newest: 490 letters matches of "the" at 1M cost
# 1.3 ms to walk), the union's newest reach are ranked, and the page's rows get their snippet
# from the index that found them (the ``letters`` column says which). A side with no row on
# the page gets the empty range 1..0: a NULL bound made FTS5 walk that word's whole doclist.
BOTH_RANKED = """
WITH word_hit AS MATERIALIZED (
    SELECT m.seq, bm25(mentions_fts, 5.0, 1.0, 0.5, 2.0, 2.0) AS score, m.published_at,
           0 AS letters
    FROM mentions_fts CROSS JOIN mention_filters m ON m.seq = mentions_fts.rowid{where}
    ORDER BY mentions_fts.rowid DESC LIMIT ?
),
hit AS MATERIALIZED (
    SELECT * FROM word_hit
    UNION ALL
    SELECT * FROM (
        SELECT m.seq, bm25(mentions_letters, 5.0, 1.0, 0.5, 2.0, 2.0) AS score,
               m.published_at, 1 AS letters
        FROM mentions_letters CROSS JOIN mention_filters m
            ON m.seq = mentions_letters.rowid{letters_where}
            AND mentions_letters.rowid >= (
                SELECT CASE WHEN count(*) < ? THEN 0 ELSE min(seq) END FROM word_hit
            )
        ORDER BY mentions_letters.rowid DESC LIMIT ?
    )
    ORDER BY seq DESC LIMIT ?
),
{page},
marked AS MATERIALIZED (
    SELECT page.seq, {snip} AS snip, {title_hl} AS title_hl
    FROM mentions_fts CROSS JOIN page ON page.seq = mentions_fts.rowid
    WHERE mentions_fts MATCH ? AND NOT page.letters AND mentions_fts.rowid
        BETWEEN coalesce((SELECT min(seq) FROM page WHERE NOT letters), 1)
        AND coalesce((SELECT max(seq) FROM page WHERE NOT letters), 0)
    UNION ALL
    SELECT page.seq, {letters_snip} AS snip, {letters_title_hl} AS title_hl
    FROM mentions_letters CROSS JOIN page ON page.seq = mentions_letters.rowid
    WHERE mentions_letters MATCH ? AND page.letters AND mentions_letters.rowid
        BETWEEN coalesce((SELECT min(seq) FROM page WHERE letters), 1)
        AND coalesce((SELECT max(seq) FROM page WHERE letters), 0)
)
SELECT m.*, page.score, marked.snip, marked.title_hl
FROM page
CROSS JOIN marked ON marked.seq = page.seq
CROSS JOIN mentions m ON m.seq = page.seq
ORDER BY page.beyond, CASE WHEN page.beyond THEN 0 ELSE page.score END,
         page.published_at DESC, page.seq DESC"""

_UNION = """SELECT * FROM ({word})
UNION ALL
SELECT * FROM ({letters})
ORDER BY seq DESC LIMIT ?"""

# The page among the candidates: by score while the page is within the window; past it,
# the window's matches by score and the older ones newest first, as in search.py. Only the
# second needs each candidate's position (a window function: about 0.75 ms of a 4 ms
# search of "the" in 100k mentions, so the first goes without).
_PAGE_IN_WINDOW = """page AS MATERIALIZED (
    SELECT seq, score, published_at, letters, 0 AS beyond FROM hit
    ORDER BY score, published_at DESC, seq DESC LIMIT ? OFFSET ?
)"""
_PAGE_PAST_WINDOW = """page AS MATERIALIZED (
    SELECT seq, score, published_at, letters, position > ? AS beyond FROM (
        SELECT hit.*, row_number() OVER (ORDER BY hit.seq DESC) AS position FROM hit
    )
    ORDER BY beyond, CASE WHEN beyond THEN 0 ELSE score END, published_at DESC, seq DESC
    LIMIT ? OFFSET ?
)"""


def letters_answer(conn: sqlite3.Connection, where: SearchWhere) -> bool:
    """Whether the letters index has a say in ``where``'s search on ``conn``: it holds a
    match of the query, or (with a NOT, which it may use to leave out a mention the word
    index would keep) any mention at all. Opens a read transaction on ``conn`` when none is
    open, for the search to run in."""
    if where.letters_sql is None or where.match is None or where.letters_match is None:
        return False
    if not conn.in_transaction:
        # The probe and the search that follows it see one snapshot (the store's readers
        # roll a transaction back when they are given back).
        conn.execute("BEGIN")
    # FTS5's NOT operator is upper case; every word of the query is a case-folded literal.
    if " NOT " in where.match:
        found = conn.execute("SELECT EXISTS (SELECT 1 FROM mentions_letters_docsize)")
    else:
        found = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM mentions_letters WHERE mentions_letters MATCH ?)",
            (where.letters_match,),
        )
    return bool(found.fetchone()[0])


def both_sides(
    matched: str, where: SearchWhere, word: dict[str, str], letters: dict[str, str]
) -> str:
    """A walk's statement (``matched``: {fts} driving, {where}, newest first, a LIMIT) over
    both indexes: each side walks its own matches, and the union is cut newest first."""
    if where.letters_sql is None:
        raise ValueError("this search is not written for the letters index")
    word_side = matched.format(where=where.sql + OUTSIDE_LETTERS, **word)
    letters_side = matched.format(where=where.letters_sql, **letters)
    # Fixed fragments of this package, every value bound.
    return _UNION.format(word=word_side, letters=letters_side)


def ranked_both(
    where: SearchWhere, *, limit: int, offset: int, highlight: tuple[str, str], window: int
) -> tuple[str, tuple[Any, ...]] | None:
    """Ranked search over both indexes (``BOTH_RANKED``) and its parameters, or None when
    only one index reads ``where``."""
    if where.letters_sql is None or where.letters_match is None or where.match is None:
        return None
    word, letters = hit_marks(WORD_INDEX), hit_marks(LETTERS_TABLE)
    past = offset + limit > window
    sql = BOTH_RANKED.format(
        page=_PAGE_PAST_WINDOW if past else _PAGE_IN_WINDOW,
        where=where.sql + OUTSIDE_LETTERS,
        letters_where=where.letters_sql,
        snip=word["snip"],
        title_hl=word["title_hl"],
        letters_snip=letters["snip"],
        letters_title_hl=letters["title_hl"],
    )
    reach = max(window, offset + limit)
    params = (
        *where.params, reach, *where.letters_params, reach, reach, reach,
        *((window,) if past else ()), limit, offset,
        *highlight, *highlight, where.match, *highlight, *highlight, where.letters_match,
    )  # fmt: skip
    return sql, params
