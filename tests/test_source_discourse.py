"""The discourse source against a local server replaying the discourse_api gem's fixtures
(tests/fixtures/discourse/, provenance in its README.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.models import Author, Engagement
from listener.sources import discourse
from listener.sources.errors import PermanentError, RateLimited, TransientError
from tests.source_helpers import Capture, ReplayPlan, capture, next_state, poll_source, serve

LATEST = "discourse/discourse_api__posts_latest.json"  # ids 15, 14, 10, 2
BEFORE = "discourse/discourse_api__posts_before.json"  # ids 14, 10, 2
TOPIC_POSTS = "discourse/discourse_api__topic_posts.json"
LEGACY_SEARCH = "discourse/discourse_api__search.json"
SEARCH = "discourse/synthetic_search_latest.json"
# Just after post 15 (2020-01-25T02:10Z): a two-hour look-back reaches it but not post 14.
RECORDED = datetime(2020, 1, 25, 3, 0, tzinfo=UTC)
RATE_LIMITED_BODY = {
    "errors": ["You’ve performed this action too many times. Please wait 10 seconds."],
    "error_type": "rate_limit",
    "extras": {"wait_seconds": 10, "time_left": "10 seconds"},
}


def replay(server: HTTPServer) -> ReplayPlan:
    """The latest-posts fixture, for the all-sources test (tests/test_sources_all.py)."""
    serve(server, "/discourse/posts.json", capture(LATEST))
    return ReplayPlan(
        # The fixture is from 2020: a look-back that reaches it, one page.
        options={"forum_url": server.url_for("/discourse"), "lookback": "3650d", "max_pages": 1},
        term="bullhonky",  # post 15: "holla bullhonky."
        mentions=1,
    )


def forum(server: HTTPServer) -> str:
    return server.url_for("/")


def posts_page(posts: list[dict[str, Any]]) -> Capture:
    return Capture(json.dumps({"latest_posts": posts}).encode())


def recorded_posts(**changes: Any) -> list[dict[str, Any]]:
    """The fixture's latest posts with ``changes`` applied to each."""
    return [{**post, **changes} for post in capture(LATEST).json()["latest_posts"]]


def test_latest_posts_map_to_mentions(httpserver: HTTPServer) -> None:
    serve(httpserver, "/posts.json", capture(LATEST))
    result = poll_source(discourse, forum_url=forum(httpserver), lookback="3650d", max_pages=1)
    assert [i.native_id for i in result.items] == ["15", "14", "10", "2"]
    reply, first = result.items[0], result.items[1]
    base = forum(httpserver).rstrip("/")
    assert reply.url == f"{base}/t/this-is-an-uncategorized-title/11/2"
    assert reply.html == "<p>holla bullhonky.</p>"
    assert reply.title is None  # a reply: the topic title is not its words
    assert reply.extra["topic_title"] == "This is an uncategorized title"
    assert reply.author == Author(handle="johndoe", name=None, url=f"{base}/u/johndoe")
    assert reply.published_at == datetime(2020, 1, 25, 2, 10, 7, 971000, tzinfo=UTC)
    assert reply.engagement == Engagement(likes=None, replies=0, views=1)
    assert reply.thread_id == "11" and reply.parent_id is None
    assert reply.extra["post_number"] == 2 and reply.extra["score"] == 0.2
    assert reply.edited_at is None and not reply.deleted
    assert first.title == "This is an uncategorized title" and first.url.endswith("/11/1")
    system = result.items[2]
    assert system.author.name == "system" and "<strong>Edit this</strong>" in system.html
    assert result.problems == []


def test_a_topic_post_maps_likes_from_its_actions(httpserver: HTTPServer) -> None:
    [post] = capture(TOPIC_POSTS).json()["post_stream"]["posts"]
    serve(httpserver, "/posts.json", posts_page([post]))
    [item] = poll_source(discourse, forum_url=forum(httpserver), lookback="3650d").items
    assert item.native_id == "123456"
    assert item.engagement == Engagement(likes=3, replies=0, views=2)  # actions_summary id 2
    assert item.author.handle == "Some-username" and item.author.name == "Someones Name"
    assert item.url and item.url.endswith("/t/some-topic-slug/57/2")


def test_the_first_poll_looks_back_and_the_next_stops_at_the_stored_post(
    httpserver: HTTPServer,
) -> None:
    latest = serve(httpserver, "/posts.json", capture(LATEST))
    options = {"forum_url": forum(httpserver), "lookback": "2h"}
    first = poll_source(discourse, now=RECORDED, **options)
    assert [i.native_id for i in first.items] == ["15"]  # post 14 is older than two hours
    assert "before" not in latest.args[0]  # the newest posts
    floor = int(datetime(2020, 1, 25, 1, 0, tzinfo=UTC).timestamp())
    assert json.loads(first.cursor or "") == {"posts": {"since": 15, "floor": floor}}

    httpserver.clear()
    before = serve(httpserver, "/posts.json", capture(BEFORE))
    second = poll_source(discourse, next_state(first), now=RECORDED, **options)
    assert second.items == [] and len(before.requests) == 1  # 14 is below the stored 15
    assert json.loads(second.cursor or "") == {"posts": {"since": 15, "floor": floor}}


def test_a_poll_stops_at_max_pages_and_the_next_fetches_the_gap(httpserver: HTTPServer) -> None:
    # Post ids 1..200, every third one private (a hole in its 50-id window). /posts.json
    # answers id <= before AND id > before - 50, newest first.
    public = [i for i in range(1, 201) if i % 3]
    template = recorded_posts()[0]
    seen: list[str | None] = []

    def answer(request: Request) -> Response:
        seen.append(request.args.get("before"))
        top = int(request.args.get("before", 200))
        ids = [i for i in reversed(public) if top - 50 < i <= top]
        return posts_page([{**template, "id": i} for i in ids]).response()

    httpserver.expect_request("/posts.json").respond_with_handler(answer)
    options = {"forum_url": forum(httpserver), "lookback": "3650d", "max_pages": 2}
    state = next_state(poll_source(discourse, **options))
    assert seen == [None, "150"]  # below the lowest id shown (151)
    cursor = json.loads(state.cursor or "")["posts"]
    assert (cursor["since"], cursor["newest"], cursor["gap_until"]) == (0, 200, 101)

    seen.clear()
    state = next_state(poll_source(discourse, state, **options), state)
    assert seen == ["100", "51"]  # on below the gap, still two pages
    assert json.loads(state.cursor or "")["posts"]["gap_until"] == 2

    seen.clear()
    result = poll_source(discourse, state, **options)
    assert seen == ["1"] and [i.native_id for i in result.items] == ["1"]
    assert json.loads(result.cursor or "")["posts"]["since"] == 200  # the gap is closed


def test_an_empty_window_of_private_ids_does_not_end_the_paging(httpserver: HTTPServer) -> None:
    seen: list[str | None] = []

    def answer(request: Request) -> Response:
        seen.append(request.args.get("before"))
        before = request.args.get("before")
        ids = {None: [500], "499": [], "449": [420]}.get(before, [])
        return posts_page([{**recorded_posts()[0], "id": i} for i in ids]).response()

    httpserver.expect_request("/posts.json").respond_with_handler(answer)
    result = poll_source(discourse, forum_url=forum(httpserver), lookback="3650d", max_pages=3)
    assert seen == [None, "499", "449"]
    assert [i.native_id for i in result.items] == ["500", "420"]


def test_a_gap_over_a_long_run_of_private_ids_moves_on_each_poll(httpserver: HTTPServer) -> None:
    # Public posts 1000 and 900..999 private (a busy stretch of private messages), 100 below.
    seen: list[str | None] = []
    public = {1000, 100}

    def answer(request: Request) -> Response:
        seen.append(request.args.get("before"))
        top = int(request.args.get("before", 1000))
        ids = [i for i in sorted(public, reverse=True) if top - 50 < i <= top]
        return posts_page([{**recorded_posts()[0], "id": i} for i in ids]).response()

    httpserver.expect_request("/posts.json").respond_with_handler(answer)
    options = {"forum_url": forum(httpserver), "lookback": "3650d", "max_pages": 3}
    state = next_state(poll_source(discourse, **options))
    assert seen == [None, "999", "949"]
    found: list[str] = []
    for _ in range(10):
        result = poll_source(discourse, state, **options)
        found += [i.native_id for i in result.items]
        state = next_state(result, state)
        if json.loads(state.cursor or "")["posts"].get("gap_until") is None:
            break
    else:
        raise AssertionError(f"the gap never closes: asked for {seen[-3:]}")
    assert found == ["100"] and json.loads(state.cursor or "")["posts"]["since"] == 1000


def test_edited_and_deleted_posts_are_marked(httpserver: HTTPServer) -> None:
    edited, user_deleted, hidden, staff_deleted = recorded_posts()
    edited.update(version=2, updated_at="2020-01-26T08:00:00.000-05:00")
    user_deleted.update(user_deleted=True)
    hidden.update(hidden=True)
    staff_deleted.update(deleted_at="2020-01-27T00:00:00.000Z")
    serve(httpserver, "/posts.json", posts_page([edited, user_deleted, hidden, staff_deleted]))
    items = poll_source(discourse, forum_url=forum(httpserver), lookback="3650d").items
    assert items[0].edited_at == datetime(2020, 1, 26, 13, 0, tzinfo=UTC) and not items[0].deleted
    assert [i.deleted for i in items] == [False, True, True, True]
    assert items[1].edited_at is None  # version 1: updated_at alone is no edit


def test_a_reply_names_its_parent_by_topic_and_number(httpserver: HTTPServer) -> None:
    [reply] = recorded_posts(reply_to_post_number=1)[:1]
    serve(httpserver, "/posts.json", posts_page([reply]))
    [item] = poll_source(discourse, forum_url=forum(httpserver), lookback="3650d").items
    assert item.parent_id == "11/1"  # the parent's url ends /t/<slug>/11/1


def test_a_malformed_post_is_skipped_and_reported(httpserver: HTTPServer) -> None:
    serve(httpserver, "/posts.json", posts_page([{"id": "x"}, *recorded_posts()[:1], {}]))
    result = poll_source(discourse, forum_url=forum(httpserver), lookback="3650d", max_pages=1)
    assert [i.native_id for i in result.items] == ["15"]
    assert len(result.problems) == 2


def test_the_api_key_is_sent_in_headers(httpserver: HTTPServer) -> None:
    latest = serve(httpserver, "/posts.json", capture(LATEST))
    poll_source(discourse, forum_url=forum(httpserver), api_key="k3y", api_username="system")
    [request] = latest.requests
    assert request.headers["Api-Key"] == "k3y" and request.headers["Api-Username"] == "system"
    assert "api_key" not in request.args  # never in the URL, where logs would keep it


def test_search_maps_posts_with_their_topics(httpserver: HTTPServer) -> None:
    search = serve(httpserver, "/search.json", capture(SEARCH))
    result = poll_source(
        discourse, forum_url=forum(httpserver), latest=False, query="acme", lookback="2d"
    )
    assert search.args[0] == {"q": "acme order:latest", "page": "1"}
    reply, first = result.items
    base = forum(httpserver).rstrip("/")
    assert reply.native_id == "2045"
    assert reply.url == f"{base}/t/acme-sync-stopped-working-after-the-update/311/3"
    assert reply.html.endswith("error 503 &amp; nothing in the logs")  # a plain-text blurb
    assert reply.engagement == Engagement(likes=4) and reply.extra["blurb"] is True
    assert reply.author == Author(handle="dreyes", name="Dana Reyes", url=f"{base}/u/dreyes")
    assert first.title == "Acme sync stopped working after the update"
    assert first.author.name is None  # name ""
    assert first.published_at == datetime(2026, 11, 21, 23, 40, 55, tzinfo=UTC)  # -05:00
    cursor = json.loads(result.cursor or "")["search"]
    assert cursor["seen"] == ["2045", "2031"]


def test_the_next_search_stops_at_what_was_read(httpserver: HTTPServer) -> None:
    search = serve(httpserver, "/search.json", capture(SEARCH))
    options = {"forum_url": forum(httpserver), "latest": False, "query": "acme"}
    first = poll_source(discourse, **options)
    second = poll_source(discourse, next_state(first), **options)
    assert len(first.items) == 2 and second.items == []
    assert len(search.requests) == 2


def test_a_post_from_latest_is_not_repeated_by_search(httpserver: HTTPServer) -> None:
    [post] = recorded_posts(id=2045, created_at="2026-11-22T09:15:02.412Z")[:1]
    serve(httpserver, "/posts.json", posts_page([post]))
    serve(httpserver, "/search.json", capture(SEARCH))
    items = poll_source(discourse, forum_url=forum(httpserver), query="acme").items
    assert [i.native_id for i in items] == ["2045", "2031"]
    assert items[0].html == "<p>holla bullhonky.</p>"  # the full post, not the blurb


def test_the_legacy_search_format_maps_topics(httpserver: HTTPServer) -> None:
    serve(httpserver, "/search.json", capture(LEGACY_SEARCH))
    result = poll_source(discourse, forum_url=forum(httpserver), latest=False, query="test")
    assert [i.native_id for i in result.items] == ["topic-1", "topic-2", "topic-3"]
    first = result.items[0]
    assert first.title == "Test topic #1" and first.thread_id == "1"
    assert first.url == forum(httpserver).rstrip("/") + "/t/test-topic-1/1"


def test_a_429_waits_as_the_retry_after_header_says(httpserver: HTTPServer) -> None:
    headers = {"Retry-After": "42", "Discourse-Rate-Limit-Error-Code": "ip_10_secs_limit"}
    body = json.dumps(RATE_LIMITED_BODY).encode()
    serve(httpserver, "/posts.json", Capture(body, 429, headers))
    with pytest.raises(RateLimited, match=r"ip_10_secs_limit.*too many times") as raised:
        poll_source(discourse, forum_url=forum(httpserver))
    assert raised.value.retry_after_s == 42


def test_a_429_without_the_header_waits_as_the_body_says(httpserver: HTTPServer) -> None:
    serve(httpserver, "/posts.json", Capture(json.dumps(RATE_LIMITED_BODY).encode(), 429))
    with pytest.raises(RateLimited) as raised:
        poll_source(discourse, forum_url=forum(httpserver))
    assert raised.value.retry_after_s == 10


def test_a_refused_api_key_is_a_permanent_error_saying_why(httpserver: HTTPServer) -> None:
    body = {
        "errors": ["You are not permitted to view the requested resource."],
        "error_type": "invalid_access",
    }
    serve(httpserver, "/posts.json", Capture(json.dumps(body).encode(), 403))
    with pytest.raises(PermanentError, match=r"not permitted.*Check api_key"):
        poll_source(discourse, forum_url=forum(httpserver), api_key="wrong")


def test_an_unexpected_answer_is_a_clear_error(httpserver: HTTPServer) -> None:
    serve(httpserver, "/posts.json", capture(LEGACY_SEARCH))
    with pytest.raises(TransientError, match="expected list at 'latest_posts'"):
        poll_source(discourse, forum_url=forum(httpserver))


@pytest.mark.parametrize(
    "bad",
    [
        {},  # no forum
        {"forum_url": "forum.example.com"},
        {"forum_url": "https://f.example", "latest": False},  # nothing to read
        {"forum_url": "https://f.example", "api_username": "system"},  # no key
        {"forum_url": "https://f.example", "api_key": ""},
        {"forum_url": "https://f.example", "query": ""},
        {"forum_url": "https://f.example", "search": "acme"},
    ],
)
def test_options_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        discourse.Options(**bad)
