"""An empty value where one character or item is the least allowed reads "must not be
empty", whatever the key (a source's secret, a channel's host or list, web.host), still at
its key path and line; a secret shorter than a longer minimum is counted in characters, not
in "items"."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from listener.config.errors import ConfigError
from listener.config.settings import load_settings
from listener.config.yamlfile import Problem

SETTINGS = """\
brands:
  - name: Acme
    query: acme
sources:
  - name: mastodon-live
    type: mastodon_stream
    instance_url: https://mastodon.social
    access_token: ""
  - name: news
    type: rss
    interval: 10m
    url: https://example.org/feed.xml
storage:
  sqlite: listener.db
web:
  host: ""
  metrics_token: too-short
alerts:
  channels:
    - name: mail
      type: email
      host: ""
      sender: alerts@example.org
      to: []
      password: ${SMTP_PASSWORD}
"""


def _problems(folder: Path, **environ: str) -> dict[str, Problem]:
    path = folder / "settings.yaml"
    path.write_text(textwrap.dedent(SETTINGS), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ=environ)
    return {p.key_path: p for p in caught.value.problems}


@pytest.mark.parametrize(
    ("key_path", "line"),
    [
        ("sources[0].access_token", 8),  # a secret: pydantic counted "items"
        ("web.host", 16),
        ("alerts.channels[0].host", 22),
        ("alerts.channels[0].to", 24),  # a list
        ("alerts.channels[0].password", 25),  # a ${VAR} set to nothing
    ],
)
def test_an_empty_value_must_not_be_empty(tmp_path: Path, key_path: str, line: int) -> None:
    problem = _problems(tmp_path, SMTP_PASSWORD="")[key_path]
    assert problem.message == "must not be empty"
    assert problem.line == line


def test_the_report_names_the_file_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(SETTINGS, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={"SMTP_PASSWORD": "x"})
    assert f"{path}:8: sources[0].access_token: must not be empty" in str(caught.value)
    assert "item" not in str(caught.value)


def test_a_secret_too_short_is_counted_in_characters(tmp_path: Path) -> None:
    problem = _problems(tmp_path, SMTP_PASSWORD="x")["web.metrics_token"]
    assert problem.message == "must be at least 16 characters long"
    assert problem.line == 17
