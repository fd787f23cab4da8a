"""The one parse slot (``PARSE_SLOTS``) of the feed worker pool, on real worker processes:
a parse that runs over, and a poll given up while it waits for the slot, both leave the slot
free for the next feed."""

from __future__ import annotations

import asyncio

import pytest

from listener.sources.feed_worker import IDLE_WORKERS_KEPT, ParseFailed, parse_in_worker
from tests.test_source_rss_bounds import feed_workers, long_feed

URL = "https://example.org/feed"


def test_a_waiter_given_up_and_a_parse_run_over_both_free_the_slot() -> None:
    hostile = long_feed(200_000)  # tens of seconds of feedparser: far past its 2 s
    healthy = long_feed(3_000)  # over 256 KiB: parsed in a worker, through the slot
    assert len(healthy) > 256 * 1024
    before = feed_workers()

    async def three_feeds() -> int:
        holder = asyncio.create_task(
            parse_in_worker(hostile, URL, None, limit=200_000, timeout_s=2.0)
        )
        await asyncio.sleep(0.2)  # the hostile parse has the slot
        with pytest.raises(TimeoutError):  # a poll whose own timeout ends while it waits
            async with asyncio.timeout(0.5):
                await parse_in_worker(healthy, URL, None, limit=10)
        with pytest.raises(ParseFailed, match="longer than 2 s"):
            await holder
        # Within one slot's worth of waiting, the next feed is parsed.
        async with asyncio.timeout(30):
            document = await parse_in_worker(healthy, URL, None, limit=10)
        return len(document.items)

    assert asyncio.run(three_feeds()) == 10
    # The worker that ran over is gone; the healthy feed's is kept idle for the next parse.
    assert len(feed_workers() - before) <= IDLE_WORKERS_KEPT
