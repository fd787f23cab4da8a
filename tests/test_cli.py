"""The ``listener`` command as a user runs it: settings files on disk, a local feed server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.cli.main import main
from tests.helpers import FeedHandler, rss_feed

FEED = rss_feed(
    [
        ("c1", "Acme anvils arrived broken", "My <b>Acme</b> anvil arrived smashed. Terrible."),
        ("c2", "Weather today", "Sunny, nothing about brands"),
        ("c3", "Love my Acme rocket", "Best purchase ever, thank you"),
    ]
)


def write_config(folder: Path, url: str, extra: str = "") -> Path:
    path = folder / "settings.yaml"
    path.write_text(
        "brands:\n"
        "  - name: Acme\n"
        "    query: '\"acme\" OR @acme'\n"
        "sources:\n"
        "  - name: acme-news\n"
        "    type: rss\n"
        "    interval: 10m\n"
        f"    url: {url}\n"
        f"{extra}"
        "storage:\n"
        "  sqlite: data/listener.db\n"
        "web: {enabled: false}\n",
        encoding="utf-8",
    )
    return path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def config(httpserver: HTTPServer, tmp_path: Path) -> Path:
    httpserver.expect_request("/feed.xml").respond_with_handler(FeedHandler(FEED))
    return write_config(tmp_path, httpserver.url_for("/feed.xml"))


def test_check_accepts_the_minimal_settings(config: Path) -> None:
    code, out, _ = invoke("check", "--config", str(config))
    assert code == 0
    assert "OK" in out and "1 brand" in out and "1 source" in out


def test_check_reports_a_typo_with_key_and_line_and_exits_2(tmp_path: Path) -> None:
    path = write_config(tmp_path, "https://example.org/feed.xml")
    path.write_text(path.read_text().replace("interval: 10m", "intervall: 10m"))
    code, _, err = invoke("check", "--config", str(path))
    assert code == 2
    assert "settings.yaml:7" in err and "sources[0].intervall" in err


def test_config_comes_from_the_environment_when_not_given(config: Path) -> None:
    result = CliRunner(env={"LISTENER_CONFIG": str(config)}).invoke(main, ["check"])
    assert result.exit_code == 0, result.output


def test_poll_once_prints_a_summary_per_source(config: Path) -> None:
    code, out, _ = invoke("poll", "--once", "--config", str(config))
    assert code == 0, out
    assert "acme-news: ok — fetched 3, new 2, dropped: not_matched 1" in out


def test_poll_rejects_an_unknown_source_name(config: Path) -> None:
    code, _, err = invoke("poll", "--once", "--source", "nope", "--config", str(config))
    assert code == 2 and "no source named nope" in err and "acme-news" in err


def test_search_shows_highlighted_snippets_and_filters(config: Path) -> None:
    invoke("poll", "--once", "--config", str(config))
    code, out, _ = invoke("search", "smashed", "--config", str(config))
    assert code == 0
    assert "[smashed]" in out and "Acme anvils arrived broken" in out
    assert "rocket" not in out

    code, out, _ = invoke(
        "search", "acme", "--sentiment", "positive", "--json", "--config", str(config)
    )
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["title"] for row in rows] == ["Love my Acme rocket"]
    assert rows[0]["brands"] == ["Acme"] and rows[0]["sentiment_label"] == "positive"


def test_search_points_at_the_column_of_a_bad_query(config: Path) -> None:
    invoke("poll", "--once", "--config", str(config))
    code, _, err = invoke("search", "(acme OR", "--config", str(config))
    assert code == 2 and "^" in err


def test_sources_shows_why_a_source_fails(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/down").respond_with_handler(FeedHandler(b"", status=503))
    config = write_config(tmp_path, httpserver.url_for("/down"))
    code, out, _ = invoke("poll", "--once", "--config", str(config))
    assert code == 1 and "transient_error" in out
    code, out, _ = invoke("sources", "--config", str(config))
    assert code == 0
    assert "failing" in out and "503" in out


def test_unpark_lets_a_parked_source_be_polled_again(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    handler = FeedHandler(FEED, status=401)
    httpserver.expect_request("/private").respond_with_handler(handler)
    config = write_config(tmp_path, httpserver.url_for("/private"))
    invoke("poll", "--once", "--config", str(config))
    _, out, _ = invoke("sources", "--config", str(config))
    assert "parked" in out and "401" in out
    code, out, _ = invoke("unpark", "acme-news", "--config", str(config))
    assert code == 0 and "unparked" in out
    _, out, _ = invoke("sources", "--config", str(config))
    assert "parked —" not in out


def test_run_polls_at_once_and_stops_cleanly_on_sigterm(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_handler(FeedHandler(FEED))
    # A second source that can never be reached: the daemon must report it and keep going.
    unreachable = "  - name: offline\n    type: rss\n    interval: 10m\n    url: http://127.0.0.1:9/feed.xml\n"
    config = write_config(tmp_path, httpserver.url_for("/feed.xml"), extra=unreachable)
    listener = Path(sys.executable).with_name("listener")
    daemon = subprocess.Popen(
        [str(listener), "run", "--config", str(config)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 20
        found = ""
        while time.monotonic() < deadline and "smashed" not in found:
            time.sleep(0.3)
            found = invoke("search", "smashed", "--config", str(config))[1]
        assert "smashed" in found
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=20)
    finally:
        daemon.kill()
    assert daemon.returncode == 0, err
    assert "listener started" in err and "listener stopped" in err
    assert "source failing" in err and "offline" in err


def test_sigterm_during_a_poll_lets_it_finish_and_store_before_exiting(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    requested = threading.Event()

    def slow_feed(request: Request) -> Response:
        requested.set()
        time.sleep(2)  # the signal arrives while this poll is in flight
        return Response(FEED, content_type="application/xml")

    httpserver.expect_request("/slow.xml").respond_with_handler(slow_feed)
    config = write_config(tmp_path, httpserver.url_for("/slow.xml"))
    listener = Path(sys.executable).with_name("listener")
    daemon = subprocess.Popen(
        [str(listener), "run", "--config", str(config)], stderr=subprocess.PIPE, text=True
    )
    try:
        assert requested.wait(20), "the daemon never polled"
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=30)
    finally:
        daemon.kill()
    assert daemon.returncode == 0, err
    assert "finishing polls in flight" in err
    assert "smashed" in invoke("search", "smashed", "--config", str(config))[1]


def test_reading_commands_do_not_need_the_sources_secrets(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    # The daemon's environment holds the secrets; a shell used for searching may not.
    httpserver.expect_request("/feed.xml").respond_with_handler(FeedHandler(FEED))
    config = write_config(
        tmp_path,
        httpserver.url_for("/feed.xml"),
        extra="    headers: {Authorization: 'Bearer ${FEED_TOKEN}'}\n"
        "  - name: alerts\n    type: rss\n    interval: 10m\n    url: ${ALERTS_URL}\n"
        "  - name: defaulted\n    type: rss\n    interval: 10m\n"
        "    url: ${DEFAULTED_URL:-https://example.org/feed.xml}\n",
    )
    code, _, err = invoke("check", "--config", str(config))
    assert code == 2 and "FEED_TOKEN is not set" in err and "ALERTS_URL is not set" in err

    result = CliRunner(env={"FEED_TOKEN": "t", "ALERTS_URL": "http://127.0.0.1:9/x"}).invoke(
        main, ["poll", "--once", "--source", "acme-news", "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    code, out, err = invoke("search", "acme", "--config", str(config))
    assert code == 0, err
    assert "acme-news:c1" in out and "Love my [Acme] rocket" in out
    code, out, _ = invoke("sources", "--config", str(config))
    assert code == 0 and "acme-news" in out and "alerts" in out


def test_reading_commands_still_need_the_database_path(tmp_path: Path) -> None:
    # Only what a reading command does not use may stand in for an unset variable: a
    # placeholder database path read as "no mentions yet", and `unpark` created a new
    # empty database at it (under ./https:/unset.invalid/) and said the source was not parked.
    config = tmp_path / "settings.yaml"
    config.write_text(
        "brands:\n"
        "  - name: Acme\n"
        "    query: '\"acme\"'\n"
        "sources:\n"
        "  - name: feed\n"
        "    type: rss\n"
        "    interval: 10m\n"
        "    url: ${FEED_URL}\n"
        "storage:\n"
        "  sqlite: ${LISTENER_DB}\n",
        encoding="utf-8",
    )
    for command in (["search", "acme"], ["show", "feed:1"], ["sources"], ["unpark", "feed"]):
        code, out, err = invoke(*command, "--config", str(config))
        assert code == 2, (command, out, err)
        assert "LISTENER_DB is not set" in err, (command, err)
    assert [p.name for p in tmp_path.iterdir()] == ["settings.yaml"]

    # With the database's path set, the sources' secrets are still not needed.
    db = tmp_path / "listener.db"
    result = CliRunner(env={"LISTENER_DB": str(db)}).invoke(
        main, ["unpark", "feed", "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    assert "feed is not parked" in result.stdout and db.exists()

    # A brand's query from an unset variable is named too, not reported as a bad query
    # about the placeholder's "https:".
    config.write_text(config.read_text().replace("'\"acme\"'", "${BRAND_QUERY}"))
    result = CliRunner(env={"LISTENER_DB": str(db)}).invoke(
        main, ["search", "acme", "--config", str(config)]
    )
    assert result.exit_code == 2 and "BRAND_QUERY is not set" in result.stderr
    assert "unset.invalid" not in result.stderr
