"""Every channel shows whose history an alert carries when the author is linked to a person
(issue 18): the person's name, each account's network, and the network of each earlier
contact; the webhook's JSON carries ``person``. An unlinked author's history reads as before."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest

from alerts.channels.render import render_json, render_text
from alerts.channels.webhook import message_payload
from alerts.message import AccountLine, AlertMessage, HistoryItem, PersonLine
from tests.channel_messages import CREATED, context, history, message

JSON_TEMPLATES = ["alerts/slack.json.j2", "alerts/teams.json.j2", "alerts/discord.json.j2"]
TEXT_TEMPLATES = ["alerts/console.txt.j2", "alerts/email.txt.j2", "alerts/email.html"]
PERSON = PersonLine(
    id=4,
    name="Dana <!here>",
    accounts=(
        AccountLine("x", "dana_<b>", "x"),
        AccountLine("reddit", "udana", "reddit"),
    ),
)


def _linked() -> AlertMessage:
    earlier = HistoryItem(
        CREATED - timedelta(days=5), "rbrand", None, "order never came", True, "reddit", "reddit"
    )
    return message(history=replace(history(), recent=(earlier,), person=PERSON))


def _render(name: str, msg: AlertMessage) -> str:
    ctx = context(httpx.AsyncClient())
    if name.endswith(".json.j2"):
        payload: Any = render_json(ctx, name, msg)
        return json.dumps(payload, ensure_ascii=False)
    return render_text(ctx, name, msg)


@pytest.mark.parametrize("name", JSON_TEMPLATES + TEXT_TEMPLATES)
def test_every_channel_names_the_person_their_accounts_and_each_contacts_network(
    name: str,
) -> None:
    text = _render(name, _linked())
    assert "Person: " in text
    assert "udana on reddit" in text
    assert "on rbrand (reddit)" in text
    if name in JSON_TEMPLATES:
        assert "<!here>" not in text  # escaped for the channel's markup
    if name == "alerts/email.html":
        assert "Dana &lt;!here&gt;" in text and "<b>" not in text


@pytest.mark.parametrize("name", JSON_TEMPLATES + TEXT_TEMPLATES)
def test_an_unlinked_authors_history_shows_no_person_and_no_network(name: str) -> None:
    text = _render(name, message())
    assert "Person: " not in text
    assert "(x) (complaint)" not in text  # the earlier contact's line, as before


def test_the_webhook_json_carries_the_person_and_each_contacts_network() -> None:
    payload = message_payload(_linked())["author_history"]
    assert payload["person"] == {
        "id": 4,
        "name": "Dana <!here>",
        "accounts": [
            {"source_type": "x", "handle": "dana_<b>", "network": "x"},
            {"source_type": "reddit", "handle": "udana", "network": "reddit"},
        ],
    }
    assert payload["recent"][0]["network"] == "reddit"
    assert message_payload(message())["author_history"]["person"] is None
