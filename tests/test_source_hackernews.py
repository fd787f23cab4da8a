"""The hackernews source against a local server replaying Algolia's real 2014 answers
(tests/fixtures/hackernews/, provenance in tests/fixtures/README.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer

from listener.models import Author, Engagement
from listener.sources import hackernews
from listener.sources.errors import RateLimited, TransientError
from tests.source_helpers import (
    NOW,
    Capture,
    ReplayPlan,
    capture,
    next_state,
    poll_source,
    serve,
)

STORIES = "hackernews/extracted_2014__search_by_date_story_query_apple.json"
COMMENTS = "hackernews/extracted_2014__search_by_date_comment_query_apple.json"
PATH = "/api/v1/search_by_date"


def replay(server: HTTPServer) -> ReplayPlan:
    """The story capture, for the all-sources test (tests/test_sources_all.py)."""
    serve(server, PATH, capture(STORIES))
    return ReplayPlan(
        options={"api_url": api(server), "query": "apple", "max_pages": 1},
        term="apple",
        mentions=1,
    )


def api(server: HTTPServer) -> str:
    return server.url_for("/api/v1")


def page(hits: list[dict[str, object]], *, page: int = 0, pages: int = 1) -> Capture:
    return Capture(json.dumps({"hits": hits, "page": page, "nbPages": pages}).encode())


def test_a_story_hit_maps_to_a_mention(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(STORIES))
    result = poll_source(hackernews, api_url=api(httpserver), query="apple", max_pages=1)
    [item] = result.items
    assert item.native_id == "7919424"
    assert item.url == "https://news.ycombinator.com/item?id=7919424"
    assert item.title == "Judge says concerned about Apple, Google hiring settlement"
    assert item.html == ""  # a link story: story_text is ""
    assert item.author == Author(
        handle="bradleyjg", url="https://news.ycombinator.com/user?id=bradleyjg"
    )
    assert item.published_at == datetime(2014, 6, 20, 3, 35, 46, tzinfo=UTC)
    assert item.engagement == Engagement(likes=1, replies=0)
    assert item.thread_id == "7919424" and item.parent_id is None
    assert item.extra["url"].startswith("http://in.reuters.com/")


def test_a_comment_hit_keeps_its_html_and_thread_but_not_the_story_title(
    httpserver: HTTPServer,
) -> None:
    serve(httpserver, PATH, capture(COMMENTS))
    [item] = poll_source(hackernews, api_url=api(httpserver), query="apple", max_pages=1).items
    assert item.native_id == "7919418"
    assert item.title is None  # the story's title is not the comment's words
    assert item.extra["story_title"].startswith("Starbucks admits")
    assert "aren&#x27;t contributing" in item.html  # HTML stays HTML; the pipeline strips it
    assert item.parent_id == "7919290" and item.thread_id == "7918547"
    assert item.engagement == Engagement(likes=1, replies=None)


def test_the_first_poll_looks_back_and_later_polls_continue(httpserver: HTTPServer) -> None:
    # The capture answered hitsPerPage=1 and says there are 1,000 pages: one poll of one
    # page cannot finish, so the next poll asks for the rest of the range.
    stories = serve(httpserver, PATH, capture(STORIES))
    now = datetime(2014, 6, 21, tzinfo=UTC)
    options = {"api_url": api(httpserver), "query": "apple", "lookback": "2d", "max_pages": 1}
    first = poll_source(hackernews, now=now, **options)
    since = int((now - timedelta(days=2)).timestamp())
    sent = stories.args[0]
    assert sent["numericFilters"] == f"created_at_i>={since}"
    assert sent["query"] == "apple" and sent["tags"] == "(story,comment)"
    cursor = json.loads(first.cursor or "")
    assert cursor == {"since": since, "newest": 1403235346, "gap_until": 1403235346}

    poll_source(hackernews, next_state(first), now=now, **options)
    assert stories.args[1]["numericFilters"] == (f"created_at_i>={since},created_at_i<=1403235346")


START = int((NOW - timedelta(days=1)).timestamp())  # where a default first poll starts


def hit(object_id: int, created: int) -> dict[str, object]:
    """A hit ``created`` seconds after the first poll's start."""
    return {
        "objectID": str(object_id),
        "created_at_i": START + created,
        "title": "acme",
        "author": "a",
    }


def test_a_poll_stops_at_max_pages_and_the_next_fetches_the_gap(httpserver: HTTPServer) -> None:
    # Three pages of newest-first hits; the poll may read two.
    pages = [
        page([hit(30, 300), hit(29, 290)], page=0, pages=3),
        page([hit(28, 280), hit(27, 270)], page=1, pages=3),
        page([hit(26, 260)], page=2, pages=3),
    ]
    requests: list[dict[str, str]] = []

    def answer(request):  # type: ignore[no-untyped-def]
        requests.append(dict(request.args))
        return pages[int(request.args["page"])].response()

    httpserver.expect_request(PATH).respond_with_handler(answer)
    options = {"api_url": api(httpserver), "query": "acme", "max_pages": 2}
    state = next_state(poll_source(hackernews, **options))  # first poll, since = NOW - 1 day
    assert [r["page"] for r in requests] == ["0", "1"]
    cursor = json.loads(state.cursor or "")
    assert cursor == {"since": START, "gap_until": START + 270, "newest": START + 300}

    requests.clear()
    pages[:] = [page([hit(27, 270), hit(26, 260)], page=0, pages=1)]
    state = next_state(poll_source(hackernews, state, **options), state)
    assert requests[0]["numericFilters"] == f"created_at_i>={START},created_at_i<={START + 270}"
    # The gap is closed: on from the newest hit either poll saw.
    assert json.loads(state.cursor or "") == {"since": START + 300}


def test_hits_beyond_algolias_1000_are_left_as_a_gap_not_skipped(httpserver: HTTPServer) -> None:
    # 5,000 matching hits: Algolia pages through the first 1,000 only (nbPages says 10 with
    # 100 a page); here the last page it serves is page 1.
    def answer(request):  # type: ignore[no-untyped-def]
        first = int(request.args["page"]) == 0
        hits = [hit(30, 300), hit(29, 290)] if first else [hit(28, 280), hit(27, 270)]
        body = {"hits": hits, "page": int(request.args["page"]), "nbPages": 2, "nbHits": 5000}
        return Capture(json.dumps(body).encode()).response()

    httpserver.expect_request(PATH).respond_with_handler(answer)
    options = {"api_url": api(httpserver), "query": "acme", "max_pages": 5}
    cursor = json.loads(poll_source(hackernews, **options).cursor or "")
    # The hits older than the 1,000th are fetched next, in the narrower window below them.
    assert cursor == {"since": START, "gap_until": START + 270, "newest": START + 300}


def test_a_429_with_retry_after_is_rate_limited(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, Capture(b"slow down", 429, {"Retry-After": "120"}))
    with pytest.raises(RateLimited) as raised:
        poll_source(hackernews, api_url=api(httpserver), query="apple")
    assert raised.value.retry_after_s == 120


def test_an_html_error_page_is_a_transient_error_naming_the_content(
    httpserver: HTTPServer,
) -> None:
    serve(httpserver, PATH, Capture(b"<html>oops</html>", 200, {"Content-Type": "text/html"}))
    with pytest.raises(TransientError, match=r"did not return JSON.*text/html"):
        poll_source(hackernews, api_url=api(httpserver), query="apple")


def test_a_response_without_hits_is_a_clear_error(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, Capture(b'{"message": "index unavailable"}'))
    with pytest.raises(TransientError, match="expected list at 'hits'"):
        poll_source(hackernews, api_url=api(httpserver), query="apple")


@pytest.mark.parametrize(
    "bad", [{"query": ""}, {"query": "a", "tags": ["stories"]}, {"query": "a", "max_pages": 0}]
)
def test_options_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        hackernews.Options(**bad)


def test_a_hit_without_an_id_is_reported_and_the_rest_kept(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, page([hit(1, 10), {"title": "acme", "created_at_i": START + 5}]))
    result = poll_source(hackernews, api_url=api(httpserver), query="acme")
    assert [item.native_id for item in result.items] == ["1"]
    assert result.problems == ["HN search: skipped a hit without objectID"]
