"""The dashboard and its API at the edges of time: a range near the first or last year a
datetime holds is a 400 that says why, never a 500 from an overflowing previous period,
week start or next whole hour."""

from __future__ import annotations

import httpx
import pytest

from tests.test_web_dashboard import served  # noqa: F401  (the fixture)
from tests.web_fixtures import WebServer

EDGES = (
    "range=custom&since=0001-01-02&until=0001-01-05",  # previous period before year 1
    "range=custom&since=0001-01-01&until=0002-01-01",
    "range=custom&since=9999-12-30&until=9999-12-31T23:30:00Z",  # next whole hour: year 10000
    "range=custom&since=1970-01-01&until=1970-01-08",  # its previous period: 1969
)


@pytest.mark.parametrize("query", EDGES)
def test_a_range_at_the_edge_of_time_is_a_400_that_says_why(
    served: WebServer,  # noqa: F811
    query: str,
) -> None:
    with httpx.Client(base_url=served.url) as client:
        for panel in ("headline", "volume", "complaints", "response"):
            problem = client.get(f"/api/v1/stats/{panel}?{query}")
            assert problem.status_code == 400, (panel, query, problem.text)
            assert problem.headers["content-type"].startswith("application/problem+json")
            assert "1970-01-01" in problem.json()["detail"]
        page = client.get(f"/dashboard?{query}")
        assert page.status_code == 400, (query, page.text[-2000:])
        assert "1970-01-01" in page.text


def test_a_range_just_inside_the_edge_is_answered(served: WebServer) -> None:  # noqa: F811
    with httpx.Client(base_url=served.url) as client:
        found = client.get("/api/v1/stats/headline?range=custom&since=1970-01-08&until=1970-01-15")
        assert found.status_code == 200, found.text
        assert found.json()["mentions"] == 0
