"""Search SQL for the SQLite engine: the brand query language compiled to FTS5 plus filters.

Every value is a bound parameter; the only text pasted into the SQL is fixed fragments from
this module. The FTS5 expressions come from ``listener.query.to_fts5``, which quotes every
user string (datasette's lesson: unescaped input turns into FTS syntax errors or worse),
and they are bound as the MATCH parameter too.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from listener.models import Flag, SentimentLabel, Urgency
from listener.query import FieldFilter, FtsQuery, to_fts5
from listener.query.fts import check_search_size, to_letters_fts5
from listener.store.letters import LETTERS_TABLE
from listener.store.mention_index import SearchAsk
from listener.store.rows import ts
from listener.store.search_both import WORD_INDEX, hit_marks, letters_answer, ranked_both

# Ranked search is top-k in two steps, so its cost follows the page, not the matches:
# 1. candidates: FTS5 walks the matches newest first (rowid DESC, no sort), joining each to
#    its row only for the filters and the tie-break, and stops after RANKED_WINDOW rows that
#    pass; bm25() runs on those alone. Among them, the page is cut by score.
# 2. the page: FTS5 walks the matches again, only between the page's lowest and highest
#    rowid and without scoring, and only the page's rows are read whole and get snippet()
#    and highlight() (which need the FTS5 cursor on the row). A lookup by MATCH plus
#    rowid = ? per page row would re-seek every phrase's doclist for each row: slower.
# Without the window, "the" in a million posts scored, joined and sorted 400k rows for 20.
# When no more than RANKED_WINDOW mentions match (with the filters), the results are those
# of ranking every match; beyond it, relevance ranks the RANKED_WINDOW most recently stored
# matches. On 1M mentions a page of "the" took about 550 ms by ranking every match, and
# about 20 ms within the window (bench/search.py).
# The filters are checked on each match's mention_filters row (schema 10: only the columns
# they read, the brands inline, tombstones absent), aliased m so the clauses are those of
# the plain search. A filter that keeps few of many matches still walks them all, and
# that, not the window, bounds such searches: a narrow row's check costs about half a
# wide mentions row's (see bench/search.py, "filtered").
RANKED_WINDOW = 1000
# bm25() column weights, in FTS column order (title, body, author, handles, hashtags): a
# word in the title says more about what a post is about than one deep in its body.
# snippet(): column 1 (body), markers bound, at most 24 tokens (FTS5 caps it at 64).
# {fts} is the word index, or the letters index when the query requires a word of Chinese,
# Japanese, Korean or Thai (listener.store.letters); hit_marks fills it and the marks. Any
# other query also has its statement over both indexes (search_both.BOTH_RANKED), which
# pick_statement runs instead when the letters index holds a match.
# CROSS JOIN fixes the join order: FTS5 drives, so its rowid order serves ORDER BY; and the
# page is MATERIALIZED so the candidates are ranked once, not once per use.
_RANKED = """
WITH page AS MATERIALIZED (
    SELECT hit.seq, hit.score, hit.published_at FROM (
        SELECT m.seq, bm25({fts}, 5.0, 1.0, 0.5, 2.0, 2.0) AS score, m.published_at
        FROM {fts} CROSS JOIN mention_filters m ON m.seq = {fts}.rowid{where}
        ORDER BY {fts}.rowid DESC LIMIT ?
    ) hit
    ORDER BY hit.score, hit.published_at DESC, hit.seq DESC LIMIT ? OFFSET ?
)
SELECT m.*, page.score,
       {snip} AS snip,
       {title_hl} AS title_hl
FROM {fts}
CROSS JOIN page ON page.seq = {fts}.rowid
CROSS JOIN mentions m ON m.seq = page.seq
WHERE {fts} MATCH ?
  AND {fts}.rowid BETWEEN (SELECT min(seq) FROM page) AND (SELECT max(seq) FROM page)
ORDER BY page.score, page.published_at DESC, page.seq DESC"""
# A page that reaches past the window: the window's matches keep the order they have on the
# pages before (by score), and the older matches follow, newest first. Every page of one
# search then cuts the same list, so no page repeats a result or skips one (ranking a wider
# window for deep pages reordered the window's own rows between pages). The first ? after
# the candidates' LIMIT is the window's size.
_RANKED_PAST_WINDOW = """
WITH hit AS MATERIALIZED (
    SELECT m.seq, bm25({fts}, 5.0, 1.0, 0.5, 2.0, 2.0) AS score, m.published_at
    FROM {fts} CROSS JOIN mention_filters m ON m.seq = {fts}.rowid{where}
    ORDER BY {fts}.rowid DESC LIMIT ?
),
page AS MATERIALIZED (
    SELECT seq, score, published_at, position > ? AS beyond FROM (
        SELECT hit.*, row_number() OVER (ORDER BY hit.seq DESC) AS position FROM hit
    )
    ORDER BY beyond, CASE WHEN beyond THEN 0 ELSE score END, published_at DESC, seq DESC
    LIMIT ? OFFSET ?
)
SELECT m.*, page.score,
       {snip} AS snip,
       {title_hl} AS title_hl
FROM {fts}
CROSS JOIN page ON page.seq = {fts}.rowid
CROSS JOIN mentions m ON m.seq = page.seq
WHERE {fts} MATCH ?
  AND {fts}.rowid BETWEEN (SELECT min(seq) FROM page) AND (SELECT max(seq) FROM page)
ORDER BY page.beyond, CASE WHEN page.beyond THEN 0 ELSE page.score END,
         page.published_at DESC, page.seq DESC"""
_PLAIN_SELECT = "SELECT m.* FROM mentions m"
_NEWEST_FIRST = " ORDER BY m.published_at DESC, m.seq DESC LIMIT ? OFFSET ?"
PLAIN_SNIPPET_CHARS = 200


def plain_snippet(text: str) -> str:
    """A hit's snippet where no words are highlighted: its first ``PLAIN_SNIPPET_CHARS``,
    cut at a word where one ends in the second half, and an ellipsis."""
    if len(text) <= PLAIN_SNIPPET_CHARS:
        return text
    cut = text[:PLAIN_SNIPPET_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > PLAIN_SNIPPET_CHARS // 2 else cut).rstrip() + "…"


# The language filter's name for "not recognised" (a NULL language).
UNKNOWN_LANGUAGE = "unknown"
_LIKE_ESCAPE = "\\"


@dataclass
class _Where:
    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def sql(self) -> str:
        return (" WHERE " + " AND ".join(self.clauses)) if self.clauses else ""


@dataclass(frozen=True)
class SearchSql:
    sql: str
    params: tuple[Any, ...]
    ranked: bool  # True when the rows carry score, snippet and title_hl from FTS5
    fts_expressions: tuple[str, ...]  # the MATCH operands, to tell FTS5 errors apart
    # The same search over both indexes, for a store whose letters index may answer it
    # (``pick_statement`` chooses), and the WHERE that decides.
    both: SearchSql | None = None
    where: SearchWhere | None = None


def pick_statement(conn: sqlite3.Connection, compiled: SearchSql) -> SearchSql:
    """The statement to run on ``conn``: over both indexes when the letters index has a
    say in this search (``letters_answer``, which opens a read transaction so the choice
    and the search see one snapshot), else the word index's alone."""
    if compiled.both is None or compiled.where is None:
        return compiled
    return compiled.both if letters_answer(conn, compiled.where) else compiled


def fts_rejects(conn: sqlite3.Connection, expression: str) -> bool:
    """Whether FTS5 refuses ``expression`` as a MATCH operand (both indexes have the same
    columns and tokenizer, so the word index answers for either)."""
    try:
        conn.execute(
            "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ? LIMIT 1", (expression,)
        ).fetchall()
    except sqlite3.OperationalError:
        return True
    return False


def like_prefix(value: str) -> str:
    """LIKE's pattern for a language's subtags ("pt" -> "pt-%"), its wildcards literal."""
    escaped = value.replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2).replace("%", "\\%").replace("_", "\\_")
    return escaped + "-%"


def _field_filter(where: _Where, f: FieldFilter) -> None:
    if not f.values:
        where.add("0")  # "one of nothing" matches nothing
        return
    marks = ", ".join("?" for _ in f.values)
    if f.name == "lang":
        # "pt" means Portuguese in any region: pt, pt-BR, pt-pt… LIKE is ASCII case-insensitive.
        parts = [f"m.lang IN ({marks})"] + ["m.lang LIKE ? ESCAPE '\\'" for _ in f.values]
        where.add("(" + " OR ".join(parts) + ")", *f.values, *map(like_prefix, f.values))
    elif f.name == "source":
        # Both columns are COLLATE NOCASE, so IN compares case-insensitively.
        where.add(f"(m.source IN ({marks}) OR m.source_type IN ({marks}))", *f.values, *f.values)
    else:
        raise ValueError(f"unsupported search filter {f.name!r}")


def _choice(kind: type[StrEnum], value: str, what: str) -> str:
    try:
        return kind(value.strip().lower()).value
    except ValueError:
        choices = ", ".join(v.value for v in kind)
        raise ValueError(f"{what} must be one of {choices}, not {value!r}") from None


def filter_name(value: str, what: str) -> str:
    """A topic, feeling or language filter as stored: stripped, lowercase, not empty."""
    # Feelings and topics are open-ended (users define their own topics), so any name is
    # accepted; tags are stored lowercase.
    name = value.strip().lower()
    if not name:
        raise ValueError(f"{what} must not be empty")
    return name


_TAG_EXISTS = (
    "EXISTS (SELECT 1 FROM mention_tags t WHERE t.kind = ? AND t.value = ? AND t.mention_id = {id})"
)
# The mention's id, for the filters kept by id (tags, brands): m is a mentions row in the
# plain search, a mention_filters row (no id) among ranked search's candidates.
_ID_OF_MENTION = "m.id"
_ID_OF_FILTERS = "(SELECT i.id FROM mentions i WHERE i.seq = m.seq)"
_BRAND_OF_MENTION = (
    "EXISTS (SELECT 1 FROM mention_brands b WHERE b.mention_id = m.id AND b.brand = ?)"
)
# The key of the brand searched for, made as schema 10 makes the stored ones.
_BRAND_OF_FILTERS = (
    "instr(m.brand_keys, char(31) || replace(replace(lower(?), char(30), char(30) || 'e'),"
    " char(31), char(30) || 's') || char(31)) > 0"
)


def _judgment_filters(
    where: _Where,
    *,
    id_of: str,
    complaint: bool | None,
    feeling: str | None,
    topic: str | None,
    language: str | None,
    urgency: str | None,
    flag: str | None,
) -> None:
    if complaint is not None:
        where.add("m.complaint = ?", int(complaint))
    if feeling is not None:
        where.add(_TAG_EXISTS.format(id=id_of), "feeling", filter_name(feeling, "feeling"))
    if topic is not None:
        where.add(_TAG_EXISTS.format(id=id_of), "topic", filter_name(topic, "topic"))
    if flag is not None:
        where.add(_TAG_EXISTS.format(id=id_of), "flag", _choice(Flag, flag, "flag"))
    if urgency is not None:
        where.add("m.urgency = ?", _choice(Urgency, urgency, "urgency"))
    if language is not None and filter_name(language, "language") == UNKNOWN_LANGUAGE:
        # The mentions whose language was not recognised, as the dashboard's languages panel
        # (and the search facets' "unknown") count them: no BCP 47 tag is "unknown".
        where.add("(m.lang IS NULL OR m.lang = '')")
    elif language is not None:
        # The same test as the query language's lang: ("hi" also finds hi-IN and hi-Latn).
        _field_filter(where, FieldFilter("lang", (filter_name(language, "language"),)))


@dataclass(frozen=True)
class SearchWhere:
    """A search's query and filters as one WHERE clause over ``m`` (a ``mention_filters``
    row joined to ``mentions_fts`` when ``match`` is set, else a ``mentions`` row), for the
    readers that walk a search in their own order (facets, export)."""

    sql: str  # " WHERE …", or "" when nothing narrows the search
    params: tuple[Any, ...]
    match: str | None  # the FTS5 MATCH operand (bound in ``sql`` too); None: no text query
    fts_expressions: tuple[str, ...]
    on_filters: bool = False  # True: m is a mention_filters row (always, with a text query)
    table: str = WORD_INDEX  # the FTS5 table ``match`` is for: the word or letters index
    # With a text query on the word index: the same search on the letters index (MATCH
    # ``letters_match``, then the same filters), which answers for the mentions it holds;
    # the readers run both when ``letters_answer`` says it may add or take away a match.
    letters_sql: str | None = None
    letters_params: tuple[Any, ...] = ()
    letters_match: str | None = None
    # The search as asked (query and filters), for a shared index to run it instead
    # (listener.store.mention_index); None only where a SearchWhere is made by hand.
    ask: SearchAsk | None = None


def search_where(
    query: str | None,
    *,
    brand: str | None,
    source: str | None,
    sentiment: str | None,
    complaint: bool | None = None,
    feeling: str | None = None,
    topic: str | None = None,
    language: str | None = None,
    urgency: str | None = None,
    flag: str | None = None,
    since: datetime | None,
    until: datetime | None,
    on_filters: bool = False,
) -> SearchWhere:
    """The WHERE clause ``build_search`` filters by (bad values raise ``ValueError``).

    ``on_filters`` writes it for a ``mention_filters`` row even without a text query: a
    walk in ``seq`` order reads those narrow rows (no tombstones among them) rather than
    wide mentions rows."""
    # The search as asked, for a shared index to run it (the checks below validate it).
    ask = SearchAsk(
        query=query, brand=brand, source=source, sentiment=sentiment, complaint=complaint,
        feeling=feeling, topic=topic, language=language, urgency=urgency, flag=flag,
        since=since, until=until,
    )  # fmt: skip
    if query and query.strip():
        check_search_size(query)  # before FTS5 reads a doclist per term
        # Written for the letters index too when the word index answers: a Latin word glued
        # to letters of a spaceless script ("Appleの") is a word only there.
        fts = to_fts5(query)
        textual = fts.match is not None or fts.exclude is not None
        letters = to_letters_fts5(query) if textual and not fts.letters else None
    else:
        fts, letters = FtsQuery(None, None, ()), None
    ranked = fts.match is not None or on_filters
    where = _Where()
    if not ranked:
        # A tombstone's words are gone (the FTS index has none), but a filter-only search
        # would still list it: deleted posts are never shown to someone searching. (Ranked
        # search's mention_filters has no row for a tombstone.)
        where.add("m.deleted_at IS NULL")
    table = LETTERS_TABLE if fts.letters else WORD_INDEX
    if fts.exclude is not None:
        where.add("m.seq NOT IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)",
                  fts.exclude)  # fmt: skip
    if letters is not None and letters.exclude is not None:
        where.add("m.seq NOT IN (SELECT rowid FROM mentions_letters"
                  " WHERE mentions_letters MATCH ?)", letters.exclude)  # fmt: skip
    for f in fts.filters:
        _field_filter(where, f)
    if brand is not None:
        where.add(_BRAND_OF_FILTERS if ranked else _BRAND_OF_MENTION, brand)
    if source is not None:
        where.add("(m.source = ? OR m.source_type = ?)", source, source)
    if sentiment is not None:
        try:
            label = SentimentLabel(sentiment.lower())
        except ValueError:
            choices = ", ".join(s.value for s in SentimentLabel)
            raise ValueError(f"sentiment must be one of {choices}, not {sentiment!r}") from None
        where.add("m.sentiment_label = ?", label.value)
    _judgment_filters(
        where, id_of=_ID_OF_FILTERS if ranked else _ID_OF_MENTION, complaint=complaint,
        feeling=feeling, topic=topic, language=language, urgency=urgency, flag=flag,
    )  # fmt: skip
    if since is not None:
        where.add("m.published_at >= ?", ts(since))
    if until is not None:
        where.add("m.published_at < ?", ts(until))
    letters_match = letters.match if letters is not None else None
    letters_exclude = letters.exclude if letters is not None else None
    expressions = tuple(
        e for e in (fts.match, fts.exclude, letters_match, letters_exclude) if e is not None
    )
    if fts.match is None:
        return SearchWhere(
            where.sql(), tuple(where.params), None, expressions, ranked, table, ask=ask
        )
    # The MATCH first, as the walks have always been written.
    word = _Where([f"{table} MATCH ?", *where.clauses], [fts.match, *where.params])
    if letters_match is None:
        return SearchWhere(
            word.sql(), tuple(word.params), fts.match, expressions, ranked, table, ask=ask
        )
    beside = _Where([f"{LETTERS_TABLE} MATCH ?", *where.clauses], [letters_match, *where.params])
    return SearchWhere(
        word.sql(), tuple(word.params), fts.match, expressions, ranked, table,
        beside.sql(), tuple(beside.params), letters_match, ask,
    )  # fmt: skip


def build_search(
    query: str | None,
    *,
    brand: str | None,
    source: str | None,
    sentiment: str | None,
    complaint: bool | None = None,
    feeling: str | None = None,
    topic: str | None = None,
    language: str | None = None,
    urgency: str | None = None,
    flag: str | None = None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    offset: int,
    highlight: tuple[str, str],
) -> SearchSql:
    """Compile a search to one SELECT (one statement, so one consistent WAL snapshot)."""
    if limit < 0 or offset < 0:
        raise ValueError("limit and offset must not be negative")
    where = search_where(
        query, brand=brand, source=source, sentiment=sentiment, complaint=complaint,
        feeling=feeling, topic=topic, language=language, urgency=urgency, flag=flag,
        since=since, until=until,
    )  # fmt: skip
    ranked = where.match is not None
    expressions = where.fts_expressions
    if not ranked:
        sql = _PLAIN_SELECT + where.sql + _NEWEST_FIRST
        return SearchSql(sql, (*where.params, limit, offset), False, expressions)
    open_mark, close_mark = highlight
    marks = (open_mark, close_mark, open_mark, close_mark, where.match)
    if offset + limit <= RANKED_WINDOW:
        sql = _RANKED.format(where=where.sql, **hit_marks(where.table))
        params = (*where.params, RANKED_WINDOW, limit, offset, *marks)
    else:
        sql = _RANKED_PAST_WINDOW.format(where=where.sql, **hit_marks(where.table))
        params = (*where.params, offset + limit, RANKED_WINDOW, limit, offset, *marks)
    found = ranked_both(
        where, limit=limit, offset=offset, highlight=highlight, window=RANKED_WINDOW
    )
    both = SearchSql(*found, True, expressions) if found is not None else None
    return SearchSql(sql, params, True, expressions, both, where if both else None)
