"""The bluesky source against a local server replaying bsky.social's real 2025 answers
(tests/fixtures/bluesky/, provenance in its README) and the session endpoints' documented
answers (``synthetic_*``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.models import Author, Engagement
from listener.sources import bluesky
from listener.sources.bluesky_profiles import forget_profiles
from listener.sources.bluesky_session import forget_sessions
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

SEARCH = "bluesky/extracted/bskyr__f_search__00.meta.json"  # q=redistricting, 25 posts
QUOTES = "bluesky/extracted/bskyr__f_getquotes__00.meta.json"
XRPC_ERROR = "bluesky/extracted/bskyr__r_post_errors__00.meta.json"  # 400 InvalidRequest
SESSION = "bluesky/synthetic_create_session.json"  # accessJwt "access-1"
REFRESHED = "bluesky/synthetic_refresh_session.json"  # accessJwt "access-2"
# getProfiles for 17 of the search's 18 authors (traviscrum.bsky.social is left out).
PROFILES = "bluesky/synthetic_get_profiles.json"

SEARCH_PATH = "/xrpc/app.bsky.feed.searchPosts"
CREATE_PATH = "/xrpc/com.atproto.server.createSession"
REFRESH_PATH = "/xrpc/com.atproto.server.refreshSession"
PROFILES_PATH = "/xrpc/app.bsky.actor.getProfiles"
RECORDED = datetime(2025, 5, 20, 12, tzinfo=UTC)  # a day after the search was recorded


@pytest.fixture(autouse=True)
def no_cached_sessions() -> Iterator[None]:
    # Sessions and follower counts live in the module for the daemon's lifetime; each test
    # logs in afresh and knows no author yet.
    forget_sessions()
    forget_profiles()
    yield
    forget_sessions()
    forget_profiles()


def replay(server: HTTPServer) -> ReplayPlan:
    """The search capture behind a login, and its authors' profiles, for the all-sources
    test (test_sources_all.py)."""
    serve(server, CREATE_PATH, capture(SESSION), method="POST")
    serve(server, SEARCH_PATH, capture(SEARCH))
    serve(server, PROFILES_PATH, capture(PROFILES))
    return ReplayPlan(
        options={
            "service_url": server.url_for("").rstrip("/"),
            "query": "redistricting",
            "identifier": "listener-test.bsky.social",
            "app_password": "${BLUESKY_APP_PASSWORD}",
            "max_pages": 1,
        },
        term="redistricting",
        # Every post says "redistricting"; a bot posted one paper three times, and the
        # pipeline keeps one mention per distinct text.
        mentions=len({p["record"]["text"] for p in capture(SEARCH).json()["posts"]}),
        environ={"BLUESKY_APP_PASSWORD": "abcd-efgh-ijkl-mnop"},
    )


def options(server: HTTPServer, **more: object) -> dict[str, object]:
    return {
        "service_url": server.url_for("").rstrip("/"),
        "query": "redistricting",
        "identifier": "listener-test.bsky.social",
        "app_password": "abcd-efgh-ijkl-mnop",
        "max_pages": 1,
        **more,
    }


def logged_in(server: HTTPServer) -> None:
    """A login that works, and profiles for the search capture's authors."""
    serve(server, CREATE_PATH, capture(SESSION), method="POST")
    serve(server, PROFILES_PATH, capture(PROFILES))


class Answers:
    """A handler answering with each capture in turn (the last one repeats)."""

    def __init__(self, *answers: Capture) -> None:
        self.answers = list(answers)
        self.requests: list[Request] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append(request)
        return self.answers[min(len(self.requests), len(self.answers)) - 1].response()

    @property
    def bearers(self) -> list[str]:
        return [r.headers.get("Authorization", "") for r in self.requests]


def answers(server: HTTPServer, path: str, *captures: Capture, method: str = "GET") -> Answers:
    handler = Answers(*captures)
    server.expect_request(path, method=method).respond_with_handler(handler)
    return handler


def profile_lookups(server: HTTPServer) -> list[list[str]]:
    """The ``actors`` of every getProfiles request the server saw, served or not."""
    return [r.args.getlist("actors") for r, _ in server.log if r.path == PROFILES_PATH]


def echo_profiles(request: Request) -> Response:
    """getProfiles answering for every DID asked: followersCount is the DID's length."""
    profiles = [
        {"did": did, "handle": "x.bsky.social", "followersCount": len(did)}
        for did in request.args.getlist("actors")
    ]
    return Response(json.dumps({"profiles": profiles}), content_type="application/json")


def many_authors(count: int) -> Capture:
    """The search capture's first post, written by ``count`` different accounts."""
    real = capture(SEARCH)
    body = real.json()
    post = body["posts"][0]
    body["posts"] = []
    for n in range(count):
        did = f"did:plc:author{n:04d}"
        body["posts"].append(
            {
                **post,
                "uri": f"at://{did}/app.bsky.feed.post/3lpk2u6qo{n:04d}",
                "author": {**post["author"], "did": did, "handle": f"a{n}.bsky.social"},
            }
        )
    del body["cursor"]
    return Capture(json.dumps(body).encode(), 200, real.headers)


def test_a_search_post_maps_to_a_mention(httpserver: HTTPServer) -> None:
    logged_in(httpserver)
    serve(httpserver, SEARCH_PATH, capture(SEARCH))
    result = poll_source(bluesky, **options(httpserver))
    assert len(result.items) == 25 and not result.problems
    first = result.items[0]
    assert (
        first.native_id == "at://did:plc:kkergqgbhb56ptpwj2wenkje/app.bsky.feed.post/3lpk2u6qo222m"
    )
    assert first.url == "https://bsky.app/profile/socpaperbot.bsky.social/post/3lpk2u6qo222m"
    assert first.author == Author(
        handle="socpaperbot.bsky.social",
        name="Sociology papers (journals + SocArXiv)",
        url="https://bsky.app/profile/socpaperbot.bsky.social",
        followers=1523,  # followersCount from getProfiles
        created_at=datetime(2024, 9, 4, 11, 55, 0, 863000, tzinfo=UTC),  # and the profile's
        following=100,
        posts=1000,
    )
    # createdAt with 6 fraction digits; the post has no langs.
    assert first.published_at == datetime(2025, 5, 19, 17, 10, 9, 561858, tzinfo=UTC)
    assert first.language is None
    # The link facet (UTF-8 byte offsets 65..85) becomes an <a> around the visible text.
    assert first.html.startswith("Ends Versus Means: Public Opinion on Congressional Redistricting")
    assert '<a href="https://osf.io/v87fn">https://osf.io/v87fn</a>' in first.html
    assert first.engagement == Engagement(likes=0, shares=0, replies=0)
    assert first.parent_id is None and first.thread_id == first.native_id
    assert first.extra["author_did"] == "did:plc:kkergqgbhb56ptpwj2wenkje"

    # A reply: parent and root from record.reply; a shortened link gets its full URL back.
    reply = result.items[2]
    assert reply.native_id.endswith("/3lpjzka2pzc2l")
    assert (
        reply.parent_id == "at://did:plc:7nagdvjqrzaquzk7mueohne5/app.bsky.feed.post/3lpjzgltpa22l"
    )
    assert (
        reply.thread_id == "at://did:plc:7nagdvjqrzaquzk7mueohne5/app.bsky.feed.post/3lpjy3eabqs2l"
    )
    assert reply.language == "en"
    assert reply.published_at == datetime(2025, 5, 19, 16, 46, 41, 792000, tzinfo=UTC)
    assert (
        '<a href="https://drive.google.com/file/d/1rporOuFeT8tvgIITtUCWAw6W_iM_RgfH/view?'
        'usp=sharing">drive.google.com/file/d/1rpor...</a>'
    ) in reply.html
    assert reply.extra["embed"] == "app.bsky.embed.images#view"

    # An author with an empty displayName has no name rather than "".
    assert result.items[11].author.name is None


def test_a_quote_post_maps_its_counts_and_plain_text_is_escaped(httpserver: HTTPServer) -> None:
    logged_in(httpserver)
    posts = capture(QUOTES).json()
    posts["posts"][0]["record"]["text"] += " <b>AT&T</b>"
    serve(httpserver, SEARCH_PATH, Capture(json.dumps(posts).encode()))
    [quote, _] = poll_source(bluesky, **options(httpserver)).items
    assert quote.url == "https://bsky.app/profile/randvegan.bsky.social/post/3lc6isqcp6u2y"
    assert quote.html.endswith("#rstats &lt;b&gt;AT&amp;T&lt;/b&gt;")  # text, not markup
    assert quote.extra["embed"] == "app.bsky.embed.record#view"
    assert quote.published_at == datetime(2024, 11, 30, 16, 20, 25, 23354, tzinfo=UTC)


def test_the_session_is_created_once_and_used_as_bearer(httpserver: HTTPServer) -> None:
    login = answers(httpserver, CREATE_PATH, capture(SESSION), method="POST")
    search = serve(httpserver, SEARCH_PATH, capture(SEARCH))
    first = poll_source(bluesky, **options(httpserver))
    poll_source(bluesky, next_state(first), **options(httpserver))
    assert len(login.requests) == 1  # the second poll reuses the session
    assert login.requests[0].get_json() == {
        "identifier": "listener-test.bsky.social",
        "password": "abcd-efgh-ijkl-mnop",
    }
    assert [r.headers["Authorization"] for r in search.requests] == ["Bearer access-1"] * 2


def test_an_expired_access_token_is_refreshed(httpserver: HTTPServer) -> None:
    login = answers(httpserver, CREATE_PATH, capture(SESSION), method="POST")
    expired = capture("bluesky/synthetic_expired_token.json", status=400)
    search = answers(httpserver, SEARCH_PATH, capture(SEARCH), expired, capture(SEARCH))
    refresh = answers(httpserver, REFRESH_PATH, capture(REFRESHED), method="POST")
    state = next_state(poll_source(bluesky, **options(httpserver)))
    result = poll_source(bluesky, state, **options(httpserver))  # access-1 has expired
    assert len(result.items) == 25
    assert refresh.bearers == ["Bearer refresh-1"]  # the refresh JWT, not the access JWT
    assert search.bearers == ["Bearer access-1", "Bearer access-1", "Bearer access-2"]
    assert len(login.requests) == 1  # no new login: logins are scarce


def test_a_refused_refresh_logs_in_again(httpserver: HTTPServer) -> None:
    login = answers(httpserver, CREATE_PATH, capture(SESSION), method="POST")
    expired = capture("bluesky/synthetic_expired_token.json", status=400)
    search = answers(httpserver, SEARCH_PATH, capture(SEARCH), expired, capture(SEARCH))
    revoked = capture("bluesky/synthetic_revoked_refresh_token.json", status=400)
    refresh = answers(httpserver, REFRESH_PATH, revoked, method="POST")
    state = next_state(poll_source(bluesky, **options(httpserver)))
    result = poll_source(bluesky, state, **options(httpserver))
    assert len(result.items) == 25
    assert len(refresh.requests) == 1 and len(login.requests) == 2
    assert search.bearers[-1] == "Bearer access-1"  # the new login's token


@pytest.mark.parametrize(
    "answer",
    [
        "bluesky/synthetic_authentication_required.json",
        "bluesky/synthetic_auth_factor_token_required.json",
    ],
)
def test_bad_credentials_park_the_source_asking_for_an_app_password(
    httpserver: HTTPServer, answer: str
) -> None:
    serve(httpserver, CREATE_PATH, capture(answer, status=401), method="POST")
    search = serve(httpserver, SEARCH_PATH, capture(SEARCH))
    with pytest.raises(PermanentError, match="app password") as raised:
        poll_source(bluesky, **options(httpserver))
    said = capture(answer).json()
    assert said["error"] in str(raised.value) and said["message"] in str(raised.value)
    assert "abcd-efgh" not in str(raised.value)  # the password never reaches a message
    assert not search.requests


def test_the_first_poll_looks_back_and_the_next_fetches_the_gap(httpserver: HTTPServer) -> None:
    # The capture always offers a next page (cursor "25"): with max_pages=1 the first poll
    # cannot reach the end, so the next asks for the range it left, up to its oldest post.
    logged_in(httpserver)
    search = serve(httpserver, SEARCH_PATH, capture(SEARCH))
    first = poll_source(bluesky, now=RECORDED, **options(httpserver, lookback="2d"))
    sent = search.args[0]
    assert sent == {
        "q": "redistricting",
        "sort": "latest",
        "limit": "100",
        "since": "2025-05-18T12:00:00Z",
    }
    oldest = int(datetime(2025, 5, 19, 0, 16, 50, tzinfo=UTC).timestamp())  # last post's sortAt
    newest = int(datetime(2025, 5, 19, 17, 10, 9, tzinfo=UTC).timestamp())
    since = int(datetime(2025, 5, 18, 12, tzinfo=UTC).timestamp())
    assert json.loads(first.cursor or "") == {"since": since, "newest": newest, "gap_until": oldest}

    poll_source(bluesky, next_state(first), now=RECORDED, **options(httpserver, lookback="2d"))
    assert search.args[1]["since"] == "2025-05-18T12:00:00Z"
    assert search.args[1]["until"] == "2025-05-19T00:16:51Z"  # until excludes its own second


def test_sort_at_is_the_earlier_of_created_and_indexed(httpserver: HTTPServer) -> None:
    # stemgal's post claims createdAt 02:52:19.333, two seconds after it was indexed.
    logged_in(httpserver)
    body = capture(SEARCH).json()
    body["posts"] = [p for p in body["posts"] if p["uri"].endswith("3lpikwarowc2o")]
    serve(httpserver, SEARCH_PATH, Capture(json.dumps(body).encode()))
    result = poll_source(bluesky, **options(httpserver))
    assert json.loads(result.cursor or "")["newest"] == int(
        datetime(2025, 5, 19, 2, 52, 17, tzinfo=UTC).timestamp()
    )


def test_paging_follows_the_cursor_and_stops_at_max_pages(httpserver: HTTPServer) -> None:
    logged_in(httpserver)
    search = serve(httpserver, SEARCH_PATH, capture(SEARCH))
    poll_source(bluesky, **options(httpserver, max_pages=3))
    assert [a.get("cursor") for a in search.args] == [None, "25", "25"]


def test_a_last_page_without_cursor_closes_the_window(httpserver: HTTPServer) -> None:
    logged_in(httpserver)
    body = capture(SEARCH).json()
    del body["cursor"]
    search = serve(httpserver, SEARCH_PATH, Capture(json.dumps(body).encode()))
    result = poll_source(bluesky, now=RECORDED, **options(httpserver, max_pages=3))
    assert len(search.requests) == 1
    newest = int(datetime(2025, 5, 19, 17, 10, 9, tzinfo=UTC).timestamp())
    assert json.loads(result.cursor or "") == {"since": newest}


def test_a_low_budget_slows_the_next_poll(httpserver: HTTPServer) -> None:
    logged_in(httpserver)
    reset = int(NOW.timestamp()) + 240
    low = {"RateLimit-Limit": "3000", "RateLimit-Remaining": "10", "RateLimit-Reset": str(reset)}
    serve(httpserver, SEARCH_PATH, capture(SEARCH, headers=low))
    result = poll_source(bluesky, **options(httpserver, max_pages=1))
    assert result.min_next_check_s == pytest.approx(240 / 5)  # 10 left, 2 requests a poll
    # Follower counts are an extra: with the budget this low they are not looked up.
    assert not profile_lookups(httpserver) and not result.problems
    assert all(item.author.followers is None for item in result.items)
    # The captured budget (2,983 of 3,000 left) asks for no pause.
    forget_sessions()
    httpserver.clear()
    logged_in(httpserver)
    serve(httpserver, SEARCH_PATH, capture(SEARCH))
    assert poll_source(bluesky, **options(httpserver)).min_next_check_s is None


def test_a_429_is_rate_limited_until_the_reset(httpserver: HTTPServer) -> None:
    logged_in(httpserver)
    reset = str(int(NOW.timestamp()) + 300)
    limited = Capture(
        b'{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}',
        429,
        {"RateLimit-Limit": "3000", "RateLimit-Remaining": "0", "RateLimit-Reset": reset},
    )
    serve(httpserver, SEARCH_PATH, limited)
    with pytest.raises(RateLimited) as raised:
        poll_source(bluesky, **options(httpserver))
    assert raised.value.retry_after_s == 300


def test_an_xrpc_error_names_itself_and_points_at_the_query(httpserver: HTTPServer) -> None:
    logged_in(httpserver)
    serve(httpserver, SEARCH_PATH, capture(XRPC_ERROR))  # the real 400 InvalidRequest body
    with pytest.raises(PermanentError, match=r"InvalidRequest: Invalid app\.bsky.*check query"):
        poll_source(bluesky, **options(httpserver))


def test_an_html_403_from_a_public_appview_is_permanent(httpserver: HTTPServer) -> None:
    logged_in(httpserver)
    page = Capture(
        b"<html>Request forbidden by administrative rules</html>",
        403,
        {"Content-Type": "text/html"},
    )
    serve(httpserver, SEARCH_PATH, page)
    with pytest.raises(PermanentError, match="HTTP 403"):
        poll_source(bluesky, **options(httpserver))


def test_a_malformed_post_is_skipped_and_reported(httpserver: HTTPServer) -> None:
    logged_in(httpserver)
    body = capture(SEARCH).json()
    body["posts"][1] = {"cid": "x", "record": {"text": "no uri"}}
    serve(httpserver, SEARCH_PATH, Capture(json.dumps(body).encode()))
    result = poll_source(bluesky, **options(httpserver))
    assert len(result.items) == 24
    assert len(result.problems) == 1 and "malformed post" in result.problems[0]


@pytest.mark.parametrize(
    "bad",
    [
        {"query": ""},
        {"app_password": ""},
        {"identifier": ""},
        {"service_url": "bsky.social"},
        {"max_pages": 0},
        {"password": "x"},  # a typo for app_password is an error, not ignored
    ],
)
def test_options_are_checked(bad: dict[str, object]) -> None:
    good = {"query": "acme", "identifier": "me.bsky.social", "app_password": "p"}
    with pytest.raises(ValidationError):
        bluesky.Options(**{**good, **bad})


def test_the_app_password_is_hidden_in_reprs() -> None:
    opts = bluesky.Options(query="acme", identifier="me.bsky.social", app_password="secret-pw")
    assert "secret-pw" not in repr(opts)
    assert opts.service_url == "https://bsky.social"


def test_a_post_with_an_author_of_the_wrong_shape_is_skipped_not_the_poll(
    httpserver: HTTPServer,
) -> None:
    real = capture(SEARCH)
    body = real.json()
    body["posts"][0]["author"] = "did:plc:not-an-object"
    logged_in(httpserver)
    serve(httpserver, SEARCH_PATH, Capture(json.dumps(body).encode(), 200, real.headers))
    result = poll_source(bluesky, **options(httpserver))
    assert len(result.items) == len(body["posts"]) - 1
    assert len(result.problems) == 1 and "AttributeError" in result.problems[0]


def test_followers_come_from_get_profiles_newest_author_first(httpserver: HTTPServer) -> None:
    logged_in(httpserver)
    serve(httpserver, SEARCH_PATH, capture(SEARCH))
    result = poll_source(bluesky, **options(httpserver))
    [asked] = profile_lookups(httpserver)
    dids = [p["author"]["did"] for p in capture(SEARCH).json()["posts"]]
    assert asked == list(dict.fromkeys(dids))  # 18 authors, once each, newest post first
    [call] = [r for r, _ in httpserver.log if r.path == PROFILES_PATH]
    assert call.headers["Authorization"] == "Bearer access-1"  # the search's session
    by_handle = {i.author.handle: i.author.followers for i in result.items}
    assert by_handle["brendannyhan.bsky.social"] == 260
    assert by_handle["coasttv.bsky.social"] == 18800
    assert by_handle["mcpli.bsky.social"] == 0  # zero followers is a count, not unknown
    # An account the AppView no longer shows is missing from the answer: no count.
    assert by_handle["traviscrum.bsky.social"] is None
    assert not result.problems


def test_at_most_four_lookups_of_25_authors_a_poll(httpserver: HTTPServer) -> None:
    serve(httpserver, CREATE_PATH, capture(SESSION), method="POST")
    httpserver.expect_request(PROFILES_PATH).respond_with_handler(echo_profiles)
    serve(httpserver, SEARCH_PATH, many_authors(130))
    result = poll_source(bluesky, **options(httpserver))
    lookups = profile_lookups(httpserver)
    assert [len(actors) for actors in lookups] == [25, 25, 25, 25]
    assert len(result.items) == 130 and not result.problems
    counted = [i for i in result.items if i.author.followers is not None]
    assert len(counted) == 100 and counted[0].author.followers == len("did:plc:author0000")
    # The 30 authors left over are asked about by the next poll, the 100 known are not.
    poll_source(bluesky, next_state(result), **options(httpserver))
    assert [len(actors) for actors in profile_lookups(httpserver)[4:]] == [25, 5]


def test_cached_profiles_are_not_looked_up_again_until_they_expire(
    httpserver: HTTPServer,
) -> None:
    logged_in(httpserver)
    serve(httpserver, SEARCH_PATH, capture(SEARCH))
    first = poll_source(bluesky, **options(httpserver))
    second = poll_source(bluesky, next_state(first), **options(httpserver))
    assert len(profile_lookups(httpserver)) == 1
    assert second.items[0].author.followers == 1523  # from the cache
    later = NOW + timedelta(hours=7)  # past the 6 h the counts are kept
    poll_source(bluesky, next_state(second), now=later, **options(httpserver))
    assert len(profile_lookups(httpserver)) == 2


@pytest.mark.parametrize(
    "answer",
    [
        Capture(b"<html>Bad gateway</html>", 502, {"Content-Type": "text/html"}),
        Capture(b'{"error":"InvalidRequest","message":"Error: actors must be a list"}', 400),
        Capture(b'{"profiles": "none"}'),
    ],
)
def test_a_failed_lookup_keeps_the_posts_and_reports_a_problem(
    httpserver: HTTPServer, answer: Capture
) -> None:
    serve(httpserver, CREATE_PATH, capture(SESSION), method="POST")
    serve(httpserver, PROFILES_PATH, answer)
    serve(httpserver, SEARCH_PATH, capture(SEARCH))
    result = poll_source(bluesky, **options(httpserver))
    assert len(result.items) == 25
    assert all(item.author.followers is None for item in result.items)
    [problem] = result.problems
    assert "getProfiles" in problem
    # Nothing was learnt, so nothing is cached: the next poll asks again.
    poll_source(bluesky, next_state(result), **options(httpserver))
    assert len(profile_lookups(httpserver)) == 2


def test_a_429_on_the_lookup_waits_for_the_reset_but_keeps_the_posts(
    httpserver: HTTPServer,
) -> None:
    reset = str(int(NOW.timestamp()) + 120)
    limited = Capture(
        b'{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}',
        429,
        {"RateLimit-Limit": "3000", "RateLimit-Remaining": "0", "RateLimit-Reset": reset},
    )
    serve(httpserver, CREATE_PATH, capture(SESSION), method="POST")
    serve(httpserver, PROFILES_PATH, limited)
    serve(httpserver, SEARCH_PATH, capture(SEARCH))
    result = poll_source(bluesky, **options(httpserver))
    assert len(result.items) == 25 and len(result.problems) == 1
    assert result.min_next_check_s == 120
