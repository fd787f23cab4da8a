"""Search's hour range (``since``/``until``), which every dashboard number links to: it
finds exactly the mentions published in ``[since, until)``, stays in the form as a chip
that can be removed, and a time without a zone or off the hour is refused with a message.
``language=unknown`` finds the mentions whose language was not recognised."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import httpx

from listener.web.search_views import SearchProblem, form_from_params
from tests.store_helpers import T0, make_mention
from tests.web_fixtures import WebServer

Serve = Callable[..., WebServer]


def _count(page: str) -> int:
    found = re.search(r'class="search-count">\s*<strong>([\d,]+)</strong>', page)
    assert found, page[:2000]
    return int(found.group(1).replace(",", ""))


def _fill(running: WebServer) -> None:
    # One mention every 10 minutes over 5 hours from T0 (12:00 UTC): 6 per hour.
    running.store.insert_mentions(
        [
            make_mention(
                n,
                published_at=T0 + timedelta(minutes=10 * n),
                language=None if n % 5 == 0 else "en",
            )
            for n in range(30)
        ]
    )


def test_since_and_until_find_the_mentions_of_whole_hours(web_server: Serve) -> None:
    running = web_server()
    _fill(running)
    with httpx.Client(base_url=running.url) as client:
        one_hour = client.get(
            "/search", params={"since": "2024-05-01T13:00Z", "until": "2024-05-01T14:00Z"}
        )
        assert one_hour.status_code == 200
        assert _count(one_hour.text) == 6
        two_hours = client.get(
            "/search", params={"since": "2024-05-01T12:00Z", "until": "2024-05-01T14:00+00:00"}
        )
        assert _count(two_hours.text) == 12
        # The chip shows the range, keeps it in the form, and removes it.
        assert 'name="since" value="2024-05-01T13:00Z"' in one_hour.text
        assert "2024-05-01 13:00 – 2024-05-01 14:00 UTC" in one_hour.text
        removal = re.search(r'class="chip-remove" href="([^"]+)"', one_hour.text)
        assert removal and removal.group(1) == "/search"
        api = client.get(
            "/api/v1/search",
            params={"since": "2024-05-01T13:00Z", "until": "2024-05-01T14:00Z", "limit": 100},
        )
        assert len(api.json()["items"]) == 6


def test_a_day_range_and_an_hour_range_both_apply(web_server: Serve) -> None:
    running = web_server()
    _fill(running)
    with httpx.Client(base_url=running.url) as client:
        page = client.get(
            "/search",
            params={"from": "2024-05-01", "to": "2024-05-01", "since": "2024-05-01T16:00Z"},
        )
        # Minutes 240..290 (n = 24..29) are at or after 16:00.
        assert _count(page.text) == 6


def test_language_unknown_finds_the_mentions_without_one(web_server: Serve) -> None:
    running = web_server()
    _fill(running)
    with httpx.Client(base_url=running.url) as client:
        page = client.get("/search", params={"language": "unknown"})
        assert _count(page.text) == 6  # n = 0, 5, 10, 15, 20, 25
        english = client.get("/search", params={"language": "en"})
        assert _count(english.text) == 24


def test_times_without_a_zone_or_off_the_hour_are_refused() -> None:
    for params, words in (
        ({"since": "2024-05-01T13:00"}, "time zone"),
        ({"since": "2024-05-01T13:30Z"}, "whole hour"),
        ({"until": "yesterday"}, "ISO time"),
        ({"since": "2024-05-01T13:00Z", "until": "2024-05-01T13:00Z"}, "before until"),
    ):
        try:
            form_from_params(params)
        except SearchProblem as problem:
            assert words in problem.message
        else:
            raise AssertionError(f"{params} was accepted")
    form = form_from_params({"since": "2024-05-01", "until": "2024-05-02T01:00+01:00"})
    assert form.params() == {"since": "2024-05-01T00:00Z", "until": "2024-05-02T00:00Z"}
    assert form.url(since=None) == "/search?until=2024-05-02T00%3A00Z"


def test_past_the_facets_sample_the_rollups_give_the_exact_count(web_server: Serve) -> None:
    running = web_server()
    running.store.insert_mentions(
        [make_mention(n, published_at=T0 + timedelta(seconds=3 * n)) for n in range(1234)]
    )
    with httpx.Client(base_url=running.url) as client:
        whole = client.get(
            "/search", params={"since": "2024-05-01T12:00Z", "until": "2024-05-01T14:00Z"}
        )
        assert _count(whole.text) == 1234
        # 3 s apart from 12:00: the first 1,200 are in the 12:00 hour.
        first_hour = client.get("/search", params={"until": "2024-05-01T13:00Z"})
        assert _count(first_hour.text) == 1200
        # Words are not in the rollups: the facets' sample says "1,000+".
        worded = client.get("/search", params={"q": "ordinary"})
        assert "<strong>1,000+</strong>" in worded.text
