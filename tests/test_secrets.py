"""Every value that came from a ``${VAR}`` in settings.yaml is a secret wherever it appears:
in a feed URL's path, in a query parameter of an ordinary name, in a webhook URL's path or
``?token=``, in a header — and in the error bodies of receivers that echo the request back.

The daemon's own command runs as a real subprocess against local servers; then every output
is searched for every secret: the poll's stdout and stderr at ``-vv``, ``listener sources``,
``alerts list/show/outbox`` (text and JSON), and the bytes of the SQLite files.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from alerts.channels.base import DeliveryError
from listener.cli.main import main
from listener.config.errors import ConfigError
from listener.config.settings import load_settings
from listener.logs import KeyValueFormatter
from listener.redaction import (
    REDACTED,
    RedactSecrets,
    forget_secrets,
    redact,
    remember_secrets,
)
from tests.channel_messages import message
from tests.test_alerts_end_to_end import feed
from tests.test_channels_http import _send, _url_settings

SECRETS = {
    "FEED_PATH_TOKEN": "pathtok-9f8e7d6c5b4a",
    "FEED_ID": "idval-1a2b3c4d5e6f",
    "SLACK_TOKEN": "slackXXtok3n0123456789",
    "TEAMS_SIG": "teamsSig-abcdef012345",
    "DISCORD_TOKEN": "discordTok-zyxw98765",
    "HOOK_TOKEN": "hookTok-5566778899",
    "HOOK_BEARER": "bearer-secret-4242abcd",
    "FEED_HEADER": "feedHeader-0987abcdef",
}
SENT_IN_HEADERS = ("HOOK_BEARER", "FEED_HEADER")
LISTENER = Path(sys.executable).with_name("listener")


def echo_back(status: int):  # type: ignore[no-untyped-def]
    """A receiver that refuses, quoting the request's path, query and headers — as real
    receivers' error pages do."""

    def handler(request: Request) -> Response:
        auth = request.headers.get("Authorization", "")
        quoted = f"no such hook: {request.full_path} auth: {auth} headers: {dict(request.headers)}"
        return Response(quoted, status=status)

    return handler


def settings_text(httpserver: HTTPServer) -> str:
    base = httpserver.url_for("")
    return f"""
brands:
  - name: Acme
    query: acme
sources:
  - name: good
    type: rss
    interval: 10m
    url: "{base}/good/${{FEED_PATH_TOKEN}}.xml?id=${{FEED_ID}}"
  - name: failing
    type: rss
    interval: 10m
    url: "{base}/failing/${{FEED_PATH_TOKEN}}?id=${{FEED_ID}}"
    headers: {{X-Feed-Key: "${{FEED_HEADER}}"}}
  - name: gone
    type: rss
    interval: 10m
    url: "{base}/gone/${{FEED_PATH_TOKEN}}?id=${{FEED_ID}}"
storage:
  sqlite: data/listener.db
web: {{enabled: false}}
alerts:
  channels:
    - {{name: slack, type: slack, webhook_url: "{base}/services/T01/B02/${{SLACK_TOKEN}}"}}
    - {{name: teams, type: teams, webhook_url: "{base}/workflows/x/invoke?sig=${{TEAMS_SIG}}"}}
    - {{name: discord, type: discord, webhook_url: "{base}/api/webhooks/77/${{DISCORD_TOKEN}}"}}
    - name: hook
      type: webhook
      url: "{base}/hook?token=${{HOOK_TOKEN}}"
      headers: {{Authorization: "Bearer ${{HOOK_BEARER}}"}}
"""


@pytest.fixture
def servers(httpserver: HTTPServer) -> HTTPServer:
    now = datetime.now(UTC)
    complaint = [("c1", "My Acme order never arrived and support ignores me. So frustrated!")]
    httpserver.expect_request(f"/good/{SECRETS['FEED_PATH_TOKEN']}.xml").respond_with_data(
        feed(complaint, now=now), content_type="application/xml"
    )
    httpserver.expect_request(f"/failing/{SECRETS['FEED_PATH_TOKEN']}").respond_with_handler(
        echo_back(500)
    )
    httpserver.expect_request(f"/gone/{SECRETS['FEED_PATH_TOKEN']}").respond_with_handler(
        echo_back(404)
    )
    for path, status in (
        (f"/services/T01/B02/{SECRETS['SLACK_TOKEN']}", 404),
        ("/workflows/x/invoke", 400),
        (f"/api/webhooks/77/{SECRETS['DISCORD_TOKEN']}", 500),
        ("/hook", 403),
    ):
        httpserver.expect_request(path, method="POST").respond_with_handler(echo_back(status))
    return httpserver


def run(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **SECRETS, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [str(LISTENER), *args, "--config", str(config)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_no_secret_reaches_any_output_or_the_database(tmp_path: Path, servers: HTTPServer) -> None:
    config = tmp_path / "settings.yaml"
    config.write_text(settings_text(servers), encoding="utf-8")

    outputs: dict[str, str] = {}
    polled = run(config, "-vv", "poll", "--once")
    outputs["poll -vv"] = polled.stdout + polled.stderr
    for name, args in {
        "sources": ("sources",),
        "alerts list": ("alerts", "list"),
        "alerts list --json": ("alerts", "list", "--json"),
        "alerts show": ("alerts", "show", "1"),
        "alerts show --json": ("alerts", "show", "1", "--json"),
        "alerts outbox": ("alerts", "outbox"),
        "alerts outbox --json": ("alerts", "outbox", "--json"),
    }.items():
        done = run(config, *args)
        assert done.returncode == 0, (name, done.stderr)
        outputs[name] = done.stdout + done.stderr
    stored = b"".join(path.read_bytes() for path in (tmp_path / "data").iterdir())

    # The secrets were used — the servers saw them — and the failures were reported.
    seen = " ".join(request.full_path for request, _ in servers.log)
    assert all(secret in seen for key, secret in SECRETS.items() if key not in SENT_IN_HEADERS)
    sent = " ".join(str(request.headers) for request, _ in servers.log)
    assert all(SECRETS[key] in sent for key in SENT_IN_HEADERS)
    assert "HTTP 500" in outputs["poll -vv"] and "HTTP 404" in outputs["sources"]
    assert outputs["alerts outbox"].count("last error:") == 4
    assert "no such hook" in outputs["alerts outbox"]  # the receivers' words are kept
    assert f"auth: Bearer {REDACTED}" in outputs["alerts outbox"]
    assert REDACTED in outputs["sources"]
    for name, text in outputs.items():
        for key, secret in SECRETS.items():
            assert secret not in text, f"{key} in `{name}`:\n{text}"
    for key, secret in SECRETS.items():
        assert secret.encode() not in stored, f"{key} in the SQLite files"


def test_the_daemon_log_carries_no_secret(tmp_path: Path, servers: HTTPServer) -> None:
    config = tmp_path / "settings.yaml"
    config.write_text(settings_text(servers), encoding="utf-8")
    log_file = tmp_path / "daemon.log"
    env = {**os.environ, **SECRETS, "PYTHONUNBUFFERED": "1"}
    with log_file.open("w", encoding="utf-8") as log_out:
        daemon = subprocess.Popen(
            [str(LISTENER), "-vv", "run", "--config", str(config)], stderr=log_out, env=env
        )
        try:
            deadline = time.monotonic() + 60
            # Both kinds of failure logged: a source's and a channel's (the last to come).
            while time.monotonic() < deadline:
                text = log_file.read_text(encoding="utf-8")
                if "source parked" in text and text.count("alert channel") >= 4:
                    break
                time.sleep(0.3)
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=30)
        finally:
            daemon.kill()
    text = log_file.read_text(encoding="utf-8")
    assert "source parked" in text and text.count("alert channel") >= 4, text
    assert REDACTED in text
    for key, secret in SECRETS.items():
        assert secret not in text, f"{key} in the daemon's log:\n{text}"


def test_a_secret_under_the_wrong_key_is_not_echoed_in_the_config_error(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(
        "brands: [{name: Acme, query: acme}]\n"
        "sources:\n"
        "  - name: ${TOKEN}\n"  # pasted in the wrong place: 'not a valid source name'
        "    type: rss\n"
        "    interval: ${TOKEN}\n"  # 'invalid duration'
        "    url: https://example.org/feed\n"
        "alerts:\n"
        '  channels: [{name: x, type: "${TOKEN}"}]\n',  # 'unknown channel type'
        encoding="utf-8",
    )
    token = "Sekret Token 0xDEADBEEF"
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={"TOKEN": token})
    report = str(caught.value)
    assert "sources[0].name" in report and "sources[0].interval" in report
    assert "alerts.channels[0].type" in report
    assert token not in report and REDACTED in report
    # Through the command too (stderr), with the exit code of bad settings.
    result = CliRunner(env={"TOKEN": token}).invoke(main, ["check", "--config", str(path)])
    assert result.exit_code == 2 and token not in result.output


def test_the_log_filter_takes_secrets_out_of_messages_fields_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(KeyValueFormatter())
    handler.addFilter(RedactSecrets())
    log = logging.getLogger("tests.secrets")
    log.addHandler(handler)
    log.propagate = False
    secret = "tok/with spaces&=9f8e7d"
    remember_secrets([secret, "short"])
    try:
        log.warning("fetching %s", f"https://x.example/{secret}")
        log.warning("failing", extra={"fields": {"url": f"https://x.example/?id={secret}"}})
        # httpx sends the secret percent-encoded; an echo of the request carries that form.
        log.warning("echo: %s", "https://x.example/tok%2Fwith%20spaces%26%3D9f8e7d")
        try:
            raise RuntimeError(f"bad {secret}")
        except RuntimeError:
            log.exception("crashed")
    finally:
        forget_secrets()
        log.removeHandler(handler)
    written = stream.getvalue()
    assert secret not in written and "9f8e7d" not in written
    assert written.count(REDACTED) == 4 and "RuntimeError" in written
    assert redact(secret) == secret  # forgotten: nothing is blanked any more
    # A value too short to be a token is not blanked (it would blank ordinary words).
    remember_secrets(["short"])
    try:
        assert redact("a short note") == "a short note"
    finally:
        forget_secrets()


@pytest.mark.parametrize(
    ("channel", "path", "query", "token"),
    [
        ("slack", "/services/T0AB12/B0CD34/Zz9Yy8Xx7Ww6Vv5Uu4", "", "Zz9Yy8Xx7Ww6Vv5Uu4"),
        ("discord", "/api/webhooks/1234567/tokEN-abc_DEF-123456", "", "tokEN-abc_DEF-123456"),
        ("teams", "/workflows/abc/invoke", "sig=Q1w2E3r4T5y6U7i8", "Q1w2E3r4T5y6U7i8"),
        ("webhook", "/hook", "token=hook-token-77aa88bb", "hook-token-77aa88bb"),
    ],
)
def test_a_webhook_url_written_in_the_file_loses_its_token_when_a_receiver_echoes_it(
    httpserver: HTTPServer, channel: str, path: str, query: str, token: str
) -> None:
    # Not from ${VAR}: the channel's own URL is its secret, and a receiver may echo only its
    # path or its token — far into a long page, where the error is cut.
    def echo(request: Request) -> Response:
        # Padded so that the 300-character cut falls 8 characters into the token.
        pad = "x" * (290 - request.full_path.index(token))
        return Response(f"{pad} {request.full_path} " + "y" * 400, status=404)

    httpserver.expect_request(path, method="POST").respond_with_handler(echo)
    url = httpserver.url_for(path) + (f"?{query}" if query else "")
    with pytest.raises(DeliveryError) as caught:
        _send(channel, _url_settings(channel, url), message())
    assert "HTTP 404" in str(caught.value)
    assert token[:8] not in str(caught.value) and "[redacte" in str(caught.value)
