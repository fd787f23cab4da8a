"""The googleplay source against a local server standing in for Google's token endpoint and the
Play Developer API. Nothing real was captured: tests/fixtures/googleplay/synthetic_* follow
the documented shapes (see that folder's README). The service-account key is a throwaway RSA
key made at test time; the tests check the JWT the source signs with it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import ValidationError
from pytest_httpserver import HTTPServer

from listener.models import Author, Engagement
from listener.sources import googleplay
from listener.sources.errors import PermanentError, RateLimited, TransientError
from tests.source_helpers import NOW, Capture, ReplayPlan, capture, next_state, poll_source, serve

REVIEWS = "googleplay/synthetic_reviews_page1.json"
TOKEN = "googleplay/synthetic_token_response.json"
PACKAGE = "com.ferrowick.app"
PATH = f"/androidpublisher/v3/applications/{PACKAGE}/reviews"
EMAIL = "listener@acme-play.iam.gserviceaccount.com"


@pytest.fixture(autouse=True)
def no_cached_tokens() -> Iterator[None]:
    googleplay._TOKENS.clear()  # every test starts without a token, as a fresh daemon does
    yield
    googleplay._TOKENS.clear()


@cache
def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def key_json() -> str:
    pem = private_key().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return json.dumps(
        {
            "type": "service_account",
            "client_email": EMAIL,
            "private_key_id": "k1",
            "private_key": pem.decode(),
        }
    )


def replay(server: HTTPServer) -> ReplayPlan:
    """The synthetic reviews page, for the all-sources test (tests/test_sources_all.py)."""
    serve(server, "/token", capture(TOKEN), method="POST")
    serve(server, PATH, capture(REVIEWS))
    return ReplayPlan(
        options={
            **urls(server),
            "package_name": PACKAGE,
            "service_account_json": "${GOOGLE_PLAY_SERVICE_ACCOUNT_JSON}",
            "lookback": "3650d",  # the all-sources run uses the real clock
        },
        term="ferrowick",
        mentions=len(capture(REVIEWS).json()["reviews"]),  # each names Ferrowick
        environ={"GOOGLE_PLAY_SERVICE_ACCOUNT_JSON": key_json()},
    )


def urls(server: HTTPServer) -> dict[str, str]:
    return {"token_url": server.url_for("/token"), "api_url": server.url_for("")}


def options(server: HTTPServer, **more: object) -> dict[str, object]:
    return {
        **urls(server),
        "package_name": PACKAGE,
        "service_account_json": key_json(),
        "lookback": "7d",
        **more,
    }


def test_reviews_map_after_a_signed_token_exchange(httpserver: HTTPServer) -> None:
    token = serve(httpserver, "/token", capture(TOKEN), method="POST")
    reviews = serve(httpserver, PATH, capture(REVIEWS))
    result = poll_source(googleplay, **options(httpserver))

    # The token request: a JWT bearer grant signed with the service account's key.
    form = {k: v[0] for k, v in parse_qs(token.requests[0].get_data(as_text=True)).items()}
    assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    claims = jwt.decode(
        form["assertion"],
        private_key().public_key(),
        algorithms=["RS256"],
        audience=urls(httpserver)["token_url"],
        options={"verify_exp": False, "verify_iat": False},
    )
    assert claims["iss"] == EMAIL and claims["scope"] == googleplay.SCOPE
    assert claims["iat"] == int(NOW.timestamp()) and claims["exp"] == claims["iat"] + 3600
    assert jwt.get_unverified_header(form["assertion"])["kid"] == "k1"
    # The reviews request carries the token it got.
    [request] = reviews.requests
    assert request.headers["Authorization"] == "Bearer ya29.synthetic-access-token"
    assert reviews.args == [{"maxResults": "100"}]

    first, second = result.items
    assert first.native_id == "gp:AOqpTOF8k2x0yN3lRmJb4qW1sYcZ7eVtU9hD6aPfGjKiLo"
    assert first.url == (
        f"https://play.google.com/store/apps/details?id={PACKAGE}&reviewId={first.native_id}"
    )
    assert first.html == (
        "The Ferrowick app crashes every time I open the camera tab &amp; "
        "I lost my draft &lt;again&gt;."
    )
    assert first.rating == 1.0 and second.rating == 5.0
    assert first.author == Author(name="Priya Raman")
    assert second.author == Author()  # an empty authorName
    assert first.published_at == datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    assert first.language == "en" and second.language == "de"
    assert first.engagement == Engagement(likes=7)
    assert first.extra["app_version"] == "4.2.1" and first.extra["thumbs_down"] == 1
    assert first.extra["developer_reply"].startswith("Sorry Priya")
    assert first.title is None and first.edited_at is None and result.problems == []


def review(review_id: str, seconds: int, stars: int = 3) -> dict[str, object]:
    comment = {"text": "ferrowick", "lastModified": {"seconds": str(seconds)}, "starRating": stars}
    return {"reviewId": review_id, "authorName": "a", "comments": [{"userComment": comment}]}


def page(*reviews: dict[str, object], next_token: str | None = None) -> Capture:
    pagination = {"nextPageToken": next_token} if next_token else {}
    return Capture(json.dumps({"reviews": list(reviews), "tokenPagination": pagination}).encode())


T = int(NOW.timestamp())


def test_the_next_poll_stops_at_the_newest_seen_and_marks_edits(httpserver: HTTPServer) -> None:
    serve(httpserver, "/token", capture(TOKEN), method="POST")
    reviews = serve(httpserver, PATH, page(review("b", T - 60), review("a", T - 120)))
    first = poll_source(googleplay, **options(httpserver))
    assert json.loads(first.cursor or "") == {"since": T - 60, "seen": ["b", "a"]}
    reviews.capture = page(review("a", T - 10), review("c", T - 30), review("b", T - 60))
    second = poll_source(googleplay, next_state(first), **options(httpserver))
    assert [i.native_id for i in second.items] == ["a", "c"]
    assert second.items[0].edited_at is not None  # "a" came back with a newer lastModified
    assert second.items[1].edited_at is None


def test_paging_is_bounded_and_the_next_poll_resumes_with_the_page_token(
    httpserver: HTTPServer,
) -> None:
    serve(httpserver, "/token", capture(TOKEN), method="POST")
    pages = {
        "": page(review("d", T - 10), next_token="p2"),
        "p2": page(review("c", T - 20), next_token="p3"),
        "p3": page(review("b", T - 30)),
    }
    sent: list[str] = []

    def answer(request):  # type: ignore[no-untyped-def]
        sent.append(request.args.get("token", ""))
        return pages[request.args.get("token", "")].response()

    httpserver.expect_request(PATH).respond_with_handler(answer)
    first = poll_source(googleplay, **options(httpserver, max_pages=2))
    assert sent == ["", "p2"] and [i.native_id for i in first.items] == ["d", "c"]
    assert json.loads(first.cursor or "")["gap"]["token"] == "p3"

    second = poll_source(googleplay, next_state(first), **options(httpserver, max_pages=2))
    assert sent[2:] == ["p3"] and [i.native_id for i in second.items] == ["b"]
    assert json.loads(second.cursor or "") == {"since": T - 10, "seen": ["d", "c"]}


def test_a_refused_key_parks_the_source_with_advice(httpserver: HTTPServer) -> None:
    refused = capture("googleplay/synthetic_error_invalid_grant.json", status=400)
    serve(httpserver, "/token", refused, method="POST")
    with pytest.raises(
        PermanentError, match=re.escape(f"refused the service-account key of {EMAIL}")
    ):
        poll_source(googleplay, **options(httpserver))


def test_an_app_that_is_not_yours_parks_the_source(httpserver: HTTPServer) -> None:
    serve(httpserver, "/token", capture(TOKEN), method="POST")
    denied = capture("googleplay/synthetic_error_permission_denied.json", status=403)
    serve(httpserver, PATH, denied)
    with pytest.raises(PermanentError, match=re.escape(f"must be invited to {PACKAGE}")):
        poll_source(googleplay, **options(httpserver))


def test_a_quota_429_is_rate_limited(httpserver: HTTPServer) -> None:
    serve(httpserver, "/token", capture(TOKEN), method="POST")
    body = b'{"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message": "Quota"}}'
    serve(httpserver, PATH, Capture(body, 429, {"Retry-After": "3600"}))
    with pytest.raises(RateLimited) as raised:
        poll_source(googleplay, **options(httpserver))
    assert raised.value.retry_after_s == 3600


def test_a_quota_403_is_rate_limited_not_parked(httpserver: HTTPServer) -> None:
    serve(httpserver, "/token", capture(TOKEN), method="POST")
    body = b'{"error": {"code": 403, "status": "RESOURCE_EXHAUSTED", "message": "Quota"}}'
    serve(httpserver, PATH, Capture(body, 403))
    with pytest.raises(RateLimited, match="quota"):
        poll_source(googleplay, **options(httpserver))


def test_a_key_file_is_read_and_a_missing_one_is_a_clear_error(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    serve(httpserver, "/token", capture(TOKEN), method="POST")
    serve(httpserver, PATH, capture(REVIEWS))
    key_file = tmp_path / "key.json"
    key_file.write_text(key_json(), encoding="utf-8")
    settings = {**options(httpserver), "service_account_json": None}
    assert len(poll_source(googleplay, **settings, service_account_file=key_file).items) == 2
    with pytest.raises(PermanentError, match="cannot read service_account_file"):
        poll_source(googleplay, **settings, service_account_file=tmp_path / "missing.json")


def test_a_malformed_review_is_skipped_and_reported(httpserver: HTTPServer) -> None:
    serve(httpserver, "/token", capture(TOKEN), method="POST")
    serve(httpserver, PATH, page(review("bad", T - 5, stars=0), review("good", T - 6)))
    result = poll_source(googleplay, **options(httpserver))
    assert [i.native_id for i in result.items] == ["good"]
    assert result.problems == ["review 1 skipped: starRating 0 is not 1-5"]


@pytest.mark.parametrize(
    "bad",
    [
        {"package_name": PACKAGE},  # no key at all
        {"package_name": PACKAGE, "service_account_json": "{}", "service_account_file": "/k"},
        {"package_name": "not a package", "service_account_json": "{}"},
    ],
)
def test_options_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        googleplay.Options(**bad)


def test_the_access_token_is_cached_until_shortly_before_it_expires(
    httpserver: HTTPServer,
) -> None:
    token = serve(httpserver, "/token", capture(TOKEN), method="POST")  # expires_in 3599
    serve(httpserver, PATH, capture(REVIEWS))
    poll_source(googleplay, **options(httpserver))
    poll_source(googleplay, now=NOW + timedelta(minutes=30), **options(httpserver))
    assert len(token.requests) == 1  # about 60 review calls an hour: not one exchange each
    poll_source(googleplay, now=NOW + timedelta(minutes=59), **options(httpserver))
    assert len(token.requests) == 2  # within a minute of expiry: a new one


def test_a_rejected_cached_token_is_dropped_and_the_next_poll_gets_a_new_one(
    httpserver: HTTPServer,
) -> None:
    token = serve(httpserver, "/token", capture(TOKEN), method="POST")
    reviews = serve(httpserver, PATH, capture(REVIEWS))
    poll_source(googleplay, **options(httpserver))
    body = b'{"error": {"code": 401, "status": "UNAUTHENTICATED", "message": "Invalid"}}'
    reviews.capture = Capture(body, 401)
    with pytest.raises(TransientError, match="new one is requested") as raised:
        poll_source(googleplay, **options(httpserver))
    assert not isinstance(raised.value, PermanentError)
    reviews.capture = capture(REVIEWS)
    assert len(poll_source(googleplay, **options(httpserver)).items) == 2
    assert len(token.requests) == 2


def test_an_expired_saved_page_token_drops_the_gap_and_reads_from_the_top(
    httpserver: HTTPServer,
) -> None:
    serve(httpserver, "/token", capture(TOKEN), method="POST")
    pages = {
        "": page(review("d", T - 10), next_token="p2"),
        "p2": page(review("c", T - 20), next_token="p3"),
    }
    sent: list[str] = []

    def answer(request):  # type: ignore[no-untyped-def]
        sent.append(request.args.get("token", ""))
        if request.args.get("token", "") in pages:
            return pages[request.args.get("token", "")].response()
        stale = b'{"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "Bad token"}}'
        return Capture(stale, 400).response()

    httpserver.expect_request(PATH).respond_with_handler(answer)
    first = poll_source(googleplay, **options(httpserver, max_pages=2))
    assert json.loads(first.cursor or "")["gap"]["token"] == "p3"
    # By the next poll "p3" has gone stale, and a newer review "e" sits at the top.
    pages[""] = page(review("e", T - 5), review("d", T - 10), next_token="p2")
    second = poll_source(googleplay, next_state(first), **options(httpserver, max_pages=2))
    assert sent[2:] == ["p3", ""]
    assert [i.native_id for i in second.items] == ["e"]
    assert len(second.problems) == 1 and "could not resume paging" in second.problems[0]
    assert json.loads(second.cursor or "") == {"since": T - 5, "seen": ["e"]}
