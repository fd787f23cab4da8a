"""Poison in a mention never stops a channel: nothing from a mention reaches an HTTP header
unencoded (a non-ASCII or CR/LF in the delivery key failed every retry with "'ascii' codec
can't encode", holding the channel's queue), and a link a channel would refuse — an encoded
CR/LF that Slack rejects — is left out of that channel's message. Real local receivers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer

from alerts.escaping import header_value, link_url
from listener.config.channels import WebhookChannel
from tests.channel_messages import mention, message
from tests.test_channels_http import _send, _url_settings

POISON_KEY = "complaint:rss:https://blog.example/খবর/é\r\nX-Injected: 1|hook|new"
CRLF_LINK = "https://listener.example/alerts/7?next=%0d%0aSet-Cookie:%20x=1"
POISON_MENTION = mention(
    url="https://blog.example/post?%0D%0Afoo",
    author_url="https://blog.example/খবর\r\nX: y",
    title="Überraschung — খবর\r\nX-Title: injected",
)


def poisoned(**overrides: Any) -> Any:
    values: dict[str, Any] = {
        "idempotency_key": POISON_KEY,
        "link": CRLF_LINK,
        "title": "Ärger mit Acme — অভিযোগ\r\nX-Evil: 1",
        "mention": POISON_MENTION,
    }
    return message(**{**values, **overrides})


@pytest.mark.parametrize("channel", ["slack", "teams", "discord", "webhook"])
def test_a_poisoned_mention_is_delivered_by_every_http_channel(
    httpserver: HTTPServer, channel: str
) -> None:
    httpserver.expect_request("/in", method="POST").respond_with_data("ok")
    _send(channel, _url_settings(channel, httpserver.url_for("/in")), poisoned())
    (request, _), *_ = httpserver.log
    assert all(value.isascii() for value in request.headers.values())
    assert "X-Injected" not in request.headers and "X-Evil" not in request.headers
    payload = json.dumps(json.loads(request.get_data())).lower()
    if channel == "webhook":  # its JSON is raw data by contract: the receiver escapes it
        assert CRLF_LINK.lower() in payload
    else:  # neither link went out to a chat that would refuse it
        assert "%0d%0a" not in payload


def test_the_webhook_delivery_key_is_encoded_in_the_header_and_raw_in_the_body(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    for _ in range(2):  # a retry carries the same key: receivers drop repeats by it
        _send("webhook", {"url": httpserver.url_for("/hook")}, poisoned())
    sent = [request.headers["X-Listener-Delivery"] for request, _ in httpserver.log]
    assert sent[0] == sent[1] == header_value(POISON_KEY)
    assert sent[0].startswith("complaint:rss:https://blog.example/%E0%A6%96")
    assert "%0D%0AX-Injected: 1|hook|new" in sent[0]
    body = json.loads(httpserver.log[0][0].get_data())
    assert body["delivery"] == POISON_KEY


def test_an_ascii_delivery_key_is_sent_as_it_was(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    key = "complaint:rss:abc 1|hook|new"
    _send("webhook", {"url": httpserver.url_for("/hook")}, message(idempotency_key=key))
    assert httpserver.log[0][0].headers["X-Listener-Delivery"] == key


def _buttons(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        element
        for block in payload["blocks"]
        if block.get("type") == "actions"
        for element in block["elements"]
    ]


def test_slack_leaves_out_an_open_alert_button_slack_would_refuse(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/slack", method="POST").respond_with_data("ok")
    _send("slack", {"webhook_url": httpserver.url_for("/slack")}, poisoned())
    payload = json.loads(httpserver.log[0][0].get_data())
    assert _buttons(payload) == []
    assert payload["text"]  # the alert itself still goes out


def test_slack_open_alert_button_carries_an_escaped_url(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/slack", method="POST").respond_with_data("ok")
    raw = "https://listener.example/alerts/7?who=Zoë|x <b>"
    _send("slack", {"webhook_url": httpserver.url_for("/slack")}, message(link=raw))
    [button] = _buttons(json.loads(httpserver.log[0][0].get_data()))
    assert (
        button["url"]
        == link_url(raw)
        == "https://listener.example/alerts/7?who=Zo%C3%AB%7Cx%20%3Cb%3E"
    )


@pytest.mark.parametrize("link", [CRLF_LINK, "https://x.example/a%0Ab", "https://x.example/%7f"])
def test_links_with_an_encoded_control_character_are_left_out(link: str) -> None:
    assert link_url(link) == ""


def test_webhook_headers_in_settings_must_be_sendable() -> None:
    base = {"name": "hook", "type": "webhook", "url": "https://hooks.example/in"}
    with pytest.raises(ValidationError, match="printable ASCII"):
        WebhookChannel.model_validate({**base, "headers": {"X-Team": "Équipe"}})
    with pytest.raises(ValidationError, match="not a header name"):
        WebhookChannel.model_validate({**base, "headers": {"Bad Name": "x"}})
    ok = WebhookChannel.model_validate({**base, "headers": {"Authorization": "Bearer a.b-c"}})
    assert ok.headers == {"Authorization": "Bearer a.b-c"}
