"""A near-copy alerts like any mention unless the head already reached the team through the
same rule (issue 18 review, finding 1): a customer quoting a news story and adding their
complaint, a copy of a head whose alert is another brand's, one whose head raised nothing,
one whose head's alert was closed. The syndicated story still raises one alert.

Real pipeline, real alert rules, a real SQLite file; nothing is sent (the webhook is never
flushed)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from alerts.service import Alerting
from listener.config.settings import Settings
from listener.models import AlertState, Author, RawItem
from listener.pipeline.run import Pipeline
from listener.store import SQLiteStore, open_store

SETTINGS = """\
brands:
  - name: Acme
    query: acme
  - name: Globex
    query: globex
storage:
  sqlite: data/listener.db
alerts:
  enabled: true
  channels:
    - {name: hook, type: webhook, url: "http://127.0.0.1:9/hook", secret: s3cret}
"""
# News, not a complaint: raises nothing.
STORY = (
    "{brand} opened a solar plant in the valley on Monday. The plant will power three towns "
    "and the company plans a second site next year, its chief engineer told reporters at the "
    "opening ceremony."
)
# A customer's letter, a complaint: the sites that syndicate it copy it word for word.
LETTER = (
    "My {brand} order never arrived and support ignores every email I send. I paid three weeks "
    "ago, the tracking page has said processing since then, and nobody answers. I want a "
    "refund, this is the worst service I have had from any shop."
)
QUOTE_COMPLAINT = " My Acme order never arrived and support ignores me, I want a refund, so angry."


def pipeline(settings: Settings, store: SQLiteStore) -> Pipeline:
    async def make() -> Alerting:
        http = httpx.AsyncClient()
        await http.aclose()  # never used: nothing is flushed
        return Alerting(settings, store, http=http)

    return Pipeline(settings, store, on_stored=asyncio.run(make()).on_stored)


def post(item: str, text: str, handle: str, minutes_ago: int = 5) -> RawItem:
    return RawItem(
        item,
        html=text,
        author=Author(handle=handle),
        published_at=datetime.now(UTC) - timedelta(minutes=minutes_ago),
    )


def alerts(store: SQLiteStore) -> list[tuple[str, str | None, list[str]]]:
    """(kind, brand, mention ids) of every alert, oldest first."""
    with sqlite3.connect(Path(store.path)) as conn:
        rows = conn.execute("SELECT id, kind, brand FROM alerts ORDER BY id").fetchall()
        return [
            (
                kind,
                brand,
                [m for (m,) in conn.execute(
                    "SELECT mention_id FROM alert_mentions WHERE alert_id = ? ORDER BY position",
                    (alert_id,),
                )],
            )
            for alert_id, kind, brand in rows
        ]  # fmt: skip


def test_a_complaint_quoting_a_story_that_raised_nothing_alerts(
    write_settings: Callable[[str], Settings],
) -> None:
    settings = write_settings(SETTINGS)
    with open_store(settings.storage.sqlite) as store:
        p = pipeline(settings, store)
        p.process("feed", "rss", [post("n1", STORY.format(brand="Acme"), "newsdesk")])
        assert alerts(store) == []  # the story is news
        p.process("x-acme", "x", [post("q1", STORY.format(brand="Acme") + QUOTE_COMPLAINT, "cust")])
        quote = store.get_mention("x-acme:q1")
        assert quote is not None and quote.copy_of == "feed:n1"
        assert alerts(store) == [("complaint", "Acme", ["x-acme:q1"])]


def test_a_copy_of_another_brands_alerted_head_alerts_for_its_own_brand(
    write_settings: Callable[[str], Settings],
) -> None:
    settings = write_settings(SETTINGS)
    with open_store(settings.storage.sqlite) as store:
        p = pipeline(settings, store)
        p.process("blog", "rss", [post("g1", LETTER.format(brand="Globex"), "gina")])
        assert alerts(store) == [("complaint", "Globex", ["blog:g1"])]
        # The same letter, but its writer's complaint is about Acme now.
        copy = LETTER.format(brand="Globex") + QUOTE_COMPLAINT
        p.process("x-acme", "x", [post("a1", copy.replace("Globex", "Acme"), "arno")])
        mention = store.get_mention("x-acme:a1")
        assert mention is not None and mention.copy_of == "blog:g1"
        assert "Globex" not in mention.brands
        assert alerts(store)[1:] == [("complaint", "Acme", ["x-acme:a1"])]


def test_a_copy_of_a_head_whose_alert_was_closed_alerts(
    write_settings: Callable[[str], Settings],
) -> None:
    settings = write_settings(SETTINGS)
    with open_store(settings.storage.sqlite) as store:
        p = pipeline(settings, store)
        p.process("blog", "rss", [post("l1", LETTER.format(brand="Acme"), "lee", 50)])
        [(kind, _, held)] = alerts(store)
        assert (kind, held) == ("complaint", ["blog:l1"])
        alert = store.list_alerts()[0]
        store.set_alert_state(alert.id, AlertState.RESOLVED, at=datetime.now(UTC), by="dana")
        p.process("x-acme", "x", [post("r1", LETTER.format(brand="Acme") + " Again!", "ray")])
        copy = store.get_mention("x-acme:r1")
        assert copy is not None and copy.copy_of == "blog:l1"
        assert alerts(store)[1:] == [("complaint", "Acme", ["x-acme:r1"])]


def test_a_syndicated_complaint_still_raises_one_alert(
    write_settings: Callable[[str], Settings],
) -> None:
    settings = write_settings(SETTINGS)
    with open_store(settings.storage.sqlite) as store:
        p = pipeline(settings, store)
        letter = LETTER.format(brand="Acme")
        p.process("blog", "rss", [post("l1", letter, "lee")])
        # Two sites run it the next poll, one in the same batch as a third.
        # (Each with a line of its own: the same bytes would be dropped as a duplicate.)
        p.process("site2", "rss", [post("s2", "From our readers. " + letter, "site2desk")])
        p.process(
            "site3",
            "rss",
            [post("s3", "Letter of the week. " + letter, "d3"), post("s4", letter + " sic", "d4")],
        )
        assert alerts(store) == [("complaint", "Acme", ["blog:l1"])]
        with sqlite3.connect(Path(store.path)) as conn:
            events = conn.execute("SELECT mention_id FROM alert_events WHERE what = 'copy'")
            assert sorted(m for (m,) in events) == ["site2:s2", "site3:s3", "site3:s4"]


def test_a_copy_in_the_heads_own_batch_joins_the_heads_alert(
    write_settings: Callable[[str], Settings],
) -> None:
    settings = write_settings(SETTINGS)
    with open_store(settings.storage.sqlite) as store:
        p = pipeline(settings, store)
        letter = LETTER.format(brand="Acme")
        p.process("blog", "rss", [post("l1", letter, "lee"), post("l2", "Same. " + letter, "lou")])
        second = store.get_mention("blog:l2")
        assert second is not None and second.copy_of == "blog:l1"
        assert alerts(store) == [("complaint", "Acme", ["blog:l1"])]
