"""``listener alerts``: list, show, the lifecycle commands and the outbox, on a settings file
and a SQLite store on disk."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from listener.cli.main import main
from listener.config.settings import Settings
from listener.models import AlertKind, AlertState, DeliveryStatus, ReplyDraft, Severity
from listener.store import open_store
from tests.alert_helpers import raise_alert
from tests.helpers import SettableClock
from tests.store_helpers import make_mention

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
def settings(write_settings: Callable[[str], Settings]) -> Settings:
    return write_settings(SETTINGS)


def cli(settings: Settings, *args: str) -> Result:
    return CliRunner().invoke(
        main, ["alerts", *args, "--config", str(settings.config_path)], env={"USER": "dana"}
    )


def json_lines(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.output.splitlines()]


@pytest.fixture
def seeded(settings: Settings, clock: SettableClock) -> Settings:
    """Three alerts: #1 a complaint with a mention and a draft, #2 an incident, #3 a
    complaint whose title carries a terminal escape sequence."""
    with open_store(settings.storage.sqlite) as store:
        store.insert_mentions([make_mention(1, text="acme lost my parcel \x1b[31mtwice")])
        raise_alert(
            store, 1, at=clock(), mention_ids=("news:1",), severity=Severity.HIGH,
            severity_reasons=("reach 12k",),
            drafts=(ReplyDraft("acknowledge", "Sorry, User 1 — we'll find it.", "en",
                               lint={"stock_phrases": []}),),
        )  # fmt: skip
        clock.advance(minutes=5)
        raise_alert(
            store, 2, at=clock(), kind=AlertKind.INCIDENT, channels=("hooks", "gone"),
            details={"terms": ["refund"], "count": 40},
        )  # fmt: skip
        clock.advance(minutes=5)
        raise_alert(store, 3, at=clock(), title="Refund \x1b[2J\x1b]0;pwned\x07 now")
    return settings


def test_list_shows_alerts_newest_first_and_filters_by_state(seeded: Settings) -> None:
    result = cli(seeded, "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == ["#3", "#2", "#1"]
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "Refund" in lines[0]

    assert cli(seeded, "ack", "1").exit_code == 0
    acked = cli(seeded, "list", "--state", "acknowledged", "--state", "replied")
    assert [line.split()[0] for line in acked.output.splitlines()] == ["#1"]
    incidents = cli(seeded, "list", "--kind", "incident", "--json")
    assert [a["id"] for a in json_lines(incidents)] == [2]


def test_list_json_has_every_field_and_the_response_figures(seeded: Settings) -> None:
    assert cli(seeded, "ack", "1", "--by", "sam").exit_code == 0
    shown = {a["id"]: a for a in json_lines(cli(seeded, "list", "--json"))}
    first = shown[1]
    assert first["state"] == "acknowledged"
    assert first["kind"] == "complaint" and first["severity"] == "high"
    assert first["mention_ids"] == ["news:1"]
    assert first["severity_reasons"] == ["reach 12k"]
    assert first["drafts"][0]["approach"] == "acknowledge"
    assert first["sla_breached"] is False
    created = datetime.fromisoformat(first["created_at"])
    acknowledged = datetime.fromisoformat(first["acknowledged_at"])
    assert created.utcoffset() is not None and created.utcoffset().total_seconds() == 0
    assert first["time_to_first_response_s"] == (acknowledged - created).total_seconds()
    assert shown[2]["time_to_first_response_s"] is None
    assert shown[2]["details"] == {"terms": ["refund"], "count": 40}


def test_lifecycle_commands_print_the_new_state_and_record_who(seeded: Settings) -> None:
    ack = cli(seeded, "ack", "1")
    assert ack.exit_code == 0 and "alert #1: acknowledged" in ack.output
    assert "alert #1: replied" in cli(seeded, "reply", "1").output
    assert "alert #1: resolved" in cli(seeded, "resolve", "1").output
    refused = cli(seeded, "ack", "1")
    assert refused.exit_code == 1 and "reopen it first" in refused.output
    reopened = cli(seeded, "reopen", "1")
    assert reopened.exit_code == 0 and "alert #1: replied" in reopened.output
    assert "alert #3: ignored" in cli(seeded, "ignore", "3").output

    shown = json_lines(cli(seeded, "show", "1", "--json"))[0]
    events = [(e["what"], e["by"]) for e in shown["events"]]
    assert ("acknowledged", "dana") in events and ("resolved", "dana") in events
    assert shown["state"] == AlertState.REPLIED.value


def test_assign_and_clear_the_assignee(seeded: Settings) -> None:
    assigned = cli(seeded, "assign", "2", "sam", "--by", "lead")
    assert assigned.exit_code == 0 and "assigned to sam" in assigned.output
    mine = cli(seeded, "list", "--assignee", "sam", "--json")
    assert [a["id"] for a in json_lines(mine)] == [2]
    cleared = cli(seeded, "assign", "2", "--none")
    assert cleared.exit_code == 0 and "assigned" not in cleared.output
    assert json_lines(cli(seeded, "show", "2", "--json"))[0]["assignee"] is None
    assert cli(seeded, "assign", "2").exit_code == 2  # neither a name nor --none


@pytest.mark.parametrize("command", ["ack", "reply", "resolve", "ignore", "reopen", "show"])
def test_an_unknown_alert_id_is_exit_1_with_a_clear_message(seeded: Settings, command: str) -> None:
    result = cli(seeded, command, "999")
    assert result.exit_code == 1
    assert "no alert with id 999" in result.output


def test_show_has_mentions_reasons_details_drafts_history_and_deliveries(
    seeded: Settings,
) -> None:
    result = cli(seeded, "show", "1")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "\x1b" not in text
    for expected in (
        "alert #1 · complaint · high · new",
        "lead news:1",
        "acme lost my parcel",
        "reach 12k",
        "draft 1: acknowledge (en)",
        "Sorry, User 1",
        "raised",
        "hooks",
    ):
        assert expected in text, expected
    incident = cli(seeded, "show", "2").output
    assert 'terms: ["refund"]' in incident and "gone" in incident


def test_show_json_lists_mentions_events_and_deliveries(seeded: Settings) -> None:
    (shown,) = json_lines(cli(seeded, "show", "2", "--json"))
    assert {d["channel"] for d in shown["deliveries"]} == {"hooks", "gone"}
    assert all(d["status"] == "pending" and d["attempts"] == 0 for d in shown["deliveries"])
    assert [e["what"] for e in shown["events"]] == ["raised"]
    (one,) = json_lines(cli(seeded, "show", "1", "--json"))
    assert one["mentions"][0]["id"] == "news:1"


def test_outbox_lists_drops_and_retries_rows(seeded: Settings) -> None:
    rows = json_lines(cli(seeded, "outbox", "--json"))
    assert len(rows) == 4
    gone = next(r for r in rows if r["channel"] == "gone")
    only_gone = json_lines(cli(seeded, "outbox", "--channel", "gone", "--json"))
    assert [r["id"] for r in only_gone] == [gone["id"]]

    dropped = cli(seeded, "outbox", "drop", str(gone["id"]), "--reason", "channel removed")
    assert dropped.exit_code == 0 and "dropped" in dropped.output
    assert "channel removed" in dropped.output
    again = cli(seeded, "outbox", "drop", str(gone["id"]))
    assert again.exit_code == 1 and "cannot drop" in again.output
    pending = json_lines(cli(seeded, "outbox", "--status", "pending", "--json"))
    assert gone["id"] not in [r["id"] for r in pending]

    retried = cli(seeded, "outbox", "retry", str(gone["id"]))
    assert retried.exit_code == 0 and DeliveryStatus.PENDING.value in retried.output
    assert cli(seeded, "outbox", "retry", "999").exit_code == 1
    missing = cli(seeded, "outbox", "drop", "999")
    assert missing.exit_code == 1 and "no outbox row with id 999" in missing.output


def test_without_a_database_list_says_so_and_creates_nothing(settings: Settings) -> None:
    result = cli(settings, "list")
    assert result.exit_code == 0
    assert "does not exist" in result.output
    assert not Path(settings.storage.sqlite).exists()
    assert cli(settings, "ack", "1").exit_code == 1


def test_a_drafts_lint_reads_on_one_line_with_what_failed_and_what_was_found() -> None:
    from listener.cli.render_alerts import render_lint

    line = render_lint(
        {
            "ok": False,
            "length": 301,
            "limit": 280,
            "length_ok": False,
            "name_present": True,
            "feeling_acknowledged": None,
            "banned_phrases": ["please be advised"],
            "echoed_abuse": [],
        }
    )

    assert line == (
        "lint FAILED · 301/280 chars · ✓ name · ✗ length_ok · banned_phrases: please be advised"
    )
