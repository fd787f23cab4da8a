"""The trustpilot source against a local server. No real Trustpilot response exists in the
shared captures: tests/fixtures/trustpilot/synthetic_* follow the documented response shape
(see that folder's README)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer

from listener.models import Author, Engagement
from listener.sources import trustpilot
from listener.sources.errors import PermanentError, RateLimited, TransientError
from listener.sources.timestamps import iso_z
from tests.source_helpers import NOW, Capture, ReplayPlan, capture, next_state, poll_source, serve

PAGE = "trustpilot/synthetic_business_unit_reviews_page1.json"
UNIT = "46d6a890000064000500e0c3"
PATH = f"/v1/business-units/{UNIT}/reviews"
KEY = "tp-test-key"


def replay(server: HTTPServer) -> ReplayPlan:
    """The synthetic page, for the all-sources test (tests/test_sources_all.py)."""
    serve(server, PATH, capture(PAGE))
    return ReplayPlan(
        options={
            "api_url": server.url_for(""),
            "business_unit_id": UNIT,
            "api_key": "${TRUSTPILOT_API_KEY}",
            "lookback": "3650d",  # the all-sources run uses the real clock
        },
        term="quillbrook",
        mentions=len(capture(PAGE).json()["reviews"]),  # each names Quillbrook
        environ={"TRUSTPILOT_API_KEY": KEY},
    )


def options(server: HTTPServer, **more: object) -> dict[str, object]:
    return {"api_url": server.url_for(""), "business_unit_id": UNIT, "api_key": KEY, **more}


def test_reviews_map_with_stars_consumer_edit_and_language(httpserver: HTTPServer) -> None:
    page = serve(httpserver, PATH, capture(PAGE))
    result = poll_source(trustpilot, **options(httpserver, lookback="7d"))
    first, second, third = result.items
    assert first.native_id == "6752c3a1f0e4b2a9c8d7e6f5"
    assert first.url == "https://www.trustpilot.com/reviews/6752c3a1f0e4b2a9c8d7e6f5"
    assert first.rating == 1.0
    assert first.title == "Parcel never arrived"
    assert first.html == (
        "Ordered a Quillbrook kettle three weeks ago &amp; still nothing. "
        'Support says "soon" &lt;every&gt; time.'
    )
    assert first.author == Author(
        handle="5f1e2d3c4b5a69788796a5b4",
        name="Martina K.",
        url="https://www.trustpilot.com/users/5f1e2d3c4b5a69788796a5b4",
        posts=12,  # consumer.numberOfReviews (issue 18)
    )
    assert first.published_at == datetime(2026, 11, 22, 9, 15, 42, tzinfo=UTC)
    assert first.edited_at == datetime(2026, 11, 22, 10, 2, 13, tzinfo=UTC)
    assert first.language == "en"
    assert first.engagement == Engagement(likes=4)
    assert first.extra["company_reply"]["text"].startswith("Sorry Martina")
    assert first.extra["links"]["consumer"].endswith("/consumers/5f1e2d3c4b5a69788796a5b4")
    assert first.extra["consumer_reviews"] == 12 and first.extra["isVerified"] is True
    assert second.edited_at is None  # updatedAt null
    assert third.edited_at is None and third.language == "de"  # updatedAt == createdAt
    # What was sent: newest first, 100 a page, the key in a header (not the URL).
    [request] = page.requests
    assert page.args == [{"orderBy": "createdat.desc", "perPage": "100", "page": "1"}]
    assert request.headers["apikey"] == KEY


def review(review_id: str, minutes_ago: int) -> dict[str, object]:
    created = iso_z(NOW - timedelta(minutes=minutes_ago))
    return {"id": review_id, "stars": 4, "text": "ok", "createdAt": created, "updatedAt": created}


def reviews(*items: dict[str, object]) -> Capture:
    return Capture(json.dumps({"reviews": list(items), "links": []}).encode())


def test_the_next_poll_stops_at_the_newest_review_seen(httpserver: HTTPServer) -> None:
    page = serve(httpserver, PATH, reviews(review("b", 10), review("a", 20)))
    first = poll_source(trustpilot, **options(httpserver))
    assert [i.native_id for i in first.items] == ["b", "a"]
    assert json.loads(first.cursor or "") == {
        "since": int((NOW - timedelta(minutes=10)).timestamp()),
        "seen": ["b", "a"],
    }
    page.capture = reviews(review("c", 5), review("b", 10), review("a", 20))
    second = poll_source(trustpilot, next_state(first), **options(httpserver))
    assert [i.native_id for i in second.items] == ["c"]
    assert page.args[1]["page"] == "1"


def test_the_first_poll_stops_at_the_lookback(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, reviews(review("new", 60), review("old", 3 * 1440)))
    result = poll_source(trustpilot, **options(httpserver, lookback="1d"))
    assert [i.native_id for i in result.items] == ["new"]


def test_paging_is_bounded_and_the_next_poll_resumes_at_the_next_page(
    httpserver: HTTPServer,
) -> None:
    full = [review(f"r{n}", n) for n in range(1, 101)]  # 100 a page: the listing goes on
    pages = {"1": reviews(*full), "2": reviews(*[review(f"s{n}", 200 + n) for n in range(100)])}
    pages["3"] = reviews(review("t1", 400))
    sent: list[str] = []

    def answer(request):  # type: ignore[no-untyped-def]
        sent.append(request.args["page"])
        return pages[request.args["page"]].response()

    httpserver.expect_request(PATH).respond_with_handler(answer)
    first = poll_source(trustpilot, **options(httpserver, max_pages=2))
    assert sent == ["1", "2"] and len(first.items) == 200
    assert json.loads(first.cursor or "")["gap"]["page"] == 3

    second = poll_source(trustpilot, next_state(first), **options(httpserver, max_pages=2))
    assert sent[2:] == ["3"] and [i.native_id for i in second.items] == ["t1"]
    cursor = json.loads(second.cursor or "")
    assert "gap" not in cursor and cursor["since"] == int((NOW - timedelta(minutes=1)).timestamp())


def test_a_malformed_review_is_skipped_and_reported(httpserver: HTTPServer) -> None:
    bad = {**review("bad", 5), "stars": 0}
    serve(httpserver, PATH, reviews(bad, review("good", 6)))
    result = poll_source(trustpilot, **options(httpserver))
    assert [i.native_id for i in result.items] == ["good"]
    assert result.problems == ["page 1 review 1 skipped: stars 0 is not 1-5"]


def test_a_429_is_rate_limited(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, Capture(b'{"message":"Too Many Requests"}', 429, {"Retry-After": "30"}))
    with pytest.raises(RateLimited) as raised:
        poll_source(trustpilot, **options(httpserver))
    assert raised.value.retry_after_s == 30


def test_a_refused_key_parks_the_source_without_showing_the_key(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, Capture(b'{"fault":{"faultstring":"Invalid ApiKey"}}', 401))
    with pytest.raises(PermanentError, match="401") as raised:
        poll_source(trustpilot, **options(httpserver))
    assert KEY not in str(raised.value)


def test_a_low_budget_slows_the_next_poll(httpserver: HTTPServer) -> None:
    headers = {
        "X-RateLimit-Limit": "1000",
        "X-RateLimit-Remaining": "3",
        "X-RateLimit-Reset": "600",
    }
    serve(httpserver, PATH, Capture(reviews().body, 200, headers))
    result = poll_source(trustpilot, **options(httpserver, max_pages=1))
    assert result.min_next_check_s == pytest.approx(200)


def test_an_answer_without_reviews_is_a_clear_error(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, Capture(b'{"links": []}'))
    with pytest.raises(TransientError, match="expected list at 'reviews'"):
        poll_source(trustpilot, **options(httpserver))


@pytest.mark.parametrize(
    "bad",
    [
        {"business_unit_id": UNIT},  # no key
        {"business_unit_id": UNIT, "api_key": ""},
        {"business_unit_id": "a/b", "api_key": "k"},
        {"business_unit_id": UNIT, "api_key": "k", "api_url": "ftp://x"},
    ],
)
def test_options_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        trustpilot.Options(**bad)
