"""Review of the apprise channel: its URLs carry tokens, and apprise's own log lines must not
put them in the daemon's log (every retry of a mistyped URL wrote the token at ERROR)."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from pytest_httpserver import HTTPServer

from alerts.channels import apprise as apprise_channel
from alerts.channels.base import DeliveryError
from listener.config.channels import AppriseChannel
from tests.channel_messages import context, message

TOKEN = "AAHdq0kJ7xQzSECRETtoken"


def _send(urls: list[str]) -> None:
    settings = AppriseChannel.model_validate({"name": "phones", "type": "apprise", "urls": urls})

    async def main() -> None:
        async with httpx.AsyncClient() as http:
            await apprise_channel.send(context(http), settings, message())

    asyncio.run(main())


def _apprise_lines(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("apprise"))


def test_a_mistyped_apprise_url_is_refused_without_its_token_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(DeliveryError) as raised:
        _send([f"tgram:/123456789:{TOKEN}/-100200300"])  # one slash short

    assert raised.value.permanent
    assert "urls[0]" in str(raised.value) and TOKEN not in str(raised.value)
    said = _apprise_lines(caplog)
    assert said  # apprise did say something
    assert TOKEN not in said


def test_apprise_log_lines_about_a_working_url_do_not_carry_its_secrets(
    caplog: pytest.LogCaptureFixture, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(f"/hook/{TOKEN}", method="POST").respond_with_data("ok")
    address = httpserver.url_for(f"/hook/{TOKEN}").removeprefix("http://")
    caplog.set_level(logging.DEBUG)

    _send([f"json://bot:PASSWORDsecret1@{address}"])

    assert len(httpserver.log) == 1  # delivered, to the path that holds the token
    said = _apprise_lines(caplog)  # (the receiver's own access log shows its path, of course)
    assert said
    assert TOKEN not in said and "PASSWORDsecret1" not in said
