"""Helpers for the search tests: a store of mentions whose words, sources, sentiments and
judgments vary in known ways, and a client for the served app."""

from __future__ import annotations

import httpx

from listener.models import Finding, Judgments, SentimentLabel
from listener.store import SQLiteStore
from tests.store_helpers import make_mention
from tests.web_fixtures import WebServer

SOURCES = ("reddit", "news", "forum")


def _judged(n: int) -> Judgments:
    label = (SentimentLabel.NEGATIVE, SentimentLabel.POSITIVE, SentimentLabel.NEUTRAL)[n % 3]
    return Judgments(
        sentiment_label=label,
        complaint=n % 4 == 0,
        feelings=(Finding("frustrated", ()),) if n % 5 == 0 else (),
        topics=(Finding("delivery", ()),) if n % 2 == 0 else (),
    )


def fill(store: SQLiteStore, count: int, *, start: int = 1) -> None:
    """``count`` mentions: odd ones say "anvil", sources, sentiments and judgments vary."""
    batch = []
    for n in range(start, start + count):
        batch.append(
            make_mention(
                n,
                source=SOURCES[n % 3],
                text=f"the acme anvil number {n} arrived late" if n % 2 else f"acme rocket {n}",
                brands=("Acme",) if n % 7 else ("Acme", "Globex"),
                language="en" if n % 6 else "de",
                judgments=_judged(n),
            )
        )
        if len(batch) == 500:
            store.insert_mentions(batch)
            batch = []
    if batch:
        store.insert_mentions(batch)


def api(running: WebServer) -> httpx.Client:
    return httpx.Client(base_url=running.url, timeout=30)
