"""The alert page in a real browser: a draft whose lint has only advice shows "lint ok" and
its tips in neutral colours, and asking a local model that is not running shows what to
check in a visible alert box, not small grey text (no model server listens on the port)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from listener.models import ReplyDraft
from tests.inbox_helpers import alert_about
from tests.test_llm_messages import with_model_at
from tests.web_fixtures import WebServer

Start = Callable[..., WebServer]
WAIT_MS = 10_000
DANGER = "rgb(180, 35, 24)"  # --danger in static/app.css (light scheme)


def test_tips_are_neutral_and_a_missing_model_server_is_said_in_an_alert_box(
    web_server: Start, page: Any
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = web_server(with_model_at(f"http://127.0.0.1:{port}/v1"))
    draft = ReplyDraft(
        approach="acknowledge",
        text="Hi Vera, thanks for telling us. Could you DM us the order number?",
        language="en",
        lint={
            "ok": False,
            "length": 66,
            "limit": 280,
            "length_ok": True,
            "markup_safe": True,
            "name_present": True,
            "topic_present": False,
            "next_step_present": True,
            "promises": [],
        },
    )
    alert = alert_about(running.store, 1, at=datetime.now(UTC), drafts=(draft,))
    page.emulate_media(color_scheme="light")
    page.goto(f"{running.url}/alerts/{alert.id}")

    card = page.locator(".draft").first
    assert "lint ok" in card.inner_text() and "lint failed" not in card.inner_text()
    tips = card.locator(".lint-tips")
    assert tips.inner_text() == "Tips: name the topic."
    assert tips.evaluate("e => getComputedStyle(e).color") != DANGER

    page.get_by_role("button", name="Draft with the local model").click()
    box = page.locator(".model-note[role=alert]")
    box.wait_for(state="visible", timeout=WAIT_MS)
    said = box.inner_text()
    assert said.startswith("No drafts from the local model.")
    assert f"Nothing answered at http://127.0.0.1:{port}/v1" in said
    assert "(replies.llm.url)" in said and "ConnectError" not in said
    assert box.evaluate("e => getComputedStyle(e).color") == DANGER
    # Bigger than the page's small print: the size of body text.
    sizes = box.evaluate(
        "e => [getComputedStyle(e).fontSize, getComputedStyle(document.body).fontSize]"
    )
    assert sizes[0] == sizes[1]
