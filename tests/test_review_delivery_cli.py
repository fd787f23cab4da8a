"""``listener alerts`` lifecycle commands between two teammates: one replies, the other, on
a list a minute old, acknowledges. The acknowledgement moved the alert back from replied to
acknowledged, so the inbox said nobody had answered the customer yet."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result

from listener.cli.main import main
from listener.config.settings import Settings
from listener.store import open_store
from tests.alert_helpers import raise_alert
from tests.helpers import SettableClock

SETTINGS = """\
brands:
  - name: acme
    query: acme
storage:
  sqlite: data/listener.db
alerts:
  enabled: true
  channels:
    - {name: hooks, type: console}
"""


@pytest.fixture
def settings(write_settings: Callable[[str], Settings], clock: SettableClock) -> Settings:
    settings = write_settings(SETTINGS)
    with open_store(settings.storage.sqlite) as store:
        raise_alert(store, 1, at=clock())
    return settings


def cli(settings: Settings, *args: str, user: str = "dana") -> Result:
    return CliRunner().invoke(
        main, ["alerts", *args, "--config", str(settings.config_path)], env={"USER": user}
    )


def test_acknowledging_an_alert_already_replied_to_leaves_it_replied(settings: Settings) -> None:
    assert cli(settings, "reply", "1", user="dana").exit_code == 0
    late = cli(settings, "ack", "1", user="raj")
    assert late.exit_code == 0, late.output
    assert "alert #1: replied" in late.output
    shown = json.loads(cli(settings, "show", "1", "--json").output)
    assert shown["state"] == "replied"
    assert shown["acknowledged_at"] is None  # the reply was the first response
    assert [(e["what"], e["by"]) for e in shown["events"]] == [
        ("raised", None),
        ("replied", "dana"),
    ]


def test_acknowledging_then_replying_still_moves_forward(settings: Settings) -> None:
    assert "alert #1: acknowledged" in cli(settings, "ack", "1").output
    assert "alert #1: replied" in cli(settings, "reply", "1").output
    assert "alert #1: replied" in cli(settings, "ack", "1").output
