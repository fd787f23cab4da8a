"""The brand query language: one definition drives stream matching, FTS5 search and alerts.

This face lists the names the rest of listener imports; the grammar is in ``parser``. It may
import only the shared ground (``listener.models``, ``listener.text``, ``listener.units``...).
"""

from __future__ import annotations

from listener.query.ast import (
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
from listener.query.fts import FieldFilter, FtsQuery, to_fts5
from listener.query.index import Anchors, QueryIndex
from listener.query.match import Matcher, compile_query
from listener.query.parser import parse, valid_query
from listener.query.text import (
    PreparedText,
    extract_handles,
    extract_hashtags,
    normalize,
    prepare,
    spaced_word_class,
    tokenize,
)

__all__ = [
    "FIELDS",
    "Anchors",
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
    "QueryIndex",
    "Term",
    "compile_query",
    "extract_handles",
    "extract_hashtags",
    "format_query",
    "normalize",
    "parse",
    "prepare",
    "spaced_word_class",
    "to_fts5",
    "tokenize",
    "valid_query",
]
