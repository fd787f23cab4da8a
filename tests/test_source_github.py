"""The github source against a local server. Every answer is synthetic (GitHub's real captures
are LGPL and not copied): tests/fixtures/github/README.md says which documented shapes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.models import Author, Engagement
from listener.sources import github
from listener.sources.errors import PermanentError, RateLimited
from tests.source_helpers import (
    NOW,
    Capture,
    ReplayPlan,
    capture,
    next_state,
    poll_source,
    serve,
)

SEARCH = "github/synthetic_search_issues.json"
SECONDARY = "github/synthetic_error_secondary_rate_limit.json"
EXHAUSTED = "github/synthetic_error_rate_limit_exceeded.json"
INVALID = "github/synthetic_error_validation_failed.json"
PATH = "/search/issues"
RESET = int((NOW + timedelta(seconds=60)).timestamp())
BUDGET = {"x-ratelimit-limit": "30", "x-ratelimit-remaining": "29", "x-ratelimit-reset": str(RESET)}


def replay(server: HTTPServer) -> ReplayPlan:
    """The synthetic search answer: every hit mentions frobnitz."""
    serve(server, PATH, capture(SEARCH, headers=BUDGET))
    hits = capture(SEARCH).json()["items"]
    return ReplayPlan(
        options={"api_url": server.url_for(""), "query": "frobnitz", "token": "${GITHUB_TOKEN}"},
        term="frobnitz",
        mentions=len({h["id"] for h in hits if "frobnitz" in f"{h['title']} {h['body']}".lower()}),
        environ={"GITHUB_TOKEN": "replay-token"},
    )


def options(server: HTTPServer, **more: Any) -> dict[str, Any]:
    return {"api_url": server.url_for(""), "query": "frobnitz", **more}


def test_search_hits_map_to_mentions(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(SEARCH, headers=BUDGET))
    result = poll_source(github, **options(httpserver))
    assert result.problems == []
    issue, pull, orphan = result.items
    assert issue.native_id == "3100000042" and issue.thread_id == "3100000042"
    assert issue.url == "https://github.com/octo-org/frobnitz/issues/42"
    # Title and Markdown body are plain text: escaped, so "<include>" is not a tag.
    assert issue.title == "Frobnitz crashes when config has &lt;include&gt; &amp; env vars"
    assert issue.html.startswith('Steps:\r\n1. put `&lt;include file="a"&gt;` in **frobnitz.yml**')
    assert issue.author == Author(handle="mona", url="https://github.com/mona")
    assert issue.published_at == datetime(2026, 11, 21, 9, 15, tzinfo=UTC)
    assert issue.edited_at is None  # updated_at moves on comments too: not an edit marker
    assert issue.engagement == Engagement(likes=5, replies=3)
    assert issue.language is None and issue.parent_id is None and issue.rating is None
    assert issue.extra == {
        "kind": "issue",
        "state": "open",
        "number": 42,
        "repository": "octo-org/frobnitz",
        "updated_at": "2026-11-22T10:00:00Z",
        "labels": ["bug"],
        "author_association": "NONE",
        "author_type": "User",
    }

    assert pull.extra["kind"] == "pull_request" and pull.extra["state"] == "closed"
    assert pull.extra["author_type"] == "Bot" and pull.html == ""  # body: null
    assert pull.engagement == Engagement(likes=0, replies=0)
    assert orphan.author.handle == "ghost"  # GitHub's stand-in for a deleted account


def test_the_request_asks_for_updates_oldest_first_with_the_api_headers(
    httpserver: HTTPServer,
) -> None:
    search = serve(httpserver, PATH, capture(SEARCH))
    poll_source(github, **options(httpserver, token="t0ken", lookback="2d"))
    [request] = search.requests
    assert dict(request.args) == {
        "q": "frobnitz updated:>=2026-11-20T12:00:00Z",
        "sort": "updated",
        "order": "asc",
        "per_page": "100",
        "page": "1",
    }
    assert request.headers["Accept"] == "application/vnd.github+json"
    assert request.headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert request.headers["Authorization"] == "Bearer t0ken"


def test_without_a_token_no_authorization_is_sent(httpserver: HTTPServer) -> None:
    search = serve(httpserver, PATH, capture(SEARCH))
    poll_source(github, **options(httpserver))
    assert "Authorization" not in search.requests[0].headers


def test_the_next_poll_continues_from_the_newest_update_and_asks_conditionally(
    httpserver: HTTPServer,
) -> None:
    search = serve(httpserver, PATH, capture(SEARCH, headers={"ETag": 'W/"abc"'}))
    first = poll_source(github, **options(httpserver))
    assert json.loads(first.cursor or "") == {"updated": "2026-11-22T11:45:00Z"}
    assert first.etag == 'W/"abc"'

    httpserver.clear_all_handlers()
    again = serve(httpserver, PATH, Capture(b"", 304, {"ETag": 'W/"abc"', **BUDGET}))
    second = poll_source(github, next_state(first), **options(httpserver))
    assert again.args[0]["q"] == "frobnitz updated:>=2026-11-22T11:45:00Z"
    assert again.requests[0].headers["If-None-Match"] == 'W/"abc"'
    assert second.not_modified and second.items == []
    assert second.cursor == first.cursor and second.etag == 'W/"abc"'
    assert len(search.requests) == 1


def link_next(page: int) -> dict[str, str]:
    base = "https://api.github.com/search/issues?q=frobnitz&per_page=100"
    return {"Link": f'<{base}&page={page + 1}>; rel="next", <{base}&page=34>; rel="last"'}


def test_paging_follows_rel_next_up_to_max_pages(httpserver: HTTPServer) -> None:
    sent: list[dict[str, str]] = []

    def handler(request: Request) -> Response:
        sent.append(dict(request.args))
        page = int(request.args["page"])
        return capture(SEARCH, headers=link_next(page)).response()

    httpserver.expect_request(PATH).respond_with_handler(handler)
    poll_source(github, **options(httpserver, max_pages=2))
    assert [r["page"] for r in sent] == ["1", "2"]

    sent.clear()  # search never serves past page 10 (1,000 results), whatever max_pages says
    poll_source(github, **options(httpserver, max_pages=12))
    assert len(sent) == 10


def test_the_last_page_has_no_rel_next(httpserver: HTTPServer) -> None:
    base = "https://api.github.com/search/issues?q=frobnitz&page=1"
    search = serve(httpserver, PATH, capture(SEARCH, headers={"Link": f'<{base}>; rel="prev"'}))
    poll_source(github, **options(httpserver, max_pages=5))
    assert len(search.requests) == 1


def test_more_than_1000_results_in_a_window_is_reported(httpserver: HTTPServer) -> None:
    body = capture(SEARCH).json() | {"total_count": 4321, "incomplete_results": True}
    serve(httpserver, PATH, Capture(json.dumps(body).encode()))
    result = poll_source(github, **options(httpserver))
    assert len(result.items) == 3
    capped, incomplete = result.problems
    assert "4321 results" in capped and "1000 per query" in capped
    assert "timed out" in incomplete


def test_a_low_search_budget_waits_for_the_reset(httpserver: HTTPServer) -> None:
    low = {**BUDGET, "x-ratelimit-remaining": "2"}
    serve(httpserver, PATH, capture(SEARCH, headers=low))
    assert poll_source(github, **options(httpserver)).min_next_check_s == 60


def test_an_exhausted_budget_403_is_rate_limited_until_the_reset(httpserver: HTTPServer) -> None:
    spent = {**BUDGET, "x-ratelimit-remaining": "0", "x-ratelimit-resource": "search"}
    serve(httpserver, PATH, capture(EXHAUSTED, status=403, headers=spent))
    with pytest.raises(RateLimited) as raised:
        poll_source(github, **options(httpserver))
    assert raised.value.retry_after_s == 60


def test_a_secondary_limit_honours_retry_after(httpserver: HTTPServer) -> None:
    serve(
        httpserver, PATH, capture(SECONDARY, status=403, headers={**BUDGET, "Retry-After": "120"})
    )
    with pytest.raises(RateLimited, match="secondary rate limit") as raised:
        poll_source(github, **options(httpserver))
    assert raised.value.retry_after_s == 120


def test_a_secondary_limit_without_retry_after_waits_a_minute(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(SECONDARY, status=403, headers=BUDGET))
    with pytest.raises(RateLimited) as raised:
        poll_source(github, **options(httpserver))
    assert raised.value.retry_after_s == 60


def test_a_query_github_cannot_run_parks_the_source(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(INVALID, status=422))
    with pytest.raises(PermanentError, match="Validation Failed; The listed users"):
        poll_source(github, **options(httpserver))


def test_a_bad_token_parks_the_source_without_showing_it(httpserver: HTTPServer) -> None:
    bad = Capture(b'{"message": "Bad credentials", "documentation_url": "x"}', 401)
    serve(httpserver, PATH, bad)
    with pytest.raises(PermanentError, match=r"Bad credentials.*check token") as raised:
        poll_source(github, **options(httpserver, token="s3cret"))
    assert "s3cret" not in str(raised.value)


def test_a_malformed_hit_is_skipped_and_reported(httpserver: HTTPServer) -> None:
    body = capture(SEARCH).json()
    body["items"].insert(0, {"title": "no id"})
    serve(httpserver, PATH, Capture(json.dumps(body).encode()))
    result = poll_source(github, **options(httpserver))
    assert len(result.items) == 3
    assert result.problems == ["GitHub search: skipped an item without id or updated_at"]


@pytest.mark.parametrize(
    "bad",
    [{}, {"query": ""}, {"query": "a", "token": ""}, {"query": "a", "api_url": "api.github.com"}],
)
def test_options_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        github.Options(**bad)
