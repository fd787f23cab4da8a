"""``listener draft``: says when a text is not judged a complaint, and ``--llm`` asks the
local model (a real local fake of an OpenAI-compatible server) beside the template drafts."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from listener.cli.main import main
from tests.test_llm_drafts import answered

PRAISE = "Thank you Acme, the new blender is wonderful and arrived early!"
COMPLAINT = "my order never arrived, still waiting after two weeks"
GOOD = (
    "Hi @dana, I'm sorry your order still hasn't come after two weeks. Send us a DM and "
    "we'll trace it today. — the Acme team"
)


@pytest.fixture
def in_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LISTENER_CONFIG", raising=False)
    return tmp_path


def settings_file(folder: Path, server: HTTPServer, *, timeout: float = 5) -> Path:
    path = folder / "settings.yaml"
    path.write_text(
        "brands:\n  - name: Acme\n    query: acme\n"
        "replies:\n  private_channels: {dm: true}\n"
        f"  llm: {{enabled: true, url: '{server.url_for('/v1')}', model: tiny, "
        f"timeout: {timeout}}}\n",
        encoding="utf-8",
    )
    return path


def completion(*drafts: str) -> dict[str, object]:
    content = json.dumps({"drafts": list(drafts)})
    return {"choices": [{"message": {"role": "assistant", "content": content}}]}


def test_praise_is_said_not_to_be_a_complaint(in_empty_folder: Path) -> None:
    result = CliRunner().invoke(main, ["draft", "--text", PRAISE])

    assert result.exit_code == 0, result.output
    note = next(line for line in result.output.splitlines() if line.startswith("note:"))
    assert "not judged a complaint (praise" in note and note.endswith(": drafting a thank-you")
    assert result.output.index("note:") < result.output.index("[1]")  # before the drafts


def test_json_carries_the_verdict_for_a_non_complaint_only(in_empty_folder: Path) -> None:
    praise = json.loads(CliRunner().invoke(main, ["draft", "--text", PRAISE, "--json"]).output)
    question = json.loads(
        CliRunner()
        .invoke(main, ["draft", "--text", "What time does the Leeds store open on Sunday?",
                       "--json"])
        .output
    )  # fmt: skip
    complaint = json.loads(
        CliRunner().invoke(main, ["draft", "--text", COMPLAINT, "--json"]).output
    )

    assert praise["not_a_complaint"]["kind"] == "praise"
    assert praise["not_a_complaint"]["message"].startswith("not judged a complaint (praise")
    assert question["not_a_complaint"]["kind"] == "question"
    assert question["not_a_complaint"]["message"].endswith(": drafting an answer")
    assert "not_a_complaint" not in complaint and complaint["judgments"]["complaint"] is True


def test_llm_without_the_setting_is_refused(in_empty_folder: Path) -> None:
    result = CliRunner().invoke(main, ["draft", "--text", COMPLAINT, "--llm"])

    assert result.exit_code == 2
    assert "--llm needs replies.llm" in result.output


def test_llm_drafts_follow_the_template_drafts(tmp_path: Path, httpserver: HTTPServer) -> None:
    refund = "@dana so sorry! We'll refund you in full right away. — the Acme team"
    httpserver.expect_request("/v1/chat/completions").respond_with_json(completion(GOOD, refund))
    path = settings_file(tmp_path, httpserver)

    result = CliRunner().invoke(
        main, ["draft", "--config", str(path), "--text", COMPLAINT, "--author", "@dana",
               "--llm", "--json"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    approaches = [d["approach"] for d in out["drafts"]]
    assert approaches[-1] == "llm" and approaches.count("llm") == 1
    assert approaches[0] == "acknowledge"  # the template drafts stay, first
    assert out["drafts"][-1]["text"] == GOOD
    assert out["llm"]["outcome"] == "answered"
    assert out["llm"]["dropped"] == [{"text": refund, "reasons": ["promises"]}]


def test_a_model_that_times_out_leaves_the_template_drafts(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    released = threading.Event()

    def slow(request: Request) -> Response:
        released.wait(5)  # until the test has seen the timeout
        return Response(json.dumps(completion(GOOD)), content_type="application/json")

    httpserver.expect_request("/v1/chat/completions").respond_with_handler(slow)
    path = settings_file(tmp_path, httpserver, timeout=0.3)

    result = CliRunner().invoke(
        main, ["draft", "--config", str(path), "--text", COMPLAINT, "--llm"]
    )

    assert result.exit_code == 0, result.output
    assert "model:    The local model did not answer within 0.3 s (replies.llm.timeout)" in (
        result.output
    )
    assert "[1] acknowledge" in result.output and "llm ·" not in result.output
    released.set()
    answered(httpserver)
