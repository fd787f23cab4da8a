"""Slack, Teams, Discord and the generic webhook against real local HTTP receivers: the exact
payload each platform gets, the webhook's headers and signature, and what each kind of
refusal means for the outbox (retry later, retry after the receiver's hint, or fix)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from alerts.channels import discord, slack, teams, webhook
from alerts.channels.base import DeliveryError
from alerts.channels.registry import get_channel_type
from alerts.message import AlertMessage
from listener.config.channels import DiscordChannel, SlackChannel, TeamsChannel, WebhookChannel
from listener.models import AlertKind, DeliveryEvent
from tests.channel_messages import BENGALI, LONG, NOW, context, mention, message

SECRET_PATH = "/services/T000/B000/XXSECRETXX"
SendFn = Callable[[str, AlertMessage], Awaitable[None]]


def _send(channel: str, settings: dict[str, Any], msg: AlertMessage) -> None:
    kind = get_channel_type(channel)
    model = kind.settings_model.model_validate({"name": "team", "type": channel, **settings})

    async def main() -> None:
        async with httpx.AsyncClient() as http:
            await kind.send(context(http), model, msg)

    asyncio.run(main())


def _url_settings(channel: str, url: str) -> dict[str, Any]:
    return {"url": url} if channel == "webhook" else {"webhook_url": url}


def _received(server: HTTPServer) -> tuple[Request, Any]:
    assert len(server.log) == 1
    request, _ = server.log[0]
    return request, json.loads(request.get_data())


def test_every_channel_type_is_registered_with_its_settings_model() -> None:
    assert get_channel_type("slack").settings_model is SlackChannel
    assert get_channel_type("teams").settings_model is TeamsChannel
    assert get_channel_type("discord").settings_model is DiscordChannel
    assert get_channel_type("webhook").settings_model is WebhookChannel
    for name in ("email", "console", "apprise"):
        assert get_channel_type(name).name == name


# ---- Slack ---------------------------------------------------------------------------------


def test_slack_gets_block_kit_with_escaped_text(httpserver: HTTPServer) -> None:
    httpserver.expect_request(SECRET_PATH, method="POST").respond_with_data("ok")
    _send("slack", {"webhook_url": httpserver.url_for(SECRET_PATH)}, message())
    request, payload = _received(httpserver)
    assert request.headers["Content-Type"] == "application/json"
    assert payload["text"].startswith("[HIGH] complaint: Rita says &lt;!channel&gt;")
    blocks = payload["blocks"]
    assert blocks[0]["type"] == "header"
    assert [b["type"] for b in blocks].count("actions") == 1
    quote = next(b["text"]["text"] for b in blocks if b.get("text", {}).get("text", "")[:1] == ">")
    assert quote.startswith(
        ">&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; @\u200beveryone"
    )
    assert "{{ 7*7 }}" in quote and BENGALI in quote and "😡👍🏽" in quote
    assert "\n>&gt; quote" in quote  # the post's own quote is text inside our quote
    fields = next(b["fields"] for b in blocks if "fields" in b)
    assert fields[0]["text"] == "*Who*\nRita *R* &lt;!here&gt; (@angry_&lt;b&gt;)"
    assert "<https://x.example/status/1|open the post>" in fields[1]["text"]
    drafts = [
        b["text"]["text"] for b in blocks if "Reply draft" in b.get("text", {}).get("text", "")
    ]
    assert len(drafts) == 2 and drafts[0].endswith("frustrated @\u200beveryone &lt;b&gt;")


def test_slack_escalation_is_marked_at_the_top(httpserver: HTTPServer) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data("ok")
    _send(
        "slack",
        {"webhook_url": httpserver.url_for(SECRET_PATH)},
        message(event=DeliveryEvent.ESCALATION),
    )
    _, payload = _received(httpserver)
    assert "ESCALATED" in payload["text"]
    assert "not acknowledged within 34m — escalated" in payload["blocks"][1]["text"]["text"]


def test_slack_payload_stays_within_block_kit_limits_for_a_huge_post(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data("ok")
    huge = message(
        AlertKind.INCIDENT,
        title=LONG,
        examples=tuple(mention(LONG, id=f"x:{i}") for i in range(30)),
    )
    _send("slack", {"webhook_url": httpserver.url_for(SECRET_PATH)}, huge)
    _, payload = _received(httpserver)
    assert len(payload["blocks"]) <= slack.MAX_BLOCKS
    assert len(payload["blocks"][0]["text"]["text"]) <= slack.HEADER_CHARS
    for block in payload["blocks"]:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= slack.SECTION_CHARS
    assert payload["blocks"][-1]["type"] == "context"  # the footer survives


# ---- Teams ---------------------------------------------------------------------------------


def test_teams_gets_an_adaptive_card_in_a_workflow_message(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/workflows/XXSECRETXX").respond_with_data("", status=202)
    _send("teams", {"webhook_url": httpserver.url_for("/workflows/XXSECRETXX")}, message())
    _, payload = _received(httpserver)
    assert payload["type"] == "message"
    (attachment,) = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Open alert",
            "url": "https://listener.example/alerts/7",
        }
    ]
    facts = next(b["facts"] for b in card["body"] if b["type"] == "FactSet")
    assert facts[0] == {"title": "Who", "value": "Rita \\*R\\* \\<!here\\> (@angry\\_\\<b\\>)"}
    post = next(b for b in card["body"] if b.get("style") == "emphasis")["items"][0]["text"]
    assert post.startswith("\\<script\\>alert\\(1\\)\\</script\\>")
    assert "\n\n\\> quote" in post  # line breaks kept, the quote marker shown
    assert len(json.dumps(payload).encode()) < teams.MAX_BYTES


# ---- Discord -------------------------------------------------------------------------------


def test_discord_gets_an_embed_that_pings_nobody(httpserver: HTTPServer) -> None:
    path = "/api/webhooks/1/XXSECRETXX"
    httpserver.expect_request(path, query_string="wait=true").respond_with_json({"id": "9"})
    settings = {"webhook_url": httpserver.url_for(path), "username": "listener"}
    _send("discord", settings, message())
    _, payload = _received(httpserver)
    assert payload["allowed_mentions"] == {"parse": []}
    assert payload["username"] == "listener"
    assert "@everyone" not in json.dumps(payload, ensure_ascii=False)
    (embed,) = payload["embeds"]
    assert embed["url"] == "https://listener.example/alerts/7"
    assert embed["description"].count("\\<script\\>") == 1
    assert "\\*bold\\* \\_it\\_ \\~s\\~ \\`x\\`" in embed["description"]
    names = [f["name"] for f in embed["fields"]]
    assert names[:5] == ["Who", "Where", "Reach", "Judgments", "Author history"]
    assert "Reply draft 1 — acknowledge (en)" in names


def test_discord_payload_stays_within_embed_limits(httpserver: HTTPServer) -> None:
    path = "/api/webhooks/1/XXSECRETXX"
    httpserver.expect_request(path).respond_with_json({"id": "9"})
    huge = message(
        AlertKind.DIGEST,
        DeliveryEvent.DIGEST,
        title=LONG,
        details={"sections": [{"title": LONG, "lines": [LONG] * 30} for _ in range(40)]},
        examples=tuple(mention(LONG, id=f"x:{i}") for i in range(30)),
    )
    _send("discord", {"webhook_url": httpserver.url_for(path)}, huge)
    _, payload = _received(httpserver)
    (embed,) = payload["embeds"]
    assert len(payload["content"]) <= discord.CONTENT_CHARS
    assert len(embed["title"]) <= discord.TITLE_CHARS
    assert len(embed["fields"]) <= discord.MAX_FIELDS
    assert all(len(f["name"]) <= discord.FIELD_NAME_CHARS for f in embed["fields"])
    assert all(len(f["value"]) <= discord.FIELD_VALUE_CHARS for f in embed["fields"])
    assert discord._embed_size(embed) <= discord.EMBED_TOTAL_CHARS


def test_discord_429_uses_the_json_retry_after(httpserver: HTTPServer) -> None:
    path = "/api/webhooks/1/XXSECRETXX"
    body = {"message": "You are being rate limited.", "retry_after": 2.5, "global": False}
    httpserver.expect_request(path).respond_with_json(
        body, status=429, headers={"Retry-After": "3"}
    )
    with pytest.raises(DeliveryError) as caught:
        _send("discord", {"webhook_url": httpserver.url_for(path)}, message())
    assert caught.value.retry_after_s == 2.5
    assert not caught.value.permanent


# ---- webhook -------------------------------------------------------------------------------


def test_webhook_body_headers_and_signature(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    settings = {
        "url": httpserver.url_for("/hook"),
        "secret": "s3cret",
        "headers": {"Authorization": "Bearer abc"},
    }
    msg = message(event=DeliveryEvent.ESCALATION)
    _send("webhook", settings, msg)
    request, payload = _received(httpserver)
    headers = request.headers
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"].startswith("listener")
    assert headers["X-Listener-Event"] == "alert.escalation"
    assert headers["X-Listener-Delivery"] == msg.idempotency_key
    assert headers["X-Listener-Timestamp"] == str(int(NOW.timestamp()))
    assert headers["Authorization"] == "Bearer abc"
    # The receiver's recipe, done independently of the channel's own code.
    signed = headers["X-Listener-Timestamp"].encode() + b"." + request.get_data()
    expected = "sha256=" + hmac.new(b"s3cret", signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Listener-Signature"], expected)
    assert payload["schema"] == 1
    assert payload["event"] == "alert.escalation"
    assert payload["alert"]["title"] == msg.title  # raw: the receiver escapes for its markup
    assert payload["alert"]["created_at"] == "2026-03-02T09:26:00+00:00"
    assert msg.mention is not None and payload["mention"]["text"] == msg.mention.text
    assert payload["mention"]["author"]["followers"] == 12_345
    assert payload["author_history"]["recent"][0]["excerpt"] == "still <waiting>"
    assert [d["approach"] for d in payload["drafts"]] == ["acknowledge", "take_private"]


def test_webhook_without_a_secret_sends_no_signature(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    _send(
        "webhook",
        {"url": httpserver.url_for("/hook")},
        message(AlertKind.DIGEST, DeliveryEvent.DIGEST),
    )
    request, payload = _received(httpserver)
    assert "X-Listener-Signature" not in request.headers
    assert request.headers["X-Listener-Event"] == "digest"
    assert payload["mention"] is None and len(payload["examples"]) == 2


def test_message_payload_is_json_for_every_kind() -> None:
    for kind in AlertKind:
        body = json.dumps(webhook.message_payload(message(kind)))
        assert json.loads(body)["alert"]["kind"] == kind.value


# ---- what a refusal means, on every HTTP channel --------------------------------------------

HTTP_CHANNELS = ["slack", "teams", "discord", "webhook"]


@pytest.mark.parametrize("channel", HTTP_CHANNELS)
def test_429_with_retry_after_seconds(httpserver: HTTPServer, channel: str) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data(
        "slow down", status=429, headers={"Retry-After": "120"}
    )
    with pytest.raises(DeliveryError) as caught:
        _send(channel, _url_settings(channel, httpserver.url_for(SECRET_PATH)), message())
    assert caught.value.retry_after_s == 120.0
    assert not caught.value.permanent
    assert "XXSECRETXX" not in str(caught.value)


def test_429_with_retry_after_as_an_http_date(httpserver: HTTPServer) -> None:
    later = format_datetime(NOW.replace(minute=5), usegmt=True)  # 5 minutes after NOW
    httpserver.expect_request(SECRET_PATH).respond_with_data(
        "", status=429, headers={"Retry-After": later}
    )
    with pytest.raises(DeliveryError) as caught:
        _send("slack", {"webhook_url": httpserver.url_for(SECRET_PATH)}, message())
    assert caught.value.retry_after_s == 300.0


@pytest.mark.parametrize("channel", HTTP_CHANNELS)
def test_500_is_transient(httpserver: HTTPServer, channel: str) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data("upstream broke", status=500)
    with pytest.raises(DeliveryError) as caught:
        _send(channel, _url_settings(channel, httpserver.url_for(SECRET_PATH)), message())
    assert not caught.value.permanent and caught.value.retry_after_s is None
    assert "500" in str(caught.value) and "upstream broke" in str(caught.value)


@pytest.mark.parametrize("channel", HTTP_CHANNELS)
def test_404_is_permanent_quoting_the_receiver_but_never_the_url(
    httpserver: HTTPServer, channel: str
) -> None:
    def answer(request: Request) -> Response:
        # A receiver that echoes the URL back must not leak it through our error either.
        return Response(f"no_service {request.url} " + "x" * 5000, status=404)

    httpserver.expect_request(SECRET_PATH).respond_with_handler(answer)
    with pytest.raises(DeliveryError) as caught:
        _send(channel, _url_settings(channel, httpserver.url_for(SECRET_PATH)), message())
    assert caught.value.permanent
    text = str(caught.value)
    assert "404" in text and "no_service" in text
    assert "XXSECRETXX" not in text
    assert len(text) < 600  # the receiver's page is capped


def test_408_is_transient(httpserver: HTTPServer) -> None:
    httpserver.expect_request(SECRET_PATH).respond_with_data("", status=408)
    with pytest.raises(DeliveryError) as caught:
        _send("slack", {"webhook_url": httpserver.url_for(SECRET_PATH)}, message())
    assert not caught.value.permanent


@pytest.mark.parametrize("channel", HTTP_CHANNELS)
def test_a_refused_connection_is_transient_and_names_no_url(channel: str) -> None:
    url = "http://127.0.0.1:9" + SECRET_PATH  # the discard port: nothing listens there
    with pytest.raises(DeliveryError) as caught:
        _send(channel, _url_settings(channel, url), message())
    assert not caught.value.permanent
    assert "XXSECRETXX" not in str(caught.value)
    assert "could not reach" in str(caught.value)
