"""The stackexchange source against a local server: a synthetic /search/advanced answer in the
documented shape, and StackAPI's real wrapper (tests/fixtures/stackexchange/README.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.models import Author, Engagement
from listener.sources import stackexchange
from listener.sources.errors import PermanentError, RateLimited, TransientError
from tests.source_helpers import (
    NOW,
    Capture,
    ReplayPlan,
    capture,
    next_state,
    poll_source,
    serve,
)

QUESTIONS = "stackexchange/synthetic_search_advanced_questions.json"
WRAPPER = "stackexchange/stackapi__users_associated.json"
THROTTLED = "stackexchange/synthetic_error_throttle_violation.json"
BAD_PARAMETER = "stackexchange/synthetic_error_bad_parameter.json"
PATH = "/2.3/search/advanced"


def replay(server: HTTPServer) -> ReplayPlan:
    """The synthetic search answer: every question mentions quuxdb."""
    serve(server, PATH, capture(QUESTIONS))
    questions = capture(QUESTIONS).json()["items"]
    return ReplayPlan(
        options={"api_url": api(server), "site": "stackoverflow", "query": "quuxdb"},
        term="quuxdb",
        mentions=len({q["question_id"] for q in questions if "quuxdb" in json.dumps(q).lower()}),
    )


def api(server: HTTPServer) -> str:
    return server.url_for("/2.3")


def options(server: HTTPServer, **more: Any) -> dict[str, Any]:
    return {"api_url": api(server), "site": "stackoverflow", "query": "quuxdb", **more}


def answer(questions: list[dict[str, Any]], **wrapper: Any) -> Capture:
    body = {"items": questions, "has_more": False, "quota_max": 300, "quota_remaining": 250}
    return Capture(json.dumps({**body, **wrapper}).encode())


def question(question_id: int, created: int) -> dict[str, Any]:
    return {"question_id": question_id, "creation_date": created, "title": "quuxdb", "body": ""}


def test_a_question_maps_to_a_mention(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(QUESTIONS))
    result = poll_source(stackexchange, **options(httpserver))
    assert result.problems == []
    edited, negative, orphan = result.items
    assert edited.native_id == "79100003" and edited.thread_id == "79100003"
    assert edited.url == (
        "https://stackoverflow.com/questions/79100003/quuxdb-pool-can-t-reconnect-after-failover"
    )
    # Titles arrive entity-escaped: that is HTML already, passed on as it is.
    assert edited.title == "QuuxDB pool can&#39;t reconnect after failover &amp; hangs"
    assert edited.html.startswith("<p>After a failover the <code>quuxdb</code> pool")
    assert edited.author == Author(
        name="Jörg Müller",  # names are plain text: unescaped
        url="https://stackoverflow.com/users/3570011/j%c3%b6rg-m%c3%bcller",
        followers=1532,  # reputation stands in for an audience
    )
    assert edited.published_at == datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert edited.edited_at == datetime(2026, 11, 22, 12, 35, tzinfo=UTC)
    assert edited.engagement == Engagement(likes=2, replies=0, views=41)
    assert edited.extra["tags"] == ["python", "quuxdb", "connection-pooling"]
    assert edited.language is None and edited.rating is None and edited.parent_id is None

    assert negative.edited_at is None  # never edited: no last_edit_date
    assert negative.engagement == Engagement(likes=0, replies=2, views=120)
    assert negative.extra["score"] == -3 and negative.extra["accepted_answer_id"] == 79100010

    assert orphan.author == Author(name="user9988776")  # the account no longer exists
    assert orphan.extra["owner_deleted"] is True


def test_the_request_asks_newest_first_with_bodies(httpserver: HTTPServer) -> None:
    search = serve(httpserver, PATH, capture(QUESTIONS))
    poll_source(
        stackexchange, **options(httpserver, tagged=["quuxdb", "python"], key="k3y", lookback="2d")
    )
    assert search.args[0] == {
        "site": "stackoverflow",
        "q": "quuxdb",
        "tagged": "quuxdb;python",
        "sort": "creation",
        "order": "desc",
        "fromdate": str(int((NOW - timedelta(days=2)).timestamp())),
        "pagesize": "100",
        "filter": "withbody",
        "key": "k3y",
        "page": "1",
    }


def test_a_site_of_one_language_gives_it(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(QUESTIONS))
    result = poll_source(stackexchange, **options(httpserver, site="pt.stackoverflow"))
    assert {item.language for item in result.items} == {"pt"}


def test_the_next_poll_starts_from_the_newest_question(httpserver: HTTPServer) -> None:
    search = serve(httpserver, PATH, capture(QUESTIONS))
    first = poll_source(stackexchange, **options(httpserver))
    assert json.loads(first.cursor or "") == {"since": 1795348800}
    poll_source(stackexchange, next_state(first), **options(httpserver))
    assert search.args[1]["fromdate"] == "1795348800" and "todate" not in search.args[1]


def test_a_poll_stops_at_max_pages_and_the_next_fetches_the_gap(httpserver: HTTPServer) -> None:
    start = int((NOW - timedelta(days=1)).timestamp())
    pages = {
        "1": answer([question(6, start + 600), question(5, start + 500)], has_more=True),
        "2": answer([question(4, start + 400), question(3, start + 300)], has_more=True),
    }
    sent: list[dict[str, str]] = []

    def handler(request: Request) -> Response:
        sent.append(dict(request.args))
        return pages[request.args["page"]].response()

    httpserver.expect_request(PATH).respond_with_handler(handler)
    state = next_state(poll_source(stackexchange, **options(httpserver, max_pages=2)))
    assert [r["page"] for r in sent] == ["1", "2"]
    cursor = json.loads(state.cursor or "")
    assert cursor == {"since": start, "newest": start + 600, "gap_until": start + 300}

    sent.clear()
    pages["1"] = answer([question(3, start + 300), question(2, start + 200)])
    state = next_state(poll_source(stackexchange, state, **options(httpserver, max_pages=2)), state)
    assert sent[0]["fromdate"] == str(start) and sent[0]["todate"] == str(start + 300)
    assert json.loads(state.cursor or "") == {"since": start + 600}


def test_a_backoff_ends_the_poll_and_delays_the_next(httpserver: HTTPServer) -> None:
    search = serve(httpserver, PATH, answer([question(1, 1795348800)], has_more=True, backoff=10))
    result = poll_source(stackexchange, **options(httpserver, max_pages=3))
    assert len(search.requests) == 1  # no second call before the backoff is over
    assert result.min_next_check_s == 10


def test_a_low_quota_spreads_polls_until_the_utc_day_ends(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, answer([], quota_remaining=12, quota_max=300))
    result = poll_source(stackexchange, **options(httpserver, max_pages=3))
    # 12 h to midnight UTC, 12 requests left at up to 3 a poll: a poll every 3 h.
    assert result.min_next_check_s == pytest.approx(12 * 3600 / 4)

    httpserver.clear_all_handlers()
    serve(httpserver, PATH, answer([], quota_remaining=9000, quota_max=10000))
    assert poll_source(stackexchange, **options(httpserver)).min_next_check_s is None


def test_a_spent_quota_stops_paging_until_midnight_utc(httpserver: HTTPServer) -> None:
    search = serve(
        httpserver, PATH, answer([question(1, 1795348800)], has_more=True, quota_remaining=0)
    )
    result = poll_source(stackexchange, **options(httpserver, max_pages=3))
    assert len(search.requests) == 1 and len(result.items) == 1
    assert result.min_next_check_s == 12 * 3600
    assert "gap_until" in json.loads(result.cursor or "")  # the rest comes tomorrow


def test_the_real_wrapper_reads_its_quota_and_skips_items_that_are_not_questions(
    httpserver: HTTPServer,
) -> None:
    # StackAPI's capture: a real wrapper (quota 9823 of 10000, has_more) around user items.
    search = serve(httpserver, PATH, capture(WRAPPER))
    result = poll_source(stackexchange, **options(httpserver, max_pages=1))
    assert result.items == [] and len(search.requests) == 1
    users = len(capture(WRAPPER).json()["items"])
    assert len(result.problems) == users
    assert "not a question" in result.problems[0]
    assert result.min_next_check_s is None  # plenty of quota left


def test_a_throttle_violation_is_rate_limited_for_as_long_as_it_says(
    httpserver: HTTPServer,
) -> None:
    serve(httpserver, PATH, capture(THROTTLED, status=502))
    with pytest.raises(RateLimited, match="throttle_violation") as raised:
        poll_source(stackexchange, **options(httpserver))
    assert raised.value.retry_after_s == 82626


def test_a_bad_parameter_is_permanent_and_names_it(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(BAD_PARAMETER, status=400))
    with pytest.raises(PermanentError, match="rejected a parameter: site is required"):
        poll_source(stackexchange, **options(httpserver, key="s3cret"))


def test_an_unexplained_server_error_stays_transient(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, Capture(b"<html>down</html>", 503, {"Content-Type": "text/html"}))
    with pytest.raises(TransientError) as raised:
        poll_source(stackexchange, **options(httpserver))
    assert not isinstance(raised.value, PermanentError)


@pytest.mark.parametrize(
    "bad",
    [
        {"site": "stackoverflow"},  # nothing to search for
        {"query": "acme"},  # no site
        {"site": "stack overflow", "query": "acme"},
        {"site": "stackoverflow", "query": "acme", "key": ""},
        {"site": "stackoverflow", "tagged": [""]},
        {"site": "stackoverflow", "q": "acme"},  # unknown key
        {"site": "stackoverflow", "query": "acme", "max_pages": 26},  # past 25 needs a key
    ],
)
def test_options_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        stackexchange.Options(**bad)


def test_a_key_allows_more_than_25_pages() -> None:
    opts = stackexchange.Options(site="stackoverflow", query="acme", max_pages=30, key="k")  # type: ignore[arg-type]
    assert opts.max_pages == 30


def test_tags_may_be_written_the_api_way() -> None:
    opts = stackexchange.Options(site="stackoverflow", tagged="quuxdb;python")  # type: ignore[arg-type]
    assert opts.tagged == ("quuxdb", "python")
