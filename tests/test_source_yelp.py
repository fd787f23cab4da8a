"""The yelp source against a local server. No real Yelp reviews response exists in the shared
captures: the review and error payloads in tests/fixtures/yelp/ are synthetic_* (the Yelp docs
example shape, see that folder's README); the business capture is real."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer

from listener.models import Author
from listener.sources import yelp
from listener.sources.errors import PermanentError, RateLimited, TransientError
from tests.source_helpers import NOW, Capture, ReplayPlan, capture, next_state, poll_source, serve

REVIEWS = "yelp/synthetic_reviews_tamaleria.json"
BUSINESS = "la-mariposa-tamaleria-san-francisco"
PATH = f"/v3/businesses/{BUSINESS}/reviews"
KEY = "yelp-test-key"


def replay(server: HTTPServer) -> ReplayPlan:
    """The synthetic reviews, for the all-sources test (tests/test_sources_all.py)."""
    serve(server, PATH, capture(REVIEWS))
    return ReplayPlan(
        options={
            "api_url": server.url_for("/v3"),
            "business_id": BUSINESS,
            "api_key": "${YELP_API_KEY}",
            "lookback": "3650d",  # the all-sources run uses the real clock
        },
        term="tamaleria",
        mentions=len(capture(REVIEWS).json()["reviews"]),  # each names the tamaleria
        environ={"YELP_API_KEY": KEY},
    )


def options(server: HTTPServer, **more: object) -> dict[str, object]:
    return {"api_url": server.url_for("/v3"), "business_id": BUSINESS, "api_key": KEY, **more}


def test_the_three_excerpts_map_with_rating_user_and_local_time(httpserver: HTTPServer) -> None:
    sent = serve(httpserver, PATH, capture(REVIEWS))
    result = poll_source(yelp, **options(httpserver, locale="en_US", lookback="30d"))
    first, second, third = result.items
    assert first.native_id == "xAG4O7l-t1ubbwVAlPnDKg"
    assert first.url is not None and "hrid=xAG4O7l-t1ubbwVAlPnDKg" in first.url
    assert first.rating == 5.0 and second.rating == 2.0 and third.rating == 4.0
    assert first.html.startswith("Went back again to this tamaleria since my last visit &amp; ")
    assert second.html.startswith('The "sweet corn" tamales were cold &lt;again&gt;')
    assert first.title is None  # Yelp reviews have no title
    assert first.author == Author(
        handle="W8UK02IDdRS2GL_66fuq6w",
        name="Sophia C.",
        url="https://www.yelp.com/user_details?userid=W8UK02IDdRS2GL_66fuq6w",
    )
    # No zone in time_created: the business's local time, read as UTC.
    assert first.published_at == datetime(2026, 11, 21, 19, 41, 13, tzinfo=UTC)
    assert first.extra["time_created_local"] == "2026-11-21 19:41:13"
    assert first.extra["excerpt"] is True
    assert first.language == "en"  # from the locale asked for
    assert first.edited_at is None and not first.deleted
    [request] = sent.requests
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert sent.args == [{"locale": "en_US", "sort_by": "newest"}]
    # The first poll says, once, that Yelp gives a sample of three.
    [problem] = result.problems
    assert "only 3 review excerpts" in problem and "212 in all" in problem


def test_a_unicode_alias_from_a_real_business_is_sent_quoted(httpserver: HTTPServer) -> None:
    alias = capture("yelp/yelp-python__business_lookup_sacre_coeur_paris.json").json()["alias"]
    assert alias == "basilique-du-sacré-cœur-de-montmartre-paris-3"
    sent = serve(httpserver, f"/v3/businesses/{alias}/reviews", capture(REVIEWS))
    poll_source(yelp, **options(httpserver, business_id=alias, lookback="30d"))
    assert (
        "/basilique-du-sacr%C3%A9-c%C5%93ur-de-montmartre-paris-3/"
        in sent.requests[0].environ["RAW_URI"]
    )


def test_the_next_poll_returns_only_newer_reviews_and_marks_edits(httpserver: HTTPServer) -> None:
    page = serve(httpserver, PATH, capture(REVIEWS))
    first = poll_source(yelp, **options(httpserver, lookback="30d"))
    assert json.loads(first.cursor or "")["since"] == int(
        datetime(2026, 11, 21, 19, 41, 13, tzinfo=UTC).timestamp()
    )
    body = capture(REVIEWS).json()
    new = {**body["reviews"][2], "id": "newer", "time_created": "2026-11-22 09:00:00"}
    edited = {**body["reviews"][0], "time_created": "2026-11-22 10:00:00", "text": "Edited..."}
    body["reviews"] = [new, edited, body["reviews"][1]]
    page.capture = Capture(json.dumps(body).encode())
    second = poll_source(yelp, next_state(first), **options(httpserver))
    assert [i.native_id for i in second.items] == ["newer", "xAG4O7l-t1ubbwVAlPnDKg"]
    assert second.items[0].edited_at is None
    assert second.items[1].edited_at == datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    assert second.problems == []  # the three-excerpts note is for the first poll only
    third = poll_source(yelp, next_state(second, next_state(first)), **options(httpserver))
    assert third.items == []


def test_the_first_poll_keeps_only_the_lookback(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, capture(REVIEWS))
    result = poll_source(yelp, **options(httpserver, lookback="2d"))  # NOW is 11-22 12:00
    assert [i.native_id for i in result.items] == [
        "xAG4O7l-t1ubbwVAlPnDKg",
        "1JNmYjJXr9ZbsfZUAgkeXQ",
    ]


def error(name: str, status: int, headers: dict[str, str] | None = None) -> Capture:
    return capture(f"yelp/synthetic_error_{name}.json", status=status, headers=headers)


def test_too_many_requests_per_second_is_a_short_wait(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, error("too_many_requests_per_second", 429))
    with pytest.raises(RateLimited, match="TOO_MANY_REQUESTS_PER_SECOND") as raised:
        poll_source(yelp, **options(httpserver))
    assert raised.value.retry_after_s == yelp.SHORT_WAIT_S


def test_the_daily_access_limit_waits_until_midnight_utc(httpserver: HTTPServer) -> None:
    serve(httpserver, PATH, error("access_limit_reached", 429))
    with pytest.raises(RateLimited, match="daily quota") as raised:
        poll_source(yelp, **options(httpserver))
    midnight = datetime(2026, 11, 23, tzinfo=UTC)
    assert raised.value.retry_after_s == (midnight - NOW).total_seconds()


@pytest.mark.parametrize(
    ("name", "status", "advice"),
    [
        ("business_unavailable", 400, "check business_id"),
        ("business_unavailable", 403, "check business_id"),
        ("token_invalid", 401, "check api_key"),
    ],
)
def test_unavailable_businesses_and_bad_keys_park_the_source(
    httpserver: HTTPServer, name: str, status: int, advice: str
) -> None:
    serve(httpserver, PATH, error(name, status))
    with pytest.raises(PermanentError, match=advice) as raised:
        poll_source(yelp, **options(httpserver))
    assert KEY not in str(raised.value)


def test_an_internal_error_is_transient(httpserver: HTTPServer) -> None:
    body = b'{"error": {"code": "INTERNAL_ERROR", "description": "Something went wrong"}}'
    serve(httpserver, PATH, Capture(body, 500))
    with pytest.raises(TransientError):
        poll_source(yelp, **options(httpserver))


def test_a_malformed_review_is_skipped_and_reported(httpserver: HTTPServer) -> None:
    body = capture(REVIEWS).json()
    body["reviews"][0]["rating"] = "five"
    serve(httpserver, PATH, Capture(json.dumps(body).encode()))
    result = poll_source(yelp, **options(httpserver, lookback="30d"))
    assert len(result.items) == 2
    assert "review 1 skipped: rating 'five' is not 1-5" in result.problems


@pytest.mark.parametrize(
    "bad",
    [
        {"business_id": BUSINESS},
        {"business_id": "a/b", "api_key": "k"},
        {"business_id": BUSINESS, "api_key": "k", "locale": "english"},
        {"business_id": BUSINESS, "api_key": "k", "sort_by": "oldest"},
    ],
)
def test_options_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        yelp.Options(**bad)
