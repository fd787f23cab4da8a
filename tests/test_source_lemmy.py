"""The lemmy source against a local server replaying synthetic /api/v3/search answers built
from the documented shapes (tests/fixtures/lemmy/README.md: no real capture exists)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.models import Author, Engagement
from listener.sources import lemmy
from listener.sources.errors import PermanentError, RateLimited
from tests.source_helpers import NOW, Capture, ReplayPlan, capture, next_state, poll_source, serve

POSTS = "lemmy/synthetic_search_posts_v019.json"
POSTS_018 = "lemmy/synthetic_search_posts_v018.json"
COMMENTS = "lemmy/synthetic_search_comments_v019.json"
PATH = "/api/v3/search"
FIRST = "https://lemmy.world/post/22871004"
FEDERATED = "https://programming.dev/post/4410987"
OLDER = "https://lemmy.world/post/22861190"


def replay(server: HTTPServer) -> ReplayPlan:
    """The 0.19 post search, for the all-sources test (tests/test_sources_all.py)."""
    serve(server, PATH, capture(POSTS))
    return ReplayPlan(
        options={
            "instance_url": server.url_for("").rstrip("/"),
            "query": "kelpcraft",
            "lookback": "3650d",  # the synthetic posts are dated November 2026
            "max_pages": 1,
        },
        term="kelpcraft",
        mentions=3,  # three distinct ap_ids, each saying "Kelpcraft" in its title or body
    )


def instance(server: HTTPServer) -> str:
    return server.url_for("").rstrip("/")


def test_a_post_search_maps_posts(httpserver: HTTPServer) -> None:
    search = serve(httpserver, PATH, capture(POSTS))
    result = poll_source(lemmy, instance_url=instance(httpserver), query="kelpcraft")
    assert search.args[0] == {
        "q": "kelpcraft",
        "type_": "Posts",
        "sort": "New",
        "listing_type": "All",
        "page": "1",
        "limit": "50",
    }
    assert [i.native_id for i in result.items] == [FIRST, FEDERATED, OLDER]
    item = result.items[0]
    assert item.url == FIRST
    assert item.title == "Kelpcraft kayak review after six months"
    # Markdown source, escaped as text: "&" and "<wait 3 weeks>" survive the pipeline's strip.
    assert (
        item.html
        == "The Kelpcraft seat cracked &amp; support said &lt;wait 3 weeks&gt;. Anyone else?"
    )
    assert item.author == Author(
        handle="paddler@lemmy.world",
        name="Paddle Person",
        url="https://lemmy.world/u/paddler",
        created_at=datetime(2024, 2, 11, 18, 20, tzinfo=UTC),  # the person's "published"
    )
    assert item.published_at == datetime(2026, 11, 22, 9, 15, 2, 481203, tzinfo=UTC)
    assert item.edited_at == datetime(2026, 11, 22, 10, 2, 45, 118001, tzinfo=UTC)
    assert item.engagement == Engagement(likes=15, replies=7)
    assert item.thread_id == FIRST and item.parent_id is None
    assert item.deleted is False
    assert item.extra == {
        "id": 22871004,
        "instance": instance(httpserver),
        "community": "kayaking@lemmy.world",
        "link_url": "https://example.org/kelpcraft-kayak-review",
    }
    # Federated: this instance's id differs from the home instance's; ap_id is the identity.
    federated = result.items[1]
    assert federated.extra["id"] == 22870412 and federated.html == ""
    assert federated.author == Author(
        handle="maple@programming.dev",
        url="https://programming.dev/u/maple",
        created_at=datetime(2023, 7, 1, tzinfo=UTC),
    )
    assert federated.extra["community"] == "outdoors@programming.dev"
    assert federated.edited_at is None
    assert result.items[2].extra["locked"] is True


def test_lemmy_018_zoneless_times_and_deletions_map(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(POSTS_018))
    removed, deleted = poll_source(
        lemmy, instance_url=instance(httpserver), query="kelpcraft"
    ).items
    # 0.18 sends no zone: the time is UTC.
    assert removed.published_at == datetime(2026, 11, 22, 8, 41, 41, 254290, tzinfo=UTC)
    assert removed.deleted is True  # "removed": true, by a moderator
    assert removed.engagement == Engagement(likes=-2, replies=3)
    assert deleted.deleted is True  # "deleted": true, by its author
    assert deleted.edited_at == datetime(2026, 11, 22, 7, 30, 12, 1, tzinfo=UTC)
    assert deleted.author == Author(
        handle="seller@sh.itjust.works",
        name="Seller",
        url="https://sh.itjust.works/u/seller",
        created_at=datetime(2023, 6, 20, 11, 0, tzinfo=UTC),  # zoneless: UTC
    )


def test_a_comment_search_maps_comments_to_their_thread(httpserver: HTTPServer) -> None:
    search = serve(httpserver, PATH, capture(COMMENTS))
    options = {"instance_url": instance(httpserver), "query": "kelpcraft", "kinds": ["comments"]}
    reply, top = poll_source(lemmy, **options).items
    assert search.args[0]["type_"] == "Comments"
    assert reply.native_id == reply.url == "https://lemm.ee/comment/9120033"
    assert reply.title is None  # the post's title is not the comment's words
    assert reply.extra["post_title"] == "Kelpcraft kayak review after six months"
    assert reply.html == "Same here, my Kelpcraft seat split too. **Warranty** covered it."
    assert reply.thread_id == FIRST
    # A reply's parent is known only by this instance's id.
    assert reply.parent_id is None and reply.extra["parent_comment_id"] == "13650901"
    assert reply.engagement == Engagement(likes=3, replies=0)
    assert reply.author.handle == "rower@lemm.ee"
    assert top.parent_id == FIRST and top.thread_id == FIRST
    assert top.edited_at == datetime(2026, 11, 22, 10, 6, 30, tzinfo=UTC)
    assert top.engagement == Engagement(likes=5, replies=1)


def test_the_first_poll_looks_back_and_the_next_stops_at_what_it_read(
    httpserver: HTTPServer,
) -> None:
    search = serve(httpserver, PATH, capture(POSTS))
    options = {"instance_url": instance(httpserver), "query": "kelpcraft", "lookback": "4h"}
    first = poll_source(lemmy, **options)  # NOW is 12:00: back to 08:00
    assert [i.native_id for i in first.items] == [FIRST]
    newest = int(datetime(2026, 11, 22, 9, 15, 2, tzinfo=UTC).timestamp())
    assert json.loads(first.cursor or "") == {"posts": {"since": newest, "seen": [FIRST]}}

    second = poll_source(lemmy, next_state(first), now=NOW + timedelta(days=3), **options)
    assert second.items == [] and len(search.requests) == 2
    assert json.loads(second.cursor or "") == {"posts": {"since": newest, "seen": [FIRST]}}


def view(number: int, published: datetime) -> dict[str, Any]:
    """A copy of the fixture's first post as post ``number``, published at ``published``."""
    post = copy.deepcopy(capture(POSTS).json()["posts"][0])
    post["post"].update(
        id=number, ap_id=f"https://lemmy.world/post/{number}", published=published.isoformat()
    )
    return post


def test_a_poll_stops_at_max_pages_and_the_next_resumes_there(httpserver: HTTPServer) -> None:
    # 120 posts a minute apart, newest first: pages of 50, 50 and 20.
    posts = [view(1000 - n, NOW - timedelta(minutes=n + 1)) for n in range(120)]
    pages: list[str] = []

    def answer(request: Request) -> Response:
        page = int(request.args["page"])
        pages.append(str(page))
        body = {"posts": posts[(page - 1) * 50 : page * 50], "comments": []}
        return Capture(json.dumps(body).encode()).response()

    httpserver.expect_request(PATH).respond_with_handler(answer)
    options = {"instance_url": instance(httpserver), "query": "kelpcraft", "max_pages": 2}
    first = poll_source(lemmy, **options)
    assert pages == ["1", "2"] and len(first.items) == 100
    gap = json.loads(first.cursor or "")["posts"]["gap"]
    assert gap["page"] == 3

    # Meanwhile a new post pushed everything down one place: page 3 repeats post 901.
    posts.insert(0, view(2000, NOW))
    second = poll_source(lemmy, next_state(first), **options)
    assert pages[2:] == ["3"]
    assert [i.extra["id"] for i in second.items][:2] == [901, 900]
    assert len(second.items) == 21  # the last 20 and the repeat; the store drops the repeat
    third = poll_source(lemmy, next_state(second, next_state(first)), **options)
    assert [i.extra["id"] for i in third.items] == [2000]  # the newest, now the gap is closed


def test_a_post_repeated_on_the_next_page_is_kept_once(httpserver: HTTPServer) -> None:
    posts = [view(500 - n, NOW - timedelta(minutes=n + 1)) for n in range(50)]
    second_page = [posts[-1], view(1, NOW - timedelta(hours=3))]
    answers = [posts, second_page]

    def answer(request: Request) -> Response:
        return Capture(
            json.dumps({"posts": answers[int(request.args["page"]) - 1]}).encode()
        ).response()

    httpserver.expect_request(PATH).respond_with_handler(answer)
    items = poll_source(lemmy, instance_url=instance(httpserver), query="kelpcraft").items
    assert len(items) == 51 and len({i.native_id for i in items}) == 51


def test_a_429_is_rate_limited(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, Capture(b'{"error": "rate_limit_error"}', 429, {"Retry-After": "30"}))
    with pytest.raises(RateLimited) as raised:
        poll_source(lemmy, instance_url=instance(httpserver), query="kelpcraft")
    assert raised.value.retry_after_s == 30


def test_a_rate_limit_error_body_is_rate_limited_whatever_the_status(
    httpserver: HTTPServer,
) -> None:
    serve(httpserver, PATH, Capture(b'{"error": "rate_limit_error"}', 400))
    with pytest.raises(RateLimited, match="rate_limit_error"):
        poll_source(lemmy, instance_url=instance(httpserver), query="kelpcraft")


def test_an_unknown_community_parks_the_source_with_advice(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, Capture(b'{"error": "couldnt_find_community"}', 404))
    with pytest.raises(PermanentError, match=r"couldnt_find_community.*check community"):
        poll_source(lemmy, instance_url=instance(httpserver), query="kelpcraft", community="nope")


def test_a_view_without_ap_id_is_skipped_and_reported(httpserver: HTTPServer) -> None:
    body = capture(POSTS).json()
    del body["posts"][1]["post"]["ap_id"]
    serve(httpserver, PATH, Capture(json.dumps(body).encode()))
    result = poll_source(lemmy, instance_url=instance(httpserver), query="kelpcraft")
    assert [i.native_id for i in result.items] == [FIRST, OLDER]
    assert result.problems == ["Lemmy search page 1: post 2 skipped: post 22870412 has no ap_id"]


@pytest.mark.parametrize(
    "bad",
    [
        {"query": ""},
        {"query": "a", "kinds": ["threads"]},
        {"query": "a", "kinds": []},
        {"query": "a", "community": "has space"},
        {"query": "a", "instance_url": "lemmy.world"},
        {"query": "a", "max_pages": 0},
    ],
)
def test_options_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        lemmy.Options(**bad)


def test_a_community_is_searched_by_name(httpserver: HTTPServer) -> None:
    search = serve(httpserver, PATH, capture(POSTS))
    poll_source(
        lemmy,
        instance_url=instance(httpserver),
        query="kelpcraft",
        community="kayaking@lemmy.world",
    )
    assert search.args[0]["community_name"] == "kayaking@lemmy.world"
