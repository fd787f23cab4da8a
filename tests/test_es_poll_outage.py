"""A cluster outage while polling (trial finding 5) is the documented, passing state it is:
the source's poll fails as a transient error whose text is the ClaimError's (the batch is
not stored and is polled again), logged as one WARNING line without a traceback, not as an
"internal error". Real parts: an RSS feed on a local server, a Daemon whose store points at
an osmem-server of this test's own, stopped before the poll."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from listener.config.settings import Settings
from listener.service.daemon import Daemon
from listener.service.runner import PollOutcome
from tests.helpers import FeedHandler, SettableClock, rss_feed


@pytest.fixture
def doomed() -> Iterator[Any]:
    osmem = pytest.importorskip("osmem_server")
    server = osmem.OsmemServer.start()
    try:
        yield server
    finally:
        server.close()


def test_a_cluster_gone_while_polling_is_one_warning_with_the_claims_message(
    httpserver: HTTPServer,
    doomed: Any,
    write_settings: Callable[[str], Settings],
    clock: SettableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    feed = rss_feed([("a1", "Acme launches a rocket", "Acme rockets are here")])
    httpserver.expect_request("/feed.xml").respond_with_handler(FeedHandler(feed))
    url = httpserver.url_for("/feed.xml")
    settings = write_settings(
        "brands:\n  - name: Acme\n    query: acme\nsources:\n"
        f"  - name: news\n    type: rss\n    interval: 10m\n    url: {url}\n"
        "storage:\n  sqlite: data/listener.db\n  elasticsearch:\n"
        f"    urls: ['{doomed.url}']\n    replicas: 0\n    max_retries: 0\n"
    )

    async def poll_after_the_outage() -> Any:
        daemon = Daemon(settings, clock=clock)
        try:
            doomed.close()
            return await daemon.poll_once(["news"])
        finally:
            await daemon.close()

    with caplog.at_level(logging.INFO, logger="listener.service.runner"):
        (summary,) = asyncio.run(poll_after_the_outage())
    assert summary.outcome == PollOutcome.TRANSIENT_ERROR
    error = summary.state.last_error or ""
    assert "polled again" in error and "internal error" not in error
    runner_lines = [r for r in caplog.records if r.name == "listener.service.runner"]
    assert [r.levelno for r in runner_lines] == [logging.WARNING]
    assert runner_lines[0].exc_info is None
