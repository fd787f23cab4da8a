"""A rate limit slows down only the source that hit it, by the time the server stated.

Two API sources on one local server, driven through the daemon's scheduler with a settable
clock: one answers 429 with ``Retry-After``, the other answers normally.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import timedelta

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.config.settings import Settings
from listener.service.daemon import Daemon
from listener.service.runner import PollOutcome
from tests.helpers import SettableClock

RETRY_AFTER_S = 900  # 15 minutes; the sources' interval is 10
HITS = {"hits": [{"objectID": "1", "created_at_i": 1795000000, "title": "acme anvil"}]}


def settings(write: Callable[[str], Settings], api_url: str) -> Settings:
    sources = "".join(
        f"  - name: {name}\n    type: hackernews\n    interval: 10m\n"
        f"    api_url: {api_url}/{name}\n    query: {name}\n"
        for name in ("limited", "healthy")
    )
    return write(
        "brands:\n  - name: Acme\n    query: acme\n"
        f"sources:\n{sources}storage:\n  sqlite: data/listener.db\n"
    )


def test_a_429_delays_only_its_source_by_retry_after(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    calls: dict[str, int] = {"limited": 0, "healthy": 0}

    def answer(request: Request) -> Response:
        name = request.path.split("/")[1]
        calls[name] += 1
        if name == "limited" and calls[name] == 1:
            return Response("slow down", 429, {"Retry-After": str(RETRY_AFTER_S)})
        return Response(json.dumps(HITS), 200, content_type="application/json")

    for name in calls:
        httpserver.expect_request(f"/{name}/search_by_date").respond_with_handler(answer)
    config = settings(write_settings, httpserver.url_for("").rstrip("/"))

    async def run() -> None:
        daemon = Daemon(config, clock=clock)
        try:
            summaries = {s.source: s for s in await daemon.poll_once()}
            limited, healthy = summaries["limited"], summaries["healthy"]
            assert limited.outcome is PollOutcome.RATE_LIMITED
            assert healthy.outcome is PollOutcome.OK and len(healthy.stored) == 1
            assert limited.state.next_check_at is not None
            assert limited.state.next_check_at - clock.now >= timedelta(seconds=RETRY_AFTER_S)
            assert "retry after 900 s" in (limited.state.last_error or "")

            clock.advance(minutes=11)  # the healthy source is due, the limited one is not
            await daemon.tick()
            await daemon.wait_for_polls()
            assert calls == {"limited": 1, "healthy": 2}

            clock.advance(minutes=5)  # 16 minutes: past Retry-After
            await daemon.tick()
            await daemon.wait_for_polls()
            assert calls["limited"] == 2
        finally:
            await daemon.close()

    asyncio.run(run())
