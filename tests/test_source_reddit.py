"""The reddit source against a local server replaying PRAW's recorded Reddit answers and
Reddit's search.rss (tests/fixtures/reddit/, provenance in its README.md)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.models import Author, Engagement
from listener.sources import reddit
from listener.sources.errors import PermanentError, RateLimited, TransientError
from listener.sources.reddit_authors import forget_karma
from tests.source_helpers import Capture, ReplayPlan, capture, next_state, poll_source, serve

TOKEN = "reddit/extracted/praw__TestSubreddit.test_search__00.meta.json"
SEARCH = "reddit/extracted/praw__TestSubreddit.test_search__01.meta.json"
NEW = "reddit/extracted/praw__TestSubredditListings.test_new__01.meta.json"
DELETED = "reddit/extracted/praw__TestComment.test_refresh__deleted_comment__01.meta.json"
EMPTY = "reddit/extracted/praw__TestListingGenerator.test_no_items__01.meta.json"
RSS = "reddit/reddit_search_rss_sort_new__feed-rs.xml"
TOKEN_PATH = "/api/v1/access_token"
ABOUT_PATH = re.compile(r"^/user/([^/]+)/about$")
ABOUT = "reddit/synthetic_user_about.json"  # total_karma 5513
ABOUT_WITHOUT_TOTAL = "reddit/synthetic_user_about_without_total.json"  # 4211 + 16034
ABOUT_SUSPENDED = "reddit/synthetic_user_about_suspended.json"
UA = "python:listener-tests:1.0 (by /u/listener_tests)"
# Just after the newest post of the /r/askreddit/new capture (2016-03-01 08:37:38 UTC).
NEW_NOW = datetime(2016, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_cached_tokens() -> Iterator[None]:
    reddit._TOKENS.clear()  # every test starts without a token, as a fresh daemon does
    forget_karma()  # and knows no author's karma
    yield
    reddit._TOKENS.clear()
    forget_karma()


def replay(server: HTTPServer) -> ReplayPlan:
    """Token and search captures, and the authors' karma, for the all-sources test
    (tests/test_sources_all.py)."""
    serve(server, TOKEN_PATH, capture(TOKEN), method="POST")
    serve(server, "/search", capture(SEARCH))
    karma(server)
    return ReplayPlan(
        options={
            **urls(server),
            "query": "praw",
            "client_id": "${REDDIT_CLIENT_ID}",
            "client_secret": "${REDDIT_CLIENT_SECRET}",
            "user_agent": UA,
            "lookback": "6000d",  # the capture is from 2013-2016
            "max_pages": 1,
        },
        term="praw",
        mentions=6,  # all six search results say "PRAW" in title or text
        environ={"REDDIT_CLIENT_ID": "id", "REDDIT_CLIENT_SECRET": "secret"},
    )


def karma(server: HTTPServer, **answers: Capture) -> list[str]:
    """Answer ``/user/{name}/about`` with ``answers[name]``, else ``ABOUT``; returns the
    names asked about, in order."""
    asked: list[str] = []

    def answer(request: Request) -> Response:
        match = ABOUT_PATH.match(request.path)
        assert match is not None
        asked.append(match.group(1))
        return answers.get(match.group(1), capture(ABOUT)).response()

    server.expect_request(ABOUT_PATH).respond_with_handler(answer)
    return asked


def about_requests(server: HTTPServer) -> list[Request]:
    """Every /user/…/about request the server saw, served or not."""
    return [r for r, _ in server.log if ABOUT_PATH.match(r.path)]


def urls(server: HTTPServer) -> dict[str, str]:
    base = server.url_for("").rstrip("/")
    return {"api_url": base, "auth_url": base, "rss_url": base}


def oauth(server: HTTPServer, **options: object) -> dict[str, object]:
    return {
        **urls(server),
        "client_id": "id",
        "client_secret": "secret",
        "user_agent": UA,
        **options,
    }


def listing(*children: dict[str, object], after: str | None = None) -> Capture:
    return Capture(
        json.dumps(
            {"kind": "Listing", "data": {"children": list(children), "after": after}}
        ).encode()
    )


def post(name: str, created: datetime, **data: object) -> dict[str, object]:
    fields = {
        "name": f"t3_{name}",
        "id": name,
        "title": f"acme {name}",
        "selftext": "",
        "created_utc": created.timestamp(),
        "permalink": f"/r/t/comments/{name}/x/",
        "author": "someone",
        "score": 1,
        "num_comments": 0,
        "edited": False,
    }
    return {"kind": "t3", "data": {**fields, **data}}


def test_a_search_listing_maps_submissions(httpserver: HTTPServer) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    serve(httpserver, "/search", capture(SEARCH))
    result = poll_source(reddit, **oauth(httpserver, query="praw", lookback="6000d"))
    assert [i.native_id for i in result.items] == [
        "t3_3gpbiu",
        "t3_3x4kt2",
        "t3_3b4erh",
        "t3_1qvzkd",
        "t3_3qc02b",
        "t3_4at068",
    ]
    item = result.items[0]
    assert item.url == (
        "https://www.reddit.com/r/redditdev/comments/3gpbiu/"
        "prawoauth2util_problem_using_get_banned_raise/"
    )
    assert (
        item.title
        == "[PRAW][OAuth2Util] Problem using get_banned() : raise Forbidden(_raw=response)"
    )
    assert item.html.startswith('<!-- SC_OFF --><div class="md"><h1>solved</h1>')
    assert "reddit&#39;s API" in item.html  # raw_json=1 HTML passes through, entities intact
    assert item.author == Author(handle="dClauzel", url="https://www.reddit.com/user/dClauzel")
    assert item.published_at == datetime(2015, 8, 12, 9, 8, 34, tzinfo=UTC)
    assert item.edited_at == datetime(2015, 8, 13, 6, 35, 18, tzinfo=UTC)  # "edited": 1439447718.0
    assert item.engagement == Engagement(likes=0, replies=21)  # score, num_comments
    assert item.thread_id == "t3_3gpbiu" and item.parent_id is None
    assert item.extra["subreddit"] == "redditdev" and item.deleted is False
    assert result.items[1].edited_at is None  # "edited": false


def test_a_link_post_maps_its_target_to_extra_and_escapes_its_title(httpserver: HTTPServer) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    serve(
        httpserver,
        "/search",
        listing(
            post(
                "abc",
                NEW_NOW - timedelta(minutes=5),
                title="AT&T <3 acme",
                is_self=False,
                url="https://example.com/acme",
                selftext_html=None,
            )
        ),
    )
    [item] = poll_source(reddit, now=NEW_NOW, **oauth(httpserver, query="acme")).items
    assert item.title == "AT&amp;T &lt;3 acme" and item.html == ""
    assert item.extra["link_url"] == "https://example.com/acme"


def test_a_deleted_comment_maps_to_a_tombstone(httpserver: HTTPServer) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    comments = serve(httpserver, "/r/test/comments", capture(DELETED))
    options = oauth(httpserver, subreddits=["r/test"], kinds=["comments"], lookback="6000d")
    [item] = poll_source(reddit, **options).items
    assert comments.args[0]["limit"] == "100" and "q" not in comments.args[0]
    assert item.native_id == "t1_d7ltvl0" and item.deleted is True
    assert item.author == Author()  # "[deleted]" is not a person
    assert item.title is None and item.html == '<div class="md"><p>[deleted]</p>\n</div>'
    assert item.parent_id == "t3_52o2fl" and item.thread_id == "t3_52o2fl"
    # This 2016 listing has no permalink: the same address is built from the ids.
    assert item.url == "https://www.reddit.com/r/test/comments/52o2fl/_/d7ltvl0/"
    assert item.engagement == Engagement(likes=1, replies=None)


# selftext_html as Reddit sends it without raw_json=1.
ESCAPED = "&lt;div class=&quot;md&quot;&gt;&lt;p&gt;AT&amp;amp;T&lt;/p&gt;&lt;/div&gt;"


def test_removed_and_escaped_posts(httpserver: HTTPServer) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    when = NEW_NOW - timedelta(minutes=5)
    serve(
        httpserver,
        "/search",
        listing(
            post("a", when, selftext="[removed]"),
            post(
                "b",
                when,
                author="[deleted]",
                selftext="still here",
                selftext_html=ESCAPED,
            ),
        ),
    )
    removed, orphan = poll_source(reddit, now=NEW_NOW, **oauth(httpserver, query="acme")).items
    assert removed.deleted is True
    # The account is gone, the post is not; escaped HTML (no raw_json) is unescaped once.
    assert orphan.deleted is False and orphan.author.handle is None
    assert orphan.html == '<div class="md"><p>AT&amp;T</p></div>'


def test_the_token_is_requested_with_the_app_credentials_and_cached(httpserver: HTTPServer) -> None:
    token = serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    search = serve(httpserver, "/search", capture(EMPTY))
    options = oauth(httpserver, query="acme")
    state = next_state(poll_source(reddit, **options))
    [sent] = token.requests
    assert sent.form["grant_type"] == "client_credentials"
    assert sent.headers["Authorization"] == "Basic " + base64.b64encode(b"id:secret").decode()
    assert sent.headers["User-Agent"] == UA
    assert search.requests[0].headers["Authorization"] == "bearer <ACCESS_TOKEN>"
    assert search.requests[0].headers["User-Agent"] == UA
    poll_source(reddit, state, **options)
    assert len(token.requests) == 1  # the second poll reuses the token


def test_a_token_is_renewed_before_it_expires(httpserver: HTTPServer) -> None:
    token = serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    serve(httpserver, "/search", capture(EMPTY))
    options = oauth(httpserver, query="acme")
    poll_source(reddit, now=NEW_NOW, **options)
    poll_source(reddit, now=NEW_NOW + timedelta(minutes=30), **options)
    assert len(token.requests) == 1  # "expires_in": 3600
    poll_source(reddit, now=NEW_NOW + timedelta(minutes=59, seconds=30), **options)
    assert len(token.requests) == 2  # within a minute of expiry: a new one


def test_a_rejected_token_is_dropped_and_the_next_poll_gets_a_new_one(
    httpserver: HTTPServer,
) -> None:
    token = serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    answers = [
        capture(EMPTY),
        Capture(b'{"message": "Unauthorized", "error": 401}', 401),
        capture(EMPTY),
    ]
    httpserver.expect_request("/search").respond_with_handler(lambda _: answers.pop(0).response())
    options = oauth(httpserver, query="acme")
    poll_source(reddit, now=NEW_NOW, **options)
    with pytest.raises(TransientError, match="new one is requested on the next poll"):
        poll_source(reddit, now=NEW_NOW + timedelta(minutes=5), **options)
    poll_source(reddit, now=NEW_NOW + timedelta(minutes=10), **options)
    assert len(token.requests) == 2


def test_refused_credentials_park_the_source_with_advice(httpserver: HTTPServer) -> None:
    serve(
        httpserver,
        TOKEN_PATH,
        Capture(b'{"message": "Unauthorized", "error": 401}', 401),
        method="POST",
    )
    with pytest.raises(PermanentError, match="check client_id and client_secret"):
        poll_source(reddit, **oauth(httpserver, query="acme"))


def test_the_first_poll_looks_back_and_the_next_continues_from_the_newest(
    httpserver: HTTPServer,
) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    new = serve(httpserver, "/r/askreddit/new", capture(NEW))
    options = oauth(httpserver, subreddits=["askreddit"], lookback="30m")
    first = poll_source(reddit, now=NEW_NOW, **options)
    since = int((NEW_NOW - timedelta(minutes=30)).timestamp())
    assert new.args[0] == {"limit": "100", "raw_json": "1"}
    # Only the posts of the last 30 minutes; reaching older ones ends the poll in one page.
    assert first.items and all(
        i.published_at >= NEW_NOW - timedelta(minutes=30) for i in first.items
    )  # type: ignore[operator]
    assert len(first.items) < 100
    assert json.loads(first.cursor or "") == {"posts": {"since": 1456821458}}

    second = poll_source(reddit, next_state(first), now=NEW_NOW, **options)
    assert [i.native_id for i in second.items] == ["t3_48fbm9"]  # the newest, at exactly since
    assert json.loads(second.cursor or "") == {"posts": {"since": 1456821458}}
    assert since < 1456821458


def test_a_poll_stops_at_max_pages_and_the_next_resumes_after_the_oldest(
    httpserver: HTTPServer,
) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    new = serve(httpserver, "/r/askreddit/new", capture(NEW))
    options = oauth(httpserver, subreddits=["askreddit"], lookback="1d", max_pages=1)
    first = poll_source(reddit, now=NEW_NOW, **options)
    assert len(new.requests) == 1 and len(first.items) == 100
    oldest = min(int(i.published_at.timestamp()) for i in first.items)  # type: ignore[union-attr]
    since = int((NEW_NOW - timedelta(days=1)).timestamp())
    assert json.loads(first.cursor or "") == {
        "posts": {"since": since, "newest": 1456821458, "gap_until": oldest, "after": "t3_48f6io"}
    }

    new.capture = listing(
        post("48f6in", datetime.fromtimestamp(oldest - 60, UTC)),
        post("old", NEW_NOW - timedelta(days=2)),
    )
    second = poll_source(reddit, next_state(first), now=NEW_NOW, **options)
    assert new.args[1]["after"] == "t3_48f6io"
    assert [i.native_id for i in second.items] == ["t3_48f6in"]
    assert json.loads(second.cursor or "") == {"posts": {"since": 1456821458}}  # gap closed


def test_a_low_budget_slows_the_next_poll(httpserver: HTTPServer) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    low = {"x-ratelimit-remaining": "2.0", "x-ratelimit-used": "598", "x-ratelimit-reset": "300"}
    serve(httpserver, "/search", capture(EMPTY, headers=low))
    result = poll_source(reddit, **oauth(httpserver, query="acme"))
    assert result.min_next_check_s == 300  # 2 left, a poll may need 4: wait for the reset
    reddit._TOKENS.clear()
    httpserver.clear()
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    plenty = {"x-ratelimit-remaining": "596.0", "x-ratelimit-used": "4", "x-ratelimit-reset": "181"}
    serve(httpserver, "/search", capture(EMPTY, headers=plenty))  # as recorded in 2016
    assert poll_source(reddit, **oauth(httpserver, query="acme")).min_next_check_s is None


def test_a_429_is_rate_limited_until_the_reset(httpserver: HTTPServer) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    spent = {"x-ratelimit-remaining": "0.0", "x-ratelimit-used": "600", "x-ratelimit-reset": "42"}
    serve(
        httpserver,
        "/search",
        Capture(b'{"message": "Too Many Requests", "error": 429}', 429, spent),
    )
    with pytest.raises(RateLimited) as raised:
        poll_source(reddit, **oauth(httpserver, query="acme"))
    assert raised.value.retry_after_s == 42


def test_a_malformed_child_is_skipped_and_reported(httpserver: HTTPServer) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    serve(
        httpserver,
        "/search",
        listing(
            {"kind": "t3", "data": {"name": "t3_bad", "created_utc": "yesterday"}},
            post("good", NEW_NOW - timedelta(minutes=1)),
        ),
    )
    karma(httpserver)
    result = poll_source(reddit, now=NEW_NOW, **oauth(httpserver, query="acme"))
    assert [i.native_id for i in result.items] == ["t3_good"]
    assert result.problems == [
        "Reddit /search: item 't3_bad' skipped: created_utc 'yesterday' is not a time"
    ]


def test_a_changed_response_shape_is_a_clear_error(httpserver: HTTPServer) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    serve(httpserver, "/search", Capture(b'{"kind": "Listing"}'))
    with pytest.raises(TransientError, match="expected dict at 'data'"):
        poll_source(reddit, **oauth(httpserver, query="acme"))


def test_rss_mode_maps_the_search_feed(httpserver: HTTPServer) -> None:
    feed = serve(
        httpserver, "/search.rss", capture(RSS, headers={"Content-Type": "application/atom+xml"})
    )
    options = {**urls(httpserver), "query": "kevincox", "user_agent": UA}
    result = poll_source(reddit, now=datetime(2021, 11, 3, tzinfo=UTC), **options)
    assert feed.args[0] == {"q": "kevincox", "sort": "new", "type": "link", "limit": "100"}
    assert feed.requests[0].headers["User-Agent"] == UA
    [item] = result.items
    assert item.native_id == "t3_qksbf1"  # the same id as the API's fullname
    assert item.url == "https://www.reddit.com/r/kevincox/comments/qksbf1/announcing_feedmail/"
    assert item.title == "Announcing FeedMail"
    assert item.html == ""  # a link post: only Reddit's "submitted by" footer, dropped
    assert item.author == Author(
        handle="kevincox_ca", url="https://www.reddit.com/user/kevincox_ca"
    )
    assert item.published_at == datetime(2021, 11, 2, 0, 46, 8, tzinfo=UTC)
    assert item.thread_id == "t3_qksbf1"
    assert item.extra == {
        "subreddit": "kevincox",
        "link_url": "https://kevincox.ca/2021/11/01/announcing-feedmail/",
    }
    assert result.min_next_check_s is not None and result.min_next_check_s >= 300
    # The first poll keeps only lookback's worth; later ones keep what the feed has.
    assert poll_source(reddit, now=datetime(2026, 1, 1, tzinfo=UTC), **options).items == []
    later = poll_source(reddit, next_state(result), now=datetime(2026, 1, 1, tzinfo=UTC), **options)
    assert [i.native_id for i in later.items] == ["t3_qksbf1"]


def test_rss_mode_reads_subreddit_listings(httpserver: HTTPServer) -> None:
    new = serve(httpserver, "/r/acme+acmecorp/new.rss", capture(RSS))
    comments = serve(httpserver, "/r/acme+acmecorp/comments.rss", capture(RSS))
    options = {
        **urls(httpserver),
        "subreddits": ["acme", "acmecorp"],
        "kinds": ["posts", "comments"],
    }
    poll_source(reddit, **options)
    assert new.args == [{"limit": "100"}] and comments.args == [{"limit": "100"}]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({}, "set query, subreddits or both"),
        ({"query": "a", "kinds": ["comments"]}, "comments needs subreddits"),
        ({"query": "a", "client_id": "id"}, "both client_id and client_secret"),
        ({"query": "a", "mode": "oauth"}, "mode oauth needs client_id"),
        ({"subreddits": ["no such/sub"]}, "not a subreddit name"),
        ({"query": "a", "max_pages": 0}, "greater than or equal to 1"),
        ({"query": "a", "api_url": "oauth.reddit.com"}, "http"),
        ({"query": "a", "client_id": "", "client_secret": "s"}, "at least 1"),
    ],
)
def test_options_are_checked(bad: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        reddit.Options(**bad)


def test_the_mode_follows_the_credentials() -> None:
    assert not reddit.Options(query="a").use_oauth
    assert reddit.Options(query="a", client_id="i", client_secret="s").use_oauth
    assert not reddit.Options(query="a", client_id="i", client_secret="s", mode="rss").use_oauth
    assert reddit.Options(subreddits=["r/acme"]).subreddits == ("acme",)


def test_reach_uses_karma_from_the_authors_about(httpserver: HTTPServer) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    serve(httpserver, "/search", capture(SEARCH))
    asked = karma(
        httpserver,
        Doomhammer458=capture(ABOUT_WITHOUT_TOTAL),
        Ouiski=capture(ABOUT_SUSPENDED),
        DAsSNipez=Capture(b'{"message": "Not Found", "error": 404}', 404),
    )
    result = poll_source(reddit, **oauth(httpserver, query="praw", lookback="6000d"))
    # Newest post's author first (nmtake, 2016-03) ... oldest last (DAsSNipez, 2013).
    assert asked == [
        "nmtake",
        "GrinningMouth38",
        "Doomhammer458",
        "dClauzel",
        "Ouiski",
        "DAsSNipez",
    ]
    [first, *_] = about_requests(httpserver)
    assert dict(first.args) == {"raw_json": "1"}
    assert first.headers["Authorization"] == "bearer <ACCESS_TOKEN>"
    assert first.headers["User-Agent"] == UA
    by_name = {i.author.handle: i.author.followers for i in result.items}
    assert by_name == {
        "nmtake": 5513,  # total_karma
        "GrinningMouth38": 5513,
        "Doomhammer458": 20245,  # no total_karma: link + comment karma
        "dClauzel": 5513,
        "Ouiski": None,  # suspended
        "DAsSNipez": None,  # 404: shadow-banned or gone
    }
    assert result.problems == []  # an unknown account is not a problem
    # Every answer is cached, the suspended and the missing ones too.
    poll_source(reddit, **oauth(httpserver, query="praw", lookback="6000d"))
    assert len(asked) == 6


def test_deleted_authors_are_never_looked_up(httpserver: HTTPServer) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    when = NEW_NOW - timedelta(minutes=5)
    serve(
        httpserver,
        "/search",
        listing(post("a", when, author="[deleted]"), post("b", when, author="[removed]")),
    )
    result = poll_source(reddit, now=NEW_NOW, **oauth(httpserver, query="acme"))
    assert len(result.items) == 2 and not about_requests(httpserver) and not result.problems


def many_authors(count: int) -> Capture:
    """``count`` posts, one a minute, each by another author (author0 the newest)."""
    return listing(
        *(
            post(f"p{n}", NEW_NOW - timedelta(minutes=1 + n), author=f"author{n}")
            for n in range(count)
        )
    )


def test_at_most_karma_lookups_authors_a_poll_newest_first(httpserver: HTTPServer) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    serve(httpserver, "/search", many_authors(15))
    asked = karma(httpserver)
    options = oauth(httpserver, query="acme", lookback="3d")
    first = poll_source(reddit, now=NEW_NOW, **options)
    assert asked == [f"author{n}" for n in range(10)]  # the default: 10 a poll
    assert sum(1 for i in first.items if i.author.followers == 5513) == 10
    # The next poll asks about the five left; the ten known are cached for a day.
    poll_source(reddit, now=NEW_NOW, **options)
    assert asked[10:] == [f"author{n}" for n in range(10, 15)]
    poll_source(reddit, now=NEW_NOW + timedelta(hours=23), **options)
    assert len(asked) == 15
    poll_source(reddit, now=NEW_NOW + timedelta(hours=25), **options)
    assert len(asked) == 25  # a day later the cache has expired: ten more lookups


def test_karma_lookups_zero_turns_them_off(httpserver: HTTPServer) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    serve(httpserver, "/search", many_authors(3))
    karma(httpserver)
    options = oauth(httpserver, query="acme", karma_lookups=3)
    assert len(poll_source(reddit, now=NEW_NOW, **options).items) == 3
    assert len(about_requests(httpserver)) == 3
    forget_karma()
    result = poll_source(reddit, now=NEW_NOW, **{**options, "karma_lookups": 0})
    assert len(about_requests(httpserver)) == 3  # none more
    assert all(i.author.followers is None for i in result.items)


def test_a_failed_lookup_keeps_the_posts_and_stops_the_lookups(httpserver: HTTPServer) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    serve(httpserver, "/search", many_authors(4))
    asked = karma(httpserver, author0=Capture(b"<html>upstream error</html>", 502))
    result = poll_source(reddit, now=NEW_NOW, **oauth(httpserver, query="acme"))
    assert len(result.items) == 4 and asked == ["author0"]
    assert all(i.author.followers is None for i in result.items)
    [problem] = result.problems
    assert "/about failed" in problem and "4 authors" in problem
    poll_source(reddit, now=NEW_NOW, **oauth(httpserver, query="acme"))
    assert asked[1] == "author0"  # a failure is not cached: asked again


def test_a_429_on_a_lookup_keeps_the_posts_and_waits(httpserver: HTTPServer) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    serve(httpserver, "/search", many_authors(2))
    spent = {"x-ratelimit-remaining": "0.0", "x-ratelimit-used": "600", "x-ratelimit-reset": "42"}
    karma(httpserver, author0=Capture(b'{"message": "Too Many Requests"}', 429, spent))
    result = poll_source(reddit, now=NEW_NOW, **oauth(httpserver, query="acme"))
    assert len(result.items) == 2 and len(result.problems) == 1
    assert result.min_next_check_s == 42


def test_a_low_budget_skips_the_lookups(httpserver: HTTPServer) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    low = {"x-ratelimit-remaining": "50.0", "x-ratelimit-used": "550", "x-ratelimit-reset": "300"}
    serve(httpserver, "/search", Capture(many_authors(3).body, 200, low))
    result = poll_source(reddit, now=NEW_NOW, **oauth(httpserver, query="acme"))
    assert len(result.items) == 3 and not about_requests(httpserver) and not result.problems


def test_lookups_stop_when_the_budget_runs_low_midway(httpserver: HTTPServer) -> None:
    serve(httpserver, TOKEN_PATH, capture(TOKEN), method="POST")
    plenty = {"x-ratelimit-remaining": "100.0", "x-ratelimit-used": "500", "x-ratelimit-reset": "9"}
    serve(httpserver, "/search", Capture(many_authors(5).body, 200, plenty))
    low = {"x-ratelimit-remaining": "60.0", "x-ratelimit-used": "540", "x-ratelimit-reset": "9"}
    asked = karma(httpserver, author1=Capture(capture(ABOUT).body, 200, low))
    result = poll_source(reddit, now=NEW_NOW, **oauth(httpserver, query="acme"))
    assert asked == ["author0", "author1"]  # 60 of 600 left after the second: stop
    assert [i.author.followers for i in result.items] == [5513, 5513, None, None, None]
