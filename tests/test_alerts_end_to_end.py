"""The alerts issue's "done when", as a user runs it: settings pointed at local receivers,
a complaint fed through a local feed, ``listener poll --once``, ``listener alerts list``.

Everything is real but the internet: a local feed server, local HTTP receivers standing in
for Slack, Teams, Discord and a webhook, a real SMTP server (aiosmtpd), a SQLite file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.cli.main import main
from tests.smtp_helpers import SmtpSink

RECEIVERS = ("slack", "teams", "discord", "hook")


def feed(entries: list[tuple[str, str]], *, now: datetime) -> bytes:
    """An RSS document whose entries were published in the last minutes (alerts only fire
    for fresh posts)."""
    items = "".join(
        f"<item><guid>{guid}</guid><title>{escape(text[:60])}</title>"
        f"<link>https://forum.example.org/t/{guid}</link>"
        f"<description>{escape(text)}</description>"
        f"<pubDate>{format_datetime(now - timedelta(minutes=2 + i % 40))}</pubDate></item>"
        for i, (guid, text) in enumerate(entries)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Forum</title><link>https://forum.example.org/</link>{items}</channel></rss>"
    ).encode()


class Receiver:
    """A chat/webhook endpoint that accepts everything and keeps what it got."""

    def __init__(self) -> None:
        self.bodies: list[Any] = []
        self.headers: list[dict[str, str]] = []

    def __call__(self, request: Request) -> Response:
        self.bodies.append(json.loads(request.get_data()))
        self.headers.append(dict(request.headers))
        return Response("ok", status=200)


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def receivers(httpserver: HTTPServer) -> dict[str, Receiver]:
    made = {name: Receiver() for name in RECEIVERS}
    for name, receiver in made.items():
        httpserver.expect_request(f"/{name}", method="POST").respond_with_handler(receiver)
    return made


def write_settings(folder: Path, httpserver: HTTPServer, smtp: SmtpSink) -> Path:
    path = folder / "settings.yaml"
    path.write_text(
        f"""
brands:
  - name: Acme
    query: acme
sources:
  - name: forum
    type: rss
    interval: 10m
    url: {httpserver.url_for("/feed.xml")}
storage:
  sqlite: data/listener.db
alerts:
  enabled: true
  channels:
    - {{name: slack, type: slack, webhook_url: "{httpserver.url_for("/slack")}"}}
    - {{name: teams, type: teams, webhook_url: "{httpserver.url_for("/teams")}"}}
    - {{name: discord, type: discord, webhook_url: "{httpserver.url_for("/discord")}"}}
    - {{name: hook, type: webhook, url: "{httpserver.url_for("/hook")}", secret: s3cret}}
    - name: mail
      type: email
      host: 127.0.0.1
      port: {smtp.port}
      security: none
      sender: listener@example.org
      to: [team@example.org]
""",
        encoding="utf-8",
    )
    return path


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def alerts_listed(config: Path) -> list[dict[str, Any]]:
    """``listener alerts list --json``: one alert per line, newest first."""
    out = cli("alerts", "list", "--json", "--config", str(config))
    return [json.loads(line) for line in out.splitlines()]


def serve_feed(httpserver: HTTPServer, body: bytes) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(body, content_type="application/xml")


def test_a_complaint_reaches_every_channel_exactly_once(
    tmp_path: Path, httpserver: HTTPServer, receivers: dict[str, Receiver], smtp: SmtpSink
) -> None:
    now = datetime.now(UTC)
    serve_feed(
        httpserver,
        feed(
            [
                ("c1", "My Acme order never arrived and support ignores me. So frustrated!"),
                ("c2", "Acme is hosting a meetup on Friday."),
            ],
            now=now,
        ),
    )
    config = write_settings(tmp_path, httpserver, smtp)

    cli("poll", "--once", "--config", str(config))
    cli("poll", "--once", "--config", str(config))  # the same feed again: nothing new

    assert {name: len(r.bodies) for name, r in receivers.items()} == dict.fromkeys(RECEIVERS, 1)
    assert len(smtp.messages) == 1
    hook = receivers["hook"]
    assert hook.headers[0]["X-Listener-Event"] == "alert.new"
    assert "never arrived" in json.dumps(receivers["slack"].bodies[0])

    listed = alerts_listed(config)
    assert [(a["kind"], a["state"]) for a in listed] == [("complaint", "new")]
    assert listed[0]["drafts"], "a complaint alert carries reply drafts"


def test_a_burst_of_negative_mentions_is_one_incident_naming_its_terms(
    tmp_path: Path, httpserver: HTTPServer, receivers: dict[str, Receiver], smtp: SmtpSink
) -> None:
    now = datetime.now(UTC)
    # Forty different people, forty different posts: what they share is the crash and
    # the refund they want, not their wording.
    openers = ["Seriously", "Ugh", "Day three", "Again", "Honestly", "Wow", "So", "Help"]
    devices = ["iPhone", "Pixel", "tablet", "laptop", "Galaxy"]
    endings = ["Terrible.", "Useless.", "Awful update.", "Fix it!", "Not happy."]
    burst = [
        (
            f"b{i}",
            f"{openers[i % 8]}, the Acme app crashes on my {devices[i % 5]} "
            f"{'every morning' if i % 2 else 'since yesterday'}. I want a refund. "
            f"{endings[i % 5]} (case {i})",
        )
        for i in range(40)
    ]
    serve_feed(httpserver, feed(burst, now=now))
    config = write_settings(tmp_path, httpserver, smtp)

    cli("poll", "--once", "--config", str(config))

    listed = alerts_listed(config)
    incidents = [a for a in listed if a["kind"] == "incident"]
    assert len(incidents) == 1
    terms = incidents[0]["details"]["terms"]
    assert {"crashes", "refund"} <= set(terms)
    assert len(receivers["slack"].bodies) == len(listed)  # one message per alert, not 40
    assert len(listed) < 5
