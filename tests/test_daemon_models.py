"""The daemon trains a brand's complaint model from people's labels and judges with it.

Real parts: a local feed server, the daemon's own tick, a SQLite file on disk. The labels
teach a made-up word ("zorble") that no rule knows, so only a learned model can call the
new post a complaint.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from pytest_httpserver import HTTPServer

from listener.config.settings import Settings
from listener.service.daemon import Daemon
from listener.store import open_store
from tests.helpers import FeedHandler, SettableClock, rss_feed
from tests.store_helpers import make_mention

LABELS = 24  # min_labels in the settings below is 20


def _settings(write: Callable[[str], Settings], url: str) -> Settings:
    return write(
        "brands:\n  - name: Acme\n    query: acme\n"
        f"sources:\n  - name: news\n    type: rss\n    interval: 10m\n    url: {url}\n"
        "storage:\n  sqlite: data/listener.db\n"
        "judgments:\n  learning:\n    min_labels: 20\n    full_labels: 20\n"
        "    retrain_every: 5m\n"
    )


def _label_examples(settings: Settings) -> None:
    with open_store(settings.storage.sqlite) as store:
        mentions = [
            make_mention(
                n,
                brands=("Acme",),
                title="",
                text=(
                    f"acme order {n} zorble zorble today"
                    if n % 2
                    else f"acme order {n} arrived, lovely day"
                ),
            )
            for n in range(1, LABELS + 1)
        ]
        store.insert_mentions(mentions)
        for mention in mentions:
            is_complaint = "zorble" in mention.text
            store.set_complaint_label(mention.id, is_complaint, by="tester", at=mention.fetched_at)


def test_a_tick_trains_the_brand_model_and_new_mentions_are_judged_with_it(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    feed = FeedHandler(rss_feed([("z1", "acme", "my acme order zorble zorble again")]))
    httpserver.expect_request("/feed").respond_with_handler(feed)
    settings = _settings(write_settings, httpserver.url_for("/feed"))
    _label_examples(settings)

    async def run() -> tuple[str, str, int]:
        daemon = Daemon(settings, clock=clock)
        try:
            await daemon.tick()  # trains (labels changed), loads, then starts the due poll
            await daemon.wait_for_polls(30)
            stored = daemon.store.get_mention("news:z1")
            assert stored is not None
            models = daemon.store.complaint_models()
            return stored.judgments.complaint_by, str(stored.judgments.complaint), len(models)
        finally:
            await daemon.close()

    complaint_by, complaint, models = asyncio.run(run())
    assert models == 1
    assert complaint_by == "learned"  # full_labels reached: the model decides alone
    assert complaint == "True"


def test_without_enough_labels_the_rules_judge_alone(
    httpserver: HTTPServer, write_settings: Callable[[str], Settings], clock: SettableClock
) -> None:
    feed = FeedHandler(rss_feed([("z2", "acme", "my acme order zorble zorble")]))
    httpserver.expect_request("/feed").respond_with_handler(feed)
    settings = _settings(write_settings, httpserver.url_for("/feed"))

    async def run() -> str:
        daemon = Daemon(settings, clock=clock)
        try:
            await daemon.tick()
            await daemon.wait_for_polls(30)
            stored = daemon.store.get_mention("news:z2")
            assert stored is not None
            assert daemon.store.complaint_models() == {}
            return stored.judgments.complaint_by
        finally:
            await daemon.close()

    assert asyncio.run(run()) == "rules"
