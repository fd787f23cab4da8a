"""The "also on" block of a chat message stays within its platform's limit (issue 18 review,
finding 14): five copies whose links are 2,000 characters each (``LINK_MAX``) once made a
Discord field of ~10,000 units (the platform holds 1,024) and Slack and Teams blocks as long;
the channels' cut after rendering then fell inside a link. Each channel's template now links a
source while its link fits the block's budget, names it while its name fits, and counts the
rest in "and N more": nothing is cut, every link shown is whole."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta
from functools import cache
from typing import Any

import httpx
import pytest

from alerts.channels import discord, slack, teams
from alerts.channels.base import SendContext
from alerts.channels.render import render_json
from alerts.escaping import LINK_MAX, link_url, units
from alerts.message import AlertMessage, CopyLine, MentionView
from listener.models import AlertKind
from tests.channel_messages import CREATED, context, message


@cache
def _context() -> SendContext:
    return context(httpx.AsyncClient())


def _long_url(n: int) -> str:
    head = f"https://feed{n}.example/story?id="
    url = head + "a" * (LINK_MAX - len(head))
    assert len(url) == LINK_MAX and link_url(url) == url  # the longest link a channel keeps
    return url


def _copy(n: int, url: str) -> CopyLine:
    return CopyLine(
        mention_id=f"rss:copy-{n}",
        source=f"Feed {n}",
        source_type="rss",
        url=url,
        title=f"Story {n}",
        published_at=CREATED + timedelta(minutes=n),
    )


LONG = tuple(_copy(n, _long_url(n)) for n in range(1, 6))
MIXED = (
    _copy(1, "https://feed1.example/story?id=1"),
    *LONG[1:4],
    _copy(5, "https://feed5.example/story?id=5"),
)


def _with(m: MentionView | None, copies: tuple[CopyLine, ...]) -> MentionView:
    assert m is not None
    return replace(m, copies=copies, copy_sources=len(copies))


def _lead(copies: tuple[CopyLine, ...]) -> AlertMessage:
    msg = message()
    return replace(msg, mention=_with(msg.mention, copies))


def _wave(copies: tuple[CopyLine, ...]) -> AlertMessage:
    msg = message(AlertKind.INCIDENT)
    return replace(msg, examples=tuple(_with(e, copies) for e in msg.examples))


def _texts(payload: Any) -> list[str]:
    if isinstance(payload, str):
        return [payload]
    if isinstance(payload, dict):
        return [t for v in payload.values() for t in _texts(v)]
    if isinstance(payload, list):
        return [t for v in payload for t in _texts(v)]
    return []


def _also_on(payload: Any) -> list[str]:
    return [t for t in _texts(payload) if "5 sources" in t]


def _whole_links(text: str, count: int) -> None:
    """``count`` links after "5 sources", each one of the copies' URLs in full."""
    after = text.split("5 sources", 1)[1]
    urls = re.findall(r"\((https://[^)]*)\)|<(https://[^|>]*)\|", after)
    found = [a or b for a, b in urls]
    assert len(found) == count, found
    assert all(u in {c.url for c in (*LONG, *MIXED)} for u in found)


@pytest.mark.parametrize(("copies", "linked"), [(LONG, 0), (MIXED, 2)])
def test_discord_copies_field_fits_1024_without_a_cut(
    copies: tuple[CopyLine, ...], linked: int
) -> None:
    payload = render_json(_context(), discord.TEMPLATE, _lead(copies))
    [field] = [f for f in payload["embeds"][0]["fields"] if f["name"] == "Copies"]
    assert units(field["value"]) <= discord.FIELD_VALUE_CHARS
    assert all(f"Feed {n}" in field["value"] for n in range(1, 6))
    _whole_links(field["value"], linked)
    fitted = discord.fit(json.loads(json.dumps(payload)))
    assert field in fitted["embeds"][0]["fields"]  # the channel had nothing to cut


def test_discord_example_fields_fit_1024() -> None:
    payload = render_json(_context(), discord.TEMPLATE, _wave(LONG))
    examples = [f for f in payload["embeds"][0]["fields"] if f["name"].startswith("Example")]
    assert examples and all("5 sources" in f["value"] for f in examples)
    assert all(units(f["value"]) <= discord.FIELD_VALUE_CHARS for f in examples)


@pytest.mark.parametrize(("copies", "linked"), [(LONG, 1), (MIXED, 3)])
def test_slack_also_on_fits_3000_without_a_cut(copies: tuple[CopyLine, ...], linked: int) -> None:
    for msg in (_lead(copies), _wave(copies)):
        payload = render_json(_context(), slack.TEMPLATE, msg)
        texts = _also_on(payload["blocks"])
        assert texts and all(units(t) <= slack.SECTION_CHARS for t in texts)
        for text in texts:
            assert all(f"Feed {n}" in text for n in range(1, 6))
            _whole_links(text, linked)
        assert _also_on(slack.fit(json.loads(json.dumps(payload)))["blocks"]) == texts


def test_teams_card_with_long_copies_stays_under_its_limit() -> None:
    for msg in (_lead(LONG), _wave(LONG)):
        body = teams.card_body(_context(), msg)
        assert len(body) <= teams.MAX_BYTES
        texts = _also_on(json.loads(body))
        assert texts and all(units(t) <= 3000 for t in texts)
        for text in texts:
            _whole_links(text, text.split("5 sources", 1)[1].count("]("))
