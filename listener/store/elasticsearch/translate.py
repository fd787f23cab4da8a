"""The query language and a search's filters as Elasticsearch's Query DSL: the translator
beside the FTS5 one (``listener.query.fts``), from the same tree (``listener.query.parse``).

Safety: user text reaches the cluster only as the value of a ``match``, ``match_phrase``,
``term`` or ``prefix`` query, never as ``query_string`` or ``simple_query_string`` syntax,
so nothing typed (``*:*``, ``^3``, ``~``, ``\\``, ``OR``) can become an operator. The words
are the parser's normalised tokens (casefolded, NFKC, diacritics stripped), which the
mapping's ``folded`` analyzer (standard tokenizer, lowercase, ASCII folding) meets on the
indexed side.

What each leaf searches, as the FTS5 translation does:
- a word or phrase: the title and the text (``{title body}``), a phrase also as the one
  word the standard tokenizer makes of words joined by an apostrophe or a dot ("don't",
  "acme.com", which unicode61 splits); a word of a spaceless script
  (Chinese, Japanese, Korean, Thai…, ``listener.query.text.is_spaceless``) the ``.cjk``
  sub-fields (bigrams), as the SQLite engine asks its letters index; a prefix of such a word
  is the word itself there too;
- ``@name``: the ``handles`` field (whole handles, lowercased): the handle, or ``name@server``
  / ``name.domain`` handles that start with it (the SQLite engine's ``@acme`` also finds
  ``@x.acme``, a looseness of its tokenizer this engine does not copy);
- ``#tag``: the ``hashtags`` field;
- ``lang:`` / ``source:``: filters, as ``FieldFilter`` says (a language and its subtags;
  a source's name or type, without case).

Where the engines still differ: a word is not found inside a word joined to it by an
apostrophe or a dot ("acme" in "d'Acme" or "acme.com"), which FTS5 finds. A char_filter or
an elision filter would close that on Elasticsearch, but osmem-server (the CI cluster) ignores
both, so the mapping keeps to what both were verified to do.

The query shapes FTS5 refuses (a field filter inside OR, a NOT with nothing beside it) are
refused first by ``listener.store.search.search_where``, which every search goes through
with either engine, so both engines give the same ``QueryError``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from listener.models import Flag, SentimentLabel, Urgency
from listener.query import parse
from listener.query.ast import (
    Field,
    Handle,
    Hashtag,
    Node,
    Not,
    Or,
    Phrase,
    Term,
    simplify,
)
from listener.query.text import is_spaceless
from listener.store.mention_index import SearchAsk
from listener.store.rows import ts

Query = dict[str, Any]

TEXT_FIELDS = ("title", "text")
# FTS5's bm25 weights (listener.store.search): a word in the title says more about what a
# post is about than one deep in its text.
_TITLE_BOOST = 5.0
_MARK_FIELDS = ("title", "title.cjk", "text", "text.cjk")
UNKNOWN_LANGUAGE = "unknown"
_LIVE: Query = {"term": {"live": True}}


def _either(*queries: Query) -> Query:
    return queries[0] if len(queries) == 1 else {"bool": {"should": list(queries),
                                                          "minimum_should_match": 1}}  # fmt: skip


def _on_text(kind: str, value: str, *, suffixes: tuple[str, ...] = ("",)) -> Query:
    """``kind`` ("match", "match_phrase", "prefix") of ``value`` on the title or the text
    (each sub-field of ``suffixes``: "" the words, ".cjk" the bigrams)."""
    key = "value" if kind == "prefix" else "query"
    return _either(
        *(
            {kind: {f"{name}{suffix}": {key: value,
                                        "boost": _TITLE_BOOST if name == "title" else 1.0}}}
            for suffix in suffixes
            for name in TEXT_FIELDS
        )
    )  # fmt: skip


_CJK = (".cjk",)
# A Latin word glued to Japanese or Chinese ("Appleの新製品") is a word of its own in the
# .cjk sub-fields, as in the SQLite engine's letters index: a word is looked for in both.
_BOTH = ("", ".cjk")


def _word(term: Term) -> Query:
    if is_spaceless(term.word):
        # Found inside a run of letters, as the letters index finds it: a prefix too.
        return _on_text("match_phrase", term.word, suffixes=_CJK)
    if term.prefix:
        return _on_text("prefix", term.word)
    return _on_text("match", term.word, suffixes=_BOTH)


def _phrase(phrase: Phrase) -> Query:
    if any(map(is_spaceless, phrase.words)):
        return _on_text("match_phrase", " ".join(phrase.words), suffixes=_CJK)
    said = _on_text("match_phrase", " ".join(phrase.words))
    if len(phrase.words) < 2:
        return said
    # The standard tokenizer keeps "don't" and "acme.com" one word where FTS5's unicode61
    # has two: the phrase "don t" (what the parser makes of don't) is looked for as that
    # one word too, so both engines find what was typed.
    joined = (_on_text("match_phrase", joiner.join(phrase.words)) for joiner in ("'", "."))
    return _either(said, *joined)


def _handle(handle: Handle) -> Query:
    name = handle.name
    return _either(
        {"term": {"handles": name}},
        {"prefix": {"handles": f"{name}@"}},
        {"prefix": {"handles": f"{name}."}},
    )


def field_filter(name: str, values: tuple[str, ...]) -> Query:
    """``lang:``/``source:`` as a filter (``listener.query.FieldFilter``'s meaning)."""
    if name == "lang":
        return _either(*(q for v in values for q in _language(v)))
    if name == "source":
        # The SQLite columns compare without case (NOCASE); the values are casefolded.
        return _either(
            *(
                {"term": {column: {"value": v, "case_insensitive": True}}}
                for v in values
                for column in ("source", "source_type")
            )
        )
    raise ValueError(f"unsupported search filter {name!r}")


def _language(tag: str) -> list[Query]:
    # "pt" is Portuguese in any region: pt, pt-br… (the field is lowercase).
    tag = tag.lower()
    return [{"term": {"language": tag}}, {"prefix": {"language": f"{tag}-"}}]


def node_query(node: Node) -> Query:
    """The Query DSL of a parsed query (``listener.query.parse``)."""
    return _node(simplify(node))


def _node(node: Node) -> Query:
    if isinstance(node, Term):
        return _word(node)
    if isinstance(node, Phrase):
        return _phrase(node)
    if isinstance(node, Handle):
        return _handle(node)
    if isinstance(node, Hashtag):
        return {"term": {"hashtags": node.tag}}
    if isinstance(node, Field):
        return field_filter(node.name, (node.value,))
    if isinstance(node, Not):
        return {"bool": {"must_not": [_node(node.child)]}}
    if isinstance(node, Or):
        return _either(*(_node(c) for c in node.children))
    wanted = [_node(c) for c in node.children if not isinstance(c, Not | Field)]
    fields = [_node(c) for c in node.children if isinstance(c, Field)]
    unwanted = [_node(c.child) for c in node.children if isinstance(c, Not)]
    bool_query: dict[str, Any] = {}
    if wanted:
        bool_query["must"] = wanted
    if fields:
        bool_query["filter"] = fields
    if unwanted:
        bool_query["must_not"] = unwanted
    return {"bool": bool_query}


def text_query(query: str | None) -> Query | None:
    """The query language's text as the Query DSL, or None when there is none."""
    if query is None or not query.strip():
        return None
    return node_query(parse(query))


def _choice(value: str) -> str:
    return value.strip().lower()


def ask_filters(ask: SearchAsk) -> list[Query]:
    """The filters of a search (tombstones left out first), as ``search_where`` writes them
    for SQLite. Values were validated there; they are normalised the same way here."""
    found: list[Query] = [_LIVE]
    if ask.brand is not None:
        found.append({"term": {"brand_keys": ask.brand.lower()}})
    if ask.source is not None:
        found.append(field_filter("source", (ask.source.casefold(),)))
    if ask.sentiment is not None:
        found.append({"term": {"sentiment_label": SentimentLabel(_choice(ask.sentiment)).value}})
    if ask.complaint is not None:
        found.append({"term": {"complaint": ask.complaint}})
    if ask.feeling is not None:
        found.append({"term": {"feelings": _choice(ask.feeling)}})
    if ask.topic is not None:
        found.append({"term": {"topics": _choice(ask.topic)}})
    if ask.flag is not None:
        found.append({"term": {"flags": Flag(_choice(ask.flag)).value}})
    if ask.urgency is not None:
        found.append({"term": {"urgency": Urgency(_choice(ask.urgency)).value}})
    if ask.language is not None:
        tag = _choice(ask.language)
        if tag == UNKNOWN_LANGUAGE:
            found.append({"bool": {"must_not": [{"exists": {"field": "language"}}]}})
        else:
            found.append(_either(*_language(tag)))
    published: dict[str, str] = {}
    if ask.since is not None:
        published["gte"] = _when(ask.since)
    if ask.until is not None:
        published["lt"] = _when(ask.until)
    if published:
        found.append({"range": {"published_at": published}})
    return found


def _when(moment: datetime) -> str:
    return ts(moment)


def ask_query(ask: SearchAsk) -> Query:
    """The whole search: the text query scored, the filters not."""
    bool_query: dict[str, Any] = {"filter": ask_filters(ask)}
    text = text_query(ask.query)
    if text is not None:
        bool_query["must"] = [text]
    return {"bool": bool_query}


def highlight_request(highlight: tuple[str, str], *, fragment_chars: int) -> Query:
    """Highlights with ``highlight``'s markers: the whole title, one fragment of the text
    (its start when no word of it matched), and the same from the ``.cjk`` sub-fields."""
    open_mark, close_mark = highlight
    fields: dict[str, Any] = {}
    for name in _MARK_FIELDS:
        if name.startswith("title"):
            fields[name] = {"number_of_fragments": 0}
        else:
            fields[name] = {"fragment_size": fragment_chars, "number_of_fragments": 1}
    return {"pre_tags": [open_mark], "post_tags": [close_mark], "fields": fields,
            "require_field_match": True}  # fmt: skip
