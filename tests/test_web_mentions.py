"""The mention page and /api/v1/mentions: the text escaped, the judgments with their evidence,
the label buttons doing what `listener label` does, and who may press them."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
from click.testing import CliRunner

from listener.cli.main import main as cli
from listener.models import AlertKind, Author, Judgments, SentimentLabel, Severity
from listener.store.alert_contract import NewAlert
from tests.alert_helpers import raise_alert
from tests.store_helpers import T0, make_mention
from tests.web_fixtures import WebServer
from tests.web_pages_helpers import (
    HOSTILE_NAME,
    HOSTILE_TEXT,
    HOSTILE_URL,
    browser_client,
    signed_in,
    token_client,
)

JUDGED = Judgments(
    sentiment=-0.62,
    sentiment_label=SentimentLabel.NEGATIVE,
    sentiment_evidence=("'late' −1.5",),
    complaint=False,
    complaint_score=0.21,
    complaint_evidence=("'late' near the brand",),
    complaint_by="rules",
)


def _store_mention(running: WebServer, n: int = 1, **overrides: Any) -> str:
    values: dict[str, Any] = {"brands": ("Acme",), "judgments": JUDGED}
    values.update(overrides)
    mention = make_mention(n, **values)
    running.store.insert_mentions([mention])
    return mention.id


def test_the_api_shows_every_judgment_with_its_evidence_and_its_alert(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    mention_id = _store_mention(running)
    with running.store.alert_transaction() as tx:
        alert = tx.add_alert(
            NewAlert(
                key="complaint:test:1", kind=AlertKind.COMPLAINT, rule="complaint", brand="Acme",
                severity=Severity.HIGH, title="Late again", created_at=T0,
                mention_ids=(mention_id,),
            )
        )  # fmt: skip
    assert alert is not None
    shown = httpx.get(f"{running.url}/api/v1/mentions/{mention_id}").json()
    assert shown["mention"]["judgments"]["complaint_score"] == 0.21
    assert shown["mention"]["judgments"]["complaint_evidence"] == ["'late' near the brand"]
    assert shown["mention"]["judgments"]["sentiment_evidence"] == ["'late' −1.5"]
    assert shown["alerts"] == [
        {
            "id": alert.id, "kind": "complaint", "state": "new", "severity": "high",
            "title": "Late again", "brand": "Acme", "created_at": "2024-05-01T12:00:00Z",
            "page": f"/alerts/{alert.id}",
        }
    ]  # fmt: skip
    page = httpx.get(f"{running.url}/mentions/{mention_id}").text
    assert f'href="/alerts/{alert.id}"' in page
    assert "&#39;late&#39; near the brand" in page


def test_an_unknown_mention_is_a_404_problem(web_server: Callable[..., WebServer]) -> None:
    running = web_server()
    answer = httpx.get(f"{running.url}/api/v1/mentions/news:404")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert httpx.get(f"{running.url}/mentions/news:404").status_code == 404


def test_labelling_through_the_api_stores_what_listener_label_stores(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    by_web = _store_mention(running, 1)
    by_cli = _store_mention(running, 2)
    client = browser_client(running)
    answer = client.post(f"/api/v1/mentions/{by_web}/label", json={"complaint": True})
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["mention"]["judgments"]["complaint"] is True
    assert result["mention"]["judgments"]["complaint_by"] == "person"
    assert result["labelled_by"] == "local"
    assert result["learning"]["retrain_every_s"] == 600
    # The trainer's own report (too few labels for Acme's model yet), unless a loaded
    # machine took longer than the app waits for it: then it says it runs on.
    if result["retrain_pending"]:
        assert result["retrain_report"] == []
    else:
        assert result["retrain_report"][0].startswith("Acme: 1 labels")

    settings_path = running.context.settings.storage.sqlite.parent / "settings.yaml"
    ran = CliRunner().invoke(
        cli, ["label", "--config", str(settings_path), by_cli, "complaint", "--by", "local"]
    )
    assert ran.exit_code == 0, ran.output
    labels = {item.mention.id: item for item in running.store.labelled_mentions("Acme")}
    assert labels[by_web].is_complaint and labels[by_cli].is_complaint
    assert labels[by_web].labeled_by == labels[by_cli].labeled_by == "local"
    web_judged = running.store.get_mention(by_web)
    cli_judged = running.store.get_mention(by_cli)
    assert web_judged is not None and cli_judged is not None
    assert web_judged.judgments == cli_judged.judgments
    shown = httpx.get(f"{running.url}/api/v1/mentions/{by_web}").json()
    assert shown["mention"]["judgments"]["complaint"] is True


def test_labelling_needs_a_csrf_token_from_a_browser(web_server: Callable[..., WebServer]) -> None:
    running = web_server()
    mention_id = _store_mention(running)
    answer = httpx.post(
        f"{running.url}/api/v1/mentions/{mention_id}/label", json={"complaint": True}
    )
    assert answer.status_code == 403
    mention = running.store.get_mention(mention_id)
    assert mention is not None and mention.judgments.complaint_by == "rules"


def test_a_viewer_sees_no_label_buttons_and_the_api_refuses_them(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    mention_id = _store_mention(running)
    viewer = signed_in(running, "vera", "viewer")
    page = viewer.get(f"/mentions/{mention_id}")
    assert page.status_code == 200
    assert "label-form" not in page.text and 'name="verdict"' not in page.text
    assert (
        viewer.post(f"/mentions/{mention_id}/label", data={"verdict": "complaint"}).status_code
        == 403
    )
    assert (
        viewer.post(f"/api/v1/mentions/{mention_id}/label", json={"complaint": True}).status_code
        == 403
    )
    script = token_client(running, "reader", "viewer")
    assert script.get(f"/api/v1/mentions/{mention_id}").status_code == 200
    assert (
        script.post(f"/api/v1/mentions/{mention_id}/label", json={"complaint": True}).status_code
        == 403
    )
    agent = signed_in(running, "ana", "agent")
    assert 'name="verdict"' in agent.get(f"/mentions/{mention_id}").text
    assert (
        agent.post(f"/api/v1/mentions/{mention_id}/label", json={"complaint": False}).status_code
        == 200
    )
    labels = running.store.labelled_mentions("Acme")
    assert [(item.labeled_by, item.is_complaint) for item in labels] == [("ana", False)]


def test_in_the_browser_the_complaint_button_changes_the_judgment(
    web_server: Callable[..., WebServer], page: Any
) -> None:
    running = web_server()
    mention_id = _store_mention(running, text="My parcel is late again, acme.")
    page.goto(f"{running.url}/mentions/{mention_id}")
    verdict = page.locator("#judgments .complaint-verdict strong")
    assert verdict.inner_text() == "no"
    page.get_by_role("button", name="Complaint", exact=True).click()
    page.locator("#judgments .saved").wait_for()
    assert verdict.inner_text() == "yes"
    assert "marked by a person" in page.locator("#judgments").inner_text()
    # No model exists yet (1 label of 30), so no "within 10 minutes" is promised.
    saved = page.locator("#judgments .saved").inner_text()
    assert "Acme: 1 mention labelled (1 complaint)" in saved
    assert "within 10 minutes" not in saved
    pressed = page.locator("#judgments button[aria-pressed='true']")
    assert pressed.count() == 1 and pressed.inner_text().endswith("Complaint")
    # Swapped in place: still one judgments block, still one page.
    assert page.locator("#judgments").count() == 1
    labels = running.store.labelled_mentions("Acme")
    assert [(item.mention.id, item.is_complaint) for item in labels] == [(mention_id, True)]
    page.get_by_role("button", name="Not a complaint").click()
    page.locator("#judgments .saved >> text=not a complaint").wait_for()
    assert verdict.inner_text() == "no"


def test_hostile_text_name_and_url_show_as_text_and_nothing_runs(
    web_server: Callable[..., WebServer], page: Any
) -> None:
    running = web_server()
    mention_id = _store_mention(
        running,
        title=HOSTILE_NAME,
        text=HOSTILE_TEXT,
        url=HOSTILE_URL,
        author=Author(handle="eve", name=HOSTILE_NAME, url=HOSTILE_URL, followers=12),
        judgments=replace(JUDGED, complaint_evidence=(HOSTILE_TEXT,)),
    )
    page.goto(f"{running.url}/mentions/{mention_id}")
    assert page.locator(".mention-text").inner_text() == HOSTILE_TEXT
    assert page.locator(".mention-title").inner_text() == HOSTILE_NAME
    assert HOSTILE_NAME in page.locator(".mention-where").inner_text()
    assert HOSTILE_URL in page.locator(".mention-link").inner_text()
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("main script, main img, main style, main b").count() == 0
    assert page.evaluate("getComputedStyle(document.body).display") != "none"
    # The label buttons still work beside it: the page's own script is not broken.
    page.get_by_role("button", name="Complaint", exact=True).click()
    page.locator("#judgments .saved").wait_for()
    assert HOSTILE_TEXT in page.locator("#judgments").inner_text()


def test_only_an_http_link_becomes_a_link_and_it_opens_apart(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    mention_id = _store_mention(running, url="https://example.com/post?q=<x>&y=1")
    page = httpx.get(f"{running.url}/mentions/{mention_id}").text
    assert (
        '<a class="external" href="https://example.com/post?q=&lt;x&gt;&amp;y=1"'
        ' rel="noopener noreferrer nofollow" target="_blank">'
    ) in page
    assert "<img" not in page.split('id="main"')[1].split("</main>")[0]


def test_without_javascript_the_label_form_posts_and_comes_back(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    mention_id = _store_mention(running)
    client = browser_client(running)
    token = client.headers.pop("X-CSRF-Token")  # a plain form carries it as a field
    answer = client.post(
        f"/mentions/{mention_id}/label", data={"verdict": "not", "csrf_token": token}
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/mentions/{mention_id}"
    mention = running.store.get_mention(mention_id)
    assert mention is not None and mention.judgments.complaint_by == "person"
    refused = client.post(
        f"/mentions/{mention_id}/label", data={"verdict": "maybe", "csrf_token": token}
    )
    assert refused.status_code == 422


LEARNING_SETTINGS = """\
brands:
  - name: Acme
    query: acme
storage:
  sqlite: {db}
judgments:
  learning:
    min_labels: 10
"""


def test_the_label_that_completes_a_training_set_trains_the_brands_model(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server(LEARNING_SETTINGS)
    ids = [
        _store_mention(running, n, text=f"acme parcel {n} {'late again' if n % 2 else 'fine'}")
        for n in range(1, 11)
    ]
    for mention_id in ids[:-1]:
        number = int(mention_id.split(":")[1])
        running.store.set_complaint_label(mention_id, number % 2 == 1, by="seed", at=T0)
    assert running.store.complaint_models() == {}
    answer = browser_client(running).post(
        f"/api/v1/mentions/{ids[-1]}/label", json={"complaint": False}
    )
    assert answer.status_code == 200, answer.text
    result = answer.json()
    # However long training takes here, the answer either carries the report or says it
    # runs on; the model is stored either way.
    if result["retrain_pending"]:
        assert result["retrain_report"] == []
    else:
        assert result["retrain_report"][0].startswith("Acme: model trained on 10 labels")
    deadline = time.monotonic() + 60
    while "Acme" not in running.store.complaint_models() and time.monotonic() < deadline:
        time.sleep(0.1)
    model = running.store.complaint_models()["Acme"]
    assert (model.labels, model.positives) == (10, 5)


def _pressed(html: str) -> list[str]:
    """The label buttons' values marked as in force (aria-pressed) on a page."""
    return re.findall(r'name="verdict" value="(\w+)" aria-pressed="true"', html)


def test_the_verdict_in_force_is_the_pressed_button_and_the_report_is_in_plain_words(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    mention_id = _store_mention(running, judgments=replace(JUDGED, model="vader-3.3+listener-1"))
    client = browser_client(running)
    before = client.get(f"/mentions/{mention_id}").text
    assert _pressed(before) == ["not"]  # the rules said no
    assert "Judged by listener 1 (VADER 3.3 and rules)" in before
    answer = client.post(
        f"/mentions/{mention_id}/label",
        data={"verdict": "complaint"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    text = " ".join(answer.text.split())
    assert _pressed(answer.text) == ["complaint"]
    assert "Acme: 1 mention labelled (1 complaint)." in text
    assert "Acme's own model starts learning at 30 labels" in text
    assert "retrain_every" not in text and "within 10 minutes" not in text
    assert _pressed(client.get(f"/mentions/{mention_id}").text) == ["complaint"]


def test_not_a_complaint_offers_to_ignore_its_open_complaint_alert(
    web_server: Callable[..., WebServer],
) -> None:
    running = web_server()
    mention_id = _store_mention(running)
    alert, _ = raise_alert(running.store, 1, at=T0, mention_ids=[mention_id])
    agent = signed_in(running, "ana", "agent")
    assert "Ignore the alert" not in agent.get(f"/mentions/{mention_id}").text
    htmx = {"HX-Request": "true"}
    labelled = agent.post(f"/mentions/{mention_id}/label", data={"verdict": "not"}, headers=htmx)
    assert "Ignore the alert" in labelled.text
    assert f'name="alert_id" value="{alert.id}"' in labelled.text
    viewer = signed_in(running, "vera", "viewer")
    assert "Ignore the alert" not in viewer.get(f"/mentions/{mention_id}").text
    refused = viewer.post(f"/mentions/{mention_id}/ignore-alert", data={"alert_id": alert.id})
    assert refused.status_code == 403
    assert (
        agent.post(
            f"/mentions/{mention_id}/ignore-alert", data={"alert_id": 999}, headers=htmx
        ).status_code
        == 404
    )
    ignored = agent.post(
        f"/mentions/{mention_id}/ignore-alert", data={"alert_id": alert.id}, headers=htmx
    )
    assert ignored.status_code == 200
    assert f"Alert #{alert.id} ignored" in ignored.text
    assert "Ignore the alert" not in ignored.text
    stored = running.store.get_alert(alert.id)
    assert stored is not None and stored.state.value == "ignored"
    shown = agent.get(f"/api/v1/alerts/{alert.id}").json()
    assert any(e.get("by") == "ana" for e in shown["events"]), shown["events"]
