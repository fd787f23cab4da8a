"""What a manager reads when the local model (``replies.llm``) fails, and how a draft's lint
is shown: the CLI and the alert page say what to check (the server's address, the timeout,
the key, the model's name) in words, the page in an alert box; "lint failed" only for what
must never be sent, the rest as tips. A real local fake server, or a port nothing listens on.
And an unknown mention id points to where ids are shown, not back to ``listener show``."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from alerts.drafts.lint_advice import lint_advice
from alerts.drafts.llm import llm_drafts_blocking
from listener.cli.main import main
from listener.config.replies import RepliesSettings
from listener.store import open_store
from tests.inbox_helpers import INBOX_SETTINGS
from tests.test_llm_drafts import complaint
from tests.test_llm_drafts_cli import COMPLAINT, in_empty_folder, settings_file
from tests.test_llm_drafts_web import alert_with_drafts, page_client, with_model
from tests.web_fixtures import WebServer

__all__ = ["alert_with_drafts", "in_empty_folder"]  # fixtures used here by name

Start = Callable[..., WebServer]
# A kept draft that names neither the parcel nor a feeling: advice, not a failure.
PLAIN = (
    "Hi User, thanks for telling us. Send us the details at the contact page and we'll "
    "look at it today. — the Acme team"
)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _model(url: str, **more: object) -> RepliesSettings:
    return RepliesSettings.model_validate(
        {"llm": {"enabled": True, "url": url, "model": "tiny-local", **more}}
    )


def with_model_at(url: str) -> str:
    return INBOX_SETTINGS + (
        f"replies:\n  llm:\n    enabled: true\n    url: {url}\n    model: tiny-local\n"
    )


def _completion(*drafts: str) -> dict[str, object]:
    content = json.dumps({"drafts": list(drafts)})
    return {"choices": [{"message": {"role": "assistant", "content": content}}]}


def test_no_server_says_what_to_start_and_where() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1"

    result = llm_drafts_blocking(complaint(), settings=_model(url))

    assert result.failed and result.outcome == "unreachable"
    assert result.message == (
        f"Nothing answered at {url} — is the model server (Ollama, llama.cpp…) running?"
        " (replies.llm.url)"
    )
    assert "ConnectError" in (result.detail or "")  # the log keeps the error's name


@pytest.mark.parametrize(
    ("status", "check"),
    [
        (401, "it refused the key; check replies.llm.api_key."),
        (403, "it refused the key; check replies.llm.api_key."),
        (404, "check replies.llm.model ('tiny-local': is that model installed on the server"),
        (500, "its own log says why."),
    ],
)
def test_an_http_error_says_what_to_check(httpserver: HTTPServer, status: int, check: str) -> None:
    httpserver.expect_request("/v1/chat/completions").respond_with_data("no", status=status)
    url = httpserver.url_for("/v1")

    result = llm_drafts_blocking(complaint(), settings=_model(url))

    assert result.message.startswith(f"The model server at {url} answered HTTP {status}")
    assert check in result.message


def test_the_cli_says_it_once_in_words(in_empty_folder: Path) -> None:
    port = _closed_port()
    path = in_empty_folder / "settings.yaml"
    path.write_text(
        "brands:\n  - name: Acme\n    query: acme\n"
        f"replies:\n  llm: {{enabled: true, url: 'http://127.0.0.1:{port}/v1', model: m}}\n",
        encoding="utf-8",
    )

    result = CliRunner().invoke(main, ["draft", "--config", str(path), "--text", COMPLAINT,
                                       "--llm"])  # fmt: skip

    assert result.exit_code == 0, result.output
    assert f"model:    Nothing answered at http://127.0.0.1:{port}/v1 — is the model" in (
        result.output
    )
    assert "local model drafts failed" not in result.output  # no bare log line above it
    assert "ConnectError" not in result.output


def test_a_kept_draft_shows_tips_not_a_failure_in_the_cli(
    in_empty_folder: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/v1/chat/completions").respond_with_json(_completion(PLAIN))
    path = settings_file(in_empty_folder, httpserver)

    result = CliRunner().invoke(
        main, ["draft", "--config", str(path), "--text", COMPLAINT, "--llm", "--json"]
    )
    kept = json.loads(result.output)["drafts"][-1]
    assert kept["approach"] == "llm" and kept["lint"]["topic_present"] is False
    plain = CliRunner().invoke(main, ["draft", "--config", str(path), "--text", COMPLAINT,
                                      "--llm"])  # fmt: skip

    line = next(x for x in plain.output.splitlines() if x.startswith("[") and " llm · " in x)
    assert "lint ok · tips: " in line and "name the topic" in line
    assert "topic_present" not in line and "lint failed" not in line


def test_lint_advice_splits_what_drops_a_draft_from_tips() -> None:
    soft = {"ok": False, "length_ok": True, "markup_safe": True, "topic_present": False,
            "feeling_acknowledged": False, "name_present": True, "promises": []}  # fmt: skip
    hard = {**soft, "length_ok": False, "promises": ["refund you in full"]}

    assert not lint_advice(soft).failed
    assert lint_advice(soft).tips == ("name the topic", "acknowledge how they feel")
    assert lint_advice(soft).passed == ("name",)
    assert lint_advice(soft).line() == "lint ok · tips: name the topic, acknowledge how they feel"
    assert lint_advice(hard).failures == (
        "too long for the platform",
        "promises the policy forbids: refund you in full",
    )
    assert lint_advice(hard).line().startswith("lint failed: too long for the platform; ")


def test_the_alert_page_shows_a_failure_in_an_alert_box(
    web_server: Start, alert_with_drafts: Callable[[WebServer], int]
) -> None:
    port = _closed_port()
    running = web_server(with_model_at(f"http://127.0.0.1:{port}/v1"))
    alert_id = alert_with_drafts(running)

    swapped = page_client(running).post(
        f"/alerts/{alert_id}/drafts/local-model", headers={"HX-Request": "true"}
    )

    assert swapped.status_code == 200
    box = swapped.text.split('class="flash flash-error model-note" role="alert"', 1)
    assert len(box) == 2, "no alert box"
    said = box[1].split("</div>", 1)[0]
    assert "No drafts from the local model." in said
    assert f"Nothing answered at http://127.0.0.1:{port}/v1" in said
    assert "small muted model-note" not in swapped.text


def test_a_kept_model_draft_shows_tips_not_lint_failed_on_the_page(
    web_server: Start, httpserver: HTTPServer, alert_with_drafts: Callable[[WebServer], int]
) -> None:
    httpserver.expect_request("/v1/chat/completions").respond_with_json(_completion(PLAIN))
    running = web_server(with_model(httpserver))
    alert_id = alert_with_drafts(running)

    swapped = page_client(running).post(
        f"/alerts/{alert_id}/drafts/local-model", headers={"HX-Request": "true"}
    )

    stored = running.store.get_alert(alert_id)
    assert stored is not None
    kept = [d for d in stored.drafts if d.approach == "llm"]
    assert [d.text for d in kept] == [PLAIN] and kept[0].lint["topic_present"] is False
    model_card = swapped.text.rsplit('<article class="card draft">', 1)[1].split("</article>")[0]
    assert "From the local model" in model_card
    assert "lint failed" not in model_card and "lint-fail" not in model_card
    assert '<span class="badge badge-ok">lint ok</span>' in model_card
    assert 'class="small lint-tips">Tips: ' in model_card and "name the topic" in model_card
    assert 'role="status">1 draft from the local model' in swapped.text


def test_an_unknown_id_points_to_where_ids_are_shown_not_back_to_show(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(
        f"brands:\n  - name: Acme\n    query: acme\nstorage:\n  sqlite: {tmp_path / 'l.db'}\n",
        encoding="utf-8",
    )
    with open_store(tmp_path / "l.db"):
        pass  # an empty store: the id is missing, not the database

    result = CliRunner().invoke(main, ["show", "--config", str(path), "news:404"])

    assert result.exit_code == 1
    assert "no mention with id 'news:404'" in result.stderr
    assert "`listener search QUERY`" in result.stderr and "web app" in result.stderr
    assert "--json" not in result.stderr and "`listener show`" not in result.stderr
