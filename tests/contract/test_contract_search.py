"""Search in the query language on both engines: the same mentions found for every shape
of query and every filter, hostile strings taken literally, highlights in the caller's
markers, offset pages without repeats or gaps, an edit's old words and a tombstone never
found again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from listener.query import QueryError
from listener.store import SQLiteStore
from tests.contract.mentions import BY_ID, NEWEST_FIRST, T0, fill


@pytest.fixture
def filled(store: SQLiteStore, writer: SQLiteStore) -> SQLiteStore:
    """``store``, reading what another daemon (``writer``) stored."""
    fill(writer)
    return store


def found(store: SQLiteStore, query: str | None, **filters: Any) -> set[str]:
    return {hit.mention.id for hit in store.search(query, limit=50, **filters)}


# query → the mentions it finds (relevance orders them: the engines' scores differ, the
# set they rank must not).
QUERIES = [
    ("anvil", {"news:1"}),  # not "anvils", not the tombstoned "anvil"
    ("ANVIL", {"news:1"}),
    ("anvil*", {"news:1", "news:6"}),
    ("cafe", {"reddit-main:3"}),  # accents folded: "Café"
    ("creme", {"reddit-main:3"}),
    ('"rocket skates"', {"news:2"}),
    ("acme AND globex", {"news:11"}),
    ("globex OR hiring", {"news:7", "reddit-main:4", "news:11"}),
    ("NOT acme", {"reddit-main:4"}),
    ("(anvil OR skates) -rocket", {"news:1"}),
    ("@acme", {"news:11"}),  # the handle only, not @acmehelp
    ("@acmehelp", {"news:2"}),
    ("acmehelp", {"news:2"}),  # a plain word finds the handle's word in the text
    ("#anvils", {"news:1"}),
    ("東京", {"masto:5"}),  # letters without spaces between words
    ("新製品", {"masto:5"}),
    ("lang:fr", {"reddit-main:3"}),
    ("lang:hi", {"news:12"}),  # hi-Latn is hi
    ("lang:de job", {"news:7"}),
    ("source:reddit", {"reddit-main:3", "reddit-main:4"}),  # a source type
    ("source:masto acme", {"masto:5"}),  # a source name
    ("wile", set()),  # words are searched in the title and text, not the author
    ("draft", set()),  # the edit replaced it
    ("thoughts", {"news:9"}),
    ("secret", set()),  # the tombstone's words are gone
    # Hostile strings are words to find, never syntax of either engine.
    ('"*:* OR a^3"', {"news:10"}),
    ("a^3", {"news:10"}),
    ('"query"', {"news:10"}),
    ("bold", {"news:10"}),
]


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_a_query_finds_the_same_mentions(
    filled: SQLiteStore, query: str, expected: set[str]
) -> None:
    assert found(filled, query) == expected


def test_acme_without_job_finds_every_live_acme_mention_but_the_job(filled: SQLiteStore) -> None:
    acme = {i for i in NEWEST_FIRST if "Acme" in BY_ID[i].brands or i == "news:6"}
    assert found(filled, "acme -job") == acme - {"news:7"}


# What the language cannot say is the same error on both engines: the translator to the
# Query DSL refuses what the FTS5 one refuses, with the same words.
REFUSED = [
    ("*:*", "'*' at column 1 is only allowed at the end of a word"),
    ("\\", "has no letters or digits to search for"),
    ("a OR NOT b", "NOT at column 6 cannot be searched"),
    ("lang:en OR acme", "field filter 'lang:en' at column 1 cannot be searched here"),
    ("(acme", "unbalanced parenthesis"),
    ('x"', "unterminated quote"),
    ("title:acme", "unknown field 'title:'"),
]


@pytest.mark.parametrize(("query", "message"), REFUSED, ids=[q for q, _ in REFUSED])
def test_a_query_the_language_cannot_say_is_the_same_error(
    filled: SQLiteStore, query: str, message: str
) -> None:
    with pytest.raises(QueryError) as raised:
        filled.search(query)
    assert message in raised.value.message


@pytest.mark.parametrize(("query", "expected"), [("acme^", 11), ("acme~2", 0), ("a^3", 1)])
def test_query_string_syntax_is_only_words(filled: SQLiteStore, query: str, expected: int) -> None:
    # Boost and fuzziness marks of Lucene's query string are punctuation here: "acme^" is
    # the word acme, "acme~2" the phrase "acme 2" (no mention has it).
    assert len(filled.search(query, limit=50)) == expected


FILTERS: list[tuple[dict[str, Any], list[str]]] = [
    ({"brand": "Globex"}, ["news:11", "reddit-main:4"]),
    ({"brand": "globex"}, ["news:11", "reddit-main:4"]),
    ({"source": "reddit"}, ["reddit-main:4", "reddit-main:3"]),
    ({"source": "reddit-main"}, ["reddit-main:4", "reddit-main:3"]),
    ({"source": "masto"}, ["masto:5"]),
    ({"sentiment": "negative"}, ["reddit-main:4", "news:2"]),
    ({"complaint": True}, ["reddit-main:4", "news:2"]),
    ({"complaint": False}, [i for i in NEWEST_FIRST if i not in ("reddit-main:4", "news:2")]),
    ({"feeling": "ANGRY"}, ["news:2"]),
    ({"topic": "delivery"}, ["reddit-main:4"]),
    ({"language": "hi"}, ["news:12"]),
    (
        {"language": "en"},
        ["news:11", "news:10", "news:9", "news:6", "reddit-main:4", "news:2", "news:1"],
    ),  # en-GB is en
    ({"language": "unknown"}, ["news:13"]),
    ({"urgency": "high"}, ["news:2"]),
    ({"flag": "spam"}, ["news:7"]),
    # since inclusive, until exclusive, on published_at
    (
        {"since": T0 + timedelta(hours=4), "until": T0 + timedelta(hours=7)},
        ["news:6", "masto:5", "reddit-main:4"],
    ),
    ({"brand": "Acme", "sentiment": "positive", "language": "en"}, ["news:11", "news:1"]),
]


@pytest.mark.parametrize(("filters", "expected"), FILTERS, ids=[str(f) for f, _ in FILTERS])
def test_a_filter_lists_the_same_mentions_newest_first(
    filled: SQLiteStore, filters: dict[str, Any], expected: list[str]
) -> None:
    assert [h.mention.id for h in filled.search(None, limit=50, **filters)] == expected


def test_filters_narrow_a_text_query(filled: SQLiteStore) -> None:
    assert found(filled, "acme", brand="Globex") == {"news:11"}
    assert found(filled, "acme", complaint=True, source="rss") == {"news:2"}


@pytest.mark.parametrize(
    ("filters", "message"),
    [({"sentiment": "furious"}, "sentiment must be one of"), ({"urgency": "now"}, "urgency")],
)
def test_a_bad_filter_value_is_refused_the_same_way(
    filled: SQLiteStore, filters: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        filled.search(None, **filters)


def test_everything_newest_first_without_a_query(filled: SQLiteStore) -> None:
    assert [h.mention.id for h in filled.search(None, limit=50)] == NEWEST_FIRST
    assert [h.mention.id for h in filled.search("", limit=50)] == NEWEST_FIRST


def test_offset_pages_cut_one_list_without_repeats_or_gaps(filled: SQLiteStore) -> None:
    for query in (None, "acme"):
        whole = [h.mention.id for h in filled.search(query, limit=50)]
        paged = [
            h.mention.id for offset in range(0, 15, 4)
            for h in filled.search(query, limit=4, offset=offset)
        ]  # fmt: skip
        assert paged == whole, query
        assert len(set(whole)) == len(whole) == (12 if query is None else 11)


def test_a_page_past_every_match_is_empty_however_deep(filled: SQLiteStore) -> None:
    # Elasticsearch refuses from + size past index.max_result_window (10,000; osmem too):
    # a deep page is still an empty page, not an error.
    assert filled.search(None, limit=20, offset=10_000) == []
    assert filled.search("acme", limit=20, offset=10_000) == []


def test_highlights_wrap_the_matched_word_in_the_callers_markers(filled: SQLiteStore) -> None:
    [hit] = filled.search("anvil", highlight=("[[", "]]"))
    assert hit.title_highlighted == "Acme [[anvil]] arrives"
    assert "[[anvil]]" in hit.snippet and "[[anvils]]" not in hit.snippet
    assert hit.score is not None and hit.mention == BY_ID["news:1"]


def test_a_snippet_is_raw_text_for_the_renderer_to_escape(filled: SQLiteStore) -> None:
    [hit] = filled.search("bold", highlight=("[", "]"))
    # The text's own markup is kept as the text has it (not escaped, not interpreted):
    # escaping is the page's job, once.
    assert "<b>[bold]</b>" in hit.snippet
    assert hit.title_highlighted == ""


def test_an_unranked_hit_gives_the_text_as_its_snippet(filled: SQLiteStore) -> None:
    [hit] = filled.search(None, flag="spam")
    assert hit.score is None
    assert (hit.snippet, hit.title_highlighted) == (BY_ID["news:7"].text, "")


def test_a_tombstone_is_never_found_but_still_read_by_id(filled: SQLiteStore) -> None:
    assert "news:8" not in found(filled, None) | found(filled, "acme") | found(filled, "leak")
    gone = filled.get_mention("news:8")
    assert gone is not None and gone.deleted_at is not None and gone.text == ""
