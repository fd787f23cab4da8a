"""Every channel says where else a story ran (issue 18): "also on N sources" with each
source linked to its copy where the channel has links, escaped with the channel's own
filter, only http(s) links, and capped to a few with "and N more"."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from functools import cache
from typing import Any

import httpx
import pytest

from alerts.channels.base import SendContext
from alerts.channels.render import render_json, render_text
from alerts.channels.webhook import message_payload
from alerts.message import COPY_LINES, AlertMessage, CopyLine, MentionView
from listener.models import AlertKind
from tests.channel_messages import CREATED, context, message

HOSTILE_SOURCE = "@everyone Feed <b>B</b> *bold* [x](http://evil.example)"

JSON_TEMPLATES = ["alerts/slack.json.j2", "alerts/teams.json.j2", "alerts/discord.json.j2"]
TEXT_TEMPLATES = [
    "alerts/console.txt.j2",
    "alerts/email.txt.j2",
    "alerts/email.html",
    "alerts/apprise_body.txt.j2",
]


@cache
def _context() -> SendContext:
    return context(httpx.AsyncClient())


def _copy(n: int, source: str | None = None, url: str | None = None) -> CopyLine:
    return CopyLine(
        mention_id=f"rss:copy-{n}",
        source=source or f"Feed {n}",
        source_type="rss",
        url=url if url is not None else f"https://feed{n}.example/story?id={n}",
        title=f"Story, as feed {n} titled it",
        published_at=CREATED + timedelta(minutes=n),
    )


def _with_copies(m: MentionView, copies: tuple[CopyLine, ...], sources: int) -> MentionView:
    return replace(m, copies=copies, copy_sources=sources)


def _lead_message(copies: tuple[CopyLine, ...], sources: int | None = None) -> AlertMessage:
    msg = message()
    assert msg.mention is not None
    total = len(copies) if sources is None else sources
    return replace(msg, mention=_with_copies(msg.mention, copies, total))


def _render(name: str, msg: AlertMessage) -> str:
    if name.endswith(".json.j2"):
        return json.dumps(render_json(_context(), name, msg), ensure_ascii=False)
    return render_text(_context(), name, msg)


def _texts(payload: Any) -> list[str]:
    if isinstance(payload, str):
        return [payload]
    if isinstance(payload, dict):
        return [t for v in payload.values() for t in _texts(v)]
    if isinstance(payload, list):
        return [t for v in payload for t in _texts(v)]
    return []


def _copies_text(name: str, msg: AlertMessage) -> str:
    """The one text of the rendered message that speaks of the copies."""
    if name.endswith(".json.j2"):
        texts = _texts(render_json(_context(), name, msg))
        found = [t for t in texts if "source" in t and "Feed" in t]
        assert len(found) == 1, found
        return found[0]
    return render_text(_context(), name, msg)


@pytest.mark.parametrize("name", JSON_TEMPLATES + TEXT_TEMPLATES)
def test_a_syndicated_story_says_also_on_two_sources_with_links(name: str) -> None:
    text = _copies_text(name, _lead_message((_copy(1), _copy(2))))
    assert "2 sources" in text
    assert "Feed 1" in text and "Feed 2" in text
    assert "https://feed1.example/story?id=1" in text
    assert "https://feed2.example/story?id=2" in text
    assert "more" not in text.split("2 sources", 1)[1].split("\n\n", 1)[0]


@pytest.mark.parametrize("name", JSON_TEMPLATES + TEXT_TEMPLATES)
def test_one_other_source_is_one_source(name: str) -> None:
    text = _copies_text(name, _lead_message((_copy(1),)))
    assert "1 source:" in text or "1 source*:" in text


@pytest.mark.parametrize("name", JSON_TEMPLATES + TEXT_TEMPLATES)
def test_many_sources_list_a_few_and_say_how_many_more(name: str) -> None:
    shown = tuple(_copy(n) for n in range(1, COPY_LINES + 1))
    text = _copies_text(name, _lead_message(shown, sources=COPY_LINES + 4))
    assert f"{COPY_LINES + 4} sources" in text
    assert "4 more" in text


@pytest.mark.parametrize("name", JSON_TEMPLATES + TEXT_TEMPLATES)
def test_a_story_on_no_other_source_says_nothing_of_copies(name: str) -> None:
    assert "Also on" not in _render(name, _lead_message(()))
    assert "also on" not in _render(name, _lead_message(()))


@pytest.mark.parametrize("name", [*JSON_TEMPLATES, "alerts/email.html"])
def test_a_link_that_is_not_http_is_shown_as_text_without_a_link(name: str) -> None:
    text = _copies_text(name, _lead_message((_copy(1, url="javascript:alert(1)"), _copy(2))))
    assert "javascript" not in text
    assert "Feed 1" in text
    assert "https://feed2.example/story?id=2" in text


@pytest.mark.parametrize(
    ("name", "escaped", "raw"),
    [
        ("alerts/slack.json.j2", "Feed &lt;b&gt;B&lt;/b&gt;", "<b>"),
        ("alerts/discord.json.j2", r"Feed \<b\>B\</b\> \*bold\* \[x\]", "[x]("),
        ("alerts/teams.json.j2", r"Feed \<b\>B\</b\> \*bold\* \[x\]", "[x]("),
        ("alerts/email.html", "Feed &lt;b&gt;B&lt;/b&gt;", "<b>"),
    ],
)
def test_a_source_name_is_escaped_for_the_channels_markup(
    name: str, escaped: str, raw: str
) -> None:
    text = _copies_text(name, _lead_message((_copy(1, source=HOSTILE_SOURCE),)))
    assert escaped in text
    assert raw not in text


@pytest.mark.parametrize("name", ["alerts/slack.json.j2", "alerts/discord.json.j2"])
def test_a_source_name_cannot_ping_anyone(name: str) -> None:
    text = _copies_text(name, _lead_message((_copy(1, source=HOSTILE_SOURCE),)))
    assert "@everyone" not in text  # broken by a zero-width space
    assert "@\u200beveryone" in text


@pytest.mark.parametrize("name", JSON_TEMPLATES + TEXT_TEMPLATES)
def test_a_waves_examples_say_where_else_each_ran(name: str) -> None:
    wave = message(AlertKind.INCIDENT)
    first, second = wave.examples
    msg = replace(wave, examples=(_with_copies(first, (_copy(3),), 1), second))
    text = _render(name, msg)
    assert "Feed 3" in text
    assert "https://feed3.example/story?id=3" in text


def test_the_webhook_payload_lists_each_copy_with_its_link_and_time() -> None:
    payload = message_payload(_lead_message((_copy(1), _copy(2)), sources=3))
    mention = payload["mention"]
    assert mention["copy_sources"] == 3
    assert mention["copy_of"] is None
    assert mention["copies"] == [
        {
            "source": "Feed 1",
            "url": "https://feed1.example/story?id=1",
            "published_at": (CREATED + timedelta(minutes=1)).isoformat(),
        },
        {
            "source": "Feed 2",
            "url": "https://feed2.example/story?id=2",
            "published_at": (CREATED + timedelta(minutes=2)).isoformat(),
        },
    ]


def test_the_webhook_payload_names_a_copys_head() -> None:
    wave = message(AlertKind.INCIDENT)
    first, second = wave.examples
    payload = message_payload(replace(wave, examples=(first, replace(second, copy_of="x:1"))))
    assert [e["copy_of"] for e in payload["examples"]] == [None, "x:1"]
    assert [e["copies"] for e in payload["examples"]] == [[], []]
