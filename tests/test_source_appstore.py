"""The appstore source against a local server replaying Apple's customer-reviews JSON feed: the
real (anonymised) 2020 envelope in tests/fixtures/appstore/, and pages built in code in the
same shape where a test needs several reviews, ``updated`` dates or the app entry."""

from __future__ import annotations

import json
from datetime import UTC, timedelta, timezone

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer

from listener.models import Author, Engagement
from listener.sources import appstore
from listener.sources.errors import RateLimited, TransientError
from tests.source_helpers import NOW, Capture, ReplayPlan, capture, next_state, poll_source, serve

REAL = "appstore/datasciencecampus-app_review__example_apple_reviews_gb_2020.json"
APP = "1520427663"
PACIFIC = timezone(timedelta(hours=-7))  # Apple's feeds carry -07:00


def path(page: int, country: str = "us", app: str = APP) -> str:
    return f"/{country}/rss/customerreviews/page={page}/id={app}/sortby=mostrecent/json"


def replay(server: HTTPServer) -> ReplayPlan:
    """The real envelope, for the all-sources test (tests/test_sources_all.py)."""
    serve(server, path(1, "gb"), capture(REAL))
    return ReplayPlan(
        options={
            "feed_url": server.url_for(""),
            "app_id": APP,
            "country": "gb",
            "max_pages": 1,
        },
        term="review",  # "This is a review" / "Example Review"
        mentions=1,
    )


def review(review_id: int, minutes_ago: int, **labels: str) -> dict[str, object]:
    """A review entry as Apple sends it, ``updated`` ``minutes_ago`` before NOW, in -07:00."""
    updated = (NOW - timedelta(minutes=minutes_ago)).astimezone(PACIFIC)
    fields = {
        "id": str(review_id),
        "im:rating": "4",
        "title": f"title {review_id}",
        "updated": updated.isoformat(),
        **labels,
    }
    entry: dict[str, object] = {k: {"label": v} for k, v in fields.items()}
    entry["content"] = {"label": f"review {review_id}", "attributes": {"type": "text"}}
    return entry


APP_ENTRY = {"im:name": {"label": "Acme"}, "id": {"label": "https://apps.apple.com/app/id1"}}


def feed(*entries: dict[str, object]) -> Capture:
    body: dict[str, object] = {"feed": {"title": {"label": "iTunes Store: Customer Reviews"}}}
    if entries:
        # Apple sends a lone entry as an object, not a list.
        body["feed"]["entry"] = entries[0] if len(entries) == 1 else list(entries)  # type: ignore[index]
    return Capture(json.dumps(body).encode())


def options(server: HTTPServer, **more: object) -> dict[str, object]:
    return {"feed_url": server.url_for(""), "app_id": APP, **more}


def test_the_real_entry_maps_to_a_review(httpserver: HTTPServer) -> None:
    page = serve(httpserver, path(1, "gb"), capture(REAL))
    result = poll_source(appstore, **options(httpserver, country="gb", max_pages=1))
    [item] = result.items
    assert item.native_id == "1232345678"
    assert item.url == "https://itunes.apple.com/gb/review?id=1234567890&type=Purple%20Software"
    assert item.title == "Example Review"
    assert item.html == "This is a review"
    assert item.author == Author(
        name="name1", url="https://itunes.apple.com/gb/reviews/id417600571"
    )
    assert item.rating == 1.0
    assert item.engagement == Engagement(likes=0)  # im:voteSum: "helpful" votes
    assert item.extra == {"country": "gb", "app_version": "3.6.1", "vote_count": 0}
    assert item.published_at is None  # this older feed has no entry.updated
    assert item.language is None and item.edited_at is None and not item.deleted
    assert len(page.requests) == 1 and result.problems == []


def test_dates_map_from_pacific_time_and_the_app_entry_and_html_are_handled(
    httpserver: HTTPServer,
) -> None:
    entry = review(7, 30, title="Tom & Jerry <3")
    entry["content"] = {"label": "<b>great</b>", "attributes": {"type": "html"}}
    serve(httpserver, path(1), feed(APP_ENTRY, entry))
    serve(httpserver, path(2), feed())
    [item] = poll_source(appstore, **options(httpserver)).items
    assert item.published_at == NOW - timedelta(minutes=30)
    assert item.published_at.tzinfo == UTC
    assert item.title == "Tom &amp; Jerry &lt;3"  # plain text escaped
    assert item.html == "<b>great</b>"  # type "html" passed through


def test_a_lone_entry_comes_as_an_object_and_no_entry_means_no_reviews(
    httpserver: HTTPServer,
) -> None:
    serve(httpserver, path(1), feed(review(1, 10)))
    serve(httpserver, path(2), feed())
    assert [i.native_id for i in poll_source(appstore, **options(httpserver)).items] == ["1"]


def test_the_first_poll_looks_back_and_the_next_stops_at_the_newest_seen(
    httpserver: HTTPServer,
) -> None:
    # Newest first: two reviews inside the 1-day look-back, one older than it.
    pages = serve(httpserver, path(1), feed(review(3, 10), review(2, 60), review(1, 3 * 1440)))
    first = poll_source(appstore, **options(httpserver, lookback="1d"))
    assert [i.native_id for i in first.items] == ["3", "2"]
    cursor = json.loads(first.cursor or "")
    assert cursor == {"since": int((NOW - timedelta(minutes=10)).timestamp()), "seen": ["3", "2"]}

    # One new review on top; the poll reads page 1 only and stops at "3".
    pages.capture = feed(review(4, 5), review(3, 10), review(2, 60))
    second = poll_source(appstore, next_state(first), **options(httpserver))
    assert [i.native_id for i in second.items] == ["4"]
    assert len(pages.requests) == 2
    assert json.loads(second.cursor or "")["seen"] == ["4"]


def test_an_edited_review_comes_back_with_a_new_date_and_is_marked(httpserver: HTTPServer) -> None:
    pages = serve(httpserver, path(1), feed(review(3, 60), review(2, 90)))
    serve(httpserver, path(2), feed())  # the first poll reads to the end of the feed
    first = poll_source(appstore, **options(httpserver))
    pages.capture = feed(review(3, 5, title="changed my mind"), review(2, 90))
    [edited] = poll_source(appstore, next_state(first), **options(httpserver)).items
    assert edited.native_id == "3" and edited.title == "changed my mind"
    assert edited.edited_at == NOW - timedelta(minutes=5)


def test_paging_stops_at_max_pages_and_the_next_poll_resumes_where_it_stopped(
    httpserver: HTTPServer,
) -> None:
    recorders = [
        serve(httpserver, path(1), feed(review(6, 1), review(5, 2))),
        serve(httpserver, path(2), feed(review(4, 3), review(3, 4))),
        serve(httpserver, path(3), feed(review(2, 5), review(1, 2 * 1440))),
    ]
    first = poll_source(appstore, **options(httpserver, max_pages=2))
    assert [i.native_id for i in first.items] == ["6", "5", "4", "3"]
    assert [len(r.requests) for r in recorders] == [1, 1, 0]
    gap = json.loads(first.cursor or "")["gap"]
    assert gap["page"] == 3

    second = poll_source(appstore, next_state(first), **options(httpserver, max_pages=2))
    assert [i.native_id for i in second.items] == ["2"]  # "1" is older than the look-back
    assert [len(r.requests) for r in recorders] == [1, 1, 1]
    cursor = json.loads(second.cursor or "")
    assert "gap" not in cursor  # closed: on from the newest review the first poll saw
    assert cursor["since"] == int((NOW - timedelta(minutes=1)).timestamp())


def test_the_tenth_page_still_new_is_reported_as_apples_cap(httpserver: HTTPServer) -> None:
    for page in range(1, 11):
        serve(httpserver, path(page), feed(review(100 - page, page)))
    result = poll_source(appstore, **options(httpserver, max_pages=20))
    assert len(result.items) == 10  # page 11 is never asked for
    [problem] = result.problems
    assert "Apple serves no more than 10 pages" in problem and "poll more often" in problem
    assert "gap" not in json.loads(result.cursor or "")


def test_a_malformed_review_is_skipped_and_reported(httpserver: HTTPServer) -> None:
    serve(httpserver, path(1), feed(review(2, 5, **{"im:rating": "7"}), review(1, 6)))
    serve(httpserver, path(2), feed())
    result = poll_source(appstore, **options(httpserver))
    assert [i.native_id for i in result.items] == ["1"]
    assert result.problems == ["page 1 review 1 skipped: im:rating '7' is not 1-5"]


def test_a_429_is_rate_limited(httpserver: HTTPServer) -> None:
    serve(httpserver, path(1), Capture(b"", 429, {"Retry-After": "60"}))
    with pytest.raises(RateLimited) as raised:
        poll_source(appstore, **options(httpserver))
    assert raised.value.retry_after_s == 60


def test_an_answer_without_a_feed_is_a_clear_error(httpserver: HTTPServer) -> None:
    serve(httpserver, path(1), Capture(b"{}"))
    with pytest.raises(TransientError, match="expected dict at 'feed'"):
        poll_source(appstore, **options(httpserver))


@pytest.mark.parametrize("bad", [{"app_id": "id123"}, {"app_id": "1", "country": "USA"}, {}])
def test_options_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        appstore.Options(**bad)
