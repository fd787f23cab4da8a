"""The alert page's "Draft with the local model" button, over real HTTP: the web app asks a
real local fake of an OpenAI-compatible server, keeps the drafts that passed with the alert
beside the template drafts, and says what went wrong when the model fails."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import httpx
import pytest
from pytest_httpserver import HTTPServer

from alerts.drafts.replies import draft_replies
from listener.models import AlertState
from listener.web.security import CSRF_COOKIE
from tests.inbox_helpers import INBOX_SETTINGS, NOW, alert_about
from tests.web_fixtures import WebServer

Start = Callable[..., WebServer]
GOOD = (
    "Hi User, I'm sorry your parcel went missing and nobody answered. Send us the details "
    "at the contact page and we'll trace it today. — the Acme team"
)
FORBIDDEN = "Hi User, so sorry! We'll refund you in full today. — the Acme team"


def with_model(server: HTTPServer) -> str:
    return INBOX_SETTINGS + (
        "replies:\n"
        "  llm:\n"
        "    enabled: true\n"
        f"    url: {server.url_for('/v1')}\n"
        "    model: tiny-local\n"
        "    timeout: 5\n"
    )


def completion(*drafts: str) -> dict[str, object]:
    content = json.dumps({"drafts": list(drafts)})
    return {"choices": [{"message": {"role": "assistant", "content": content}}]}


def page_client(running: WebServer) -> httpx.Client:
    client = httpx.Client(base_url=running.url)
    client.get("/inbox")
    client.headers["X-CSRF-Token"] = client.cookies[CSRF_COOKIE]
    return client


def titles(html: str) -> list[str]:
    return re.findall(r'<strong class="draft-title">([^<]*)</strong>', html)


@pytest.fixture
def alert_with_drafts() -> Callable[[WebServer], int]:
    def make(running: WebServer) -> int:
        alert = alert_about(running.store, 1, at=NOW)
        mention = running.store.get_mention(alert.mention_ids[0])
        assert mention is not None
        drafts = draft_replies(mention, settings=running.context.settings.replies, brand="Acme")
        # The drafts the rules would have stored with the alert, approach by approach.
        for approach in dict.fromkeys(d.approach for d in drafts):
            chosen = [d for d in drafts if d.approach == approach]
            running.store.replace_drafts(alert.id, approach, chosen)
        return alert.id

    return make


def test_the_button_asks_once_and_the_drafts_stay_with_the_alert(
    web_server: Start, httpserver: HTTPServer, alert_with_drafts: Callable[[WebServer], int]
) -> None:
    httpserver.expect_request("/v1/chat/completions").respond_with_json(completion(GOOD, FORBIDDEN))
    running = web_server(with_model(httpserver))
    alert_id = alert_with_drafts(running)
    client = page_client(running)
    before = client.get(f"/alerts/{alert_id}").text
    assert "Draft with the local model" in before and len(httpserver.log) == 0  # not asked yet

    swapped = client.post(f"/alerts/{alert_id}/drafts/local-model", headers={"HX-Request": "true"})

    assert swapped.status_code == 200 and 'id="alert-body"' in swapped.text
    text = " ".join(swapped.text.split())
    assert "1 draft from the local model, 1 dropped (promises the policy forbids)" in text
    assert titles(swapped.text)[-1] == "From the local model"
    assert titles(swapped.text)[:-1] == titles(before)  # the template drafts stay, first
    stored = running.store.get_alert(alert_id)
    assert stored is not None and stored.state is AlertState.NEW  # asking is no action
    assert [d.text for d in stored.drafts if d.approach == "llm"] == [GOOD]
    reloaded = client.get(f"/alerts/{alert_id}").text
    assert "Draft again with the local model" in reloaded
    assert titles(reloaded) == titles(swapped.text) and len(httpserver.log) == 1
    metrics = running.context.metrics
    assert metrics.value("listener_llm_drafts_total", outcome="kept") == 1
    assert metrics.value("listener_llm_drafts_total", outcome="dropped_promises") == 1


def test_asking_again_replaces_the_model_drafts_only(
    web_server: Start, httpserver: HTTPServer, alert_with_drafts: Callable[[WebServer], int]
) -> None:
    second = GOOD.replace("today", "this afternoon")
    httpserver.expect_ordered_request("/v1/chat/completions").respond_with_json(completion(GOOD))
    httpserver.expect_ordered_request("/v1/chat/completions").respond_with_json(completion(second))
    running = web_server(with_model(httpserver))
    alert_id = alert_with_drafts(running)
    client = page_client(running)

    client.post(f"/alerts/{alert_id}/drafts/local-model")
    plain = client.post(f"/alerts/{alert_id}/drafts/local-model")

    assert plain.status_code == 303  # without htmx: back to the page
    stored = running.store.get_alert(alert_id)
    assert stored is not None
    assert [d.text for d in stored.drafts if d.approach == "llm"] == [second]
    assert stored.drafts[0].approach == "acknowledge"


def test_a_failing_model_leaves_the_drafts_and_says_why(
    web_server: Start, httpserver: HTTPServer, alert_with_drafts: Callable[[WebServer], int]
) -> None:
    httpserver.expect_request("/v1/chat/completions").respond_with_data("down", status=503)
    running = web_server(with_model(httpserver))
    alert_id = alert_with_drafts(running)
    drafts_before = running.store.get_alert(alert_id).drafts  # type: ignore[union-attr]

    swapped = page_client(running).post(
        f"/alerts/{alert_id}/drafts/local-model", headers={"HX-Request": "true"}
    )

    assert swapped.status_code == 200
    assert "answered HTTP 503" in swapped.text
    assert running.store.get_alert(alert_id).drafts == drafts_before  # type: ignore[union-attr]
    assert running.context.metrics.value("listener_llm_requests_total", outcome="http_error") == 1


def test_without_the_csrf_token_nothing_is_asked(
    web_server: Start, httpserver: HTTPServer, alert_with_drafts: Callable[[WebServer], int]
) -> None:
    running = web_server(with_model(httpserver))
    alert_id = alert_with_drafts(running)
    client = httpx.Client(base_url=running.url)
    client.get("/inbox")

    refused = client.post(f"/alerts/{alert_id}/drafts/local-model")

    assert refused.status_code == 403 and len(httpserver.log) == 0


def test_without_replies_llm_there_is_no_button_and_the_route_refuses(
    web_server: Start, alert_with_drafts: Callable[[WebServer], int]
) -> None:
    running = web_server(INBOX_SETTINGS)
    alert_id = alert_with_drafts(running)
    client = page_client(running)

    assert "with the local model" not in client.get(f"/alerts/{alert_id}").text
    refused = client.post(f"/alerts/{alert_id}/drafts/local-model")
    assert refused.status_code == 409
    assert client.post("/alerts/99999/drafts/local-model").status_code == 404
