"""An alert without a link says why in terms of what it is about: only an alert about one
post may blame the post; a silent source or a wave has no post to link at all."""

from __future__ import annotations

from functools import cache

import httpx
import pytest

from alerts.channels.base import SendContext
from alerts.channels.render import render_text
from alerts.message import AlertMessage
from listener.models import AlertKind, DeliveryEvent
from tests.channel_messages import context, message

PLAIN_TEMPLATES = ["alerts/console.txt.j2", "alerts/email.txt.j2", "alerts/apprise_body.txt.j2"]
TEMPLATES = [*PLAIN_TEMPLATES, "alerts/email.html"]
POST_GONE = "the post is not online any more"


@cache
def _context() -> SendContext:
    return context(httpx.AsyncClient())


def _render(name: str, msg: AlertMessage) -> str:
    return render_text(_context(), name, msg)


@pytest.mark.parametrize("name", TEMPLATES)
def test_a_silent_source_without_base_url_says_nothing_of_a_post(name: str) -> None:
    text = _render(name, message(AlertKind.SILENT_SOURCE, link=None))
    assert POST_GONE not in text
    assert "alerts.base_url is not set" in text
    assert "listener sources" in text  # where to look instead


@pytest.mark.parametrize("name", TEMPLATES)
def test_a_silent_source_with_base_url_links_its_alert_page(name: str) -> None:
    text = _render(name, message(AlertKind.SILENT_SOURCE))
    assert "https://listener.example/alerts/7" in text
    assert "No link" not in text


@pytest.mark.parametrize("name", TEMPLATES)
@pytest.mark.parametrize("kind", [AlertKind.INCIDENT, AlertKind.SENTIMENT_SHIFT])
def test_a_wave_without_base_url_blames_no_post(name: str, kind: AlertKind) -> None:
    text = _render(name, message(kind, link=None))
    assert POST_GONE not in text
    assert "No link: alerts.base_url is not set" in text


@pytest.mark.parametrize("name", TEMPLATES)
def test_a_digest_says_once_that_it_has_no_link(name: str) -> None:
    details: dict[str, object] = {"dashboard_url": None, "sections": []}
    text = _render(
        name, message(AlertKind.DIGEST, DeliveryEvent.DIGEST, link=None, details=details)
    )
    assert POST_GONE not in text
    assert text.count("alerts.base_url is not set") == 1  # the dashboard line says it


@pytest.mark.parametrize("name", TEMPLATES)
def test_a_complaint_whose_post_is_gone_still_says_so(name: str) -> None:
    text = _render(name, message(AlertKind.COMPLAINT, link=None))
    assert POST_GONE in text
