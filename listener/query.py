"""The brand query language: one definition drives stream matching, FTS5 search and alerts.

A query says which mentions are about a brand::

    acme OR "acme anvil" OR @acme OR #acme -job lang:en

Grammar (whitespace separates lexemes; ``OR``/``AND``/``NOT`` are keywords only in
uppercase — ``or`` is an ordinary word)::

    query    = or_expr
    or_expr  = and_expr { "OR" and_expr }
    and_expr = unary { [ "AND" ] unary }          (adjacency is an implicit AND)
    unary    = ( "NOT" | "-" ) unary | primary    ("-" sticks to what follows: -spam)
    primary  = "(" or_expr ")" | phrase | handle | hashtag | field | term
    phrase   = '"' { char | '\\' char } '"'      (backslash escapes a quote)
    handle   = "@" name [ "@" server ]            (letters, marks, digits, _ . - ;
                                                   trailing dots are dropped)
    hashtag  = "#" { letter | mark | digit | "_" }
    field    = ( "lang" | "source" ) ":" ( value | phrase )
    term     = word [ "*" ]                       (prefix search: acm*)

Precedence: NOT > AND > OR, so ``a b OR c`` is ``(a AND b) OR c``.

Matching is on words, never substrings. Text and query both go through ``normalize``
(NFKC, casefold, strip of Latin-style combining diacritics — Indic vowel signs and viramas
are kept) and ``tokenize`` (runs of letters, marks, digits, connector punctuation; the
FTS5 tokenizer's categories). So ``cafe`` finds "Café", a Bengali word is found inside a
Bengali sentence but not inside a longer word, and a term with inner punctuation such as
``wi-fi`` or ``don't`` is the phrase of its tokens. A plain term also finds ``@acme`` and
``#acme`` (the word is in the text); ``@acme`` finds only the handle (``@acme`` or
``@acme@server``), ``#acme`` only the hashtag. ``lang:pt`` accepts "pt" and "pt-BR" (never
an unknown language); ``source:x`` compares with the source's name or its type.

Use::

    matcher = compile_query('acme OR "acme anvil" -job')      # once, at start
    doc = prepare(text, language="en", source="hn", source_type="rss")   # once per mention
    matcher.match(doc)            # None, or the leaves that matched: ('acme',)
    to_fts5('acme lang:en')       # FtsQuery for the SQLite store

Errors: ``parse``/``compile_query``/``to_fts5`` raise ``QueryError`` (a ``ValueError``) with
``query``, a 1-based ``column`` and ``message``; ``str(err)`` adds the query and a caret.
``to_fts5`` also raises it for what FTS5 cannot say (field filters inside OR, ``a OR NOT b``).

Implementation: ``query_ast`` (tree, error), ``query_text`` (normalisation, ``prepare``),
``query_parser``, ``query_match`` (matcher), ``query_fts`` (FTS5). Import from here.
"""

from __future__ import annotations

from listener.query_ast import (
    FIELDS,
    And,
    Field,
    Handle,
    Hashtag,
    Node,
    Not,
    Or,
    Phrase,
    QueryError,
    Term,
    format_query,
)
from listener.query_fts import FieldFilter, FtsQuery, to_fts5
from listener.query_match import Matcher, compile_query
from listener.query_parser import parse
from listener.query_text import (
    PreparedText,
    extract_handles,
    extract_hashtags,
    normalize,
    prepare,
    tokenize,
)

__all__ = [
    "FIELDS",
    "And",
    "Field",
    "FieldFilter",
    "FtsQuery",
    "Handle",
    "Hashtag",
    "Matcher",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "PreparedText",
    "QueryError",
    "Term",
    "compile_query",
    "extract_handles",
    "extract_hashtags",
    "format_query",
    "normalize",
    "parse",
    "prepare",
    "to_fts5",
    "tokenize",
    "valid_query",
]


def valid_query(text: str) -> str:
    """``text`` if it parses; else a ``ValueError`` that leads with the column, as compilers
    do — the form settings validators report (a brand's query, a saved search)."""
    try:
        parse(text)
    except QueryError as exc:
        message = exc.message.replace(f" at column {exc.column}", "", 1)
        raise ValueError(f"column {exc.column}: {message}") from None
    return text
