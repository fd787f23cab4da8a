"""The query language as the Query DSL (listener.store.elasticsearch.translate): the shapes
each leaf becomes, and user text that stays a literal value whatever it holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from listener.query import QueryError
from listener.store.elasticsearch.translate import ask_filters, ask_query, text_query
from listener.store.mention_index import SearchAsk
from listener.store.search import search_where

_OPERATOR_QUERIES = {"query_string", "simple_query_string", "query_string_query", "script"}


def _keys(tree: Any) -> set[str]:
    if isinstance(tree, dict):
        return set(tree).union(*(_keys(v) for v in tree.values()))
    if isinstance(tree, list):
        return set().union(*(_keys(v) for v in tree))
    return set()


def _values(tree: Any) -> list[str]:
    """Every user value in the DSL: the "query" of match/match_phrase, "value" of
    term/prefix, or the bare value of a term."""
    found: list[str] = []
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key in ("query", "value") and isinstance(value, str):
                found.append(value)
            elif key in ("term", "prefix") and isinstance(value, dict):
                for inner in value.values():
                    found.extend([inner] if isinstance(inner, str) else _values(inner))
            else:
                found.extend(_values(value))
    elif isinstance(tree, list):
        for item in tree:
            found.extend(_values(item))
    return found


def test_a_word_is_a_match_on_title_and_text_with_the_title_weighted() -> None:
    assert text_query("Acme") == {
        "bool": {
            "should": [
                {"match": {"title": {"query": "acme", "boost": 5.0}}},
                {"match": {"text": {"query": "acme", "boost": 1.0}}},
                # a Latin word glued to Japanese is a word of its own in the bigrams
                {"match": {"title.cjk": {"query": "acme", "boost": 5.0}}},
                {"match": {"text.cjk": {"query": "acme", "boost": 1.0}}},
            ],
            "minimum_should_match": 1,
        }
    }


def test_a_phrase_a_prefix_and_accents_folded_like_the_parser() -> None:
    phrase = json.dumps(text_query('"Café  Olé"'))
    assert '"match_phrase": {"title": {"query": "cafe ole"' in phrase
    prefix = json.dumps(text_query("acm*"))
    assert '"prefix": {"title": {"value": "acm"' in prefix
    # wi-fi is the phrase of its words, as FTS5 reads it
    assert '"match_phrase": {"text": {"query": "wi fi"' in json.dumps(text_query("wi-fi"))


def test_a_spaceless_word_searches_the_cjk_sub_fields_even_as_a_prefix() -> None:
    for query in ("東京", "東京*"):
        found = json.dumps(text_query(query), ensure_ascii=False)
        assert '"match_phrase": {"title.cjk": {"query": "東京"' in found
        assert '"text.cjk"' in found
        assert '"prefix"' not in found


def test_handles_hashtags_and_fields() -> None:
    handle = text_query("@Acme")
    assert handle == {
        "bool": {
            "should": [
                {"term": {"handles": "acme"}},
                {"prefix": {"handles": "acme@"}},
                {"prefix": {"handles": "acme."}},
            ],
            "minimum_should_match": 1,
        }
    }
    assert text_query("#Anvils") == {"term": {"hashtags": "anvils"}}
    lang = json.dumps(text_query("acme lang:pt"))
    assert '"filter": [{"bool": {"should": [{"term": {"language": "pt"}}' in lang
    assert '{"prefix": {"language": "pt-"}}' in lang
    source = json.dumps(text_query("acme source:HN"))
    assert '{"term": {"source": {"value": "hn", "case_insensitive": true}}}' in source
    assert '{"term": {"source_type": {"value": "hn", "case_insensitive": true}}}' in source


def test_booleans_nest_and_double_negation_cancels() -> None:
    query = text_query("acme (anvil OR rocket) -spam")
    assert query is not None
    inner = query["bool"]
    assert len(inner["must"]) == 2 and "should" in inner["must"][1]["bool"]
    assert len(inner["must_not"]) == 1
    assert text_query("acme --spam") == text_query("acme spam")
    only_not = text_query("-spam")
    assert only_not is not None and set(only_not["bool"]) == {"must_not"}


@pytest.mark.parametrize(
    "hostile",
    [
        '"*:* OR a^3 ~ \\\\"',
        "*:* OR a^3 ~ \\",
        "title:(x) AND {!join} _exists_:x",
        '"); DROP TABLE mentions; --',
        "a~2 b^10 /regex.*/ [1 TO 5]",
        "<script>alert(1)</script>",
    ],
)
def test_hostile_text_stays_literal_values_never_query_syntax(hostile: str) -> None:
    try:
        where = search_where(hostile, brand=None, source=None, sentiment=None,
                             since=None, until=None)  # fmt: skip
    except QueryError:
        return  # refused as the SQLite engine refuses it: nothing reaches the cluster
    assert where.ask is not None
    dsl = ask_query(where.ask)
    assert not _keys(dsl) & _OPERATOR_QUERIES
    # Each value is a word the parser made: letters and digits, or words joined by spaces
    # (a phrase, or its words joined by ' or . as one word), a prefix's word, a filter's value.
    for value in _values(dsl):
        assert all(ch.isalnum() or ch in " _-@.'" for ch in value), (value, dsl)


def test_filters_as_search_where_writes_them() -> None:
    ask = SearchAsk(
        brand="ACME", source="HN", sentiment="Negative", complaint=True, feeling=" Angry ",
        topic="Billing", language="unknown", urgency="HIGH", flag="Spam",
        since=datetime(2024, 5, 1, tzinfo=UTC), until=datetime(2024, 5, 2, tzinfo=UTC),
    )  # fmt: skip
    found = json.dumps(ask_filters(ask))
    for piece in (
        '{"term": {"live": true}}',
        '{"term": {"brand_keys": "acme"}}',
        '{"term": {"sentiment_label": "negative"}}',
        '{"term": {"complaint": true}}',
        '{"term": {"feelings": "angry"}}',
        '{"term": {"topics": "billing"}}',
        '{"term": {"urgency": "high"}}',
        '{"term": {"flags": "spam"}}',
        '{"bool": {"must_not": [{"exists": {"field": "language"}}]}}',
        '"range": {"published_at": {"gte": "2024-05-01T00:00:00',
    ):
        assert piece in found, piece
    # Tombstones are left out of every search, even one with nothing asked.
    assert ask_filters(SearchAsk()) == [{"term": {"live": True}}]


def test_search_where_keeps_what_was_asked() -> None:
    where = search_where("acme", brand="acme", source=None, sentiment="negative",
                         since=None, until=None, topic="billing")  # fmt: skip
    assert where.ask == SearchAsk(query="acme", brand="acme", sentiment="negative", topic="billing")
    with pytest.raises(ValueError, match="sentiment must be one of"):
        search_where("acme", brand=None, source=None, sentiment="grumpy", since=None, until=None)
