"""listener.sources.http against a real local HTTP server (pytest_httpserver): status
mapping, conditional GET, size cap, timeouts, Retry-After and cache hints."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.sources.errors import PermanentError, RateLimited, SourceError, TransientError
from listener.sources.http import (
    DEFAULT_USER_AGENT,
    FetchResponse,
    describe_transport_error,
    fetch,
    is_google_host,
    redact_url,
)
from listener.sources.http_times import cache_hint_s, parse_retry_after
from tests.rss_helpers import FIXED_NOW, Verbatim304, run_with_ctx

MB = 1024 * 1024


def get(
    url: str, *, timeout_s: float = 5.0, max_response_bytes: int = 10 * MB, **fetch_kwargs: Any
) -> FetchResponse:
    """One fetch() of ``url`` with a fresh client and a context clock fixed at FIXED_NOW."""
    return run_with_ctx(
        lambda ctx: fetch(ctx, url, **fetch_kwargs),
        timeout_s=timeout_s,
        max_response_bytes=max_response_bytes,
    )


def http_date(seconds_from_now: float) -> str:
    return format_datetime(FIXED_NOW + timedelta(seconds=seconds_from_now), usegmt=True)


@pytest.fixture(scope="module")
def threaded_server() -> Iterator[HTTPServer]:
    """A server of its own for handlers that sleep, so they cannot hold up other tests."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


# --- success, redirects, identity -------------------------------------------------------


def test_fetch_returns_body_validators_and_final_url_after_redirect(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": httpserver.url_for("/new")}
    )
    httpserver.expect_request("/new").respond_with_data(
        b"<rss/>", headers={"ETag": '"v1"', "Last-Modified": "Mon, 06 May 2024 07:00:00 GMT"}
    )
    response = get(httpserver.url_for("/old"))
    assert response.status == 200
    assert response.url == httpserver.url_for("/new")
    assert response.content == b"<rss/>"
    assert (response.etag, response.last_modified) == ('"v1"', "Mon, 06 May 2024 07:00:00 GMT")
    assert response.not_modified is False


def test_requests_carry_a_user_agent_naming_listener_and_its_version(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/ua").respond_with_data("ok")
    get(httpserver.url_for("/ua"))
    request, _ = httpserver.log[-1]
    assert request.headers["User-Agent"] == DEFAULT_USER_AGENT
    assert request.headers["User-Agent"].startswith("listener/0.1.0 ")


# --- conditional GET ------------------------------------------------------------------


def test_conditional_get_sends_validators_and_maps_304_to_not_modified(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request(
        "/feed",
        headers={"If-None-Match": '"v1"', "If-Modified-Since": "Mon, 06 May 2024 07:00:00 GMT"},
    ).respond_with_response(Verbatim304({"Last-Modified": "Mon, 06 May 2024 08:00:00 GMT"}))
    response = get(
        httpserver.url_for("/feed"), etag='"v1"', last_modified="Mon, 06 May 2024 07:00:00 GMT"
    )
    assert response.not_modified is True
    assert response.content == b""
    # Last-Modified is refreshed from the 304 (as miniflux does); the ETag the 304 omitted is kept.
    assert response.etag == '"v1"'
    assert response.last_modified == "Mon, 06 May 2024 08:00:00 GMT"


def test_304_with_a_new_etag_replaces_the_old_one(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_response(Verbatim304({"ETag": '"v2"'}))
    response = get(httpserver.url_for("/feed"), etag='"v1"', last_modified="old")
    assert (response.etag, response.last_modified) == ('"v2"', "old")


def test_no_validators_means_no_conditional_headers(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data("body")
    get(httpserver.url_for("/feed"))
    request, _ = httpserver.log[-1]
    assert "If-None-Match" not in request.headers
    assert "If-Modified-Since" not in request.headers


# --- status codes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "advice"),
    [
        (401, "credentials"),
        (403, "access denied"),
        (404, "check the url in settings.yaml"),
        (410, "gone for good"),
    ],
)
def test_auth_and_missing_statuses_are_permanent_with_advice(
    httpserver: HTTPServer, status: int, advice: str
) -> None:
    httpserver.expect_request("/feed").respond_with_data("nope", status=status)
    url = httpserver.url_for("/feed")
    with pytest.raises(PermanentError) as caught:
        get(url)
    message = str(caught.value)
    assert message.startswith(f"HTTP {status} ")
    assert url in message
    assert advice in message


def test_404_message_reads_like_the_documented_example(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    with pytest.raises(PermanentError) as caught:
        get(httpserver.url_for("/gone"))
    expected = (
        f"HTTP 404 Not Found from {httpserver.url_for('/gone')} — check the url in settings.yaml"
    )
    assert str(caught.value) == expected


@pytest.mark.parametrize("status", [400, 405, 422, 451])
def test_other_client_errors_are_permanent(httpserver: HTTPServer, status: int) -> None:
    httpserver.expect_request("/feed").respond_with_data("", status=status)
    with pytest.raises(PermanentError, match=f"HTTP {status}"):
        get(httpserver.url_for("/feed"))


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
def test_server_errors_are_transient_not_rate_limits(httpserver: HTTPServer, status: int) -> None:
    httpserver.expect_request("/feed").respond_with_data("", status=status)
    with pytest.raises(TransientError) as caught:
        get(httpserver.url_for("/feed"))
    assert type(caught.value) is TransientError  # 503 without Retry-After is not RateLimited
    assert caught.value.retry_after_s is None
    assert f"HTTP {status}" in str(caught.value)


def test_500_with_retry_after_carries_the_hint(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "", status=500, headers={"Retry-After": "30"}
    )
    with pytest.raises(TransientError) as caught:
        get(httpserver.url_for("/feed"))
    assert caught.value.retry_after_s == 30.0


@pytest.mark.parametrize(
    ("status", "retry_after", "expected_s"),
    [
        (429, "120", 120.0),
        (429, http_date(90), 90.0),
        (503, "45", 45.0),
        (503, http_date(600), 600.0),
        (429, None, None),
    ],
    ids=["429-seconds", "429-http-date", "503-seconds", "503-http-date", "429-no-hint"],
)
def test_rate_limit_responses_raise_rate_limited_with_retry_after(
    httpserver: HTTPServer, status: int, retry_after: str | None, expected_s: float | None
) -> None:
    headers = {"Retry-After": retry_after} if retry_after else {}
    httpserver.expect_request("/feed").respond_with_data(
        "slow down", status=status, headers=headers
    )
    with pytest.raises(RateLimited) as caught:
        get(httpserver.url_for("/feed"))  # the context clock is FIXED_NOW, so dates are exact
    assert caught.value.retry_after_s == expected_s


def test_error_messages_never_show_secret_query_values(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data("", status=404)
    with pytest.raises(PermanentError) as caught:
        get(httpserver.url_for("/feed?q=brand&api_key=SuperSecret1&token=SuperSecret2"))
    message = str(caught.value)
    assert "SuperSecret" not in message
    assert "q=brand&api_key=REDACTED&token=REDACTED" in message


# --- size cap ---------------------------------------------------------------------------


def test_body_over_cap_with_content_length_is_refused_before_reading(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * (2 * MB))
    with pytest.raises(
        TransientError, match=r"declares 2097152 bytes, over the 1048576 byte limit"
    ):
        get(httpserver.url_for("/big"), max_response_bytes=MB)


def test_body_over_cap_without_content_length_is_cut_off_while_streaming(
    httpserver: HTTPServer,
) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(32):  # 2 MB in 64 KB pieces, no Content-Length
            yield b"x" * (64 * 1024)

    httpserver.expect_request("/stream").respond_with_response(Response(chunks()))
    with pytest.raises(TransientError, match="exceeded the 1048576 byte limit"):
        get(httpserver.url_for("/stream"), max_response_bytes=MB)
    _, response = httpserver.log[-1]
    assert "Content-Length" not in response.headers
    # The client survives: the next request on the same server works.
    httpserver.expect_request("/small").respond_with_data("fine")
    assert get(httpserver.url_for("/small"), max_response_bytes=MB).content == b"fine"


def test_body_exactly_at_cap_is_accepted(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/edge").respond_with_data(b"y" * 1000)
    assert len(get(httpserver.url_for("/edge"), max_response_bytes=1000).content) == 1000


# --- timeouts and connection failures ---------------------------------------------------


def test_server_slower_than_the_timeout_is_transient(threaded_server: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("late")

    threaded_server.expect_request("/slow").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(TransientError, match="timed out fetching"):
        get(threaded_server.url_for("/slow"), timeout_s=0.2)
    assert time.monotonic() - started < 0.9


def test_server_dripping_the_body_past_the_deadline_is_transient(
    threaded_server: HTTPServer,
) -> None:
    def drip() -> Iterator[bytes]:
        for _ in range(20):  # each piece arrives well within the read timeout
            time.sleep(0.1)
            yield b"<"

    threaded_server.expect_request("/drip").respond_with_response(Response(drip()))
    with pytest.raises(TransientError, match=r"no complete response .* within 0.5 s"):
        get(threaded_server.url_for("/drip"), timeout_s=1.0, deadline_s=0.5)


def test_connection_refused_is_transient() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and is closed now
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(TransientError, match=r"cannot reach 127\.0\.0\.1:\d+: connection refused"):
        get(f"http://127.0.0.1:{port}/feed")


def test_unsupported_url_scheme_is_permanent() -> None:
    with pytest.raises(PermanentError, match="check the url"):
        get("ftp://127.0.0.1/feed")


def test_every_failure_is_a_source_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/teapot").respond_with_data("", status=418)
    with pytest.raises(SourceError):
        get(httpserver.url_for("/teapot"))


# --- Retry-After, cache hints, redaction (pure functions) -------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        (http_date(90), 90.0),
        ("Mon, 06 May 2024 07:10:09 GMT", 120.0),
        ("Monday, 06-May-24 07:10:09 GMT", 120.0),  # obsolete RFC 850 form, RFC 9110 §5.6.7
        ("Mon May  6 07:10:09 2024", 120.0),  # obsolete asctime form
        (http_date(-60), 0.0),  # a date already past: retry now
        ("-5", None),
        ("1.5", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, FIXED_NOW) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Cache-Control": "public, max-age=300"}, 300.0),
        ({"Cache-Control": 'max-age="600"'}, 600.0),
        ({"Cache-Control": "max-age=300", "Age": "100"}, 200.0),
        ({"Cache-Control": "max-age=300", "Expires": http_date(9000)}, 300.0),
        ({"Cache-Control": "no-cache, max-age=300"}, None),
        ({"Cache-Control": "no-store", "Expires": http_date(900)}, None),
        ({"Cache-Control": "max-age=0"}, None),
        ({"Cache-Control": "max-age=soon"}, None),
        ({"Expires": http_date(900)}, 900.0),
        # Expires is measured against the server's Date, not our clock.
        ({"Expires": http_date(4000), "Date": http_date(3000)}, 1000.0),
        ({"Expires": "0"}, None),
        ({"Expires": http_date(-10)}, None),
        ({}, None),
    ],
)
def test_cache_hint_s(headers: dict[str, str], expected: float | None) -> None:
    assert cache_hint_s(headers, FIXED_NOW) == expected


def test_cache_hint_s_reads_header_names_case_insensitively() -> None:
    assert cache_hint_s({"cache-control": "max-age=60"}, FIXED_NOW) == 60.0


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://api.example.com/v1/search?q=slack&api_key=abc123&sort=new",
            "https://api.example.com/v1/search?q=slack&api_key=REDACTED&sort=new",
        ),
        (
            "https://x.test/f?apikey=a&access_token=b&client_secret=c&key=d&X-Api-Key=e&sig=f",
            "https://x.test/f?apikey=REDACTED&access_token=REDACTED&client_secret=REDACTED"
            "&key=REDACTED&X-Api-Key=REDACTED&sig=REDACTED",
        ),
        (
            "https://x.test/f?accessToken=a&password=b",
            "https://x.test/f?accessToken=REDACTED&password=REDACTED",
        ),
        # Harmless names that merely contain "key" or "auth" stay readable.
        ("https://x.test/f?keywords=a&author=b", "https://x.test/f?keywords=a&author=b"),
        ("https://bob:hunter2@x.test/feed", "https://bob:REDACTED@x.test/feed"),
        ("https://bob@x.test/feed", "https://bob@x.test/feed"),
        ("https://x.test/feed.xml", "https://x.test/feed.xml"),
        ("https://x.test/f?flag&token=", "https://x.test/f?flag&token=REDACTED"),
        # Google Alerts feeds have no auth: the ids in the path are the secret.
        (
            "https://www.google.com/alerts/feeds/01234567890/987654321",
            "https://www.google.com/alerts/feeds/REDACTED",
        ),
        ("https://notgoogle.com/alerts/feeds/1/2", "https://notgoogle.com/alerts/feeds/1/2"),
        ("https://www.google.de/alerts/feeds/1/2", "https://www.google.de/alerts/feeds/REDACTED"),
    ],
)
def test_redact_url_hides_secrets_and_keeps_the_rest_verbatim(url: str, expected: str) -> None:
    assert redact_url(url) == expected


@pytest.mark.parametrize(
    "host",
    ["google.com", "www.google.com", "news.google.com", "www.google.de", "www.google.co.uk"],
)
def test_google_hosts_are_recognised(host: str) -> None:
    assert is_google_host(host)
    assert is_google_host(host.upper())


@pytest.mark.parametrize(
    "host",
    [None, "", "notgoogle.com", "google.com.evil.example", "google", "googleusercontent.com"],
)
def test_other_hosts_are_not_google(host: str | None) -> None:
    assert not is_google_host(host)


def test_a_host_name_that_does_not_resolve_is_described_as_such() -> None:
    # No lookup is made here (tests never touch a resolver): the message is what httpx raises.
    dns = httpx.ConnectError("[Errno -2] Name or service not known")
    described = describe_transport_error(dns, "https://feeds.example.org/x?token=s3cret")
    assert described.startswith("cannot reach feeds.example.org: the name does not resolve")
