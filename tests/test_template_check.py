"""``listener check`` tries the templates an operator edited before a real alert needs them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from listener.cli.main import main

SETTINGS = """\
brands: [{name: Acme, query: acme}]
alerts:
  enabled: true
  channels:
    - {name: console, type: console}
    - {name: slack, type: slack, webhook_url: "http://127.0.0.1:9/slack"}
replies:
  templates_dir: mine
"""


def check(folder: Path) -> tuple[int, str, str]:
    (folder / "settings.yaml").write_text(SETTINGS, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--config", str(folder / "settings.yaml")])
    return result.exit_code, result.stdout, result.stderr


def edit(folder: Path, name: str, text: str) -> None:
    path = folder / "mine" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_unedited_templates_all_render(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    code, out, err = check(tmp_path)
    assert code == 0, err
    assert "templates: OK" in out


def test_an_unknown_name_in_an_alert_template_is_reported_with_its_line(tmp_path: Path) -> None:
    edit(tmp_path, "alerts/console.txt.j2", "Alert {{ message.title }}\n{{ message.nope }}\n")
    code, _, err = check(tmp_path)
    assert code == 2
    assert "alerts/console.txt.j2:2: UndefinedError" in err and "nope" in err


def test_a_json_template_that_renders_broken_json_is_reported(tmp_path: Path) -> None:
    edit(tmp_path, "alerts/slack.json.j2", '{"text": {{ message.title }}}')  # no |tojson
    code, _, err = check(tmp_path)
    assert code == 2
    assert "alerts/slack.json.j2" in err and "valid JSON" in err


def test_a_broken_reply_template_is_reported_not_silently_replaced(tmp_path: Path) -> None:
    edit(tmp_path, "replies/bn/acknowledge.j2", "{% if greet %}\n")
    code, _, err = check(tmp_path)
    assert code == 2
    assert "replies/bn/acknowledge.j2 failed (TemplateSyntaxError" in err
