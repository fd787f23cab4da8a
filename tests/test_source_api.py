"""The shared pieces of API sources: rate-limit headers, timestamps, the paging window,
JSON requests and cursors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer

from listener.models import SourceState
from listener.sources.api import dump_cursor, get_json, load_cursor
from listener.sources.errors import PermanentError, RateLimited, SourceError
from listener.sources.http import FailedResponse
from listener.sources.ratelimit import RateBudget, pause_s, read_budget, reset_seconds
from listener.sources.timestamps import iso_z, parse_timestamp
from listener.sources.values import as_count, as_int, as_text
from listener.sources.window import Window
from tests.rss_helpers import run_with_ctx
from tests.source_helpers import NOW, Capture, capture, serve

# -- rate-limit headers, as each API really sends them ------------------------------------


def test_reddit_budget_has_float_counts_and_seconds_to_reset() -> None:
    budget = read_budget(
        {"x-ratelimit-remaining": "599.0", "x-ratelimit-used": "1", "x-ratelimit-reset": "525"},
        NOW,
    )
    assert budget == RateBudget(remaining=599.0, limit=None, reset_s=525.0)


def test_mastodon_reset_is_an_iso_instant() -> None:
    headers = capture("mastodon/extracted/mastodonpy__test_hashtag_tl__00.meta.json").headers
    now = datetime(2026, 8, 1, 14, 55, tzinfo=UTC)
    budget = read_budget(headers, now)
    assert budget is not None
    assert (budget.remaining, budget.limit) == (227, 300)
    assert budget.reset_s == pytest.approx(300.916474)


def test_x_and_bluesky_reset_is_epoch_seconds() -> None:
    now = datetime.fromtimestamp(1665183229 - 600, UTC)
    x = read_budget({"x-rate-limit-remaining": "448", "x-rate-limit-reset": "1665183229"}, now)
    assert x is not None and x.reset_s == 600
    bluesky = read_budget({"RateLimit-Remaining": "2983", "RateLimit-Reset": "1747676784"}, now)
    assert bluesky is not None and bluesky.remaining == 2983


def test_the_ietf_structured_header() -> None:
    budget = read_budget({"RateLimit": "limit=100, remaining=0, reset=30"}, NOW)
    assert budget == RateBudget(remaining=0, limit=100, reset_s=30) and budget.exhausted


def test_no_headers_no_budget() -> None:
    assert read_budget({"Content-Type": "application/json"}, NOW) is None
    assert read_budget({"x-ratelimit-remaining": "lots"}, NOW) is None


def test_a_reset_in_the_past_is_now() -> None:
    assert reset_seconds("1000000000", NOW) == 0
    assert reset_seconds("2001-01-01T00:00:00Z", NOW) == 0
    assert reset_seconds("soon", NOW) is None


def test_pause_waits_for_the_reset_when_a_poll_would_overdraw() -> None:
    assert pause_s(RateBudget(remaining=2, limit=100, reset_s=300), requests_per_poll=3) == 300


def test_pause_spreads_a_low_budget_over_the_window() -> None:
    # 5 requests left of 100, 300 s to go, 1 request a poll: one poll a minute.
    assert pause_s(RateBudget(remaining=5, limit=100, reset_s=300)) == 60


def test_a_comfortable_budget_needs_no_pause() -> None:
    assert pause_s(RateBudget(remaining=50, limit=100, reset_s=300)) is None
    assert pause_s(None) is None


# -- timestamps --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-08-01T13:55:55.867Z", datetime(2026, 8, 1, 13, 55, 55, 867000, tzinfo=UTC)),
        ("2025-05-19T17:31:24.123456789Z", datetime(2025, 5, 19, 17, 31, 24, 123456, tzinfo=UTC)),
        ("2023-09-23T10:41:41.254290", datetime(2023, 9, 23, 10, 41, 41, 254290, tzinfo=UTC)),
        ("2020-01-25T02:10:07-07:00", datetime(2020, 1, 25, 9, 10, 7, tzinfo=UTC)),
        ("2021-04-01 12:00:00", datetime(2021, 4, 1, 12, tzinfo=UTC)),
        (1403235346, datetime(2014, 6, 20, 3, 35, 46, tzinfo=UTC)),
        (1403235346.5, datetime(2014, 6, 20, 3, 35, 46, 500000, tzinfo=UTC)),
        ("1403235346.0", datetime(2014, 6, 20, 3, 35, 46, tzinfo=UTC)),
        (False, None),
        (None, None),
        ("yesterday", None),
        (float("nan"), None),
        (10**15, None),
    ],
)
def test_timestamps(value: object, expected: datetime | None) -> None:
    assert parse_timestamp(value) == expected


def test_iso_z() -> None:
    assert iso_z(datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC)) == "2026-01-02T03:04:05Z"


# -- the paging window -------------------------------------------------------------------


def test_a_complete_poll_moves_on_to_the_newest() -> None:
    assert Window(since=10).after([15, 12], complete=True) == Window(since=15)
    assert Window(since=10).after([], complete=True) == Window(since=10)


def test_an_incomplete_poll_leaves_a_gap_and_the_gap_is_filled() -> None:
    open_gap = Window(since=10).after([30, 25, 20], complete=False)
    assert open_gap == Window(since=10, newest=30, gap_until=20)
    assert open_gap.upper == 20
    narrower = open_gap.after([19, 15], complete=False)
    assert narrower == Window(since=10, newest=30, gap_until=15)
    assert narrower.after([14, 11], complete=True) == Window(since=30)


def test_a_window_survives_its_cursor_and_rejects_a_bad_one() -> None:
    window = Window(since=10, newest=30, gap_until=20)
    assert Window.from_cursor(window.to_cursor(), default_since=0) == window
    assert Window.from_cursor({}, default_since=5) == Window(since=5)
    assert Window.from_cursor({"since": "x"}, default_since=5) == Window(since=5)
    assert Window.from_cursor({"since": 9, "gap_until": 3, "newest": 4}, 0) == Window(since=9)


# -- JSON requests and cursors -----------------------------------------------------------


def test_a_cursor_round_trips_and_garbage_starts_afresh() -> None:
    state = SourceState(source="s", cursor=dump_cursor({"b": 1, "a": "x"}))
    assert load_cursor(state) == {"a": "x", "b": 1}
    assert load_cursor(SourceState(source="s", cursor="t3_abc")) == {}
    assert load_cursor(SourceState(source="s", cursor="[1]")) == {}


def test_get_json_posts_a_body_and_reads_the_budget(httpserver: HTTPServer) -> None:
    recorder = serve(
        httpserver,
        "/login",
        Capture(b'{"ok": true}', headers={"RateLimit-Remaining": "9", "RateLimit-Reset": "60"}),
        method="POST",
    )
    response = run_with_ctx(
        lambda ctx: get_json(ctx, httpserver.url_for("/login"), method="POST", json_body={"u": 1})
    )
    assert response.data == {"ok": True}
    assert response.budget == RateBudget(remaining=9, limit=None, reset_s=60)
    assert recorder.requests[0].get_json() == {"u": 1}


def test_a_403_with_an_exhausted_budget_is_rate_limited_until_the_reset(
    httpserver: HTTPServer,
) -> None:
    # GitHub's primary limit: 403, remaining 0, reset as epoch seconds.
    reset = int((NOW + timedelta(minutes=7)).timestamp())
    serve(
        httpserver,
        "/search",
        Capture(
            b'{"message": "API Rate Limit Exceeded"}',
            403,
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
        ),
    )
    with pytest.raises(RateLimited) as raised:
        run_with_ctx(lambda ctx: get_json(ctx, httpserver.url_for("/search")), now=NOW)
    assert raised.value.retry_after_s == 420


def test_a_plain_403_is_still_permanent(httpserver: HTTPServer) -> None:
    serve(httpserver, "/search", Capture(b"{}", 403, {"x-ratelimit-remaining": "10"}))
    with pytest.raises(PermanentError):
        run_with_ctx(lambda ctx: get_json(ctx, httpserver.url_for("/search")))


# -- explain: APIs that say in the error body what went wrong -------------------------------


def quota_explained(failed: FailedResponse, default: SourceError) -> SourceError | None:
    """YouTube-style: a 403 whose body's reason says the day's quota is spent."""
    reasons = [e.get("reason") for e in (failed.body or {}).get("error", {}).get("errors", [])]
    if failed.status == 403 and "quotaExceeded" in reasons:
        return RateLimited(f"quota spent ({failed.url})", retry_after_s=3600)
    return None


QUOTA_BODY = b'{"error": {"code": 403, "errors": [{"reason": "quotaExceeded"}]}}'


def test_explain_turns_a_403_body_into_a_rate_limit(httpserver: HTTPServer) -> None:
    serve(httpserver, "/comments", Capture(QUOTA_BODY, 403))
    url = httpserver.url_for("/comments") + "?key=SECRET"
    with pytest.raises(RateLimited) as raised:
        run_with_ctx(lambda ctx: get_json(ctx, url, explain=quota_explained))
    assert raised.value.retry_after_s == 3600
    assert "SECRET" not in str(raised.value) and "key=REDACTED" in str(raised.value)
    assert isinstance(raised.value.__cause__, PermanentError)  # the default, kept as cause


def test_explain_returning_nothing_keeps_the_default_error(httpserver: HTTPServer) -> None:
    serve(httpserver, "/comments", Capture(b"<html>forbidden</html>", 403))
    with pytest.raises(PermanentError, match="403 Forbidden"):
        run_with_ctx(
            lambda ctx: get_json(ctx, httpserver.url_for("/comments"), explain=quota_explained)
        )


def test_explain_is_not_asked_about_a_success(httpserver: HTTPServer) -> None:
    asked: list[int] = []

    def explain(failed: FailedResponse, default: SourceError) -> SourceError | None:
        asked.append(failed.status)
        return None

    serve(httpserver, "/ok", Capture(b'{"items": []}'))
    response = run_with_ctx(lambda ctx: get_json(ctx, httpserver.url_for("/ok"), explain=explain))
    assert response.data == {"items": []} and asked == []


def test_params_add_to_the_query_a_configured_url_already_has(httpserver: HTTPServer) -> None:
    recorder = serve(httpserver, "/feed", Capture(b"{}"))
    url = httpserver.url_for("/feed") + "?lang=en&token=abc"
    run_with_ctx(lambda ctx: get_json(ctx, url, params={"page": 2, "skip": None}))
    assert recorder.args == [{"lang": "en", "token": "abc", "page": "2"}]


# -- single JSON values -------------------------------------------------------------------


def test_json_values() -> None:
    assert as_count(7) == 7 and as_count(True) is None and as_count("7") is None
    assert as_int("123456789012345678") == 123456789012345678 and as_int(5) == 5
    assert as_int("12a") is None and as_int(False) is None and as_int(1.5) is None
    assert as_text("hi") == "hi" and as_text("") is None and as_text(3) is None


def test_seconds_until_midnight_in_a_zone() -> None:
    from zoneinfo import ZoneInfo

    from listener.sources.timestamps import seconds_until_midnight

    assert seconds_until_midnight(datetime(2026, 11, 22, 23, 0, tzinfo=UTC)) == 3600
    # 08:00 UTC is midnight in California in winter (PST, UTC−8): a whole day to go.
    pacific = ZoneInfo("America/Los_Angeles")
    assert seconds_until_midnight(datetime(2026, 12, 4, 8, 0, tzinfo=UTC), pacific) == 86400
