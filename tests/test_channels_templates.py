"""Every alert template renders for every alert kind and event, full or nearly empty, with
StrictUndefined on: an edit that names a missing value fails here, not in a 3 a.m. alert."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import httpx
import pytest

from alerts.channels import discord, slack
from alerts.channels.base import SendContext
from alerts.channels.render import render_json, render_text
from alerts.message import AlertMessage
from listener.models import AlertKind, DeliveryEvent
from tests.channel_messages import (
    BENGALI,
    LONG,
    bare_mention_message,
    bare_message,
    context,
    mention,
    message,
)

JSON_TEMPLATES = ["alerts/slack.json.j2", "alerts/teams.json.j2", "alerts/discord.json.j2"]
TEXT_TEMPLATES = [
    "alerts/console.txt.j2",
    "alerts/email.txt.j2",
    "alerts/email.html",
    "alerts/email_subject.txt.j2",
    "alerts/apprise_title.txt.j2",
    "alerts/apprise_body.txt.j2",
]
UNESCAPED_LT = re.compile(r"(?<!\\)<")
EVENTS = [DeliveryEvent.NEW, DeliveryEvent.ESCALATION, DeliveryEvent.DIGEST]


@cache
def _context() -> SendContext:
    """One template environment for the module (compiled once), as the daemon has; the
    HTTP client is never used by rendering."""
    return context(httpx.AsyncClient())


def _render(name: str, msg: AlertMessage) -> tuple[str, Any]:
    ctx = _context()
    if name.endswith(".json.j2"):
        payload = render_json(ctx, name, msg)
        return json.dumps(payload, ensure_ascii=False), payload
    return render_text(ctx, name, msg), None


def _texts(payload: Any) -> list[str]:
    """Every string in a JSON payload."""
    if isinstance(payload, str):
        return [payload]
    if isinstance(payload, dict):
        return [t for v in payload.values() for t in _texts(v)]
    if isinstance(payload, list):
        return [t for v in payload for t in _texts(v)]
    return []


def _mrkdwn(payload: Any) -> list[str]:
    """Every Slack text object of type mrkdwn (plain_text ones parse nothing)."""
    if isinstance(payload, dict):
        own = [payload["text"]] if payload.get("type") == "mrkdwn" else []
        return own + [t for v in payload.values() for t in _mrkdwn(v)]
    if isinstance(payload, list):
        return [t for v in payload for t in _mrkdwn(v)]
    return []


def _assert_escaped(name: str, payload: Any) -> None:
    """Markup from the post arrives escaped: no raw tag, mention or broadcast in any text
    the platform parses."""
    if "slack" in name:
        texts = [*_mrkdwn(payload), payload["text"]]
        assert texts
        for text in texts:
            assert "<!channel>" not in text and "<script>" not in text and "<@" not in text
            assert "@everyone" not in text and "@here" not in text
        return
    for text in _texts(payload):
        assert UNESCAPED_LT.search(text) is None, text
        if "discord" in name:
            assert "@everyone" not in text and "@here" not in text
    if "discord" in name:
        assert payload["allowed_mentions"] == {"parse": []}


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("kind", list(AlertKind))
@pytest.mark.parametrize("name", JSON_TEMPLATES + TEXT_TEMPLATES)
def test_template_renders_every_kind_and_event(
    name: str, kind: AlertKind, event: DeliveryEvent
) -> None:
    text, payload = _render(name, message(kind, event))
    assert "HIGH" in text  # the severity is visible
    if event == DeliveryEvent.ESCALATION:
        assert "ESCALATED" in text.upper()
        if "subject" not in name and "title" not in name:
            assert "not acknowledged within 34m" in text
    else:
        assert "ESCALATED" not in text.upper()
    if payload is not None:
        _assert_escaped(name, payload)
    if name == "alerts/email.html":
        assert "<script>" not in text
        assert "&lt;!channel&gt;" in text


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("kind", list(AlertKind))
@pytest.mark.parametrize("name", JSON_TEMPLATES + TEXT_TEMPLATES)
def test_template_degrades_gracefully_on_a_bare_message(
    name: str, kind: AlertKind, event: DeliveryEvent
) -> None:
    text, payload = _render(name, bare_message(kind, event))
    shown = _texts(payload) if payload is not None else [text]
    assert not [t for t in shown if "None" in t and t != "None"]  # "None": a Teams spacing
    assert "LOW" in text


@pytest.mark.parametrize("name", JSON_TEMPLATES + TEXT_TEMPLATES)
def test_template_shows_a_mention_that_knows_nothing(name: str) -> None:
    text, payload = _render(name, bare_mention_message())
    shown = _texts(payload) if payload is not None else [text]
    assert not [t for t in shown if "None" in t and t != "None"]
    if "subject" not in name and "title" not in name:
        assert "unknown author" in text
        assert "unknown" in text  # followers unknown, reach shown as a number


@pytest.mark.parametrize("name", ["alerts/console.txt.j2", "alerts/email.txt.j2"])
def test_plain_message_shows_everything_a_person_needs(name: str) -> None:
    text, _ = _render(name, message(AlertKind.COMPLAINT))
    for needed in (
        "Rita *R* <!here> (@angry_<b>)",  # who (plain text: shown as is, controls removed)
        "x-brand (x)",  # where
        "45,678",  # reach
        "never arrived",  # a judgment's evidence
        "3 earlier mention(s)",  # the author's history
        "still <waiting>",
        "https://x.example/status/1",  # the post
        "https://listener.example/alerts/7",  # where to act
        "I can see why you'd be frustrated",  # a reply draft
        BENGALI,
        "{{ 7*7 }}",  # a template expression in a post stays text
    ):
        assert needed in text, needed
    assert "49" not in text
    assert "\x07" not in text and "\x1b" not in text and "\u202e" not in text


def test_incident_shows_driving_terms_counts_and_examples() -> None:
    text, _ = _render("alerts/console.txt.j2", message(AlertKind.INCIDENT))
    assert "driving terms: refund, <!channel>, @everyone" in text
    assert "mentions: 40" in text and "usually: 2.10" in text and "window: 1h" in text
    assert "Examples:" in text and text.count("Who:") == 2


def test_silent_source_and_digest_show_their_details() -> None:
    silent, _ = _render("alerts/console.txt.j2", message(AlertKind.SILENT_SOURCE))
    assert "source: reddit" in silent
    assert "last successful poll: 2026-03-01 09:00 UTC" in silent
    assert "last error: HTTP 503 <html>" in silent
    digest, _ = _render("alerts/console.txt.j2", message(AlertKind.DIGEST, DeliveryEvent.DIGEST))
    for title in ("Volume and sentiment", "Top complaints", "Sla breaches", "Suppressed"):
        assert title in digest
    assert "(none)" in digest  # an empty section says so


def test_long_text_is_cut_within_every_platforms_limits() -> None:
    long = message(
        AlertKind.COMPLAINT,
        title=LONG,
        mention=mention(LONG, title=LONG, author_name=LONG),
        severity_reasons=(LONG,),
    )
    _, slack_payload = _render("alerts/slack.json.j2", long)
    fitted = slack.fit(slack_payload)
    assert len(fitted["blocks"]) <= slack.MAX_BLOCKS
    header = fitted["blocks"][0]
    assert header["type"] == "header" and len(header["text"]["text"]) <= slack.HEADER_CHARS
    for block in fitted["blocks"]:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= slack.SECTION_CHARS
    _, discord_payload = _render("alerts/discord.json.j2", long)
    embed = discord.fit(discord_payload)["embeds"][0]
    assert len(discord_payload["content"]) <= discord.CONTENT_CHARS
    assert len(embed["title"]) <= discord.TITLE_CHARS
    assert len(embed["fields"]) <= discord.MAX_FIELDS
    assert discord._embed_size(embed) <= discord.EMBED_TOTAL_CHARS
    assert all(len(f["value"]) <= discord.FIELD_VALUE_CHARS for f in embed["fields"])
    text, _ = _render("alerts/email_subject.txt.j2", long)
    assert "\n" not in text.strip() and len(text) <= 200
