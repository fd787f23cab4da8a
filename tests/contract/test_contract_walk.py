"""The search page's other reads on both engines: the newest-first keyset walk (no repeats,
no gaps, a cursor per page), counts per facet over the newest matches, the export's records
and the rollups' exact count."""

from __future__ import annotations

from typing import Any

import pytest

from listener.store import SQLiteStore
from listener.store.search import SearchWhere, search_where
from listener.store.search_export_rows import export_rows
from listener.store.search_facets import facet_counts
from listener.store.search_walk import FIRST_PAGE, walk_page
from listener.store.stats import exact_count
from tests.contract.mentions import BY_ID, NEWEST_FIRST, fill, mention, settle


@pytest.fixture
def filled(store: SQLiteStore, writer: SQLiteStore) -> SQLiteStore:
    """``store``, reading what another daemon (``writer``) stored."""
    fill(writer)
    return store


def where(query: str | None = None, *, on_filters: bool = False, **filters: Any) -> SearchWhere:
    asked: dict[str, Any] = {"brand": None, "source": None, "sentiment": None}
    asked |= {"since": None, "until": None} | filters
    return search_where(query, on_filters=on_filters, **asked)


def walked(store: SQLiteStore, searched: SearchWhere, limit: int) -> list[list[str]]:
    pages: list[list[str]] = []
    after: int | None = FIRST_PAGE
    while after is not None:
        page = walk_page(store, searched, after=after, limit=limit)
        pages.append([hit.mention.id for hit in page.hits])
        after = page.next_after
        assert len(pages) <= 20, "the walk does not end"
    return pages


@pytest.mark.parametrize(
    ("query", "filters", "expected"),
    [
        (None, {}, NEWEST_FIRST),
        ("acme", {}, [i for i in NEWEST_FIRST if i != "reddit-main:4"]),
        (
            None,
            {"language": "en"},
            ["news:11", "news:10", "news:9", "news:6", "reddit-main:4", "news:2", "news:1"],
        ),
        (
            "acme -job",
            {"brand": "Acme"},
            [i for i in NEWEST_FIRST if i not in ("reddit-main:4", "news:7")],
        ),
    ],
)
def test_a_walk_reads_every_match_once_newest_stored_first(
    filled: SQLiteStore, query: str | None, filters: dict[str, Any], expected: list[str]
) -> None:
    for limit in (1, 3, 4, 50):
        pages = walked(filled, where(query, **filters), limit)
        assert [i for page in pages for i in page] == expected, limit
        # Every page is full but the last, and no empty page follows a full one.
        assert all(len(page) == limit for page in pages[:-1])
        assert 1 <= len(pages[-1]) <= limit


def test_a_walk_of_nothing_is_one_empty_page(filled: SQLiteStore) -> None:
    page = walk_page(filled, where("zebra"), after=FIRST_PAGE, limit=5)
    assert (page.hits, page.next_after) == ([], None)


def test_a_walked_hit_is_highlighted_in_the_callers_markers(filled: SQLiteStore) -> None:
    page = walk_page(filled, where("anvil"), after=FIRST_PAGE, limit=5, highlight=("<<", ">>"))
    [hit] = page.hits
    assert hit.mention == BY_ID["news:1"]
    assert hit.title_highlighted == "Acme <<anvil>> arrives" and "<<anvil>>" in hit.snippet


def test_a_walk_continues_past_mentions_stored_meanwhile(filled: SQLiteStore) -> None:
    # The cursor is a position in the order, not an offset: a mention stored between two
    # pages is above the cursor (newest), so the walk neither repeats nor skips one.
    first = walk_page(filled, where(), after=FIRST_PAGE, limit=5)
    filled.insert_mentions([mention(30, "Acme newer than everything")])
    settle(filled)
    assert first.next_after is not None
    rest = walked_from(filled, where(), first.next_after, 5)
    assert [h.mention.id for h in first.hits] + rest == NEWEST_FIRST


def walked_from(store: SQLiteStore, searched: SearchWhere, after: int, limit: int) -> list[str]:
    found: list[str] = []
    cursor: int | None = after
    while cursor is not None:
        page = walk_page(store, searched, after=cursor, limit=limit)
        found += [hit.mention.id for hit in page.hits]
        cursor = page.next_after
    return found


def test_facets_count_every_match_below_the_sample(filled: SQLiteStore) -> None:
    counts = facet_counts(filled, where())
    assert (counts.counted, counts.capped) == (12, False)
    assert counts.values == {
        "brand": [("Acme", 11), ("Globex", 2)],
        "source": [("news", 9), ("reddit-main", 2), ("masto", 1)],
        "sentiment": [("neutral", 6), ("positive", 4), ("negative", 2)],
        "complaint": [("no", 10), ("yes", 2)],
        # The language as stored (the filter groups en-GB under en; the facet lists it).
        "language": [
            ("en", 6),
            ("", 1),
            ("de", 1),
            ("en-GB", 1),
            ("fr", 1),
            ("hi-Latn", 1),
            ("ja", 1),
        ],
        "feeling": [("angry", 1), ("frustrated", 1)],
        "topic": [("delivery", 1), ("quality", 1)],
        "urgency": [("normal", 11), ("high", 1)],
        "flag": [("spam", 1)],
    }


def test_facets_over_a_sample_count_the_newest_and_say_so(filled: SQLiteStore) -> None:
    counts = facet_counts(filled, where(), sample=5)
    assert (counts.counted, counts.capped) == (5, True)
    assert counts.values["brand"] == [("Acme", 5), ("Globex", 1)]
    assert counts.values["language"] == [("en", 2), ("", 1), ("en-GB", 1), ("hi-Latn", 1)]
    text = facet_counts(filled, where("acme", complaint=True))
    assert (text.counted, text.capped) == (1, False)
    assert text.values["topic"] == [("quality", 1)]


def test_the_export_reads_every_match_in_pages_as_records(filled: SQLiteStore) -> None:
    searched = where("acme", on_filters=True)
    pages = [[r["id"] for r in page] for page in export_rows(filled, searched, page_size=4)]
    assert pages == [
        ["news:13", "news:12", "news:11", "news:10"],
        ["news:9", "news:7", "news:6", "masto:5"],
        ["reddit-main:3", "news:2", "news:1"],
    ]
    [first, *_] = next(export_rows(filled, where("nothing", on_filters=True), page_size=50))
    assert first == {
        "id": "news:13", "published_at": "2026-03-02T21:00:00+00:00", "source": "news",
        "source_type": "rss", "author_handle": "user13", "author_name": "User13",
        "url": "https://example.com/a/13?utm_source=x", "title": "",
        "text": "Nothing to say about Acme today", "language": None,
        "sentiment_label": "neutral", "sentiment": None, "complaint": False,
        "complaint_score": 0.0, "feelings": [], "topics": [], "urgency": "normal", "reach": 0,
        "brands": ["Acme"],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("filters", "expected"),
    [({}, 12), ({"brand": "Acme"}, 11), ({"brand": "Acme", "sentiment": "positive"}, 4),
     ({"language": "en"}, 7), ({"complaint": True}, 2), ({"topic": "delivery"}, 1)],
)  # fmt: skip
def test_exact_count_is_what_search_finds(
    filled: SQLiteStore, filters: dict[str, Any], expected: int
) -> None:
    assert exact_count(filled, **filters) == expected
    assert len(filled.search(None, limit=50, **filters)) == expected
