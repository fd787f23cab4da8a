"""The daemon on both engines, as a user runs it: settings pointing at a local feed and a
local webhook (and, for Elasticsearch, ``storage.elasticsearch`` naming the test cluster),
``listener poll --once``, then ``listener alerts list`` and ``listener search``. The same
alerts are raised, sent once, and the same mentions are found."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.cli.main import main
from listener.store.elasticsearch.settings import ClusterSettings
from tests.test_alerts_end_to_end import feed


class Hook:
    """A webhook receiver that keeps what it got."""

    def __init__(self) -> None:
        self.bodies: list[Any] = []

    def __call__(self, request: Request) -> Response:
        self.bodies.append(json.loads(request.get_data()))
        return Response("ok", status=200)


@pytest.fixture
def hook(httpserver: HTTPServer) -> Hook:
    received = Hook()
    httpserver.expect_request("/hook", method="POST").respond_with_handler(received)
    return received


@pytest.fixture
def config(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path, httpserver: HTTPServer
) -> Path:
    storage = "  sqlite: data/listener.db\n"
    if engine == "elasticsearch":
        cluster: ClusterSettings = request.getfixturevalue("es_settings")
        storage += (
            "  elasticsearch:\n"
            f"    urls: [{cluster.urls[0]}]\n"
            f"    index_prefix: {cluster.index_prefix}\n"
            "    replicas: 0\n"
        )
    path = tmp_path / "settings.yaml"
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
{storage}alerts:
  enabled: true
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


def json_lines(*args: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in cli(*args).splitlines()]


def serve_feed(httpserver: HTTPServer, entries: list[tuple[str, str]]) -> None:
    body = feed(entries, now=datetime.now(UTC))
    httpserver.expect_request("/feed.xml").respond_with_data(body, content_type="application/xml")


def test_a_complaint_is_stored_found_and_alerted_once(
    config: Path, httpserver: HTTPServer, hook: Hook
) -> None:
    serve_feed(
        httpserver,
        [
            ("c1", "My Acme order never arrived and support ignores me. So frustrated!"),
            ("c2", "Acme is hosting a meetup on Friday."),
            ("c3", "Nothing about the brand here."),
        ],
    )
    cli("poll", "--once", "--config", str(config))
    cli("poll", "--once", "--config", str(config))  # the same feed again: nothing new

    assert len(hook.bodies) == 1
    assert "never arrived" in json.dumps(hook.bodies[0])
    listed = json_lines("alerts", "list", "--json", "--config", str(config))
    assert [(a["kind"], a["state"]) for a in listed] == [("complaint", "new")]
    found = json_lines("search", "acme", "--json", "--config", str(config))
    assert sorted(f["text"][:10] for f in found) == ["Acme is ho", "My Acme or"]
    complaints = json_lines("search", "--complaint", "--json", "--config", str(config))
    assert [c["text"][:10] for c in complaints] == ["My Acme or"]


def test_a_burst_of_negative_mentions_is_one_incident(
    config: Path, httpserver: HTTPServer, hook: Hook
) -> None:
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
    serve_feed(httpserver, burst)
    cli("poll", "--once", "--config", str(config))

    listed = json_lines("alerts", "list", "--json", "--config", str(config))
    incidents = [a for a in listed if a["kind"] == "incident"]
    assert len(incidents) == 1
    assert {"crashes", "refund"} <= set(incidents[0]["details"]["terms"])
    assert len(hook.bodies) == len(listed) < 5  # one message per alert, not 40
    found = json_lines(
        "search", "crashes refund", "--limit", "100", "--json", "--config", str(config)
    )
    assert len(found) == 40
