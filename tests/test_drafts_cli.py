"""``listener draft``: any text in, drafts out — as JSON for scripts, terminal-safe for people."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from listener.cli.main import main

SETTINGS_FILE = """
brands:
  - name: Acme
    query: acme
replies:
  sign_off: "— Dana, Acme support"
  private_channels: {dm: true, email: help@acme.example}
  fixes:
    website_app: {text: "Update to 4.2 and restart the app", url: "https://help.acme.example/crash"}
"""


@pytest.fixture
def in_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # No settings file anywhere: the command must work with its defaults.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LISTENER_CONFIG", raising=False)
    return tmp_path


def test_json_output_has_the_judgments_and_each_draft_with_its_lint(in_empty_folder: Path) -> None:
    result = CliRunner().invoke(
        main, ["draft", "--text", "my order never arrived, still waiting!!", "--author", "@dana",
               "--json"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) == {"judgments", "drafts"}
    assert out["judgments"]["complaint"] is True
    assert out["judgments"]["topics"][0]["name"] == "delivery"
    assert 2 <= len(out["drafts"]) <= 3
    for item in out["drafts"]:
        assert {"approach", "text", "lint"} <= set(item)
        assert item["lint"]["ok"] is True and item["lint"]["limit"] == 280
        assert "@dana" in item["text"]


def test_settings_file_channels_and_fixes_shape_the_drafts(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(SETTINGS_FILE, encoding="utf-8")

    result = CliRunner().invoke(
        main, ["draft", "--config", str(path), "--text", "the app crashes since the update",
               "--platform", "mastodon", "--json"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    drafts = json.loads(result.output)["drafts"]
    assert [d["approach"] for d in drafts] == ["acknowledge", "solve_now", "take_private"]
    assert "https://help.acme.example/crash" in drafts[1]["text"]
    assert all(d["text"].endswith("— Dana, Acme support") for d in drafts)
    assert all(d["lint"]["limit"] == 500 for d in drafts)


def test_bengali_text_is_drafted_in_bengali(in_empty_folder: Path) -> None:
    result = CliRunner().invoke(
        main, ["draft", "--text", "আমার অর্ডার এখনো আসেনি, খুব বিরক্ত লাগছে", "--json"]
    )

    drafts = json.loads(result.output)["drafts"]
    assert {d["language"] for d in drafts} == {"bn"}
    assert all("অর্ডার" in d["text"] for d in drafts)


def test_text_output_shows_the_post_literally_and_safely(in_empty_folder: Path) -> None:
    text = "{{ 7*7 }} my parcel is lost \x1b[2J\u202e again"
    result = CliRunner().invoke(main, ["draft", "--text", text, "--platform", "bluesky"])

    assert result.exit_code == 0, result.output
    assert "{{ 7*7 }} my parcel is lost" in result.output
    assert "49" not in result.output.replace("/300", "")
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "[1] acknowledge · en ·" in result.output
    assert "lint ok" in result.output
