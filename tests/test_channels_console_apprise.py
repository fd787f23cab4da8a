"""The console channel prints the plain message; the apprise channel reaches a real local
receiver through apprise's own ``json://`` service."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer

from alerts.channels import apprise as apprise_channel
from alerts.channels import console
from alerts.channels.base import DeliveryError, SendContext
from alerts.message import AlertMessage
from alerts.templating import Templates
from listener.config.channels import AppriseChannel, ConsoleChannel
from listener.models import AlertKind, DeliveryEvent
from tests.channel_messages import BENGALI, NOW, context, message


def _run(send: Any, settings: Any, msg: AlertMessage) -> None:
    async def main() -> None:
        async with httpx.AsyncClient() as http:
            await send(context(http), settings, msg)

    asyncio.run(main())


def test_console_prints_the_plain_message(capsys: pytest.CaptureFixture[str]) -> None:
    _run(console.send, ConsoleChannel(name="console", type="console"), message())
    out = capsys.readouterr().out
    assert out.startswith("==== listener alert #7 ====\n[HIGH] complaint: Rita says")
    assert "Who:    Rita *R* <!here> (@angry_<b>)" in out
    assert BENGALI in out
    assert "\x1b" not in out and "\x07" not in out  # no terminal escapes reach the terminal


def test_console_marks_an_escalation(capsys: pytest.CaptureFixture[str]) -> None:
    _run(
        console.send,
        ConsoleChannel(name="c", type="console"),
        message(event=DeliveryEvent.ESCALATION),
    )
    assert "!! ESCALATED: not acknowledged within 34m — escalated" in capsys.readouterr().out


def test_console_works_with_templates_built_without_the_filters(
    capsys: pytest.CaptureFixture[str],
) -> None:
    async def main() -> None:
        async with httpx.AsyncClient() as http:
            ctx = SendContext(http=http, templates=Templates(), clock=lambda: NOW)
            await console.send(ctx, ConsoleChannel(name="c", type="console"), message())

    asyncio.run(main())
    assert "[HIGH] complaint" in capsys.readouterr().out


def _apprise(*urls: str) -> AppriseChannel:
    return AppriseChannel.model_validate({"name": "push", "type": "apprise", "urls": list(urls)})


def test_apprise_delivers_title_and_body(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/notify", method="POST").respond_with_data("ok")
    url = f"json://127.0.0.1:{httpserver.port}/notify"
    _run(apprise_channel.send, _apprise(url), message(AlertKind.INCIDENT, DeliveryEvent.ESCALATION))
    assert len(httpserver.log) == 1
    body = json.loads(httpserver.log[0][0].get_data())
    assert body["title"].startswith("ESCALATED · [HIGH] incident: Rita says <!channel>")
    assert "\n" not in body["title"]
    assert "driving terms: refund" in body["message"]
    assert "not acknowledged within 34m — escalated" in body["message"]


def test_apprise_failure_is_a_transient_delivery_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/notify").respond_with_data("down", status=500)
    url = f"json://127.0.0.1:{httpserver.port}/notify?token=XXSECRETXX"
    with pytest.raises(DeliveryError) as caught:
        _run(apprise_channel.send, _apprise(url), message())
    assert not caught.value.permanent
    assert "XXSECRETXX" not in str(caught.value)


def test_an_url_apprise_does_not_know_is_permanent() -> None:
    with pytest.raises(DeliveryError) as caught:
        _run(apprise_channel.send, _apprise("nosuchservice://XXSECRETXX"), message())
    assert caught.value.permanent
    assert "urls[0]" in str(caught.value) and "XXSECRETXX" not in str(caught.value)
