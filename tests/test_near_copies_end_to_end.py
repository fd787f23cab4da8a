"""Issue 18's near-copies "done when", as a user runs it: one syndicated story on three
local feeds (other headlines, a sentence changed), ``listener poll --once``, one alert.

Everything is real but the internet: three feeds on a local HTTP server, a local webhook
receiver, a SQLite file. The rule is a saved search, which fires on the story's words.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.cli.main import main

STORY = (
    "Acme recalls 40,000 kettles after reports that the lid can fly open while the water "
    "boils. Owners are asked to stop using the model K2 at once and to contact Acme for a "
    "free replacement, the company said on Tuesday."
)
FEEDS = {
    "wire": ("Acme recalls 40,000 kettles", STORY),
    "news": (
        "Kettle recall: Acme tells owners to stop using the K2",
        STORY.replace("the company said on Tuesday", "a spokesperson confirmed on Tuesday"),
    ),
    "blog": ("Is your Acme kettle safe?", STORY),
}


def feed(site: str, title: str, text: str, *, now: datetime) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{site}</title><link>https://{site}.example/</link>"
        f"<item><guid>{site}-1</guid><title>{escape(title)}</title>"
        f"<link>https://{site}.example/kettle-recall</link>"
        f"<description>{escape(text)}</description>"
        f"<pubDate>{format_datetime(now - timedelta(minutes=5))}</pubDate></item>"
        "</channel></rss>"
    ).encode()


class Receiver:
    def __init__(self) -> None:
        self.bodies: list[Any] = []

    def __call__(self, request: Request) -> Response:
        self.bodies.append(json.loads(request.get_data()))
        return Response("ok", status=200)


def write_settings(folder: Path, httpserver: HTTPServer) -> Path:
    sources = "".join(
        f"  - {{name: {site}, type: rss, interval: 10m, url: {httpserver.url_for(f'/{site}.xml')}}}"
        "\n"
        for site in FEEDS
    )
    path = folder / "settings.yaml"
    path.write_text(
        f"""
brands:
  - name: Acme
    query: acme
sources:
{sources}storage:
  sqlite: data/listener.db
alerts:
  enabled: true
  rules:
    - {{type: saved_search, name: recalls, query: recall*}}
  channels:
    - {{name: hook, type: webhook, url: "{httpserver.url_for("/hook")}", secret: s3cret}}
""",
        encoding="utf-8",
    )
    return path


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_story_on_three_feeds_raises_one_alert_and_stores_two_copies(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    now = datetime.now(UTC)
    for site, (title, text) in FEEDS.items():
        httpserver.expect_request(f"/{site}.xml").respond_with_data(
            feed(site, title, text, now=now), content_type="application/xml"
        )
    hook = Receiver()
    httpserver.expect_request("/hook", method="POST").respond_with_handler(hook)
    config = write_settings(tmp_path, httpserver)

    cli("poll", "--once", "--config", str(config))
    cli("poll", "--once", "--config", str(config))  # the same feeds again: nothing new

    listed = [
        json.loads(line)
        for line in cli("alerts", "list", "--json", "--config", str(config)).splitlines()
    ]
    assert [(a["kind"], a["rule"]) for a in listed] == [("saved_search", "recalls")]
    assert len(hook.bodies) == 1  # one message, not three

    db = sqlite3.connect(tmp_path / "data" / "listener.db")
    stored = dict(db.execute("SELECT source, copy_of FROM mentions").fetchall())
    heads = [s for s, copy in stored.items() if copy is None]
    assert len(stored) == 3 and len(heads) == 1
    head_id = db.execute("SELECT id FROM mentions WHERE copy_of IS NULL").fetchone()[0]
    assert {copy for s, copy in stored.items() if s not in heads} == {head_id}
    assert listed[0]["mention_ids"] == [head_id]
    # The copies are stored and searchable: a search for the changed sentence finds one.
    found = cli("search", "spokesperson", "--config", str(config))
    assert "news" in found
    # The head's alert records each copy as an event (no second alert, no second message).
    events = [d for (d,) in db.execute("SELECT detail FROM alert_events WHERE what = 'copy'")]
    assert sorted(e.split(":")[0] for e in events) == sorted(
        f"also on {s}" for s in stored if s not in heads
    )
    # One run polls the three feeds before it flushes the outbox, and the message is
    # composed at send time: it names both copies ("also on 2 sources").
    mention = hook.bodies[0]["mention"]
    assert mention["copy_sources"] == 2
    assert {c["source"] for c in mention["copies"]} == set(stored) - set(heads)
