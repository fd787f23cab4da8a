"""The x source against a local server replaying X's real 2022 recent-search answers
(tests/fixtures/x/, provenance in its README) and, for the fields and ``includes`` those
captures lack, a ``synthetic_*`` answer built from the documented shapes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.models import Author, Engagement, SourceState
from listener.sources import x
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

RECENT = "x/extracted/tweepy__test_client_search_recent_tweets__00.meta.json"  # 10, next_token
RETWEETS = "x/extracted/tweepy__test_asyncclient_search_recent_tweets__00.meta.json"
INCLUDES = "x/synthetic_search_recent_with_includes.json"  # 4 posts, 2024-11-22
EMPTY = "x/synthetic_search_recent_empty.json"
PATH = "/2/tweets/search/recent"
CAPTURED_AT = datetime(2022, 10, 7, 22, 43, 19, tzinfo=UTC)  # the real capture's Date
SYNTHETIC_AT = datetime(2024, 11, 22, 12, tzinfo=UTC)


def replay(server: HTTPServer) -> ReplayPlan:
    """The real recent-search capture, for the all-sources test (test_sources_all.py)."""
    serve(server, PATH, capture(RECENT))
    posts = capture(RECENT).json()["data"]
    return ReplayPlan(
        options={
            "api_url": api(server),
            "query": "tweepy",
            "bearer_token": "${X_BEARER_TOKEN}",
            "max_pages": 1,
        },
        term="tweepy",
        mentions=len({p["id"] for p in posts if "tweepy" in p["text"].lower()}),
        environ={"X_BEARER_TOKEN": "AAAA-replay-token"},
    )


def api(server: HTTPServer) -> str:
    return server.url_for("").rstrip("/")


def options(server: HTTPServer, **more: object) -> dict[str, object]:
    return {"api_url": api(server), "query": "tweepy", "bearer_token": "AAAA-token", **more}


def test_the_synthetic_answer_with_includes_maps_authors_metrics_and_threads(
    httpserver: HTTPServer,
) -> None:
    serve(httpserver, PATH, capture(INCLUDES))
    result = poll_source(x, now=SYNTHETIC_AT, **options(httpserver))
    plain, reply, edited, unknown = result.items
    assert plain.native_id == "1859929322681270273"
    assert plain.url == "https://x.com/XDevelopers/status/1859929322681270273"
    assert plain.html.endswith("Any tips? &lt;3 &amp; thanks")  # plain text, escaped
    assert plain.author == Author(
        handle="XDevelopers",
        name="Developers",
        url="https://x.com/XDevelopers",
        followers=570000,
        following=2000,  # public_metrics.following_count and tweet_count (issue 18)
        posts=4000,
    )
    assert plain.published_at == datetime(2024, 11, 22, 11, 58, 1, tzinfo=UTC)
    assert plain.language == "en"
    # shares = retweets + quotes; views = impressions
    assert plain.engagement == Engagement(likes=31, shares=5, replies=2, views=2710)
    assert plain.thread_id == plain.native_id and plain.parent_id is None
    assert plain.edited_at is None and plain.extra["bookmark_count"] == 3

    assert reply.parent_id == "1859926046929846281" == reply.thread_id
    assert reply.author.followers == 68000000

    # An edit is a new post id; the first version's id keeps it one mention.
    assert edited.native_id == "1859924033663926279"
    assert edited.extra["version_id"] == "1859924788638646275"
    assert edited.url == "https://x.com/XDevelopers/status/1859924788638646275"
    assert edited.edited_at == datetime(2024, 11, 22, 11, 40, tzinfo=UTC)

    # lang "und" is no language; an author X could not expand leaves only the id.
    assert unknown.language is None
    assert unknown.author == Author() and unknown.extra["author_id"] == "9999"
    assert unknown.url == "https://x.com/i/web/status/1859922272056246276"
    assert result.problems == ["X reported: Not Found Error: Could not find user with id: [9999]."]


def test_a_real_capture_maps_ids_text_and_dates_from_the_snowflake(httpserver: HTTPServer) -> None:
    # The real answers carry only id, text and edit_history_tweet_ids (default fields).
    serve(httpserver, PATH, capture(RECENT))
    result = poll_source(x, now=CAPTURED_AT, **options(httpserver, max_pages=1))
    assert len(result.items) == 10 and not result.problems
    first = result.items[0]
    assert first.native_id == "1578516068309794817"
    assert first.html == "2022-10-07 22:42:12.637103 tweepy"
    assert first.url == "https://x.com/i/web/status/1578516068309794817"  # no username known
    # No created_at was asked for in 2022: the id says when — 115 ms after the clock in the
    # bot's text.
    assert first.published_at == datetime(2022, 10, 7, 22, 42, 12, 752000, tzinfo=UTC)
    assert first.engagement == Engagement() and first.language is None


def test_a_retweet_keeps_its_cut_text(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(RETWEETS))
    items = poll_source(x, now=CAPTURED_AT, **options(httpserver)).items
    assert items[0].html.startswith("RT @t6dr1ve: #TwitterBots go away! We don't need")
    assert items[0].html.endswith("#Cardano #A…")


def test_the_first_poll_asks_for_the_fields_and_starts_lookback_ago(
    httpserver: HTTPServer,
) -> None:
    recorder = serve(httpserver, PATH, capture(RECENT))
    poll_source(x, now=CAPTURED_AT, **options(httpserver, lookback="2d", max_pages=1))
    [sent] = recorder.args
    assert sent == {
        "query": "tweepy",
        "max_results": "100",
        "tweet.fields": "created_at,public_metrics,lang,conversation_id,in_reply_to_user_id,"
        "referenced_tweets,edit_history_tweet_ids,author_id,note_tweet",
        "expansions": "author_id",
        "user.fields": "username,name,public_metrics,description,entities,created_at",
        "start_time": "2022-10-05T22:43:19Z",
    }
    assert recorder.requests[0].headers["Authorization"] == "Bearer AAAA-token"


def test_a_lookback_beyond_seven_days_is_capped(httpserver: HTTPServer) -> None:
    recorder = serve(httpserver, PATH, capture(EMPTY))
    result = poll_source(x, now=CAPTURED_AT, **options(httpserver, lookback="30d"))
    start = CAPTURED_AT - timedelta(days=7) + x.REACH_MARGIN
    assert recorder.args[0]["start_time"] == start.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert json.loads(result.cursor or "") == {"since": 0, "start": int(start.timestamp())}


def test_later_polls_continue_from_since_id_and_fill_the_gap(httpserver: HTTPServer) -> None:
    # The capture has a next_token: one page cannot finish, so the next poll asks for the
    # range below the oldest id it got, from the same start; once finished, since_id is the
    # newest id either poll saw.
    recorder = serve(httpserver, PATH, capture(RECENT))
    opts = options(httpserver, lookback="1d", max_pages=1)
    first = poll_source(x, now=CAPTURED_AT, **opts)
    start = int((CAPTURED_AT - timedelta(days=1)).timestamp())
    assert json.loads(first.cursor or "") == {
        "since": 0,
        "start": start,
        "newest": 1578516068309794817,
        "gap_until": 1578511538419212288,
    }
    later = CAPTURED_AT + timedelta(minutes=15)
    state = next_state(first)
    httpserver.clear()
    recorder = serve(httpserver, PATH, capture(EMPTY))
    second = poll_source(x, state, now=later, **opts)
    assert recorder.args[0]["until_id"] == "1578511538419212288"
    assert recorder.args[0]["start_time"] == "2022-10-06T22:43:19Z"  # the first poll's start
    assert "since_id" not in recorder.args[0]
    assert json.loads(second.cursor or "") == {"since": 1578516068309794817}

    poll_source(x, next_state(second, state), now=later, **opts)
    third = recorder.args[1]
    assert third["since_id"] == "1578516068309794817"
    assert "start_time" not in third and "until_id" not in third


def test_paging_follows_next_token_and_stops_at_max_pages(httpserver: HTTPServer) -> None:
    recorder = serve(httpserver, PATH, capture(RECENT))
    poll_source(x, now=CAPTURED_AT, **options(httpserver, max_pages=3))
    token = "b26v89c19zqg8o3fpzbn1e0ffhxjiofzw6po136rvbnul"
    assert [a.get("pagination_token") for a in recorder.args] == [None, token, token]


def test_a_since_id_older_than_seven_days_starts_again_and_says_so(
    httpserver: HTTPServer,
) -> None:
    recorder = serve(httpserver, PATH, capture(EMPTY))
    state = SourceState(source="test", cursor='{"since": 1578516068309794817}')
    result = poll_source(x, state, now=CAPTURED_AT + timedelta(days=8), **options(httpserver))
    assert "since_id" not in recorder.args[0] and "start_time" in recorder.args[0]
    assert "over 7 days old" in result.problems[0]


def test_a_low_budget_slows_the_next_poll(httpserver: HTTPServer) -> None:
    reset = int(NOW.timestamp()) + 600
    low = {
        "x-rate-limit-limit": "450",
        "x-rate-limit-remaining": "9",
        "x-rate-limit-reset": str(reset),
    }
    serve(httpserver, PATH, capture(EMPTY, headers=low))
    result = poll_source(x, **options(httpserver, max_pages=3))
    assert result.min_next_check_s == pytest.approx(600 / 3)  # 9 left, 3 requests a poll


def test_the_captured_budget_asks_for_no_pause(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(RECENT))  # 448 of 450 left
    assert poll_source(x, now=CAPTURED_AT, **options(httpserver)).min_next_check_s is None


def test_a_429_code_88_waits_for_the_reset(httpserver: HTTPServer) -> None:
    reset = int(NOW.timestamp()) + 420
    limited = capture(
        "x/synthetic_rate_limit_exceeded.json",
        status=429,
        headers={
            "x-rate-limit-limit": "450",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(reset),
        },
    )
    serve(httpserver, PATH, limited)
    with pytest.raises(RateLimited) as raised:
        poll_source(x, **options(httpserver))
    assert raised.value.retry_after_s == 420


def test_a_rejected_token_parks_the_source_with_advice(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture("x/synthetic_unauthorized.json", status=401))
    with pytest.raises(PermanentError, match=r"HTTP 401.*check bearer_token") as raised:
        poll_source(x, **options(httpserver))
    assert "AAAA-token" not in str(raised.value)


def test_an_empty_answer_closes_the_window(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(EMPTY))
    result = poll_source(x, now=CAPTURED_AT, **options(httpserver))
    assert result.items == [] and not result.problems


def test_a_malformed_post_is_skipped_and_reported(httpserver: HTTPServer) -> None:
    body = capture(INCLUDES).json()
    body["data"][1] = {"id": "not-a-number", "text": "?"}
    del body["errors"]

    def answer(request: Request) -> Response:
        return Capture(json.dumps(body).encode()).response()

    httpserver.expect_request(PATH).respond_with_handler(answer)
    result = poll_source(x, now=SYNTHETIC_AT, **options(httpserver))
    assert len(result.items) == 3
    assert len(result.problems) == 1 and "malformed post" in result.problems[0]


@pytest.mark.parametrize(
    "bad",
    [
        {"query": ""},
        {"bearer_token": ""},
        {"api_url": "api.twitter.com"},
        {"max_pages": 0},
        {"token": "x"},  # a typo for bearer_token is an error, not ignored
    ],
)
def test_options_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        x.Options(**{"query": "acme", "bearer_token": "t", **bad})


def test_the_bearer_token_is_hidden_and_the_api_has_its_real_default() -> None:
    opts = x.Options(query="acme", bearer_token="AAAA-secret")
    assert "AAAA-secret" not in repr(opts)
    assert opts.api_url == "https://api.twitter.com"
